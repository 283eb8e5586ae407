//! Unit tests of matching, diff and rekeying on small hand-made plans.

use std::collections::BTreeSet;

use super::similarity::*;
use super::*;
use crate::{Assignment, Comparator, NodeKind, Role};

fn node(id: &str, parent: Option<&str>, kind: NodeKind, title: &str, text: &str) -> Node {
    Node {
        id: NodeId(id.to_owned()),
        parent: parent.map(|p| NodeId(p.to_owned())),
        kind,
        number: None,
        title: title.to_owned(),
        text: text.to_owned(),
        line: 1,
        responsible: Vec::new(),
        responsible_raw: None,
        deadline: None,
        work_plan: Vec::new(),
        supervised: true,
        people: Vec::new(),
        internal: false,
    }
}

fn task(id: &str, parent: &str, title: &str, text: &str, unit: &str) -> Node {
    let mut n = node(id, Some(parent), NodeKind::Item, title, text);
    n.responsible = vec![Assignment {
        unit: unit.to_owned(),
        role: Role::Lead,
    }];
    n
}

fn target(id: &str, node: &str, indicator: &str, value: f64) -> Target {
    Target {
        id: TargetId(id.to_owned()),
        node: NodeId(node.to_owned()),
        indicator: indicator.to_owned(),
        value,
        unit: "%".to_owned(),
        comparator: Comparator::AtLeast,
        year: Some(2030),
        text: format!("{indicator}达到{value}%"),
        ..Target::default()
    }
}

const A: &str =
    "加快城乡基础设施一体化发展，统筹规划城乡道路、供水、电力、通信、供热和污水处理等设施。";
const B: &str = "全面推进农牧业转移人口落户城镇，进一步简化规范户口迁移手续，优化审批流程。";
const C: &str = "发挥海东乡村产业特色，加强与西宁合作，共同培育建设一批产品小而特的示范村镇。";
const D: &str = "推动骨干网、城域网扩容升级，推进老旧小区光纤改造，实现千兆到家庭的泛在光纤网络。";

/// A chapter with one section holding tasks a, b, c.
fn base() -> Plan {
    let mut p = Plan::new("计划");
    p.nodes = vec![
        node("1", None, NodeKind::Chapter, "重点任务", ""),
        node("1.1", Some("1"), NodeKind::Section, "推进城乡融合", ""),
        task("1.1.1", "1.1", "完善设施", A, "市住房建设局"),
        task("1.1.2", "1.1", "促进流动", B, "市公安局"),
        task("1.1.3", "1.1", "建设乡村", C, "市农业农村局"),
    ];
    p.targets = vec![
        target("t1", "1.1.1", "燃气普及率", 95.0),
        target("t2", "1.1.3", "农村卫生厕所普及率", 95.0),
    ];
    p.projects = vec![Project {
        id: ProjectId("p1".to_owned()),
        name: "乐都杨家水库".to_owned(),
        node: NodeId("1.1.3".to_owned()),
        line: 1,
    }];
    p
}

fn old_of<'a>(m: &'a Matching, kind: ItemKind, new: &str) -> Option<&'a str> {
    m.old_of(kind, new)
}

#[test]
fn bigram_similarity_ignores_whitespace() {
    assert_eq!(dice(&bag(&["至 2030 年"]), &bag(&["至2030年"])), 1.0);
    assert_eq!(dice(&bag(&["甲乙丙"]), &bag(&["丁戊己"])), 0.0);
    assert_eq!(dice(&bag(&[""]), &bag(&[""])), 1.0);
    assert_eq!(bag(&["甲"]).len(), 1);
    let half = dice(&bag(&["甲乙丙丁"]), &bag(&["甲乙丙戊"]));
    assert!(half > 0.6 && half < 0.7, "{half}");
}

