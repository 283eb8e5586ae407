//! A small plan built by hand: chapter 1 with tasks 1.1–1.5, units A, B, D, a group G of the
//! county governments C1 and C2; one round due 2025-06-15; today 2025-06-30. The plan runs
//! from 2024-01-01 to 2026-12-31, so about half its time (49.9 %) has passed.

use super::*;
use crate::{Assignment, NodeId, NodeKind, TargetId};

fn node(id: &str, parent: Option<&str>, units: &[(&str, Role)]) -> Node {
    Node {
        id: NodeId(id.into()),
        parent: parent.map(|p| NodeId(p.into())),
        kind: if parent.is_none() {
            NodeKind::Chapter
        } else {
            NodeKind::Item
        },
        number: Some(id.into()),
        title: format!("任务{id}"),
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
        deadline: None,
        work_plan: Vec::new(),
        supervised: true,
        people: Vec::new(),
        internal: false,
    }
}

fn target(id: &str, node: &str, data_owner: Option<&str>) -> Target {
    Target {
        id: TargetId(id.into()),
        node: NodeId(node.into()),
        indicator: format!("指标{id}"),
        value: 10.0,
        unit: "个".into(),
        data_owner: data_owner.map(str::to_owned),
        ..Default::default()
    }
}

fn plan() -> Plan {
    use Role::{Co, Lead};
    let mut p = Plan::new("测试计划");
    p.issued_on = Some("2024-01-01".into());
    p.horizon = Some(2026);
    let mut unsupervised = node("1.4", Some("1"), &[("A", Lead)]);
    unsupervised.supervised = false;
    p.nodes = vec![
        node("1", None, &[]),
        node("1.1", Some("1"), &[("A", Lead), ("B", Co)]),
        node("1.2", Some("1"), &[("B", Lead), ("G", Co)]),
        node("1.3", Some("1"), &[("C1", Lead)]),
        unsupervised,
        node("1.5", Some("1"), &[("A", Lead), ("D", Co)]),
    ];
    p.targets = vec![
        target("t1", "1.1", None),
        target("t2", "1.2", None),
        target("t3", "1", Some("C1")),
    ];
    p
}

fn day(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// A report of round 1 (due 2025-06-15): submitted on the given day or not, approved with
/// the given percent or not.
fn report(unit: &str, role: Role, submitted: Option<&str>, percent: Option<f64>) -> TaskReportFact {
    TaskReportFact {
        round_id: 1,
        unit_id: i64::from(unit.bytes().map(u32::from).sum::<u32>()),
        unit_name: unit.into(),
        role: role.as_str().into(),
        status: if percent.is_some() {
            crate::supervision::ReportStatus::Approved
        } else {
            crate::supervision::ReportStatus::Draft
        },
        due_on: day("2025-06-15"),
        first_submitted_at: submitted.map(|d| day(d).days() * 86_400),
        approved_percent: percent,
    }
}

fn facts() -> PlanFacts {
    use Role::{Co, Lead};
    let mut f = PlanFacts {
        method: "expected_progress".into(),
        rounds: vec![(1, "第一轮".into(), 0)],
        ..PlanFacts::default()
    };
    let on_time = Some("2025-06-10");
    f.tasks.insert(
        "1.1".into(),
        vec![
            report("A", Lead, on_time, Some(50.0)),
            report("B", Co, None, None),
        ],
    );
    f.tasks.insert(
        "1.2".into(),
        vec![
            report("B", Lead, on_time, Some(60.0)),
            report("C1", Co, on_time, Some(100.0)),
            report("C2", Co, None, None),
        ],
    );
    f.tasks.insert(
        "1.3".into(),
        vec![report("C1", Lead, Some("2025-06-20"), Some(50.0))],
    );
    f.tasks
        .insert("1.4".into(), vec![report("A", Lead, None, None)]);
    f.tasks
        .insert("1.5".into(), vec![report("A", Lead, on_time, Some(50.0))]);
    f
}

fn directory() -> Directory {
    let county = |code: &str, unit: &str| County {
        adcode: code.into(),
        name: unit.into(),
        unit: unit.into(),
        via: vec!["G".into()],
    };
    Directory {
        reporters: BTreeMap::from([("G".into(), vec!["C1".into(), "C2".into()])]),
        counties: vec![county("000001", "C1"), county("000002", "C2")],
    }
}

fn compute(f: &PlanFacts, today: &str) -> PlanStatus {
    plan_status(&Inputs {
        plan: &plan(),
        facts: f,
        method: StatusMethod::ExpectedProgress,
        today: day(today),
        utc_offset_hours: 0,
        directory: &directory(),
    })
}

fn task<'a>(s: &'a PlanStatus, key: &str) -> &'a TaskStatus {
    s.tasks.iter().find(|t| t.key == key).unwrap()
}

