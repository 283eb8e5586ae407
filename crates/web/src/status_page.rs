//! Status of a plan's targets and tasks (rules in `duban_domain::supervision`, method in
//! `docs/status.md`), rolled up to chapters, sections, units and counties; the page and its data.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, State};
use axum::response::Response;
use duban_domain::supervision::{
    Assessment, Counts, Date, Milestone, Rag, Status, StatusMethod, TaskProgress, assess_target,
    assess_task, decompose,
};
use duban_domain::{Node, Plan, Role, Target};
use duban_store::PlanFacts;
use minijinja::context;
use serde::Serialize;

use crate::AppState;
use crate::error::AppError;
use crate::pages::{PageLang, error_page, load, page, plan_ctx, ser};

/// A target's status row.
#[derive(Debug, Clone, Serialize)]
pub struct TargetStatus {
    /// Key.
    pub key: String,
    /// Its task's key.
    pub node: String,
    /// Indicator.
    pub indicator: String,
    /// Unit of measure.
    pub unit: String,
    /// Status.
    pub status: Status,
    /// Its colour.
    pub rag: Rag,
    /// Figures behind it.
    pub assessment: Assessment,
    /// Milestones used (saved, or linear).
    pub milestones: Vec<Milestone>,
    /// Deadline year.
    pub year: Option<i32>,
}

/// A task's status row.
#[derive(Debug, Clone, Serialize)]
pub struct TaskStatus {
    /// Key.
    pub key: String,
    /// Number and title.
    pub title: String,
    /// Lead units.
    pub leads: Vec<String>,
    /// Status.
    pub status: Status,
    /// Its colour.
    pub rag: Rag,
    /// Percent complete ÷ time elapsed.
    pub ratio: Option<f64>,
    /// Latest approved percent complete.
    pub percent: Option<f64>,
    /// Reports overdue in its latest round.
    pub overdue: usize,
}

/// A group's roll-up.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// Key (node key, unit name, adcode).
    pub key: String,
    /// Name.
    pub name: String,
    /// Tasks by colour.
    pub tasks: Counts,
    /// Targets by colour.
    pub targets: Counts,
    /// The group's colour (over tasks and targets).
    pub rag: Rag,
}

/// A plan's statuses.
#[derive(Debug, Clone, Serialize)]
pub struct PlanStatus {
    /// The method targets are assessed by.
    pub method: StatusMethod,
    /// Today, in the office's time zone.
    pub today: Date,
    /// Targets.
    pub targets: Vec<TargetStatus>,
    /// Tasks (nodes with responsible units).
    pub tasks: Vec<TaskStatus>,
    /// All targets.
    pub target_counts: Counts,
    /// All tasks.
    pub task_counts: Counts,
    /// By chapter.
    pub chapters: Vec<Group>,
    /// By section (the second level).
    pub sections: Vec<Group>,
    /// By responsible unit.
    pub units: Vec<Group>,
    /// By county-level division.
    pub counties: Vec<Group>,
}

/// A county: its code, name, and the unit names that stand for it (its government and groups
/// it belongs to).
#[derive(Debug, Clone)]
pub struct County {
    /// GB/T 2260 code.
    pub adcode: String,
    /// Name.
    pub name: String,
    /// Unit names whose tasks count for it.
    pub units: Vec<String>,
}

fn horizon(plan: &Plan) -> Option<i32> {
    plan.operative_horizon()
}

fn year_in(text: &str) -> Option<i32> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(4).find_map(|w| {
        let s: String = w.iter().collect();
        s.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y))
    })
}

fn target_status(
    method: StatusMethod,
    plan: &Plan,
    t: &Target,
    facts: &PlanFacts,
    today: Date,
) -> TargetStatus {
    let (settings, observations) = match facts.targets.get(&t.id.0) {
        Some((s, o)) => (Some(s), o.as_slice()),
        None => (None, &[][..]),
    };
    let baseline = settings.and_then(|s| s.baseline);
    let milestones = match settings.map(|s| s.milestones.clone()) {
        Some(m) if !m.is_empty() => m,
        _ => decompose(t, baseline, horizon(plan)),
    };
    let assessment = assess_target(method, t, baseline, &milestones, observations, today);
    TargetStatus {
        key: t.id.0.clone(),
        node: t.node.0.clone(),
        indicator: t.indicator.clone(),
        unit: t.unit.clone(),
        status: assessment.status,
        rag: assessment.status.rag(),
        assessment,
        milestones,
        year: t.year,
    }
}

fn task_status(
    plan: &Plan,
    node: &Node,
    facts: &PlanFacts,
    today: Date,
    offset_hours: i64,
) -> TaskStatus {
    task_status_of(plan, node, facts, today, offset_hours, None)
}

