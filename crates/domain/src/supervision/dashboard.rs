//! What leaders see, computed from a plan's statuses: targets most at risk, units ranked by
//! what they owe, the county map, changes since the latest round opened, a target's chart.

use serde::Serialize;

use super::plan_status::{County, Inputs, PlanStatus, TargetStatus, plan_status};
use super::{Counts, Date, Direction, PlanFacts, Rag, Status, direction};
use crate::Target;

/// A unit's standing, from its record: reports overdue and late, its tasks and targets behind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitLag {
    /// Unit name.
    pub unit: String,
    /// Its reports past due and not submitted.
    pub overdue: usize,
    /// Its reports submitted after their due date.
    pub late: usize,
    /// Red targets among those it answers for.
    pub targets_behind: usize,
    /// Its red parts of tasks (judged by its own reports).
    pub tasks_behind: usize,
}

/// A status that changed since the latest round opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// One county for the map: code, name, colour and counts (its row of the county table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MapArea {
    /// GB/T 2260 code.
    pub adcode: String,
    /// Name.
    pub name: String,
    /// The county's colour.
    pub rag: Rag,
    /// Tasks by colour.
    pub tasks: Counts,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    /// Statuses and roll-ups.
    pub status: PlanStatus,
    /// Red and amber targets, the furthest behind first (ten at most).
    pub at_risk: Vec<TargetStatus>,
    /// Units ranked by overdue reports, then tasks and targets behind, then late reports.
    pub lagging: Vec<UnitLag>,
    /// The latest round (title), whose opening changes are counted from.
    pub since: Option<String>,
    /// Changes since then.
    pub changes: Vec<Change>,
    /// The counties, for the map.
    pub map: Vec<MapArea>,
    /// The counties the statuses were computed for.
    #[serde(skip)]
    pub counties: Vec<County>,
}

/// Units ranked by what their records say.
pub fn lagging(status: &PlanStatus) -> Vec<UnitLag> {
    let red: std::collections::HashSet<&str> = status
        .targets
        .iter()
        .filter(|t| t.rag == Rag::Red)
        .map(|t| t.key.as_str())
        .collect();
    let mut v: Vec<UnitLag> = status
        .records
        .values()
        .map(|r| UnitLag {
            unit: r.unit.clone(),
            overdue: r.overdue,
            late: r.late,
            targets_behind: r
                .targets
                .iter()
                .filter(|k| red.contains(k.as_str()))
                .count(),
            tasks_behind: r.tasks.iter().filter(|t| t.rag == Rag::Red).count(),
        })
        .filter(|l| l.overdue + l.late + l.targets_behind + l.tasks_behind > 0)
        .collect();
    v.sort_by(|a, b| {
        (b.overdue, b.targets_behind + b.tasks_behind, b.late)
            .cmp(&(a.overdue, a.targets_behind + a.tasks_behind, a.late))
            .then(a.unit.cmp(&b.unit))
    });
    v
}

/// The facts as they stood when a round opened: values recorded before, reports of earlier
/// rounds.
pub fn facts_before(facts: &PlanFacts, round_id: i64, opened_at: i64) -> PlanFacts {
    let mut before = facts.clone();
    for (key, (_, obs)) in &mut before.targets {
        let times = facts.recorded_at.get(key).cloned().unwrap_or_default();
        let early = |i: usize| times.get(i).is_some_and(|t| *t < opened_at);
        let kept: Vec<_> = obs
            .iter()
            .enumerate()
            .filter(|(i, _)| early(*i))
            .map(|(_, o)| *o)
            .collect();
        *obs = kept;
        if let Some(by) = before.observed_by.get_mut(key) {
            *by = by
                .iter()
                .enumerate()
                .filter(|(i, _)| early(*i))
                .map(|(_, u)| u.clone())
                .collect();
        }
    }
    for reports in before.tasks.values_mut() {
        reports.retain(|r| r.round_id < round_id);
    }
    before
}

/// The targets and tasks whose status differs between two computations of the same plan.
pub fn changes(then: &PlanStatus, now: &PlanStatus) -> Vec<Change> {
    let mut out = Vec::new();
    for (n, t) in now.targets.iter().zip(&then.targets) {
        if n.status != t.status {
            out.push(Change {
                kind: "target",
                key: n.key.clone(),
                name: n.indicator.clone(),
                before: t.status,
                after: n.status,
            });
        }
    }
    for (n, t) in now.tasks.iter().zip(&then.tasks) {
        if n.status != t.status {
            out.push(Change {
                kind: "task",
                key: n.key.clone(),
                name: n.title.clone(),
                before: t.status,
                after: n.status,
            });
        }
    }
    out
}

