//! Revisions of the reference plan: a revised copy made by string edits is matched, diffed and
//! rekeyed against the original, as the office would import a 动态调整 of the plan.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use duban_domain::Plan;
use duban_domain::revision::{ChangeKind, ItemKind, diff, match_plans, rekey};

const REFERENCE: &str = include_str!("../../../../fixtures/plans/haidong-action-plan-2024.txt");

/// Removes the text from `start` to the end of `end` (after `start`) and what whitespace follows;
/// returns the text left and the piece cut.
fn cut(text: &str, start: &str, end: &str) -> (String, String) {
    let a = text.find(start).expect("start marker");
    let b = a + text[a..].find(end).expect("end marker") + end.len();
    let rest = text[b..].trim_start_matches(['\n', '\r', ' ']);
    let piece = text[a..b].to_owned();
    (format!("{}{}", &text[..a], rest), piece)
}

/// Inserts `piece` right after `anchor` (as a paragraph of its own).
fn paste_after(text: &str, anchor: &str, piece: &str) -> String {
    let at = text.find(anchor).expect("anchor") + anchor.len();
    format!("{}\n\n{}{}", &text[..at], piece, &text[at..])
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from}");
    text.replacen(from, to, 1)
}

/// The revised copy: a sentence with a new target in 2.2.1, task 4.2.1 deleted, task 2.3.3
/// moved to the end of section 3.2, task 4.1.3 reworded.
fn revised() -> String {
    let mut text = replace_once(
        REFERENCE,
        "鼓励有条件、有需求的村庄编制村庄规划，为各类建设和开发保护活动提供法定依据。",
        "鼓励有条件、有需求的村庄编制村庄规划，为各类建设和开发保护活动提供法定依据。至2030年，村庄规划编制覆盖比例达到70%。",
    );
    let (t, _deleted) = cut(
        &text,
        "1. 推进公共交通设施便利化。",
        "（责任单位：市交通运输局，市公交集团）",
    );
    text = t;
    let (t, moved) = cut(
        &text,
        "3. 建设宜居宜业和美乡村。",
        "（责任单位：市农业农村局、市住房建设局，各县区政府）",
    );
    text = paste_after(
        &t,
        "（责任单位：海东工业园区管委会，市发展改革委，国网海东供电公司）",
        &moved,
    );
    text = replace_once(
        &text,
        "优化对外通道与城市道路衔接关系，推进民小公路平安驿州大道连接线工程建设，引导过境交通分流，缓解过境路段交通拥堵。",
        "改善对外通道与城市道路的衔接关系，推进民小公路平安驿州大道连接线工程建设，引导过境交通合理分流，有效缓解过境路段的交通拥堵。",
    );
    text
}

#[test]
fn the_revised_fixture_is_exactly_these_edits() {
    let fixture = include_str!("../../../../fixtures/plans/haidong-action-plan-2024-revised.txt");
    assert!(
        revised() == fixture,
        "fixtures/plans/haidong-action-plan-2024-revised.txt"
    );
}

fn node_title<'a>(plan: &'a Plan, id: &str) -> &'a str {
    &plan.nodes.iter().find(|n| n.id.0 == id).unwrap().title
}

fn indicators(plan: &Plan) -> BTreeMap<String, String> {
    plan.targets
        .iter()
        .map(|t| (t.id.0.clone(), t.indicator.clone()))
        .collect()
}

/// The same document with its page breaks done the other way: a long line cut mid-sentence by a
/// page break is joined to its continuation; every other paragraph break gets extra blank lines
/// and trailing spaces.
fn rebreak(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        out.push_str(line);
        let mid_sentence =
            line.chars().count() > 40 && !line.ends_with(['。', '）', ')', '：', '；']);
        let next = (i + 1..lines.len()).find(|&j| !lines[j].trim().is_empty());
        match next {
            Some(j) if mid_sentence => {
                i = j;
                continue;
            }
            _ => out.push_str("  \n \n\n"),
        }
        i += 1;
    }
    out
}

#[test]
fn the_reference_plan_matches_itself_exactly() {
    let plan = duban_import::parse(REFERENCE);
    let m = match_plans(&plan, &plan);
    assert_eq!(
        m.pairs.len(),
        plan.nodes.len() + plan.targets.len() + plan.projects.len()
    );
    for p in &m.pairs {
        assert_eq!(p.old.as_deref(), Some(p.new.as_str()), "{p:?}");
        assert!((p.score - 1.0).abs() < 1e-9, "{p:?}");
        assert!(!p.uncertain, "{p:?}");
    }
    assert!(diff(&plan, &plan, &m).is_empty());
}