/// A task's status from all its reports, or (`only`) from one unit's: a county's part of a
/// task it shares with others is judged by its own reports.
fn task_status_of(
    plan: &Plan,
    node: &Node,
    facts: &PlanFacts,
    today: Date,
    offset_hours: i64,
    only: Option<&str>,
) -> TaskStatus {
    let all = facts
        .tasks
        .get(&node.id.0)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let own: Vec<_>;
    let reports = match only {
        Some(unit) => {
            own = all
                .iter()
                .filter(|r| r.unit_name == unit)
                .cloned()
                .collect();
            own.as_slice()
        }
        None => all,
    };
    let latest_round = reports.iter().map(|r| r.round_id).max();
    let mut progress = TaskProgress::default();
    for r in reports.iter().filter(|r| Some(r.round_id) == latest_round) {
        match r.first_submitted_at {
            None if r.due_on < today => progress.overdue += 1,
            Some(t) if Date::from_unix(t, offset_hours) > r.due_on => progress.late += 1,
            _ => {}
        }
    }
    // Each unit's latest approved percent; the leads' lowest, else anyone's lowest.
    let mut latest: HashMap<i64, (i64, f64, bool)> = HashMap::new();
    for r in reports {
        if let Some(p) = r.approved_percent {
            let lead = r.role == Role::Lead.as_str();
            let e = latest.entry(r.unit_id).or_insert((r.round_id, p, lead));
            if r.round_id >= e.0 {
                *e = (r.round_id, p, lead);
            }
        }
    }
    let lowest = |lead_only: bool| {
        latest
            .values()
            .filter(|(_, _, lead)| !lead_only || *lead)
            .map(|(_, p, _)| *p)
            .reduce(f64::min)
    };
    progress.percent = lowest(true).or_else(|| lowest(false));
    let start = plan
        .issued_on
        .as_deref()
        .and_then(Date::parse)
        .unwrap_or_else(|| Date::new(today.year(), 1, 1).unwrap_or(today));
    let end_year = node
        .deadline
        .as_deref()
        .and_then(year_in)
        .or_else(|| horizon(plan));
    let end = end_year.map_or(start.plus_days(365), Date::year_end);
    let (status, ratio) = assess_task(progress, start, end, today);
    TaskStatus {
        key: node.id.0.clone(),
        title: format!("{} {}", node.number.clone().unwrap_or_default(), node.title)
            .trim()
            .to_owned(),
        leads: node.leads().map(str::to_owned).collect(),
        status,
        rag: status.rag(),
        ratio,
        percent: progress.percent,
        overdue: progress.overdue,
    }
}

/// Adds a node's task status and its targets' statuses to a group's counts.
fn tally(
    key: &str,
    task_by_key: &HashMap<&str, &TaskStatus>,
    targets_of_node: &HashMap<&str, Vec<&TargetStatus>>,
    tasks: &mut Counts,
    targets: &mut Counts,
) {
    if let Some(t) = task_by_key.get(key) {
        tasks.add(t.status);
    }
    for t in targets_of_node.get(key).into_iter().flatten() {
        targets.add(t.status);
    }
}

/// The node's ancestors from the top (chapter first), itself last.
fn lineage<'a>(plan: &'a Plan, node: &'a Node) -> Vec<&'a Node> {
    let mut chain = vec![node];
    let mut current = node;
    for _ in 0..64 {
        match current.parent.as_ref().and_then(|p| plan.node(p)) {
            Some(parent) => {
                chain.push(parent);
                current = parent;
            }
            None => break,
        }
    }
    chain.reverse();
    chain
}

/// Counts of the tasks and targets under the nodes at one depth (0: chapters, 1: sections).
fn roll_up(
    plan: &Plan,
    depth: usize,
    task_by_key: &HashMap<&str, &TaskStatus>,
    targets_of_node: &HashMap<&str, Vec<&TargetStatus>>,
) -> Vec<Group> {
    let position: HashMap<&str, usize> = plan
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.0.as_str(), i))
        .collect();
    let mut groups: BTreeMap<usize, (String, String, Counts, Counts)> = BTreeMap::new();
    for node in &plan.nodes {
        let chain = lineage(plan, node);
        let Some(head) = chain.get(depth) else {
            continue;
        };
        let entry = groups
            .entry(position.get(head.id.0.as_str()).copied().unwrap_or(0))
            .or_insert_with(|| {
                let name = format!("{} {}", head.number.clone().unwrap_or_default(), head.title)
                    .trim()
                    .to_owned();
                (
                    head.id.0.clone(),
                    name,
                    Counts::default(),
                    Counts::default(),
                )
            });
        tally(
            &node.id.0,
            task_by_key,
            targets_of_node,
            &mut entry.2,
            &mut entry.3,
        );
    }
    groups
        .into_values()
        .map(|(k, n, t, g)| group(k, n, t, g))
        .collect()
}

fn group(key: String, name: String, tasks: Counts, targets: Counts) -> Group {
    let mut both = tasks;
    both.merge(&targets);
    Group {
        key,
        name,
        tasks,
        targets,
        rag: both.rag(),
    }
}

/// One target's status (its saved or linear milestones, its approved values).
pub fn compute_target(plan: &Plan, t: &Target, facts: &PlanFacts, today: Date) -> TargetStatus {
    let method = StatusMethod::parse(&facts.method).unwrap_or_default();
    target_status(method, plan, t, facts, today)
}