fn part(s: &PlanStatus, unit: &str, key: &str) -> Status {
    s.records[unit]
        .tasks
        .iter()
        .find(|t| t.key == key)
        .unwrap()
        .status
}

fn unit<'a>(s: &'a PlanStatus, name: &str) -> &'a Group {
    s.units.iter().find(|g| g.key == name).unwrap()
}

#[test]
fn tasks_are_supervised_nodes_with_units() {
    let s = compute(&facts(), "2025-06-30");
    let keys: Vec<&str> = s.tasks.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(keys, ["1.1", "1.2", "1.3", "1.5"]);
    assert!(s.records["A"].tasks.iter().all(|t| t.key != "1.4"));
    assert_eq!(s.task_counts.total(), 4);
    assert_eq!(s.chapters[0].tasks.total(), 4);
}

#[test]
fn a_task_is_judged_by_its_leads_reports() {
    let s = compute(&facts(), "2025-06-30");
    // A's 50 % at 49.9 % of the time: on track, whatever its co unit B failed to send.
    let t = task(&s, "1.1");
    assert_eq!(
        (t.status, t.percent, t.overdue),
        (Status::OnTrack, Some(50.0), 0)
    );
    // B leads 1.2 at 60 %; C1's 100 % and C2's missing report are their own parts.
    assert_eq!(task(&s, "1.2").percent, Some(60.0));
    assert_eq!(task(&s, "1.2").status, Status::OnTrack);
    // C1 led 1.3 and reported late: on pace, but at most at risk.
    assert_eq!(task(&s, "1.3").status, Status::AtRisk);
    assert_eq!(task(&s, "1.3").late, 1);
}

#[test]
fn a_task_without_lead_reports_is_not_judged_by_its_co_units() {
    let mut f = facts();
    f.tasks.insert(
        "1.1".into(),
        vec![
            report("A", Role::Lead, None, None),
            report("B", Role::Co, Some("2025-06-10"), Some(100.0)),
        ],
    );
    let s = compute(&f, "2025-06-30");
    assert_eq!(task(&s, "1.1").status, Status::Behind);
    assert_eq!(part(&s, "B", "1.1"), Status::Achieved);
    assert_eq!(part(&s, "A", "1.1"), Status::Behind);
}

#[test]
fn a_unit_is_judged_by_its_own_reports_on_what_it_owes() {
    let s = compute(&facts(), "2025-06-30");
    // B: behind on 1.1 (its own report missing), on track on 1.2 (which it leads).
    assert_eq!(part(&s, "B", "1.1"), Status::Behind);
    assert_eq!(part(&s, "B", "1.2"), Status::OnTrack);
    assert_eq!(s.records["B"].overdue, 1);
    // A co unit is not judged by its task-mate: A is on track on 1.1.
    assert_eq!(part(&s, "A", "1.1"), Status::OnTrack);
    assert_eq!(unit(&s, "A").tasks.red, 0);
    // Through the group: C1 and C2 each owe 1.2 and answer for their own part.
    assert_eq!(part(&s, "C1", "1.2"), Status::Achieved);
    assert_eq!(part(&s, "C2", "1.2"), Status::Behind);
    assert!(
        s.units.iter().all(|g| g.key != "G"),
        "a group owes nothing itself"
    );
}

#[test]
fn a_unit_answers_for_the_targets_of_tasks_it_leads_and_data_it_owns() {
    let s = compute(&facts(), "2025-06-30");
    assert_eq!(s.records["A"].targets, ["t1"]);
    assert_eq!(s.records["B"].targets, ["t2"]);
    assert_eq!(s.records["C1"].targets, ["t3"]);
    assert!(s.records["C2"].targets.is_empty());
    assert_eq!(unit(&s, "C1").targets.total(), 1);
}

