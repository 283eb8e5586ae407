//! The diff the office reviews: one entry per node added, removed, moved or changed.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::matching::same_value;
use super::similarity::*;
use super::*;

/// The pairs of one kind: new id → (old key, uncertain), and the old keys continued.
pub(super) struct Side<'a> {
    to_old: HashMap<&'a str, (&'a str, bool)>,
    continued: HashSet<&'a str>,
}

impl<'a> Side<'a> {
    pub(super) fn new(matching: &'a Matching, kind: ItemKind) -> Self {
        let mut to_old = HashMap::new();
        let mut continued = HashSet::new();
        for p in matching.pairs.iter().filter(|p| p.kind == kind) {
            if let Some(old) = p.old.as_deref() {
                to_old.insert(p.new.as_str(), (old, p.uncertain));
                continued.insert(old);
            }
        }
        Self { to_old, continued }
    }

    pub(super) fn old(&self, new: &str) -> Option<&'a str> {
        self.to_old.get(new).map(|(o, _)| *o)
    }

    pub(super) fn uncertain(&self, new: &str) -> bool {
        self.to_old.get(new).is_some_and(|(_, u)| *u)
    }
}

/// A node's units as the office reads them: `市交通运输局（牵头）、市公安局（配合）`.
pub(super) fn units_text(n: &Node) -> String {
    n.responsible
        .iter()
        .map(|a| {
            let role = match a.role {
                crate::Role::Lead => "牵头",
                crate::Role::Co => "配合",
                crate::Role::Implementer => "实施",
            };
            format!("{}（{role}）", a.unit)
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// A node's units with their roles, order aside.
pub(super) fn units_set(n: &Node) -> BTreeSet<(String, &'static str)> {
    n.responsible
        .iter()
        .map(|a| (a.unit.clone(), a.role.as_str()))
        .collect()
}

pub(super) fn target_differs(a: &Target, b: &Target) -> bool {
    squeeze(&a.indicator) != squeeze(&b.indicator)
        || !same_value(a.value, b.value)
        || match (a.value_high, b.value_high) {
            (Some(x), Some(y)) => !same_value(x, y),
            (None, None) => false,
            _ => true,
        }
        || squeeze(&a.unit) != squeeze(&b.unit)
        || a.comparator != b.comparator
        || a.year != b.year
}

pub(super) fn empty_change(
    kind: ChangeKind,
    old: Option<&str>,
    new: Option<&str>,
    title: &str,
) -> Change {
    Change {
        kind,
        old: old.map(str::to_owned),
        new: new.map(str::to_owned),
        title: title.to_owned(),
        fields: Vec::new(),
        texts: Vec::new(),
        targets_added: Vec::new(),
        targets_removed: Vec::new(),
        targets_changed: Vec::new(),
        projects_added: Vec::new(),
        projects_removed: Vec::new(),
        projects_changed: Vec::new(),
        uncertain: false,
    }
}

/// The diff the office reviews, one entry per node that was added, removed, moved or changed
/// (in itself or in the targets and projects it states). Nodes that only shifted position
/// (renumbered siblings) are not changes, nor are changes of whitespace alone.
///
/// Entries come in the new document's order; a removed node comes after the entry of the
/// nearest node before it in the old document that continues. Targets and projects are
/// reported under the node that states them: the new node for added and changed ones, the old
/// node for removed ones (under its continuation when it continues).
pub fn diff(base: &Plan, new: &Plan, matching: &Matching) -> Vec<Change> {
    let nodes = Side::new(matching, ItemKind::Node);
    let targets = Side::new(matching, ItemKind::Target);
    let projects = Side::new(matching, ItemKind::Project);
    let old_nodes: HashMap<&str, &Node> = base.nodes.iter().map(|n| (n.id.0.as_str(), n)).collect();
    let old_targets: HashMap<&str, &Target> =
        base.targets.iter().map(|t| (t.id.0.as_str(), t)).collect();
    let old_projects: HashMap<&str, &Project> =
        base.projects.iter().map(|p| (p.id.0.as_str(), p)).collect();
    let mut new_targets_of: HashMap<&str, Vec<&Target>> = HashMap::new();
    for t in &new.targets {
        new_targets_of.entry(t.node.0.as_str()).or_default().push(t);
    }
    let mut old_targets_of: HashMap<&str, Vec<&Target>> = HashMap::new();
    for t in &base.targets {
        old_targets_of.entry(t.node.0.as_str()).or_default().push(t);
    }
    let mut new_projects_of: HashMap<&str, Vec<&Project>> = HashMap::new();
    for p in &new.projects {
        new_projects_of
            .entry(p.node.0.as_str())
            .or_default()
            .push(p);
    }
    let mut old_projects_of: HashMap<&str, Vec<&Project>> = HashMap::new();
    for p in &base.projects {
        old_projects_of
            .entry(p.node.0.as_str())
            .or_default()
            .push(p);
    }
    let none_t: Vec<&Target> = Vec::new();
    let none_p: Vec<&Project> = Vec::new();
    // Old targets and projects stated in an old node that nothing continues.
    let gone_targets = |old: &str| -> Vec<String> {
        old_targets_of
            .get(old)
            .unwrap_or(&none_t)
            .iter()
            .filter(|t| !targets.continued.contains(t.id.0.as_str()))
            .map(|t| t.id.0.clone())
            .collect()
    };
    let gone_projects = |old: &str| -> Vec<String> {
        old_projects_of
            .get(old)
            .unwrap_or(&none_p)
            .iter()
            .filter(|p| !projects.continued.contains(p.id.0.as_str()))
            .map(|p| p.id.0.clone())
            .collect()
    };

    let mut entries: Vec<((usize, u8, usize), Change)> = Vec::new();
    let mut new_pos_of_old: HashMap<&str, usize> = HashMap::new();
    for (i, n) in new.nodes.iter().enumerate() {
        let here_t = new_targets_of.get(n.id.0.as_str()).unwrap_or(&none_t);
        let here_p = new_projects_of.get(n.id.0.as_str()).unwrap_or(&none_p);
        let old = nodes
            .old(&n.id.0)
            .and_then(|k| old_nodes.get(k).map(|o| (k, *o)));
        let Some((key, o)) = old else {
            let mut c = empty_change(ChangeKind::Added, None, Some(&n.id.0), &n.title);
            c.targets_added = here_t.iter().map(|t| t.id.0.clone()).collect();
            c.projects_added = here_p.iter().map(|p| p.id.0.clone()).collect();
            c.uncertain = here_t.iter().any(|t| targets.uncertain(&t.id.0))
                || here_p.iter().any(|p| projects.uncertain(&p.id.0));
            entries.push(((i + 1, 0, 0), c));
            continue;
        };
        new_pos_of_old.insert(key, i);
        let mut c = empty_change(ChangeKind::Changed, Some(key), Some(&n.id.0), &n.title);
        let text_field = |name: &str, before: &str, after: &str, c: &mut Change| {
            if squeeze(before) != squeeze(after) {
                c.fields.push(name.to_owned());
                c.texts
                    .push((name.to_owned(), before.to_owned(), after.to_owned()));
            }
        };
        text_field("title", &o.title, &n.title, &mut c);
        text_field("text", &o.text, &n.text, &mut c);
        if o.responsible != n.responsible {
            c.fields.push("units".to_owned());
            c.texts
                .push(("units".to_owned(), units_text(o), units_text(n)));
        }
        text_field(
            "deadline",
            o.deadline.as_deref().unwrap_or(""),
            n.deadline.as_deref().unwrap_or(""),
            &mut c,
        );
        let moved = match (&n.parent, &o.parent) {
            (None, None) => false,
            (Some(np), op) => nodes.old(&np.0) != op.as_ref().map(|p| p.0.as_str()),
            (None, Some(_)) => true,
        };
        for t in here_t {
            match targets.old(&t.id.0).and_then(|k| old_targets.get(k)) {
                None => c.targets_added.push(t.id.0.clone()),
                Some(ot) => {
                    if target_differs(t, ot) || ot.node.0 != key {
                        c.targets_changed.push(ot.id.0.clone());
                    }
                }
            }
        }
        c.targets_removed = gone_targets(key);
        for p in here_p {
            match projects.old(&p.id.0).and_then(|k| old_projects.get(k)) {
                None => c.projects_added.push(p.id.0.clone()),
                Some(op) => {
                    if squeeze(&op.name) != squeeze(&p.name) || op.node.0 != key {
                        c.projects_changed.push(op.id.0.clone());
                    }
                }
            }
        }
        c.projects_removed = gone_projects(key);
        c.uncertain = nodes.uncertain(&n.id.0)
            || here_t.iter().any(|t| targets.uncertain(&t.id.0))
            || here_p.iter().any(|p| projects.uncertain(&p.id.0));
        if moved {
            c.kind = ChangeKind::Moved;
            c.fields.push("parent".to_owned());
        }
        let changed = moved
            || !c.fields.is_empty()
            || !c.targets_added.is_empty()
            || !c.targets_removed.is_empty()
            || !c.targets_changed.is_empty()
            || !c.projects_added.is_empty()
            || !c.projects_removed.is_empty()
            || !c.projects_changed.is_empty();
        if changed {
            entries.push(((i + 1, 0, 0), c));
        }
    }
    let mut after = 0;
    for (j, o) in base.nodes.iter().enumerate() {
        if let Some(&i) = new_pos_of_old.get(o.id.0.as_str()) {
            after = i + 1;
            continue;
        }
        if nodes.continued.contains(o.id.0.as_str()) {
            continue;
        }
        let mut c = empty_change(ChangeKind::Removed, Some(&o.id.0), None, &o.title);
        c.targets_removed = gone_targets(&o.id.0);
        c.projects_removed = gone_projects(&o.id.0);
        entries.push(((after, 1, j), c));
    }
    entries.sort_by_key(|(k, _)| *k);
    entries.into_iter().map(|(_, c)| c).collect()
}