/// Computes every status of a plan.
pub fn compute(
    plan: &Plan,
    facts: &PlanFacts,
    counties: &[County],
    today: Date,
    offset_hours: i64,
) -> PlanStatus {
    let method = StatusMethod::parse(&facts.method).unwrap_or_default();
    let targets: Vec<TargetStatus> = plan
        .targets
        .iter()
        .map(|t| target_status(method, plan, t, facts, today))
        .collect();
    let tasks: Vec<TaskStatus> = plan
        .assigned_nodes()
        .map(|n| task_status(plan, n, facts, today, offset_hours))
        .collect();
    let task_by_key: HashMap<&str, &TaskStatus> =
        tasks.iter().map(|t| (t.key.as_str(), t)).collect();
    let targets_of_node: HashMap<&str, Vec<&TargetStatus>> =
        targets.iter().fold(HashMap::new(), |mut m, t| {
            m.entry(t.node.as_str()).or_default().push(t);
            m
        });
    // Units: the tasks they are responsible for and the targets on them.
    let mut units: BTreeMap<String, (Counts, Counts)> = BTreeMap::new();
    for node in plan.assigned_nodes() {
        let Some(t) = task_by_key.get(node.id.0.as_str()) else {
            continue;
        };
        let mut seen = std::collections::BTreeSet::new();
        for a in &node.responsible {
            if !seen.insert(a.unit.as_str()) {
                continue;
            }
            let entry = units.entry(a.unit.clone()).or_default();
            tally(
                &t.key,
                &task_by_key,
                &targets_of_node,
                &mut entry.0,
                &mut entry.1,
            );
        }
    }
    let counties = counties
        .iter()
        .map(|c| {
            let mut tasks_c = Counts::default();
            let mut targets_c = Counts::default();
            for node in plan.assigned_nodes() {
                if !node.responsible.iter().any(|a| c.units.contains(&a.unit)) {
                    continue;
                }
                // The county's part: its own reports on the task; the task's targets as they are.
                tasks_c.add(
                    task_status_of(plan, node, facts, today, offset_hours, Some(&c.name)).status,
                );
                for t in targets_of_node
                    .get(node.id.0.as_str())
                    .into_iter()
                    .flatten()
                {
                    targets_c.add(t.status);
                }
            }
            group(c.adcode.clone(), c.name.clone(), tasks_c, targets_c)
        })
        .collect();
    PlanStatus {
        method,
        today,
        target_counts: targets.iter().map(|t| t.status).collect(),
        task_counts: tasks.iter().map(|t| t.status).collect(),
        chapters: roll_up(plan, 0, &task_by_key, &targets_of_node),
        sections: roll_up(plan, 1, &task_by_key, &targets_of_node),
        units: units
            .into_iter()
            .map(|(name, (t, g))| group(name.clone(), name, t, g))
            .collect(),
        counties,
        targets,
        tasks,
    }
}

/// The counties of the registry that a plan's units stand for.
pub async fn counties(state: &AppState, plan: &Plan) -> Result<Vec<County>, AppError> {
    let mut by_code: BTreeMap<String, County> = BTreeMap::new();
    for unit in &plan.units {
        let Some(record) = state.store.unit(&unit.name).await? else {
            continue;
        };
        if let Some(code) = &record.adcode {
            let c = by_code.entry(code.clone()).or_insert_with(|| County {
                adcode: code.clone(),
                name: record.name.clone(),
                units: Vec::new(),
            });
            c.units.push(unit.name.clone());
        }
        for member in &record.members {
            let Some(m) = state.store.unit(member).await? else {
                continue;
            };
            if let Some(code) = &m.adcode {
                let c = by_code.entry(code.clone()).or_insert_with(|| County {
                    adcode: code.clone(),
                    name: m.name.clone(),
                    units: Vec::new(),
                });
                c.units.push(unit.name.clone());
            }
        }
    }
    Ok(by_code.into_values().collect())
}

/// A plan's statuses (cached with the dashboard).
pub async fn plan_status(
    state: &AppState,
    plan_id: i64,
    plan: &crate::cache::Cached,
) -> Result<std::sync::Arc<crate::dashboard::Dashboard>, AppError> {
    crate::dashboard::dashboard(state, plan_id, plan).await
}

/// `GET /plans/{plan}/status`: targets and tasks by status, rolled up.
pub async fn status(
    State(state): State<AppState>,
    lang: PageLang,
    Path(raw): Path<String>,
) -> Response {
    let (id, plan) = match load(&state, &raw).await {
        Ok(x) => x,
        Err(e) => return error_page(&state, &lang, &e),
    };
    match plan_status(&state, id, &plan).await {
        Ok(d) => page(
            &state,
            &lang,
            "status.html",
            context! { s => ser(&d.status), ..plan_ctx(id, &plan) },
        ),
        Err(e) => error_page(&state, &lang, &e),
    }
}
