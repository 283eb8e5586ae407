//! A plan's statuses: every target and task, rolled up to chapters, sections, units and counties
//! (`docs/status.md`, Roll-up). Pure: the caller brings the plan, the facts the store keeps,
//! today, the method, and a `Directory` of who reports for whom.
//!
//! - A task's own status (task list, chapters, sections) is judged by its lead units' reports.
//! - A unit's record is what it owes: its part of every task it is assigned to (directly or
//!   through a group it is a member of), judged by its own reports, and the targets of the tasks
//!   it leads or whose data it owns. A unit without an approved percent is never green.
//! - A county's record is its government's record.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::{
    Assessment, Counts, Date, Milestone, PlanFacts, Rag, Status, StatusMethod, TargetSettings,
    TaskProgress, TaskReportFact, assess_target, assess_task, decompose,
};
use crate::{Node, Plan, Role, Target};

/// A target's status row.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// A task's status row: the task's own (judged by its leads' reports) or one unit's part of it
/// (judged by that unit's reports).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// Reports submitted late in its latest round.
    pub late: usize,
}

/// A group's roll-up.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// What one reporting unit owes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UnitRecord {
    /// Unit name (as its reports name it).
    pub unit: String,
    /// Its part of each task it is assigned to, judged by its own reports, in plan order.
    pub tasks: Vec<TaskStatus>,
    /// Keys of the targets it answers for: those of the tasks it leads, those whose data it
    /// owns, and its share of the per-county targets (分县区目标) of the tasks it owes.
    pub targets: Vec<String>,
    /// Its share of per-county targets, graded on its own reported values, by target key.
    pub shares: BTreeMap<String, TargetStatus>,
    /// Its reports past due and not submitted (the latest round it was asked in, per task).
    pub overdue: usize,
    /// Its reports submitted after their due date (same rounds).
    pub late: usize,
}

/// A plan's statuses.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanStatus {
    /// The method targets are assessed by.
    pub method: StatusMethod,
    /// Today, in the office's time zone.
    pub today: Date,
    /// Targets.
    pub targets: Vec<TargetStatus>,
    /// Tasks (`Node::is_task`), each judged by its leads' reports.
    pub tasks: Vec<TaskStatus>,
    /// All targets.
    pub target_counts: Counts,
    /// All tasks.
    pub task_counts: Counts,
    /// By chapter.
    pub chapters: Vec<Group>,
    /// By section (the second level).
    pub sections: Vec<Group>,
    /// By reporting unit: what each owes (`records`).
    pub units: Vec<Group>,
    /// By county-level division: its government's record.
    pub counties: Vec<Group>,
    /// Each reporting unit's record, by name.
    #[serde(skip)]
    pub records: BTreeMap<String, UnitRecord>,
}

/// A county-level division.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct County {
    /// GB/T 2260 code.
    pub adcode: String,
    /// Name.
    pub name: String,
    /// Its government: the unit whose record is the county's.
    pub unit: String,
    /// The plan's unit names that stand for it (its government, groups it belongs to).
    pub via: Vec<String>,
}

/// Who reports for whom: a plan's unit names resolved against the registry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directory {
    /// A plan unit name → the units that report for it, as reports name them: a group's
    /// members, else the unit itself under its registered name. A name not here reports for
    /// itself.
    pub reporters: BTreeMap<String, Vec<String>>,
    /// The county-level divisions.
    pub counties: Vec<County>,
}

impl Directory {
    /// The units that report for a plan unit name.
    pub fn reporters_of<'a>(&'a self, name: &'a str) -> Vec<&'a str> {
        match self.reporters.get(name) {
            Some(v) if !v.is_empty() => v.iter().map(String::as_str).collect(),
            _ => vec![name],
        }
    }
}

/// What the statuses are computed from.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// The facts the store keeps.
    pub facts: &'a PlanFacts,
    /// The method targets are assessed by.
    pub method: StatusMethod,
    /// Today, in the office's time zone.
    pub today: Date,
    /// The office's offset from UTC (submission times are unix seconds).
    pub utc_offset_hours: i64,
    /// Who reports for whom; the counties.
    pub directory: &'a Directory,
}

/// The milestones a target is assessed against: the saved ones, else linear from its baseline
/// to its goal (the plan's operative horizon for a target without a year).
pub fn milestones_in_use(
    plan: &Plan,
    target: &Target,
    settings: Option<&TargetSettings>,
) -> Vec<Milestone> {
    match settings {
        Some(s) if !s.milestones.is_empty() => s.milestones.clone(),
        _ => decompose(
            target,
            settings.and_then(|s| s.baseline),
            plan.operative_horizon(),
        ),
    }
}

/// One target's status (its saved or linear milestones, its approved values).
pub fn target_status(
    plan: &Plan,
    target: &Target,
    facts: &PlanFacts,
    method: StatusMethod,
    today: Date,
) -> TargetStatus {
    let (settings, observations) = match facts.targets.get(&target.id.0) {
        Some((s, o)) => (Some(s), o.as_slice()),
        None => (None, &[][..]),
    };
    let baseline = settings.and_then(|s| s.baseline);
    let milestones = milestones_in_use(plan, target, settings);
    let assessment = assess_target(method, target, baseline, &milestones, observations, today);
    TargetStatus {
        key: target.id.0.clone(),
        node: target.node.0.clone(),
        indicator: target.indicator.clone(),
        unit: target.unit.clone(),
        status: assessment.status,
        rag: assessment.status.rag(),
        assessment,
        milestones,
        year: target.year,
    }
}