#[test]
fn a_plan_matches_itself_with_certainty() {
    let p = base();
    let m = match_plans(&p, &p);
    assert_eq!(m.pairs.len(), 8);
    for pair in &m.pairs {
        assert_eq!(pair.old.as_deref(), Some(pair.new.as_str()));
        assert_eq!(pair.score, 1.0);
        assert!(!pair.uncertain);
    }
    assert!(diff(&p, &p, &m).is_empty());
}

#[test]
fn renumbering_after_a_deletion_keeps_the_match() {
    let old = base();
    let mut new = base();
    new.nodes.remove(3);
    if let Some(n) = new.nodes.get_mut(3) {
        n.id = NodeId("1.1.2".to_owned());
        n.number = Some("2.".to_owned());
    }
    for t in new.targets.iter_mut().filter(|t| t.node.0 == "1.1.3") {
        t.node = NodeId("1.1.2".to_owned());
    }
    for p in &mut new.projects {
        p.node = NodeId("1.1.2".to_owned());
    }
    let m = match_plans(&old, &new);
    assert_eq!(old_of(&m, ItemKind::Node, "1.1.2"), Some("1.1.3"));
    assert_eq!(old_of(&m, ItemKind::Target, "t2"), Some("t2"));
    assert_eq!(old_of(&m, ItemKind::Project, "p1"), Some("p1"));
    assert_eq!(m.uncertain().count(), 0);
    let changes = diff(&old, &new, &m);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    let removed = changes.first().map(|c| (c.kind, c.old.as_deref()));
    assert_eq!(removed, Some((ChangeKind::Removed, Some("1.1.2"))));
}

#[test]
fn position_alone_never_matches() {
    let old = base();
    let mut new = base();
    if let Some(n) = new.nodes.get_mut(3) {
        n.title = "新型基础设施".to_owned();
        n.text = D.to_owned();
    }
    let m = match_plans(&old, &new);
    assert_eq!(old_of(&m, ItemKind::Node, "1.1.2"), None);
    let kinds: Vec<ChangeKind> = diff(&old, &new, &m).iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ChangeKind::Removed, ChangeKind::Added]);
}

#[test]
fn the_parent_decides_between_equal_children() {
    let mut old = Plan::new("计划");
    old.nodes = vec![
        node("1", None, NodeKind::Chapter, "产业发展", A),
        node(
            "1.1",
            Some("1"),
            NodeKind::Section,
            "组织保障",
            "加强组织领导。",
        ),
        node("2", None, NodeKind::Chapter, "生态保护", B),
        node(
            "2.1",
            Some("2"),
            NodeKind::Section,
            "组织保障",
            "加强组织领导。",
        ),
    ];
    // The chapters change places.
    let mut new = Plan::new("计划");
    new.nodes = vec![
        node("1", None, NodeKind::Chapter, "生态保护", B),
        node(
            "1.1",
            Some("1"),
            NodeKind::Section,
            "组织保障",
            "加强组织领导。",
        ),
        node("2", None, NodeKind::Chapter, "产业发展", A),
        node(
            "2.1",
            Some("2"),
            NodeKind::Section,
            "组织保障",
            "加强组织领导。",
        ),
    ];
    let m = match_plans(&old, &new);
    assert_eq!(old_of(&m, ItemKind::Node, "1"), Some("2"));
    assert_eq!(old_of(&m, ItemKind::Node, "1.1"), Some("2.1"));
    assert_eq!(old_of(&m, ItemKind::Node, "2.1"), Some("1.1"));
    assert!(diff(&old, &new, &m).is_empty());
}

#[test]
fn a_weak_match_is_uncertain() {
    let old = base();
    let mut new = base();
    if let Some(n) = new.nodes.get_mut(3) {
        // Same title, kind, unit and place; the text is mostly new.
        n.text = format!("{}{}", B.chars().take(12).collect::<String>(), D);
    }
    let m = match_plans(&old, &new);
    let p = m.pairs.iter().find(|p| p.new == "1.1.2");
    let p = p.map(|p| (p.old.as_deref(), p.uncertain, p.score));
    assert!(
        matches!(p, Some((Some("1.1.2"), true, s)) if (FLOOR..ACCEPT).contains(&s)),
        "{p:?}"
    );
    let changes = diff(&old, &new, &m);
    assert!(changes.iter().all(|c| c.uncertain && c.fields == ["text"]));
}