#[test]
fn a_unit_that_never_reported_is_never_green() {
    let s = compute(&facts(), "2025-06-30");
    // D owes 1.5 with A, which reported; D has no report of its own.
    assert_eq!(part(&s, "D", "1.5"), Status::NoData);
    assert_eq!(task(&s, "1.5").status, Status::OnTrack);
    assert_eq!(unit(&s, "D").rag, Rag::NoData);
    // C2 never reported and its report is overdue: red.
    assert_eq!(unit(&s, "C2").rag, Rag::Red);
    // Before the due date, C2 is grey, not green.
    let early = compute(&facts(), "2025-06-12");
    assert_eq!(unit(&early, "C2").rag, Rag::NoData);
    // A unit whose only data is a target value is still not judged by it.
    let mut f = facts();
    f.targets.insert(
        "t3".into(),
        (
            TargetSettings {
                baseline: None,
                milestones: Vec::new(),
                milestone_origin: None,
                row_version: 0,
            },
            vec![super::super::Observation {
                on: day("2025-06-01"),
                value: 10.0,
            }],
        ),
    );
    f.tasks.remove("1.3");
    f.tasks
        .insert("1.2".into(), vec![report("B", Role::Lead, None, None)]);
    let s = compute(&f, "2025-06-12");
    assert_eq!(unit(&s, "C1").targets.achieved, 1);
    assert_eq!(unit(&s, "C1").rag, Rag::NoData);
}

#[test]
fn a_county_is_its_governments_record() {
    let s = compute(&facts(), "2025-06-30");
    for (code, gov) in [("000001", "C1"), ("000002", "C2")] {
        let county = s.counties.iter().find(|g| g.key == code).unwrap();
        let unit = unit(&s, gov);
        assert_eq!(
            (county.tasks, county.targets, county.rag),
            (unit.tasks, unit.targets, unit.rag)
        );
    }
    // C1 owes 1.2 through the group and 1.3 directly.
    assert_eq!(s.counties[0].tasks.total(), 2);
}

#[test]
fn each_county_is_graded_on_its_share_of_a_per_county_target() {
    // "每县区至少建成10个": t2 on task 1.2, which the group G (C1, C2) co-owns. C1 reported
    // 10, C2 reported 3; the office recorded 20 for the city as a whole.
    let mut p = plan();
    for t in &mut p.targets {
        t.per_county = t.id.0 == "t2";
        t.year = Some(2025);
    }
    let mut f = facts();
    let ob = |value: f64| super::super::Observation {
        on: day("2025-06-30"),
        value,
    };
    f.targets.insert(
        "t2".into(),
        (TargetSettings::default(), vec![ob(10.0), ob(3.0), ob(20.0)]),
    );
    f.observed_by.insert(
        "t2".into(),
        vec![Some("C1".into()), Some("C2".into()), None],
    );
    let s = plan_status(&Inputs {
        plan: &p,
        facts: &f,
        method: StatusMethod::ExpectedProgress,
        today: day("2025-12-31"),
        utc_offset_hours: 0,
        directory: &directory(),
    });
    assert_eq!(s.records["C1"].shares["t2"].status, Status::Achieved);
    assert_ne!(s.records["C2"].shares["t2"].status, Status::Achieved);
    assert!(s.records["C2"].targets.contains(&"t2".to_owned()));
    // The county tables count each county's own share.
    let c1 = s.counties.iter().find(|g| g.key == "000001").unwrap();
    let c2 = s.counties.iter().find(|g| g.key == "000002").unwrap();
    assert_eq!(c1.targets.achieved, 1);
    assert_eq!(c2.targets.achieved, 0);
    // B leads the task: it answers for the target as a whole, not for a share.
    assert!(!s.records["B"].shares.contains_key("t2"));
}

#[test]
fn a_target_without_a_year_runs_to_the_operative_horizon() {
    let p = plan();
    let ms = milestones_in_use(&p, &p.targets[0], None);
    assert_eq!(ms.last().map(|m| m.year), Some(2026));
    let (_, end) = task_window(&p, &p.nodes[1], day("2025-06-30"));
    assert_eq!(end, Date::year_end(2026));
}