fn year_in(text: &str) -> Option<i32> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(4).find_map(|w| {
        let s: String = w.iter().collect();
        s.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y))
    })
}

/// A task's time: from the plan's date of issue (else 1 January this year) to the end of the
/// year in its 完成时限 (else the plan's operative horizon; else a year on).
pub fn task_window(plan: &Plan, node: &Node, today: Date) -> (Date, Date) {
    let start = plan
        .issued_on
        .as_deref()
        .and_then(Date::parse)
        .unwrap_or_else(|| Date::new(today.year(), 1, 1).unwrap_or(today));
    let end_year = node
        .deadline
        .as_deref()
        .and_then(year_in)
        .or_else(|| plan.operative_horizon());
    (start, end_year.map_or(start.plus_days(365), Date::year_end))
}

/// A task judged by the given reports: the lowest latest approved percent among their units,
/// overdue and late reports of the latest round among them.
pub fn judge_task(cx: &Inputs<'_>, node: &Node, reports: &[&TaskReportFact]) -> TaskStatus {
    let latest_round = reports.iter().map(|r| r.round_id).max();
    let mut progress = TaskProgress::default();
    for r in reports.iter().filter(|r| Some(r.round_id) == latest_round) {
        match r.first_submitted_at {
            None if r.due_on < cx.today => progress.overdue += 1,
            Some(t) if Date::from_unix(t, cx.utc_offset_hours) > r.due_on => progress.late += 1,
            _ => {}
        }
    }
    // Each unit's latest approved percent; the lowest of those.
    let mut latest: HashMap<i64, (i64, f64)> = HashMap::new();
    for r in reports {
        if let Some(p) = r.approved_percent {
            let e = latest.entry(r.unit_id).or_insert((r.round_id, p));
            if r.round_id >= e.0 {
                *e = (r.round_id, p);
            }
        }
    }
    progress.percent = latest.values().map(|(_, p)| *p).reduce(f64::min);
    let (start, end) = task_window(cx.plan, node, cx.today);
    let (status, ratio) = assess_task(progress, start, end, cx.today);
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
        late: progress.late,
    }
}

fn reports_of<'a>(facts: &'a PlanFacts, node: &Node) -> &'a [TaskReportFact] {
    facts
        .tasks
        .get(&node.id.0)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// A task's own status: judged by its lead units' reports (by all its units' when it names no
/// lead).
pub fn task_status(cx: &Inputs<'_>, node: &Node) -> TaskStatus {
    let has_lead = node.leads().next().is_some();
    let reports: Vec<&TaskReportFact> = reports_of(cx.facts, node)
        .iter()
        .filter(|r| !has_lead || r.role == Role::Lead.as_str())
        .collect();
    judge_task(cx, node, &reports)
}

/// One unit's part of a task: judged by that unit's own reports.
pub fn unit_part(cx: &Inputs<'_>, node: &Node, unit: &str) -> TaskStatus {
    let reports: Vec<&TaskReportFact> = reports_of(cx.facts, node)
        .iter()
        .filter(|r| r.unit_name == unit)
        .collect();
    judge_task(cx, node, &reports)
}

/// Every reporting unit's record: its part of each task it is assigned to, the targets it
/// answers for.
pub fn unit_records(cx: &Inputs<'_>) -> BTreeMap<String, UnitRecord> {
    let mut records: BTreeMap<String, UnitRecord> = BTreeMap::new();
    for node in cx.plan.tasks() {
        let mut owing: BTreeSet<&str> = BTreeSet::new();
        let mut leading: BTreeSet<&str> = BTreeSet::new();
        for a in &node.responsible {
            for r in cx.directory.reporters_of(&a.unit) {
                owing.insert(r);
                if a.role == Role::Lead {
                    leading.insert(r);
                }
            }
        }
        let per_county: Vec<&Target> = cx
            .plan
            .targets
            .iter()
            .filter(|t| t.node == node.id && t.per_county)
            .collect();
        for unit in owing {
            let part = unit_part(cx, node, unit);
            let record = records
                .entry(unit.to_owned())
                .or_insert_with(|| UnitRecord {
                    unit: unit.to_owned(),
                    ..UnitRecord::default()
                });
            record.overdue += part.overdue;
            record.late += part.late;
            record.tasks.push(part);
            // A county's government answers for its county's share.
            let county = cx.directory.counties.iter().any(|c| c.unit == unit);
            for t in per_county.iter().filter(|_| county) {
                record
                    .shares
                    .insert(t.id.0.clone(), share_status(cx, t, unit));
                if !record.targets.contains(&t.id.0) {
                    record.targets.push(t.id.0.clone());
                }
            }
        }
        for unit in leading {
            if let Some(record) = records.get_mut(unit) {
                record.targets.extend(
                    cx.plan
                        .targets
                        .iter()
                        .filter(|t| t.node == node.id)
                        .map(|t| t.id.0.clone()),
                );
            }
        }
    }
    for t in &cx.plan.targets {
        let Some(owner) = t.data_owner.as_deref() else {
            continue;
        };
        for unit in cx.directory.reporters_of(owner) {
            let record = records
                .entry(unit.to_owned())
                .or_insert_with(|| UnitRecord {
                    unit: unit.to_owned(),
                    ..UnitRecord::default()
                });
            if !record.targets.contains(&t.id.0) {
                record.targets.push(t.id.0.clone());
            }
        }
    }
    records
}