#[test]
fn a_rival_nearly_as_good_makes_a_pair_uncertain() {
    let old = base();
    let mut new = base();
    // Task b appears twice, each copy with one word changed.
    let mut twin = task(
        "1.1.4",
        "1.1",
        "促进流动",
        &B.replacen("优化", "改进", 1),
        "市公安局",
    );
    twin.line = 2;
    if let Some(n) = new.nodes.get_mut(3) {
        n.text = B.replacen("全面", "加快", 1);
    }
    new.nodes.push(twin);
    let m = match_plans(&old, &new);
    assert!(
        m.pairs.iter().any(|p| p.new == "1.1.2" && p.uncertain),
        "{m:#?}"
    );
}

#[test]
fn a_move_and_target_changes_are_reported_under_their_node() {
    let old = base();
    let mut new = base();
    new.nodes.insert(
        2,
        node("1.2", Some("1"), NodeKind::Section, "建设和美乡村", ""),
    );
    // Task c moves under the new section 1.2 and its target's value changes; task a
    // states one more target and its units change.
    if let Some(n) = new.nodes.iter_mut().find(|n| n.id.0 == "1.1.3") {
        n.id = NodeId("1.2.1".to_owned());
        n.parent = Some(NodeId("1.2".to_owned()));
    }
    if let Some(n) = new.nodes.iter_mut().find(|n| n.id.0 == "1.1.1") {
        n.responsible.push(Assignment {
            unit: "市水务局".to_owned(),
            role: Role::Co,
        });
        n.text.push_str("至2030年，供水普及率达到98%。");
    }
    new.targets = vec![
        target("t1", "1.1.1", "燃气普及率", 95.0),
        target("t2", "1.1.1", "供水普及率", 98.0),
        target("t3", "1.2.1", "农村卫生厕所普及率", 97.0),
    ];
    new.projects.clear();
    let m = match_plans(&old, &new);
    assert_eq!(old_of(&m, ItemKind::Node, "1.2.1"), Some("1.1.3"));
    assert_eq!(old_of(&m, ItemKind::Target, "t3"), Some("t2"));
    assert_eq!(old_of(&m, ItemKind::Target, "t2"), None);
    let changes = diff(&old, &new, &m);
    let summary: Vec<_> = changes
        .iter()
        .map(|c| (c.kind, c.new.as_deref(), c.fields.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (ChangeKind::Added, Some("1.2"), vec![]),
            (
                ChangeKind::Changed,
                Some("1.1.1"),
                vec!["text".to_owned(), "units".to_owned()]
            ),
            (ChangeKind::Moved, Some("1.2.1"), vec!["parent".to_owned()]),
        ]
    );
    let a = changes.get(1);
    assert_eq!(
        a.map(|c| c.targets_added.clone()),
        Some(vec!["t2".to_owned()])
    );
    let c = changes.get(2);
    assert_eq!(
        c.map(|c| c.targets_changed.clone()),
        Some(vec!["t2".to_owned()])
    );
    assert_eq!(
        c.map(|c| c.projects_removed.clone()),
        Some(vec!["p1".to_owned()])
    );
}

#[test]
fn numbers_and_whitespace_alone_are_not_changes() {
    let old = base();
    let mut new = base();
    for n in &mut new.nodes {
        n.number = Some("X".to_owned());
        n.line += 10;
        n.text = n.text.replace('，', "， ");
    }
    let m = match_plans(&old, &new);
    assert!(diff(&old, &new, &m).is_empty());
}

