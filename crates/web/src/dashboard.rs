//! The leader dashboard, the county pages, the unit workbench and a target's chart data: views
//! over the plan's statuses, computed once per change and cached (key: plan version, the
//! store's change counter, today).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use duban_domain::Plan;
use duban_domain::supervision::{AccountRole, Date, Direction, Rag, Status, direction};
use duban_store::{PlanFacts, ReportFilter, now};
use minijinja::context;
use serde::Serialize;

use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{PageLang, error_page, load, page, plan_ctx, ser};
use crate::status_page::{County, PlanStatus, TargetStatus, compute, counties};

/// A unit's standing: reports overdue and late, targets and tasks behind.
#[derive(Debug, Clone, Serialize)]
pub struct UnitLag {
    /// Unit name.
    pub unit: String,
    /// Reports past due and not submitted.
    pub overdue: usize,
    /// Reports submitted after their due date.
    pub late: usize,
    /// Red targets on tasks it leads.
    pub targets_behind: usize,
    /// Red tasks it leads.
    pub tasks_behind: usize,
}

/// A status that changed since the latest round opened.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// `target` or `task`.
    pub kind: &'static str,
    /// Key.
    pub key: String,
    /// Indicator or task title.
    pub name: String,
    /// Before.
    pub before: Status,
    /// Now.
    pub after: Status,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    /// Statuses and roll-ups.
    pub status: PlanStatus,
    /// Red and amber targets, the furthest behind first.
    pub at_risk: Vec<TargetStatus>,
    /// Units ranked by overdue and late reports and targets behind.
    pub lagging: Vec<UnitLag>,
    /// The latest round (title), whose opening changes are counted from.
    pub since: Option<String>,
    /// Changes since then.
    pub changes: Vec<Change>,
    /// The counties, for the map.
    #[serde(skip)]
    pub county_units: Vec<County>,
}

/// What a cached dashboard was computed for: plan version, change counter, day.
type CacheKey = (i64, i64, Date);

/// Cached dashboards by plan.
#[derive(Default)]
pub struct DashboardCache {
    entries: tokio::sync::Mutex<HashMap<i64, (CacheKey, Arc<Dashboard>)>>,
}

fn lagging(
    plan: &Plan,
    facts: &PlanFacts,
    status: &PlanStatus,
    today: Date,
    offset: i64,
) -> Vec<UnitLag> {
    let mut by_unit: BTreeMap<String, UnitLag> = BTreeMap::new();
    for reports in facts.tasks.values() {
        for r in reports {
            let lag = by_unit
                .entry(r.unit_name.clone())
                .or_insert_with(|| UnitLag {
                    unit: r.unit_name.clone(),
                    overdue: 0,
                    late: 0,
                    targets_behind: 0,
                    tasks_behind: 0,
                });
            match r.first_submitted_at {
                None if r.due_on < today => lag.overdue += 1,
                Some(t) if Date::from_unix(t, offset) > r.due_on => lag.late += 1,
                _ => {}
            }
        }
    }
    let red: HashMap<&str, bool> = status
        .tasks
        .iter()
        .map(|t| (t.key.as_str(), t.rag == Rag::Red))
        .collect();
    for node in plan.assigned_nodes() {
        for lead in node.leads() {
            let lag = by_unit.entry(lead.to_owned()).or_insert_with(|| UnitLag {
                unit: lead.to_owned(),
                overdue: 0,
                late: 0,
                targets_behind: 0,
                tasks_behind: 0,
            });
            if red.get(node.id.0.as_str()).copied().unwrap_or(false) {
                lag.tasks_behind += 1;
            }
            lag.targets_behind += status
                .targets
                .iter()
                .filter(|t| t.node == node.id.0 && t.rag == Rag::Red)
                .count();
        }
    }
    let mut v: Vec<UnitLag> = by_unit
        .into_values()
        .filter(|l| l.overdue + l.late + l.targets_behind + l.tasks_behind > 0)
        .collect();
    v.sort_by(|a, b| {
        (b.overdue, b.targets_behind + b.tasks_behind, b.late)
            .cmp(&(a.overdue, a.targets_behind + a.tasks_behind, a.late))
            .then(a.unit.cmp(&b.unit))
    });
    v
}

/// The facts as they stood when a round opened: values recorded before, reports of earlier rounds.
fn facts_before(facts: &PlanFacts, round_id: i64, opened_at: i64) -> PlanFacts {
    let mut before = facts.clone();
    for (key, (_, obs)) in &mut before.targets {
        let times = facts.recorded_at.get(key).cloned().unwrap_or_default();
        let kept: Vec<_> = obs
            .iter()
            .zip(times.iter().chain(std::iter::repeat(&i64::MAX)))
            .filter(|(_, t)| **t < opened_at)
            .map(|(o, _)| *o)
            .collect();
        *obs = kept;
    }
    for reports in before.tasks.values_mut() {
        reports.retain(|r| r.round_id < round_id);
    }
    before
}

