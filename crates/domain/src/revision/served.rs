//! What approving a revision does to the plan as served: the office's edits carry over, except
//! those the new document supersedes — an edit of a field (a node's title, text, deadline or
//! units; a target's words, value, unit, comparator, year or kind) whose text the new document
//! itself changes. Where the document speaks anew, the document wins; where it is silent, the
//! office's correction stands. The diff the office reviews is between the plan as served now and
//! the plan as served after approval, so its own edits never show as changes.

use std::collections::BTreeSet;

use super::diff::units_set;
use super::matching::same_value;
use super::similarity::squeeze;
use super::*;
use crate::curation::{self, Edit};

/// The outcome of approving a revision, computed before it is approved.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    /// The revised document with stable keys (what becomes the next version).
    pub keyed: Plan,
    /// Positions (in the list given) of the edits the new document supersedes.
    pub superseded: Vec<usize>,
    /// The plan as served after approval.
    pub served: Plan,
    /// The diff from the plan as served now to `served`.
    pub changes: Vec<Change>,
}

/// Previews approving `new` (as parsed, paired with `base` by `matching`) over `base` (the
/// document in force, stable keys) with the office's `edits`; `used` and `version` as for
/// [`rekey`].
pub fn preview(
    base: &Plan,
    new: &Plan,
    matching: &Matching,
    edits: &[Edit],
    used: &BTreeSet<String>,
    version: i64,
) -> Preview {
    let keyed = rekey(new, matching, used, version);
    let superseded: Vec<usize> = edits
        .iter()
        .enumerate()
        .filter(|(_, e)| supersedes(base, &keyed, e))
        .map(|(i, _)| i)
        .collect();
    let kept: Vec<Edit> = edits
        .iter()
        .enumerate()
        .filter(|(i, _)| !superseded.contains(i))
        .map(|(_, e)| e.clone())
        .collect();
    let now = curation::apply(base, edits).0;
    let served = curation::apply(&keyed, &kept).0;
    let changes = diff(&now, &served, &same_keys(&now, &served));
    Preview {
        keyed,
        superseded,
        served,
        changes,
    }
}

/// What a revised document is matched against: the document in force as it was written (so the
/// office's rewording of a task does not hide it from the text that revises it), plus the items
/// only the office's edits added (so a revision that now states them continues them).
pub fn matching_base(document: &Plan, served: &Plan) -> Plan {
    let mut base = document.clone();
    for n in &served.nodes {
        if document.node(&n.id).is_none() {
            base.nodes.push(n.clone());
        }
    }
    for t in &served.targets {
        if !document.targets.iter().any(|d| d.id == t.id) {
            base.targets.push(t.clone());
        }
    }
    for p in &served.projects {
        if !document.projects.iter().any(|d| d.id == p.id) {
            base.projects.push(p.clone());
        }
    }
    base
}

/// Pairs every item of `new` with the item of `old` of the same key.
fn same_keys(old: &Plan, new: &Plan) -> Matching {
    let mut pairs = Vec::new();
    let mut push = |kind: ItemKind, key: &str, known: bool| {
        pairs.push(Pair {
            kind,
            new: key.to_owned(),
            old: known.then(|| key.to_owned()),
            score: if known { 1.0 } else { 0.0 },
            uncertain: false,
        });
    };
    for n in &new.nodes {
        push(ItemKind::Node, &n.id.0, old.node(&n.id).is_some());
    }
    for t in &new.targets {
        push(
            ItemKind::Target,
            &t.id.0,
            old.targets.iter().any(|o| o.id == t.id),
        );
    }
    for p in &new.projects {
        push(
            ItemKind::Project,
            &p.id.0,
            old.projects.iter().any(|o| o.id == p.id),
        );
    }
    Matching { pairs }
}

