//! Curation never panics and keeps a plan's structure, whatever the edits.

use std::collections::BTreeSet;

use duban_domain::curation::{Edit, NodePatch, TargetPatch, apply, check};
use duban_domain::{
    Assignment, Comparator, Contact, NodeId, Plan, Project, ProjectId, Role, Target, TargetId,
};
use proptest::prelude::*;

const REFERENCE: &str = include_str!("../../../../fixtures/plans/haidong-action-plan-2024.txt");

fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("2.1.1".to_owned()),
        Just("3.2".to_owned()),
        Just("1".to_owned()),
        Just("t1".to_owned()),
        Just("t2".to_owned()),
        Just("p1".to_owned()),
        Just("x".to_owned()),
        Just(String::new()),
        "[a-z0-9.]{1,5}",
    ]
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        -100.0..100.0f64
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("市财政局".to_owned()),
        Just("市交通运输局".to_owned()),
        Just(String::new()),
        "\\PC{0,6}",
    ]
}

fn target() -> impl Strategy<Value = Target> {
    (
        id(),
        id(),
        name(),
        number(),
        proptest::option::of(2000..2100i32),
    )
        .prop_map(|(id, node, indicator, value, year)| Target {
            id: TargetId(id),
            node: NodeId(node),
            indicator,
            value,
            year,
            comparator: Comparator::AtLeast,
            ..Target::default()
        })
}

fn edit(sample: duban_domain::Node) -> impl Strategy<Value = Edit> {
    prop_oneof![
        (
            id(),
            proptest::option::of(name()),
            proptest::option::of(any::<bool>())
        )
            .prop_map(|(n, title, supervised)| Edit::EditNode {
                node: NodeId(n),
                patch: NodePatch {
                    title,
                    supervised,
                    ..NodePatch::default()
                },
            }),
        (id(), proptest::collection::vec(name(), 0..4)).prop_map(|(n, units)| Edit::SetUnits {
            node: NodeId(n),
            units: units
                .into_iter()
                .map(|unit| Assignment {
                    unit,
                    role: Role::Lead,
                })
                .collect(),
        }),
        (id(), name()).prop_map(|(n, unit)| Edit::SetPeople {
            node: NodeId(n),
            contact: Contact {
                unit,
                ..Contact::default()
            },
        }),
        (
            id(),
            proptest::option::of(number()),
            proptest::option::of(name())
        )
            .prop_map(|(t, value, indicator)| Edit::EditTarget {
                target: TargetId(t),
                patch: TargetPatch {
                    value,
                    indicator,
                    value_high: Some(None),
                    ..TargetPatch::default()
                },
            }),
        target().prop_map(|target| Edit::AddTarget { target }),
        id().prop_map(|t| Edit::DeleteTarget {
            target: TargetId(t)
        }),
        (id(), proptest::collection::vec(id(), 0..3)).prop_map(|(keep, remove)| {
            Edit::MergeTargets {
                keep: TargetId(keep),
                remove: remove.into_iter().map(TargetId).collect(),
            }
        }),
        (id(), proptest::collection::vec(target(), 0..4)).prop_map(|(t, parts)| {
            Edit::SplitTarget {
                target: TargetId(t),
                parts,
            }
        }),
        (id(), name(), id()).prop_map(|(p, name, node)| Edit::AddProject {
            project: Project {
                id: ProjectId(p),
                name,
                node: NodeId(node),
                line: 0,
            },
        }),
        (
            id(),
            proptest::option::of(name()),
            proptest::option::of(id())
        )
            .prop_map(|(p, name, node)| Edit::EditProject {
                project: ProjectId(p),
                name,
                node: node.map(NodeId),
            }),
        id().prop_map(|p| Edit::DeleteProject {
            project: ProjectId(p)
        }),
        (id(), proptest::option::of(id()), name()).prop_map(move |(n, parent, title)| {
            let mut node = sample.clone();
            node.id = NodeId(n);
            node.parent = parent.map(NodeId);
            node.title = title;
            Edit::AddNode { node }
        }),
        (name(), proptest::option::of(0..600u32)).prop_map(|(code, line)| {
            Edit::ResolveDiagnostic {
                code,
                line,
                message: None,
            }
        }),
        proptest::option::of(any::<i32>()).prop_map(|year| Edit::SetHorizon { year }),
    ]
}

fn assert_structure(plan: &Plan) {
    let mut seen = BTreeSet::new();
    for n in &plan.nodes {
        if let Some(p) = &n.parent {
            assert!(seen.contains(&p.0), "{} before its parent {p}", n.id);
        }
        assert!(seen.insert(n.id.0.clone()), "duplicate node {}", n.id);
        let units: Vec<&str> = n.responsible.iter().map(|a| a.unit.as_str()).collect();
        assert!(n.people.iter().all(|c| units.contains(&c.unit.as_str())));
    }
    let mut targets = BTreeSet::new();
    for t in &plan.targets {
        assert!(targets.insert(t.id.0.clone()), "duplicate target {}", t.id);
        assert!(seen.contains(&t.node.0), "target {} on no node", t.id);
        assert!(t.value.is_finite());
        assert!(!t.indicator.trim().is_empty());
    }
    let mut projects = BTreeSet::new();
    for p in &plan.projects {
        assert!(
            projects.insert(p.id.0.clone()),
            "duplicate project {}",
            p.id
        );
        assert!(seen.contains(&p.node.0));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn apply_never_panics_and_keeps_the_structure(
        edits in proptest::collection::vec(edit(duban_import::parse(REFERENCE).nodes[20].clone()), 0..24)
    ) {
        let plan = duban_import::parse(REFERENCE);
        let (out, skipped) = apply(&plan, &edits);
        assert_structure(&out);
        // Every skipped edit is one `check` refused, and says why.
        assert!(skipped.iter().all(|s| !s.reason.is_empty() && s.index < edits.len()));
        for e in &edits {
            let _ = check(&out, e);
        }
        // Applying is deterministic.
        prop_assert_eq!(apply(&plan, &edits), (out, skipped));
    }
}
