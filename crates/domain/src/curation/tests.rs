//! Edits checked and applied on a small plan.

use super::*;
use crate::{Diagnostic, NodeKind, Person, Role, Severity};

fn node(id: &str, parent: Option<&str>, units: &[&str]) -> Node {
    Node {
        id: NodeId(id.to_owned()),
        parent: parent.map(|p| NodeId(p.to_owned())),
        kind: NodeKind::Item,
        number: None,
        title: format!("任务{id}"),
        text: String::new(),
        line: 1,
        responsible: units
            .iter()
            .enumerate()
            .map(|(i, u)| Assignment {
                unit: (*u).to_owned(),
                role: if i == 0 { Role::Lead } else { Role::Co },
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

fn target(id: &str, node: &str) -> Target {
    Target {
        id: TargetId(id.to_owned()),
        node: NodeId(node.to_owned()),
        indicator: format!("指标{id}"),
        value: 1.0,
        line: 7,
        text: format!("原文{id}"),
        ..Target::default()
    }
}

fn plan() -> Plan {
    let mut p = Plan::new("计划");
    p.nodes = vec![
        node("1", None, &[]),
        node("1.1", Some("1"), &["市发展改革委", "市财政局"]),
        node("1.1.1", Some("1.1"), &[]),
        node("2", None, &[]),
    ];
    p.targets = vec![target("t1", "1.1"), target("t2", "1.1"), target("t3", "2")];
    p.projects = vec![Project {
        id: ProjectId("p1".to_owned()),
        name: "某某水库".to_owned(),
        node: NodeId("1.1".to_owned()),
        line: 3,
    }];
    p.diagnostics = vec![
        Diagnostic::new(Some(5), Severity::Info, "unit_merged", "合并"),
        Diagnostic::new(Some(9), Severity::Info, "unit_merged", "合并"),
    ];
    p
}

fn nid(s: &str) -> NodeId {
    NodeId(s.to_owned())
}

fn tid(s: &str) -> TargetId {
    TargetId(s.to_owned())
}

fn ids(p: &Plan) -> Vec<&str> {
    p.targets.iter().map(|t| t.id.0.as_str()).collect()
}

fn err(edit: Edit) -> String {
    check(&plan(), &edit).err().unwrap_or_default()
}

#[test]
fn no_edits_change_nothing() {
    let (p, skipped) = apply(&plan(), &[]);
    assert_eq!(p, plan());
    assert!(skipped.is_empty());
}

#[test]
fn edit_node_and_target_patch_only_what_they_name() {
    let edits = [
        Edit::EditNode {
            node: nid("1.1"),
            patch: NodePatch {
                title: Some("新标题".to_owned()),
                deadline: Some(Some("2026年底".to_owned())),
                supervised: Some(false),
                ..NodePatch::default()
            },
        },
        Edit::EditTarget {
            target: tid("t1"),
            patch: TargetPatch {
                value: Some(85.0),
                year: Some(None),
                kind: Some(TargetKind::Threshold),
                comparator: Some(Comparator::AtMost),
                ..TargetPatch::default()
            },
        },
    ];
    let (p, skipped) = apply(&plan(), &edits);
    assert!(skipped.is_empty());
    let n = p.node(&nid("1.1"));
    assert_eq!(n.map(|n| n.title.as_str()), Some("新标题"));
    assert_eq!(n.and_then(|n| n.deadline.as_deref()), Some("2026年底"));
    assert_eq!(n.map(|n| n.supervised), Some(false));
    assert_eq!(n.map(|n| n.text.as_str()), Some(""));
    let t = p.targets.first();
    assert_eq!(t.map(|t| (t.value, t.year)), Some((85.0, None)));
    assert_eq!(t.map(|t| t.indicator.as_str()), Some("指标t1"));
    assert_eq!(t.map(|t| t.comparator), Some(Comparator::AtMost));
}

#[test]
fn set_units_replaces_and_drops_people_of_units_gone() {
    let contact = |unit: &str| Contact {
        unit: unit.to_owned(),
        leader: Some(Person {
            name: "张三".to_owned(),
            ..Person::default()
        }),
        ..Contact::default()
    };
    let edits = [
        Edit::SetPeople {
            node: nid("1.1"),
            contact: contact("市财政局"),
        },
        Edit::SetPeople {
            node: nid("1.1"),
            contact: contact("市发展改革委"),
        },
        Edit::SetUnits {
            node: nid("1.1"),
            units: vec![Assignment {
                unit: "市发展改革委".to_owned(),
                role: Role::Lead,
            }],
        },
        // Replaces the first entry for that unit.
        Edit::SetPeople {
            node: nid("1.1"),
            contact: Contact {
                unit: "市发展改革委".to_owned(),
                ..Contact::default()
            },
        },
    ];
    let (p, skipped) = apply(&plan(), &edits);
    assert!(skipped.is_empty(), "{skipped:?}");
    let n = p.node(&nid("1.1"));
    assert_eq!(n.map(|n| n.responsible.len()), Some(1));
    let people = n.map(|n| n.people.clone()).unwrap_or_default();
    assert_eq!(
        people,
        [Contact {
            unit: "市发展改革委".to_owned(),
            ..Contact::default()
        }]
    );
}

#[test]
fn targets_are_added_deleted_merged_and_split() {
    let mut added = target("t9", "1.1");
    added.indicator = "新增指标".to_owned();
    let mut second = target("t10", "2");
    second.indicator = "第二部分".to_owned();
    second.text = String::new();
    second.line = 0;
    let mut first = target("ignored", "2");
    first.indicator = "第一部分".to_owned();
    let edits = [
        Edit::AddTarget { target: added },
        Edit::DeleteTarget { target: tid("t3") },
        Edit::MergeTargets {
            keep: tid("t1"),
            remove: vec![tid("t9")],
        },
        Edit::SplitTarget {
            target: tid("t2"),
            parts: vec![first, second],
        },
    ];
    let (p, skipped) = apply(&plan(), &edits);
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(ids(&p), ["t1", "t2", "t10"]);
    let t2 = p.targets.get(1);
    assert_eq!(
        t2.map(|t| (t.indicator.as_str(), t.node.0.as_str())),
        Some(("第一部分", "1.1"))
    );
    let t10 = p.targets.get(2);
    assert_eq!(
        t10.map(|t| (t.node.0.as_str(), t.text.as_str(), t.line)),
        Some(("1.1", "原文t2", 7))
    );
}

#[test]
fn projects_are_added_edited_and_deleted() {
    let edits = [
        Edit::AddProject {
            project: Project {
                id: ProjectId("p2".to_owned()),
                name: "某某公路".to_owned(),
                node: nid("2"),
                line: 0,
            },
        },
        Edit::EditProject {
            project: ProjectId("p2".to_owned()),
            name: Some("某某高速公路".to_owned()),
            node: Some(nid("1.1")),
        },
        Edit::DeleteProject {
            project: ProjectId("p1".to_owned()),
        },
    ];
    let (p, skipped) = apply(&plan(), &edits);
    assert!(skipped.is_empty());
    let projects: Vec<(&str, &str, &str)> = p
        .projects
        .iter()
        .map(|p| (p.id.0.as_str(), p.name.as_str(), p.node.0.as_str()))
        .collect();
    assert_eq!(projects, [("p2", "某某高速公路", "1.1")]);
}

#[test]
fn an_added_node_goes_after_its_parents_descendants() {
    let edits = [
        Edit::AddNode {
            node: node("x1", Some("1"), &["市财政局"]),
        },
        Edit::AddNode {
            node: node("x2", None, &[]),
        },
    ];
    let (p, skipped) = apply(&plan(), &edits);
    assert!(skipped.is_empty());
    let ids: Vec<&str> = p.nodes.iter().map(|n| n.id.0.as_str()).collect();
    assert_eq!(ids, ["1", "1.1", "1.1.1", "x1", "2", "x2"]);
}

#[test]
fn diagnostics_are_resolved_by_code_and_line_and_horizon_set() {
    let edits = [
        Edit::ResolveDiagnostic {
            code: "unit_merged".to_owned(),
            line: Some(9),
            message: None,
        },
        Edit::SetHorizon { year: Some(2030) },
    ];
    let (p, skipped) = apply(&plan(), &edits);
    assert!(skipped.is_empty());
    let lines: Vec<Option<u32>> = p.diagnostics.iter().map(|d| d.line).collect();
    assert_eq!(lines, [Some(5)]);
    assert_eq!(p.horizon, Some(2030));
}

#[test]
fn edits_on_items_gone_are_skipped_with_a_reason() {
    let edits = [
        Edit::DeleteTarget { target: tid("t1") },
        Edit::EditTarget {
            target: tid("t1"),
            patch: TargetPatch::default(),
        },
        Edit::SetHorizon { year: Some(2035) },
        Edit::EditNode {
            node: nid("9"),
            patch: NodePatch::default(),
        },
    ];
    let (p, skipped) = apply(&plan(), &edits);
    assert_eq!(p.horizon, Some(2035));
    let skipped: Vec<(usize, &str)> = skipped
        .iter()
        .map(|s| (s.index, s.reason.as_str()))
        .collect();
    assert_eq!(skipped, [(1, "目标“t1”不存在"), (3, "节点“9”不存在")]);
}

#[test]
fn check_names_what_is_wrong() {
    let mut dup = target("t1", "1.1");
    assert_eq!(
        err(Edit::AddTarget {
            target: dup.clone()
        }),
        "目标编号“t1”已存在"
    );
    dup.id = tid("t8");
    dup.indicator = " ".to_owned();
    assert_eq!(
        err(Edit::AddTarget {
            target: dup.clone()
        }),
        "指标名称不能为空"
    );
    dup.indicator = "指标".to_owned();
    dup.value = f64::NAN;
    assert_eq!(
        err(Edit::AddTarget {
            target: dup.clone()
        }),
        "目标值不是有效数字"
    );
    dup.value = 1.0;
    dup.node = nid("7");
    assert_eq!(err(Edit::AddTarget { target: dup }), "节点“7”不存在");
    assert_eq!(
        err(Edit::EditTarget {
            target: tid("t1"),
            patch: TargetPatch {
                value_high: Some(Some(f64::INFINITY)),
                ..TargetPatch::default()
            }
        }),
        "目标值上限不是有效数字"
    );
    assert_eq!(
        err(Edit::EditNode {
            node: nid("1"),
            patch: NodePatch {
                title: Some(String::new()),
                ..NodePatch::default()
            }
        }),
        "标题不能为空"
    );
    assert_eq!(
        err(Edit::AddNode {
            node: node("x", Some("8"), &[])
        }),
        "上级节点“8”不存在"
    );
    assert_eq!(
        err(Edit::AddNode {
            node: node("1.1", Some("1"), &[])
        }),
        "节点编号“1.1”已存在"
    );
    let units = |names: &[&str]| Edit::SetUnits {
        node: nid("1.1"),
        units: names
            .iter()
            .map(|u| Assignment {
                unit: (*u).to_owned(),
                role: Role::Co,
            })
            .collect(),
    };
    assert_eq!(
        err(units(&["市财政局", "市财政局"])),
        "责任单位“市财政局”重复"
    );
    assert_eq!(err(units(&["市财政局", ""])), "责任单位名称不能为空");
    let mut odd = plan().targets[0].clone();
    odd.id = TargetId("a/b?x".into());
    assert!(err(Edit::AddTarget { target: odd }).contains("只能由字母、数字"));
    assert!(check(&plan(), &units(&[])).is_ok());
    assert_eq!(
        err(Edit::MergeTargets {
            keep: tid("t1"),
            remove: vec![tid("t2"), tid("t1")]
        }),
        "目标“t1”不能既保留又去掉"
    );
    assert_eq!(
        err(Edit::MergeTargets {
            keep: tid("t1"),
            remove: vec![tid("t5")]
        }),
        "目标“t5”不存在"
    );
    assert_eq!(
        err(Edit::SplitTarget {
            target: tid("t1"),
            parts: vec![target("t1", "1.1")]
        }),
        "拆分目标至少需要两项"
    );
    assert_eq!(
        err(Edit::SplitTarget {
            target: tid("t1"),
            parts: vec![target("t1", "1.1"), target("t2", "1.1")]
        }),
        "目标编号“t2”已存在"
    );
    assert_eq!(
        err(Edit::SplitTarget {
            target: tid("t1"),
            parts: vec![
                target("t1", "1.1"),
                target("t7", "1.1"),
                target("t7", "1.1")
            ]
        }),
        "目标编号“t7”重复"
    );
    assert_eq!(
        err(Edit::SetPeople {
            node: nid("1.1"),
            contact: Contact {
                unit: "市教育局".to_owned(),
                ..Contact::default()
            }
        }),
        "“市教育局”不是节点“1.1”的责任单位"
    );
    assert_eq!(
        err(Edit::ResolveDiagnostic {
            code: "unit_merged".to_owned(),
            line: Some(6),
            message: None,
        }),
        "第6行没有“unit_merged”提示"
    );
    assert_eq!(err(Edit::SetHorizon { year: Some(30) }), "年份30不合理");
    assert_eq!(
        err(Edit::DeleteProject {
            project: ProjectId("p9".to_owned())
        }),
        "项目“p9”不存在"
    );
}

#[test]
fn edits_round_trip_through_json() {
    let edit = Edit::EditTarget {
        target: tid("t1"),
        patch: TargetPatch {
            year: Some(None),
            ..TargetPatch::default()
        },
    };
    let json = serde_json::to_string(&edit).unwrap_or_default();
    assert!(json.contains("\"op\":\"edit_target\""), "{json}");
    assert!(json.contains("\"year\":null"), "{json}");
    assert!(!json.contains("value_high"), "{json}");
    let back: Option<Edit> = serde_json::from_str(&json).ok();
    assert_eq!(back, Some(edit));
    let leave: Option<Edit> =
        serde_json::from_str(r#"{"op":"edit_target","target":"t1","patch":{}}"#).ok();
    assert_eq!(
        leave,
        Some(Edit::EditTarget {
            target: tid("t1"),
            patch: TargetPatch::default()
        })
    );
}