/// Whether the new document changes the text an edit corrected.
fn supersedes(base: &Plan, new: &Plan, edit: &Edit) -> bool {
    let nodes = |id: &NodeId| (base.node(id), new.node(id));
    let targets = |id: &TargetId| {
        (
            base.targets.iter().find(|t| &t.id == id),
            new.targets.iter().find(|t| &t.id == id),
        )
    };
    match edit {
        Edit::EditNode { node, patch } => match nodes(node) {
            (Some(b), Some(n)) => {
                (patch.title.is_some() && squeeze(&b.title) != squeeze(&n.title))
                    || (patch.text.is_some() && squeeze(&b.text) != squeeze(&n.text))
                    || (patch.deadline.is_some() && b.deadline != n.deadline)
            }
            _ => false,
        },
        Edit::SetUnits { node, .. } => match nodes(node) {
            (Some(b), Some(n)) => units_set(b) != units_set(n),
            _ => false,
        },
        Edit::EditTarget { target, patch } => match targets(target) {
            (Some(b), Some(n)) => patch_restated(patch, b, n),
            _ => false,
        },
        Edit::DeleteTarget { target } | Edit::SplitTarget { target, .. } => match targets(target) {
            (Some(b), Some(n)) => target_changed(b, n),
            _ => false,
        },
        Edit::MergeTargets { keep, remove } => std::iter::once(keep)
            .chain(remove)
            .any(|t| matches!(targets(t), (Some(b), Some(n)) if target_changed(b, n))),
        Edit::EditProject { project, .. } | Edit::DeleteProject { project } => {
            let b = base.projects.iter().find(|p| &p.id == project);
            let n = new.projects.iter().find(|p| &p.id == project);
            matches!((b, n), (Some(b), Some(n)) if squeeze(&b.name) != squeeze(&n.name))
        }
        Edit::SetPeople { .. }
        | Edit::AddTarget { .. }
        | Edit::AddProject { .. }
        | Edit::AddNode { .. }
        | Edit::ResolveDiagnostic { .. }
        | Edit::SetHorizon { .. } => false,
    }
}

/// Whether the document states anew a field the patch set (the office's data owner and
/// internal mark are its own: the document never restates them).
fn patch_restated(patch: &curation::TargetPatch, a: &Target, b: &Target) -> bool {
    (patch.indicator.is_some() && squeeze(&a.indicator) != squeeze(&b.indicator))
        || (patch.value.is_some() && !same_value(a.value, b.value))
        || (patch.value_high.is_some() && a.value_high != b.value_high)
        || (patch.unit.is_some() && squeeze(&a.unit) != squeeze(&b.unit))
        || (patch.comparator.is_some() && a.comparator != b.comparator)
        || (patch.year.is_some() && a.year != b.year)
        || (patch.kind.is_some() && a.kind != b.kind)
        || (patch.approx.is_some() && a.approx != b.approx)
        || (patch.per_county.is_some() && a.per_county != b.per_county)
}