#[test]
fn deadline_changes_are_changes() {
    let old = base();
    let mut new = base();
    if let Some(n) = new.nodes.get_mut(2) {
        n.deadline = Some("2026年底".to_owned());
    }
    let m = match_plans(&old, &new);
    let changes = diff(&old, &new, &m);
    let fields: Vec<_> = changes.iter().map(|c| c.fields.clone()).collect();
    assert_eq!(fields, [vec!["deadline".to_owned()]]);
}

#[test]
fn rekey_keeps_old_keys_and_never_reuses_one() {
    let old = base();
    let mut new = base();
    // A new task at the top of the section: every positional id below shifts.
    new.nodes
        .insert(2, task("1.1.1", "1.1", "新型基础设施", D, "市数据局"));
    for (i, n) in new.nodes.iter_mut().enumerate().skip(3) {
        n.id = NodeId(format!("1.1.{}", i - 1));
    }
    new.targets = vec![
        target("t1", "1.1.1", "千兆光网覆盖率", 90.0),
        target("t2", "1.1.2", "燃气普及率", 95.0),
        target("t3", "1.1.4", "农村卫生厕所普及率", 95.0),
    ];
    new.projects = vec![Project {
        id: ProjectId("p1".to_owned()),
        name: "乐都杨家水库".to_owned(),
        node: NodeId("1.1.4".to_owned()),
        line: 1,
    }];
    let m = match_plans(&old, &new);
    let used: BTreeSet<String> = ["1.1.1-v3", "t1", "t2", "t3"]
        .into_iter()
        .map(str::to_owned)
        .chain(old.nodes.iter().map(|n| n.id.0.clone()))
        .collect();
    let keyed = rekey(&new, &m, &used, 3);
    let ids: Vec<&str> = keyed.nodes.iter().map(|n| n.id.0.as_str()).collect();
    assert_eq!(ids, ["1", "1.1", "1.1.1-v3-2", "1.1.1", "1.1.2", "1.1.3"]);
    let parents: Vec<Option<&str>> = keyed
        .nodes
        .iter()
        .map(|n| n.parent.as_ref().map(|p| p.0.as_str()))
        .collect();
    assert_eq!(
        parents,
        [
            None,
            Some("1"),
            Some("1.1"),
            Some("1.1"),
            Some("1.1"),
            Some("1.1")
        ]
    );
    let targets: Vec<(&str, &str)> = keyed
        .targets
        .iter()
        .map(|t| (t.id.0.as_str(), t.node.0.as_str()))
        .collect();
    assert_eq!(
        targets,
        [("t1-v3", "1.1.1-v3-2"), ("t1", "1.1.1"), ("t2", "1.1.3")]
    );
    let projects: Vec<(&str, &str)> = keyed
        .projects
        .iter()
        .map(|p| (p.id.0.as_str(), p.node.0.as_str()))
        .collect();
    assert_eq!(projects, [("p1", "1.1.3")]);
}

#[test]
fn an_added_item_keeps_its_positional_id_when_unused() {
    let old = base();
    let mut new = base();
    new.nodes
        .push(task("1.1.4", "1.1", "新型基础设施", D, "市数据局"));
    let m = match_plans(&old, &new);
    let used: BTreeSet<String> = old.nodes.iter().map(|n| n.id.0.clone()).collect();
    let keyed = rekey(&new, &m, &used, 2);
    assert_eq!(keyed.nodes.last().map(|n| n.id.0.as_str()), Some("1.1.4"));
}

#[test]
fn an_office_decision_overrides_the_match() {
    let p = base();
    let mut m = match_plans(&p, &p);
    m.decide(ItemKind::Node, "1.1.3", Some("1.1.2"));
    assert_eq!(m.old_of(ItemKind::Node, "1.1.2"), None);
    let keyed = rekey(&p, &m, &BTreeSet::new(), 2);
    let ids: Vec<&str> = keyed.nodes.iter().map(|n| n.id.0.as_str()).collect();
    // 1.1.2 is now added and its positional id is taken: it gets a fresh key.
    assert_eq!(ids, ["1", "1.1", "1.1.1", "1.1.2-v2", "1.1.2"]);
}