fn build(
    plan: &Plan,
    facts: &PlanFacts,
    county_units: Vec<County>,
    today: Date,
    offset: i64,
) -> Dashboard {
    let status = compute(plan, facts, &county_units, today, offset);
    let mut at_risk: Vec<TargetStatus> = status
        .targets
        .iter()
        .filter(|t| matches!(t.rag, Rag::Red | Rag::Amber))
        .cloned()
        .collect();
    at_risk.sort_by(|a, b| {
        (a.rag != Rag::Red, a.assessment.measure.unwrap_or(f64::MAX))
            .partial_cmp(&(b.rag != Rag::Red, b.assessment.measure.unwrap_or(f64::MAX)))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    at_risk.truncate(10);
    let lagging = lagging(plan, facts, &status, today, offset);
    let (since, changes) = match facts.rounds.last() {
        Some((round_id, title, opened_at)) => {
            let earlier = compute(
                plan,
                &facts_before(facts, *round_id, *opened_at),
                &county_units,
                today,
                offset,
            );
            let mut changes = Vec::new();
            for (now_t, then_t) in status.targets.iter().zip(&earlier.targets) {
                if now_t.status != then_t.status {
                    changes.push(Change {
                        kind: "target",
                        key: now_t.key.clone(),
                        name: now_t.indicator.clone(),
                        before: then_t.status,
                        after: now_t.status,
                    });
                }
            }
            for (now_t, then_t) in status.tasks.iter().zip(&earlier.tasks) {
                if now_t.status != then_t.status {
                    changes.push(Change {
                        kind: "task",
                        key: now_t.key.clone(),
                        name: now_t.title.clone(),
                        before: then_t.status,
                        after: now_t.status,
                    });
                }
            }
            (Some(title.clone()), changes)
        }
        None => (None, Vec::new()),
    };
    Dashboard {
        status,
        at_risk,
        lagging,
        since,
        changes,
        county_units,
    }
}

/// A plan's dashboard, from the cache when nothing was written since it was computed.
pub async fn dashboard(
    state: &AppState,
    plan_id: i64,
    plan: &crate::cache::Cached,
) -> Result<Arc<Dashboard>, AppError> {
    let offset = state.config.utc_offset_hours;
    let today = Date::from_unix(now(), offset);
    let version = state.store.current_version(plan_id).await?.unwrap_or(0);
    let key = (version, state.store.change_counter().await?, today);
    let mut entries = state.dashboards.entries.lock().await;
    if let Some((k, d)) = entries.get(&plan_id)
        && *k == key
    {
        return Ok(d.clone());
    }
    let facts = state.store.plan_facts(plan_id).await?;
    let county_units = counties(state, plan).await?;
    let plan_copy: &Plan = plan;
    let d = Arc::new(build(plan_copy, &facts, county_units, today, offset));
    entries.insert(plan_id, (key, d.clone()));
    Ok(d)
}

/// `GET /plans/{plan}/dashboard`: the leader dashboard.
pub async fn dashboard_page(
    State(state): State<AppState>,
    lang: PageLang,
    Path(raw): Path<String>,
) -> Response {
    let (id, plan) = match load(&state, &raw).await {
        Ok(x) => x,
        Err(e) => return error_page(&state, &lang, &e),
    };
    match dashboard(&state, id, &plan).await {
        Ok(d) => {
            let map = map_data(&d);
            // What the page shows, without the full target and task lists.
            let view = context! {
                status => context! {
                    today => d.status.today.to_string(), method => ser(&d.status.method),
                    target_counts => ser(&d.status.target_counts), task_counts => ser(&d.status.task_counts),
                    chapters => ser(&d.status.chapters), units => ser(&d.status.units),
                },
                at_risk => ser(&d.at_risk), lagging => ser(&d.lagging), since => d.since.clone(), changes => ser(&d.changes),
            };
            let ctx = context! {
                d => view, map => ser(&map), map_json => serde_json::to_string(&map).unwrap_or_default(),
                map_attribution => state.config.map_attribution.clone(), demo_map => state.config.map_geojson.is_none(),
                ..plan_ctx(id, &plan)
            };
            page(&state, &lang, "dashboard.html", ctx)
        }
        Err(e) => error_page(&state, &lang, &e),
    }
}

/// One county for the map: code, name, colour and counts.
#[derive(Debug, Clone, Serialize)]
pub struct MapArea {
    /// GB/T 2260 code.
    pub adcode: String,
    /// Name.
    pub name: String,
    /// Colour of its tasks.
    pub rag: Rag,
    /// Tasks by colour.
    pub tasks: duban_domain::supervision::Counts,
}

fn map_data(d: &Dashboard) -> Vec<MapArea> {
    d.status
        .counties
        .iter()
        .map(|g| MapArea {
            adcode: g.key.clone(),
            name: g.name.clone(),
            rag: g.tasks.rag(),
            tasks: g.tasks,
        })
        .collect()
}

/// `GET /plans/{plan}/counties/{adcode}`: a county's tasks and targets with their statuses.
pub async fn county_page(
    State(state): State<AppState>,
    lang: PageLang,
    Path((raw, code)): Path<(String, String)>,
) -> Response {
    let (id, plan) = match load(&state, &raw).await {
        Ok(x) => x,
        Err(e) => return error_page(&state, &lang, &e),
    };
    let d = match dashboard(&state, id, &plan).await {
        Ok(d) => d,
        Err(e) => return error_page(&state, &lang, &e),
    };
    let Some(county) = d.county_units.iter().find(|c| c.adcode == code) else {
        return error_page(&state, &lang, &AppError::NotFound);
    };
    let group = d.status.counties.iter().find(|g| g.key == code);
    let keys: Vec<&str> = plan
        .assigned_nodes()
        .filter(|n| n.responsible.iter().any(|a| county.units.contains(&a.unit)))
        .map(|n| n.id.0.as_str())
        .collect();
    let tasks: Vec<_> = d
        .status
        .tasks
        .iter()
        .filter(|t| keys.contains(&t.key.as_str()))
        .collect();
    let targets: Vec<_> = d
        .status
        .targets
        .iter()
        .filter(|t| keys.contains(&t.node.as_str()))
        .collect();
    let ctx = context! {
        county => context! { adcode => county.adcode.clone(), name => county.name.clone(), units => county.units.clone() },
        group => ser(&group), tasks => ser(&tasks), targets => ser(&targets),
        ..plan_ctx(id, &plan)
    };
    page(&state, &lang, "county.html", ctx)
}

/// `GET /workbench?unit=`: a unit's own page — due, returned, overdue reports, its targets.
pub async fn workbench(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let result = async {
        let unit_id = if viewer.role() == Some(AccountRole::Reporter) {
            viewer.unit().ok_or(AppError::NotFound)?
        } else {
            match q.get("unit").and_then(|u| u.parse::<i64>().ok()) {
                Some(u) => u,
                None => return Ok(None),
            }
        };
        let units = state.store.units().await?;
        let unit = units.iter().find(|u| u.id == unit_id).ok_or(AppError::NotFound)?.name.clone();
        let reports = state.store.reports(&ReportFilter { unit_id: Some(unit_id), limit: 1000, ..ReportFilter::default() }).await?;
        let open: std::collections::HashSet<i64> = state.store.rounds(None, Some(unit_id)).await?.iter().filter(|r| r.closed_at.is_none()).map(|r| r.id).collect();
        let today = Date::from_unix(now(), state.config.utc_offset_hours).to_string();
        let (mut due, mut returned, mut overdue) = (Vec::new(), Vec::new(), Vec::new());
        for r in reports.into_iter().filter(|r| open.contains(&r.round_id)) {
            match r.status.as_str() {
                "returned" => returned.push(r),
                "draft" if r.due_on < today => overdue.push(r),
                "draft" => due.push(r),
                _ => {}
            }
        }
        // Its targets: on the tasks it is responsible for, in every plan.
        let mut targets = Vec::new();
        for (plan_id, _, title) in state.store.current_versions().await? {
            let Some(plan) = state.plan(plan_id).await? else { continue };
            let mut names: Vec<&str> = Vec::new();
            for u in &plan.units {
                if u.name == unit || state.store.unit(&u.name).await?.is_some_and(|r| r.id == unit_id) {
                    names.push(u.name.as_str());
                }
            }
            if names.is_empty() {
                continue;
            }
            let d = dashboard(&state, plan_id, &plan).await?;
            let keys: Vec<&str> = plan.assigned_nodes().filter(|n| n.responsible.iter().any(|a| names.contains(&a.unit.as_str()))).map(|n| n.id.0.as_str()).collect();
            for t in d.status.targets.iter().filter(|t| keys.contains(&t.node.as_str())) {
                targets.push(context! { plan_id, plan_title => title.clone(), target => ser(t) });
            }
        }
        Ok::<_, AppError>(Some(context! { unit, unit_id, due => ser(&due), returned => ser(&returned), overdue => ser(&overdue), targets, today }))
    }
    .await;
    match result {
        Ok(Some(ctx)) => page(&state, &lang, "workbench.html", ctx),
        Ok(None) => {
            let units = state.store.units().await.unwrap_or_default();
            let list: Vec<_> = units
                .iter()
                .map(|u| context! { id => u.id, name => u.name.clone() })
                .collect();
            page(&state, &lang, "workbench.html", context! { choose => list })
        }
        Err(e) => error_page(&state, &lang, &e),
    }
}

/// A target's chart data: baseline, milestones, approved values, projection, status band.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// Indicator and unit of measure.
    pub title: String,
    /// Unit of measure.
    pub unit: String,
    /// Points of the planned path: (date, value), baseline first.
    pub path: Vec<(String, f64)>,
    /// The on-track threshold (95 % of the expected change) along the path.
    pub on_track: Vec<(String, f64)>,
    /// The at-risk threshold (85 %).
    pub at_risk: Vec<(String, f64)>,
    /// Approved values.
    pub observed: Vec<(String, f64)>,
    /// From the latest value to the deadline at the pace since the baseline.
    pub projection: Vec<(String, f64)>,
    /// The goal level.
    pub goal: Option<f64>,
    /// Higher is better.
    pub up: bool,
}

/// The chart of one target.
pub fn chart(t: &duban_domain::Target, s: &TargetStatus, facts: &PlanFacts) -> Chart {
    let settings = facts.targets.get(&t.id.0).map(|(s, _)| s.clone());
    let baseline = settings.as_ref().and_then(|s| s.baseline);
    let mut observed: Vec<(Date, f64)> = facts
        .targets
        .get(&t.id.0)
        .map(|(_, o)| o.iter().map(|o| (o.on, o.value)).collect())
        .unwrap_or_default();
    observed.sort_by_key(|o| o.0);
    let base = baseline
        .map(|b| (Date::year_end(b.year), b.value))
        .or_else(|| observed.first().copied().filter(|_| observed.len() > 1));
    let mut path: Vec<(Date, f64)> = base.into_iter().collect();
    path.extend(
        s.milestones
            .iter()
            .map(|m| (Date::year_end(m.year), m.value)),
    );
    let band = |share: f64| -> Vec<(String, f64)> {
        match base {
            Some((_, b)) => path
                .iter()
                .map(|(d, v)| (d.to_string(), b + (v - b) * share))
                .collect(),
            None => Vec::new(),
        }
    };
    let deadline = s.milestones.iter().map(|m| m.year).max().or(t.year);
    let projection = match (base, observed.last(), deadline) {
        (Some((d0, v0)), Some((d1, v1)), Some(y)) if d1 > &d0 => {
            let slope = (v1 - v0) / (d1.days() - d0.days()) as f64;
            let end = Date::year_end(y);
            vec![
                (d1.to_string(), *v1),
                (
                    end.to_string(),
                    v1 + slope * (end.days() - d1.days()) as f64,
                ),
            ]
        }
        _ => Vec::new(),
    };
    Chart {
        title: t.indicator.clone(),
        unit: t.unit.clone(),
        on_track: band(0.95),
        at_risk: band(0.85),
        path: path.iter().map(|(d, v)| (d.to_string(), *v)).collect(),
        observed: observed.iter().map(|(d, v)| (d.to_string(), *v)).collect(),
        projection,
        goal: s.assessment.goal,
        up: direction(t, baseline) == Direction::Up,
    }
}

/// `GET /plans/{plan}/targets/{target}/data.csv`: the chart's numbers.
pub async fn target_csv(
    State(state): State<AppState>,
    lang: PageLang,
    Path((raw, key)): Path<(String, String)>,
) -> Response {
    let key = key.as_str();
    let (id, plan) = match load(&state, &raw).await {
        Ok(x) => x,
        Err(e) => return error_page(&state, &lang, &e),
    };
    let Some(t) = plan.targets.iter().find(|t| t.id.0 == key) else {
        return error_page(&state, &lang, &AppError::NotFound);
    };
    let facts = match state.store.plan_facts(id).await {
        Ok(f) => f,
        Err(e) => return error_page(&state, &lang, &AppError::Store(e)),
    };
    let s = crate::status_page::compute_target(
        &plan,
        t,
        &facts,
        Date::from_unix(now(), state.config.utc_offset_hours),
    );
    let c = chart(t, &s, &facts);
    let mut out = String::from("\u{feff}series,date,value\n");
    for (name, series) in [
        ("planned", &c.path),
        ("observed", &c.observed),
        ("projection", &c.projection),
        ("on_track_threshold", &c.on_track),
        ("at_risk_threshold", &c.at_risk),
    ] {
        for (d, v) in series {
            out.push_str(&format!("{name},{d},{v}\n"));
        }
    }
    if let (Some(g), Some(y)) = (c.goal, t.year) {
        out.push_str(&format!("goal,{},{g}\n", Date::year_end(y)));
    }
    let mut response = out.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"target-{key}.csv\"")) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, v);
    }
    response
}
