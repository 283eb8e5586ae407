//! Helpers shared by the importer's integration tests: fixture paths and plan look-ups.

use std::path::PathBuf;

use duban_domain::{Node, Plan, Role, Target};

/// The repository's `fixtures/` folder.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// The reference plan's text.
pub fn reference_text() -> String {
    std::fs::read_to_string(fixtures().join("plans/haidong-action-plan-2024.txt")).unwrap()
}

/// A corpus document's text by file-name prefix (`01`, `02`, …).
pub fn corpus_text(prefix: &str) -> (String, String) {
    let dir = fixtures().join("corpus");
    let mut entries: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    let entry = entries
        .into_iter()
        .find(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.starts_with(prefix) && n.ends_with(".txt")
        })
        .unwrap();
    let name = entry.file_name().to_string_lossy().to_string();
    (name, std::fs::read_to_string(entry.path()).unwrap())
}

/// The only node whose title starts with `title`.
pub fn node<'a>(plan: &'a Plan, title: &str) -> &'a Node {
    let found: Vec<&Node> = plan
        .nodes
        .iter()
        .filter(|n| n.title.starts_with(title))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "nodes titled {title}: {:?}",
        found.iter().map(|n| &n.id).collect::<Vec<_>>()
    );
    found[0]
}

/// Units of a node with a role.
pub fn units(node: &Node, role: Role) -> Vec<&str> {
    node.units_with(role).collect()
}

/// Targets whose indicator contains `indicator`.
pub fn targets<'a>(plan: &'a Plan, indicator: &str) -> Vec<&'a Target> {
    plan.targets
        .iter()
        .filter(|t| t.indicator.contains(indicator))
        .collect()
}

/// Checks the invariants every parsed plan keeps, whatever the input.
pub fn check_invariants(plan: &Plan, source_lines: usize) {
    let ids: std::collections::HashSet<&str> = plan.nodes.iter().map(|n| n.id.0.as_str()).collect();
    assert_eq!(ids.len(), plan.nodes.len(), "node ids are unique");
    for (i, n) in plan.nodes.iter().enumerate() {
        if let Some(p) = &n.parent {
            let pos = plan.nodes.iter().position(|m| &m.id == p);
            assert!(
                pos.is_some_and(|pos| pos < i),
                "parent {p} of {} comes first",
                n.id
            );
            assert!(
                n.id.0.starts_with(&format!("{}.", p.0)),
                "id {} is under {p}",
                n.id
            );
        }
        assert!(
            n.line as usize <= source_lines,
            "node line within the source"
        );
        for a in &n.responsible {
            assert!(
                plan.unit(&a.unit).is_some_and(|u| u.name == a.unit),
                "{} is a canonical unit",
                a.unit
            );
        }
    }
    for t in &plan.targets {
        assert!(
            ids.contains(t.node.0.as_str()),
            "target {} has its node",
            t.id
        );
        assert!(t.line as usize >= 1 && t.line as usize <= source_lines);
        assert!(t.value.is_finite());
    }
    for p in &plan.projects {
        assert!(ids.contains(p.node.0.as_str()));
    }
    for d in &plan.diagnostics {
        assert!(d.line.is_none_or(|l| l as usize <= source_lines));
        assert!(!d.message.is_empty());
    }
}