/// The dashboard of a plan.
pub fn dashboard(cx: &Inputs<'_>) -> Dashboard {
    let status = plan_status(cx);
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
    let (since, changes) = match cx.facts.rounds.last() {
        Some((round_id, title, opened_at)) => {
            let before = facts_before(cx.facts, *round_id, *opened_at);
            let then = plan_status(&Inputs {
                facts: &before,
                ..*cx
            });
            (Some(title.clone()), changes(&then, &status))
        }
        None => (None, Vec::new()),
    };
    let map = status
        .counties
        .iter()
        .map(|g| MapArea {
            adcode: g.key.clone(),
            name: g.name.clone(),
            rag: g.rag,
            tasks: g.tasks,
        })
        .collect();
    Dashboard {
        lagging: lagging(&status),
        status,
        at_risk,
        since,
        changes,
        map,
        counties: cx.directory.counties.clone(),
    }
}

/// A target's chart data: baseline, milestones, approved values, projection, status band.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// Indicator.
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

/// The chart of one target, from its status and the facts.
pub fn chart(t: &Target, s: &TargetStatus, facts: &PlanFacts) -> Chart {
    let baseline = facts.targets.get(&t.id.0).and_then(|(s, _)| s.baseline);
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::supervision::plan_status::Directory;
    use crate::supervision::{StatusMethod, TaskReportFact};
    use crate::{Assignment, Node, NodeId, NodeKind, Plan, Role};

    fn task(id: &str, units: &[(&str, Role)]) -> Node {
        Node {
            id: NodeId(id.into()),
            parent: None,
            kind: NodeKind::Paragraph,
            number: Some(id.into()),
            title: id.into(),
            text: String::new(),
            line: 1,
            responsible: units
                .iter()
                .map(|(u, role)| Assignment {
                    unit: (*u).into(),
                    role: *role,
                })
                .collect(),
            responsible_raw: None,
            deadline: Some("2025年底".into()),
            work_plan: Vec::new(),
            supervised: true,
            people: Vec::new(),
            internal: false,
        }
    }

    fn report(round: i64, unit: &str, role: Role, percent: Option<f64>) -> TaskReportFact {
        TaskReportFact {
            round_id: round,
            unit_id: i64::from(unit.bytes().map(u32::from).sum::<u32>()),
            unit_name: unit.into(),
            role: role.as_str().into(),
            status: super::super::ReportStatus::Approved,
            due_on: Date::parse("2025-03-05").unwrap_or(Date::year_end(2025)),
            first_submitted_at: percent.map(|_| 0),
            approved_percent: percent,
        }
    }

    fn inputs_and_run(facts: &PlanFacts) -> Dashboard {
        let mut plan = Plan::new("p");
        plan.issued_on = Some("2025-01-01".into());
        plan.nodes = vec![
            task("a", &[("X", Role::Lead), ("Y", Role::Co)]),
            task("b", &[("Y", Role::Lead)]),
        ];
        dashboard(&Inputs {
            plan: &plan,
            facts,
            method: StatusMethod::ExpectedProgress,
            today: Date::parse("2025-04-01").unwrap_or(Date::year_end(2025)),
            utc_offset_hours: 0,
            directory: &Directory {
                reporters: BTreeMap::new(),
                counties: Vec::new(),
            },
        })
    }

    #[test]
    fn changes_since_the_round_and_units_ranked_by_their_own_reports() {
        let mut facts = PlanFacts {
            rounds: vec![(1, "一月".into(), 0), (2, "三月".into(), 100)],
            ..PlanFacts::default()
        };
        facts.tasks.insert(
            "a".into(),
            vec![
                report(1, "X", Role::Lead, Some(25.0)),
                report(2, "X", Role::Lead, Some(100.0)),
                report(2, "Y", Role::Co, Some(25.0)),
            ],
        );
        facts
            .tasks
            .insert("b".into(), vec![report(2, "Y", Role::Lead, None)]);
        let d = inputs_and_run(&facts);
        assert_eq!(d.since.as_deref(), Some("三月"));
        // Task a went from X's 25 % at a quarter of its year (round 1) to 100 %: one change.
        let a: Vec<_> = d.changes.iter().filter(|c| c.key == "a").collect();
        assert_eq!(a.len(), 1);
        assert_eq!(
            (a[0].before, a[0].after),
            (Status::OnTrack, Status::Achieved)
        );
        // Y owes b and has not sent it (due 2025-03-05): it alone lags.
        assert_eq!(d.lagging.len(), 1);
        assert_eq!((d.lagging[0].unit.as_str(), d.lagging[0].overdue), ("Y", 1));
        assert_eq!(d.lagging[0].tasks_behind, 1);
    }
}