#[test]
fn whitespace_of_page_breaks_does_not_matter() {
    let plan = duban_import::parse(REFERENCE);
    let other = duban_import::parse(&rebreak(REFERENCE));
    assert_ne!(other.nodes, plan.nodes, "the copy differs");
    assert_eq!(other.nodes.len(), plan.nodes.len());
    let m = match_plans(&plan, &other);
    for p in &m.pairs {
        assert_eq!(p.old.as_deref(), Some(p.new.as_str()), "{p:?}");
        assert!(!p.uncertain, "{p:?}");
    }
    assert!(
        diff(&plan, &other, &m).is_empty(),
        "{:#?}",
        diff(&plan, &other, &m)
    );
}

#[test]
fn a_revision_is_four_changes_and_keeps_every_key() {
    let base = duban_import::parse(REFERENCE);
    let new = duban_import::parse(&revised());
    assert_eq!(new.nodes.len(), base.nodes.len() - 1);
    assert_eq!(new.targets.len(), base.targets.len() + 1);

    let started = Instant::now();
    let m = match_plans(&base, &new);
    let elapsed = started.elapsed();
    assert!(elapsed.as_millis() < 2000, "matching took {elapsed:?}");
    assert_eq!(
        m.uncertain().count(),
        0,
        "{:#?}",
        m.uncertain().collect::<Vec<_>>()
    );

    let changes = diff(&base, &new, &m);
    let summary: Vec<(ChangeKind, Option<&str>, Option<&str>)> = changes
        .iter()
        .map(|c| (c.kind, c.old.as_deref(), c.new.as_deref()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (ChangeKind::Changed, Some("2.2.1"), Some("2.2.1")),
            (ChangeKind::Moved, Some("2.3.3"), Some("3.2.3")),
            (ChangeKind::Changed, Some("4.1.3"), Some("4.1.3")),
            (ChangeKind::Removed, Some("4.2.1"), None),
        ],
        "{changes:#?}"
    );
    let [inserted, moved, reworded, removed] = &changes[..] else {
        unreachable!()
    };
    assert_eq!(inserted.fields, ["text"]);
    assert_eq!(inserted.targets_added.len(), 1);
    assert!(inserted.targets_removed.is_empty() && inserted.targets_changed.is_empty());
    assert_eq!(moved.fields, ["parent"]);
    assert!(moved.targets_added.is_empty() && moved.targets_removed.is_empty());
    assert_eq!(moved.title, "建设宜居宜业和美乡村");
    assert_eq!(reworded.fields, ["text"]);
    assert!(reworded.targets_changed.is_empty());
    assert_eq!(removed.title, "推进公共交通设施便利化");

    let used: BTreeSet<String> = base
        .nodes
        .iter()
        .map(|n| n.id.0.clone())
        .chain(base.targets.iter().map(|t| t.id.0.clone()))
        .chain(base.projects.iter().map(|p| p.id.0.clone()))
        .collect();
    let keyed = rekey(&new, &m, &used, 2);

    // Unique ids, parents before children, references resolve.
    let mut seen = BTreeSet::new();
    for n in &keyed.nodes {
        if let Some(p) = &n.parent {
            assert!(seen.contains(&p.0), "{} before its parent {}", n.id, p);
        }
        assert!(seen.insert(n.id.0.clone()), "duplicate {}", n.id);
    }
    for t in &keyed.targets {
        assert!(seen.contains(&t.node.0));
    }
    for p in &keyed.projects {
        assert!(seen.contains(&p.node.0));
    }
    let target_ids: BTreeSet<&str> = keyed.targets.iter().map(|t| t.id.0.as_str()).collect();
    assert_eq!(target_ids.len(), keyed.targets.len());

    // Every target that continues keeps its indicator under its key.
    let before = indicators(&base);
    let after = indicators(&keyed);
    let new_target = &inserted.targets_added[0];
    let new_key = keyed
        .targets
        .iter()
        .zip(&new.targets)
        .find(|(_, n)| &n.id.0 == new_target)
        .map(|(k, _)| k.id.0.clone())
        .unwrap();
    assert!(!used.contains(&new_key), "{new_key} was used before");
    assert_eq!(after[&new_key], "村庄规划编制覆盖比例");
    for (key, indicator) in &after {
        if key != &new_key {
            assert_eq!(before.get(key), Some(indicator), "target {key}");
        }
    }
    assert_eq!(after.len(), before.len() + 1);

    // The moved task keeps its key under its new parent; the deleted one is gone.
    let moved_node = keyed.nodes.iter().find(|n| n.id.0 == "2.3.3").unwrap();
    assert_eq!(moved_node.parent.as_ref().unwrap().0, "3.2");
    assert!(keyed.nodes.iter().all(|n| n.id.0 != "4.2.1"));
    // Renumbered siblings keep their keys.
    assert_eq!(node_title(&keyed, "4.2.2"), node_title(&base, "4.2.2"));
    assert_eq!(node_title(&keyed, "4.2.3"), node_title(&base, "4.2.3"));
    // Every node of the old plan but the deleted one is still there under its key, same title.
    for n in &base.nodes {
        if n.id.0 != "4.2.1" {
            assert_eq!(node_title(&keyed, &n.id.0), n.title);
        }
    }

    // The rekeyed plan matches the revision as it is stored: everything continues itself.
    let again = match_plans(&keyed, &keyed);
    assert!(
        again
            .pairs
            .iter()
            .all(|p| p.old.as_deref() == Some(p.new.as_str()))
    );
}