/// Whether the document states a target differently (what the importer reads from the text).
fn target_changed(a: &Target, b: &Target) -> bool {
    squeeze(&a.indicator) != squeeze(&b.indicator)
        || !same_value(a.value, b.value)
        || a.value_high.is_some() != b.value_high.is_some()
        || a.value_high
            .zip(b.value_high)
            .is_some_and(|(x, y)| !same_value(x, y))
        || squeeze(&a.unit) != squeeze(&b.unit)
        || a.comparator != b.comparator
        || a.year != b.year
        || a.kind != b.kind
        || a.approx != b.approx
        || a.per_county != b.per_county
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curation::{NodePatch, TargetPatch};

    /// A small plan: task 1.1 (roads, target t1 at `value` %), task 1.2 (water, with the
    /// housing bureau as co unit when `housing`).
    fn plan_of(value: f64, housing: bool) -> Plan {
        use crate::Role::{Co, Lead};
        let node = |id: &str,
                    parent: Option<&str>,
                    title: &str,
                    body: &str,
                    units: &[(&str, crate::Role)]| crate::Node {
            id: NodeId(id.into()),
            parent: parent.map(|p| NodeId(p.into())),
            kind: crate::NodeKind::Item,
            number: None,
            title: title.into(),
            text: body.into(),
            line: 1,
            responsible: units
                .iter()
                .map(|(u, r)| crate::Assignment {
                    unit: (*u).into(),
                    role: *r,
                })
                .collect(),
            responsible_raw: None,
            deadline: None,
            work_plan: Vec::new(),
            supervised: true,
            people: Vec::new(),
            internal: false,
        };
        let water: &[(&str, crate::Role)] = if housing {
            &[("市水务局", Lead), ("市住房建设局", Co)]
        } else {
            &[("市水务局", Lead)]
        };
        let mut p = Plan::new("测试");
        p.nodes = vec![
            node("1", None, "总体要求", "", &[]),
            node(
                "1.1",
                Some("1"),
                "推进道路建设",
                &format!("至2030年，乡镇通三级及以上公路比例达到{value}%。"),
                &[("市交通运输局", Lead), ("市公安局", Co)],
            ),
            node(
                "1.2",
                Some("1"),
                "推进供水建设",
                "至2030年，漏损率低于9%。",
                water,
            ),
        ];
        p.targets = vec![Target {
            id: TargetId("t1".into()),
            node: NodeId("1.1".into()),
            indicator: "乡镇通三级及以上公路比例".into(),
            value,
            unit: "%".into(),
            year: Some(2030),
            ..Target::default()
        }];
        p
    }

    fn office_edits() -> Vec<Edit> {
        vec![
            Edit::EditNode {
                node: NodeId("1.1".into()),
                patch: NodePatch {
                    deadline: Some(Some("2027年底".into())),
                    ..NodePatch::default()
                },
            },
            Edit::SetUnits {
                node: NodeId("1.2".into()),
                units: vec![crate::Assignment {
                    unit: "市城管局".into(),
                    role: crate::Role::Lead,
                }],
            },
            Edit::EditTarget {
                target: TargetId("t1".into()),
                patch: TargetPatch {
                    value: Some(88.0),
                    ..TargetPatch::default()
                },
            },
        ]
    }

    #[test]
    fn the_offices_edits_are_not_shown_as_changes() {
        let base = plan_of(85.0, false);
        let same = plan_of(85.0, false);
        let m = match_plans(&base, &same);
        let p = preview(&base, &same, &m, &office_edits(), &BTreeSet::new(), 2);
        assert!(p.superseded.is_empty());
        assert!(p.changes.is_empty(), "{:#?}", p.changes);
        assert_eq!(
            p.served
                .node(&NodeId("1.1".into()))
                .unwrap()
                .deadline
                .as_deref(),
            Some("2027年底")
        );
    }

    #[test]
    fn where_the_document_speaks_anew_it_supersedes_the_edit() {
        let base = plan_of(85.0, false);
        let revised = plan_of(90.0, true);
        let m = match_plans(&base, &revised);
        let p = preview(&base, &revised, &m, &office_edits(), &BTreeSet::new(), 2);
        // The value and the units of 1.2 are stated anew: those edits give way; the deadline,
        // which the document does not state, stays.
        assert_eq!(p.superseded, vec![1, 2]);
        let t = &p.served.targets[0];
        assert!((t.value - 90.0).abs() < 1e-9);
        let n = p.served.node(&NodeId("1.2".into())).unwrap();
        assert_eq!(n.responsible.len(), 2);
        assert_eq!(
            p.served
                .node(&NodeId("1.1".into()))
                .unwrap()
                .deadline
                .as_deref(),
            Some("2027年底")
        );
        assert_eq!(p.changes.len(), 2, "{:#?}", p.changes);
    }

    #[test]
    fn an_edit_of_a_field_the_document_does_not_restate_stays() {
        let base = plan_of(85.0, false);
        let revised = plan_of(90.0, false);
        let m = match_plans(&base, &revised);
        let approx = Edit::EditTarget {
            target: TargetId("t1".into()),
            patch: TargetPatch {
                approx: Some(true),
                ..TargetPatch::default()
            },
        };
        let p = preview(&base, &revised, &m, &[approx], &BTreeSet::new(), 2);
        assert!(p.superseded.is_empty());
        let t = &p.served.targets[0];
        assert!(t.approx && (t.value - 90.0).abs() < 1e-9);
    }
}
