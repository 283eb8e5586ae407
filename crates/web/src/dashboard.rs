//! The leader dashboard, the county pages, the unit workbench and a target's chart data. The
//! figures are computed in `duban_domain::supervision` (`dashboard`, `chart`) once per change and
//! cached here (key: plan version, the store's change counter, today); handlers load, call and
//! render.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use duban_domain::Plan;
use duban_domain::supervision::{
    AccountRole, County, Dashboard, Date, Directory, Inputs, StatusMethod, chart,
    dashboard as compute, target_status,
};
use duban_store::{ReportFilter, ReportStatus, now};
use minijinja::context;

use crate::AppState;
use crate::auth::Viewer;
use crate::csv_export::CsvExport;
use crate::error::AppError;
use crate::pages::{PageLang, error_page, load, page, plan_ctx, ser};

/// What a cached dashboard was computed for: plan version, change counter, day.
type CacheKey = (i64, i64, Date);

/// A plan, and whether its dashboard is the public's.
type Slot = (i64, bool);

/// Cached dashboards by plan and audience.
#[derive(Default)]
pub struct DashboardCache {
    entries: tokio::sync::Mutex<HashMap<Slot, (CacheKey, Arc<Dashboard>)>>,
}

/// Who reports for whom in a plan, from the registry: each plan unit name's reporting units (a
/// group's members, else the unit under its registered name) and the counties (a registered
/// unit with a GB/T 2260 code is a county's government).
pub async fn directory(state: &AppState, plan: &Plan) -> Result<Directory, AppError> {
    let mut reporters = BTreeMap::new();
    let mut by_code: BTreeMap<String, County> = BTreeMap::new();
    for unit in &plan.units {
        let Some(record) = state.store.unit(&unit.name).await? else {
            continue;
        };
        let mut members = Vec::new();
        for member in &record.members {
            if let Some(m) = state.store.unit(member).await? {
                members.push(m);
            }
        }
        let standing: Vec<&duban_store::UnitRecord> = if record.members.is_empty() {
            vec![&record]
        } else {
            members.iter().collect()
        };
        reporters.insert(
            unit.name.clone(),
            standing.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
        );
        for r in standing {
            if let Some(code) = &r.adcode {
                let c = by_code.entry(code.clone()).or_insert_with(|| County {
                    adcode: code.clone(),
                    name: r.name.clone(),
                    unit: r.name.clone(),
                    via: Vec::new(),
                });
                c.via.push(unit.name.clone());
            }
        }
    }
    Ok(Directory {
        reporters,
        counties: by_code.into_values().collect(),
    })
}

/// The facts a request may see: all of them, or (`public`) those of the latest round the office
/// published, as they stood when it was published — none before the first publication. With
/// them, the title of that round.
pub async fn facts_for(
    state: &AppState,
    plan_id: i64,
    public: bool,
) -> Result<(duban_domain::supervision::PlanFacts, Option<String>), AppError> {
    if !public {
        return Ok((state.store.plan_facts(plan_id).await?, None));
    }
    match state.store.published_cutoff(plan_id).await? {
        Some((cutoff, title)) => Ok((
            state.store.plan_facts_as_of(plan_id, cutoff).await?,
            Some(title),
        )),
        None => {
            // Nothing published: no value, no report, only the method.
            let all = state.store.plan_facts_as_of(plan_id, -1).await?;
            Ok((all, None))
        }
    }
}