#[test]
fn matching_is_fast_on_the_reference_pair() {
    let base = duban_import::parse(REFERENCE);
    let new = duban_import::parse(&revised());
    let started = Instant::now();
    for _ in 0..5 {
        let m = match_plans(&base, &new);
        assert!(!m.pairs.is_empty());
    }
    let each = started.elapsed() / 5;
    eprintln!("match_plans on the reference pair: {each:?}");
    // Unoptimised test builds are several times slower than release.
    assert!(each.as_millis() < 1500, "{each:?}");
}

#[test]
fn kinds_are_in_document_order() {
    let plan = duban_import::parse(REFERENCE);
    let m = match_plans(&plan, &plan);
    let kinds: Vec<ItemKind> = m.pairs.iter().map(|p| p.kind).collect();
    let mut sorted = kinds.clone();
    sorted.sort();
    assert_eq!(kinds, sorted);
}

/// The reference plan four times over (each copy under its own part): 680 nodes, every one
/// with three identical twins elsewhere, which only the parent's match tells apart.
fn quadrupled(plan: &Plan) -> Plan {
    let mut big = Plan::new("大");
    for k in 1..=4 {
        let prefix = |id: &str| duban_domain::NodeId(format!("{k}.{id}"));
        let mut part = plan.nodes[0].clone();
        part.id = duban_domain::NodeId(k.to_string());
        part.parent = None;
        part.title = format!("第{k}部分");
        part.text = String::new();
        big.nodes.push(part);
        for n in &plan.nodes {
            let mut n = n.clone();
            n.parent = Some(
                n.parent
                    .as_ref()
                    .map_or_else(|| duban_domain::NodeId(k.to_string()), |p| prefix(&p.0)),
            );
            n.id = prefix(&n.id.0);
            big.nodes.push(n);
        }
        for t in &plan.targets {
            let mut t = t.clone();
            t.id = duban_domain::TargetId(format!("{k}{}", t.id));
            t.node = prefix(&t.node.0);
            big.targets.push(t);
        }
        for p in &plan.projects {
            let mut p = p.clone();
            p.id = duban_domain::ProjectId(format!("{k}{}", p.id));
            p.node = prefix(&p.node.0);
            big.projects.push(p);
        }
    }
    big
}

#[test]
fn twins_are_told_apart_by_their_parents_and_large_plans_are_fast() {
    let plan = duban_import::parse(REFERENCE);
    let big = quadrupled(&plan);
    let started = Instant::now();
    let m = match_plans(&big, &big);
    let elapsed = started.elapsed();
    eprintln!(
        "match_plans on {} nodes, {} targets, {} projects: {elapsed:?}",
        big.nodes.len(),
        big.targets.len(),
        big.projects.len()
    );
    for p in &m.pairs {
        assert_eq!(p.old.as_deref(), Some(p.new.as_str()), "{p:?}");
    }
    assert!(elapsed.as_millis() < 5000, "{elapsed:?}");
}