/// One unit's share of a per-county target: the target graded on the values that unit's own
/// reports gave.
pub fn share_status(cx: &Inputs<'_>, target: &Target, unit: &str) -> TargetStatus {
    let key = &target.id.0;
    let (settings, obs) = cx
        .facts
        .targets
        .get(key)
        .cloned()
        .unwrap_or_else(|| (TargetSettings::default(), Vec::new()));
    let by = cx.facts.observed_by.get(key);
    let own: Vec<_> = obs
        .into_iter()
        .enumerate()
        .filter(|(i, _)| {
            by.and_then(|b| b.get(*i))
                .is_some_and(|u| u.as_deref() == Some(unit))
        })
        .map(|(_, o)| o)
        .collect();
    let mut facts = PlanFacts {
        method: cx.facts.method.clone(),
        ..PlanFacts::default()
    };
    facts.targets.insert(key.clone(), (settings, own));
    target_status(cx.plan, target, &facts, cx.method, cx.today)
}

/// A group's colour over its tasks and targets.
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

/// A unit's (or county's) roll-up of its record. A unit without an approved percent on any of
/// its tasks is judged by its reports alone: red with a report overdue, else no data.
pub fn record_group(
    key: String,
    name: String,
    record: &UnitRecord,
    targets: &HashMap<&str, &TargetStatus>,
) -> Group {
    let tasks: Counts = record.tasks.iter().map(|t| t.status).collect();
    let target_counts: Counts = record
        .targets
        .iter()
        .filter_map(|k| {
            record
                .shares
                .get(k)
                .or_else(|| targets.get(k.as_str()).copied())
        })
        .map(|t| t.status)
        .collect();
    let mut g = group(key, name, tasks, target_counts);
    if record.tasks.iter().all(|t| t.percent.is_none()) {
        g.rag = if record.overdue > 0 {
            Rag::Red
        } else {
            Rag::NoData
        };
    }
    g
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
    let mut groups: BTreeMap<usize, (String, String, Counts, Counts)> = BTreeMap::new();
    let position: HashMap<&str, usize> = plan
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.0.as_str(), i))
        .collect();
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
        if let Some(t) = task_by_key.get(node.id.0.as_str()) {
            entry.2.add(t.status);
        }
        for t in targets_of_node
            .get(node.id.0.as_str())
            .into_iter()
            .flatten()
        {
            entry.3.add(t.status);
        }
    }
    groups
        .into_values()
        .map(|(k, n, t, g)| group(k, n, t, g))
        .collect()
}

/// Computes every status of a plan.
pub fn plan_status(cx: &Inputs<'_>) -> PlanStatus {
    let targets: Vec<TargetStatus> = cx
        .plan
        .targets
        .iter()
        .map(|t| target_status(cx.plan, t, cx.facts, cx.method, cx.today))
        .collect();
    let tasks: Vec<TaskStatus> = cx.plan.tasks().map(|n| task_status(cx, n)).collect();
    let task_by_key: HashMap<&str, &TaskStatus> =
        tasks.iter().map(|t| (t.key.as_str(), t)).collect();
    let targets_of_node: HashMap<&str, Vec<&TargetStatus>> =
        targets.iter().fold(HashMap::new(), |mut m, t| {
            m.entry(t.node.as_str()).or_default().push(t);
            m
        });
    let target_by_key: HashMap<&str, &TargetStatus> =
        targets.iter().map(|t| (t.key.as_str(), t)).collect();
    let records = unit_records(cx);
    let units = records
        .values()
        .map(|r| record_group(r.unit.clone(), r.unit.clone(), r, &target_by_key))
        .collect();
    let empty = UnitRecord::default();
    let counties = cx
        .directory
        .counties
        .iter()
        .map(|c| {
            let record = records.get(&c.unit).unwrap_or(&empty);
            record_group(c.adcode.clone(), c.name.clone(), record, &target_by_key)
        })
        .collect();
    PlanStatus {
        method: cx.method,
        today: cx.today,
        target_counts: targets.iter().map(|t| t.status).collect(),
        task_counts: tasks.iter().map(|t| t.status).collect(),
        chapters: roll_up(cx.plan, 0, &task_by_key, &targets_of_node),
        sections: roll_up(cx.plan, 1, &task_by_key, &targets_of_node),
        units,
        counties,
        records,
        targets,
        tasks,
    }
}

#[cfg(test)]
mod tests;