/// A plan's dashboard, from the cache when nothing was written since it was computed; the
/// public's (`public`) from the published facts and the public view of the plan.
pub async fn dashboard(
    state: &AppState,
    plan_id: i64,
    plan: &crate::cache::Cached,
    public: bool,
) -> Result<Arc<Dashboard>, AppError> {
    let offset = state.config.utc_offset_hours;
    let today = Date::from_unix(now(), offset);
    let version = state.store.current_version(plan_id).await?.unwrap_or(0);
    let key = (version, state.store.change_counter().await?, today);
    let slot = (plan_id, public);
    let mut entries = state.dashboards.entries.lock().await;
    if let Some((k, d)) = entries.get(&slot)
        && *k == key
    {
        return Ok(d.clone());
    }
    let (facts, _) = facts_for(state, plan_id, public).await?;
    let directory = directory(state, plan).await?;
    let d = Arc::new(compute(&Inputs {
        plan,
        facts: &facts,
        method: StatusMethod::parse(&facts.method).unwrap_or_default(),
        today,
        utc_offset_hours: offset,
        directory: &directory,
    }));
    entries.insert(slot, (key, d.clone()));
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
    match dashboard(&state, id, &plan, false).await {
        Ok(d) => {
            let map = &d.map;
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
                d => view, map => ser(map), map_json => serde_json::to_string(map).unwrap_or_default(),
                map_attribution => state.config.map_attribution.clone(), demo_map => state.config.map_geojson.is_none(),
                ..plan_ctx(id, &plan)
            };
            page(&state, &lang, "dashboard.html", ctx)
        }
        Err(e) => error_page(&state, &lang, &e),
    }
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
    let d = match dashboard(&state, id, &plan, false).await {
        Ok(d) => d,
        Err(e) => return error_page(&state, &lang, &e),
    };
    let Some(county) = d.counties.iter().find(|c| c.adcode == code) else {
        return error_page(&state, &lang, &AppError::NotFound);
    };
    // The county's record is its government's: its part of each task, the targets it answers for.
    let group = d.status.counties.iter().find(|g| g.key == code);
    let record = d.status.records.get(&county.unit);
    let tasks: Vec<_> = record.map(|r| r.tasks.iter().collect()).unwrap_or_default();
    let targets: Vec<_> = d
        .status
        .targets
        .iter()
        .filter(|t| record.is_some_and(|r| r.targets.contains(&t.key)))
        .collect();
    let ctx = context! {
        county => context! { adcode => county.adcode.clone(), name => county.name.clone(), unit => county.unit.clone(), units => county.via.clone() },
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
            match r.status {
                ReportStatus::Returned => returned.push(r),
                ReportStatus::Draft if r.due_on < today => overdue.push(r),
                ReportStatus::Draft => due.push(r),
                ReportStatus::Submitted | ReportStatus::Approved => {}
            }
        }
        // Its record in every plan: its part of each task it owes, the targets it answers for.
        let (mut tasks, mut targets) = (Vec::new(), Vec::new());
        for duban_store::PlanStamp { plan_id, title, .. } in state.store.current_versions().await? {
            let Some(plan) = state.plan(plan_id).await? else { continue };
            let d = dashboard(&state, plan_id, &plan, false).await?;
            let Some(record) = d.status.records.get(&unit) else { continue };
            for t in &record.tasks {
                tasks.push(context! { plan_id, plan_title => title.clone(), task => ser(t) });
            }
            for t in d.status.targets.iter().filter(|t| record.targets.contains(&t.key)) {
                targets.push(context! { plan_id, plan_title => title.clone(), target => ser(t) });
            }
        }
        Ok::<_, AppError>(Some(context! { unit, unit_id, due => ser(&due), returned => ser(&returned), overdue => ser(&overdue), tasks, targets, today }))
    }
    .await;
    match result {
        Ok(Some(ctx)) => page(&state, &lang, "workbench.html", ctx),
        Ok(None) => {
            let units = state
                .store
                .units()
                .await
                .inspect_err(|e| tracing::error!(error = %e, "unit list failed"))
                .unwrap_or_default();
            let list: Vec<_> = units
                .iter()
                .map(|u| context! { id => u.id, name => u.name.clone() })
                .collect();
            page(&state, &lang, "workbench.html", context! { choose => list })
        }
        Err(e) => error_page(&state, &lang, &e),
    }
}

/// `GET /plans/{plan}/targets/{target}/data.csv`: the chart's numbers.
pub async fn target_csv(
    State(state): State<AppState>,
    lang: PageLang,
    Path((raw, key)): Path<(String, String)>,
) -> Response {
    let key = key.as_str();
    let (id, plan) = match crate::pages::load_for(&state, &lang, &raw).await {
        Ok(x) => x,
        Err(e) => return error_page(&state, &lang, &e),
    };
    let Some(t) = plan.targets.iter().find(|t| t.id.0 == key) else {
        return error_page(&state, &lang, &AppError::NotFound);
    };
    let facts = match facts_for(&state, id, crate::pages::public_audience(&lang)).await {
        Ok((f, _)) => f,
        Err(e) => return error_page(&state, &lang, &e),
    };
    let method = StatusMethod::parse(&facts.method).unwrap_or_default();
    let s = target_status(
        &plan,
        t,
        &facts,
        method,
        duban_domain::supervision::Date::from_unix(
            duban_store::now(),
            state.config.utc_offset_hours,
        ),
    );
    let c = chart(t, &s, &facts);
    let mut out = CsvExport::new(&["series", "date", "value"]);
    for (name, series) in [
        ("planned", &c.path),
        ("observed", &c.observed),
        ("projection", &c.projection),
        ("on_track_threshold", &c.on_track),
        ("at_risk_threshold", &c.at_risk),
    ] {
        for (d, v) in series {
            out.row([name.to_owned(), d.to_string(), v.to_string()]);
        }
    }
    if let (Some(g), Some(y)) = (c.goal, t.year) {
        out.row([
            "goal".to_owned(),
            Date::year_end(y).to_string(),
            g.to_string(),
        ]);
    }
    out.into_response(&format!("target-{key}.csv"))
}
