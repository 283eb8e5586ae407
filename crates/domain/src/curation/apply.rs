//! Applying edits over a plan, in order.

use super::check::*;
use super::*;

pub(super) fn patch_target(t: &mut Target, patch: &TargetPatch) {
    if let Some(v) = &patch.indicator {
        t.indicator.clone_from(v);
    }
    if let Some(v) = patch.value {
        t.value = v;
    }
    if let Some(v) = patch.value_high {
        t.value_high = v;
    }
    if let Some(v) = &patch.unit {
        t.unit.clone_from(v);
    }
    if let Some(v) = patch.comparator {
        t.comparator = v;
    }
    if let Some(v) = patch.year {
        t.year = v;
    }
    if let Some(v) = patch.kind {
        t.kind = v;
    }
    if let Some(v) = patch.approx {
        t.approx = v;
    }
    if let Some(v) = patch.per_county {
        t.per_county = v;
    }
    if let Some(v) = &patch.data_owner {
        t.data_owner.clone_from(v);
    }
    if let Some(v) = patch.internal {
        t.internal = v;
    }
}

/// Where a new child of `parent` goes: after the parent's last descendant (the end of the plan
/// for a top-level node), so parents stay before their children.
pub(super) fn insertion_point(plan: &Plan, parent: Option<&NodeId>) -> usize {
    let Some(parent) = parent else {
        return plan.nodes.len();
    };
    let Some(start) = plan.nodes.iter().position(|n| &n.id == parent) else {
        return plan.nodes.len();
    };
    let mut inside: std::collections::BTreeSet<&NodeId> = std::collections::BTreeSet::new();
    inside.insert(parent);
    let mut end = start + 1;
    for n in plan.nodes.iter().skip(start + 1) {
        match &n.parent {
            Some(p) if inside.contains(p) => {
                inside.insert(&n.id);
                end += 1;
            }
            _ => break,
        }
    }
    end
}

/// Applies one edit that [`check`] accepted.
pub(super) fn apply_one(plan: &mut Plan, edit: &Edit) {
    match edit {
        Edit::EditNode { node, patch } => {
            if let Some(n) = plan.nodes.iter_mut().find(|n| &n.id == node) {
                if let Some(v) = &patch.title {
                    n.title.clone_from(v);
                }
                if let Some(v) = &patch.text {
                    n.text.clone_from(v);
                }
                if let Some(v) = &patch.deadline {
                    n.deadline.clone_from(v);
                }
                if let Some(v) = patch.supervised {
                    n.supervised = v;
                }
                if let Some(v) = patch.internal {
                    n.internal = v;
                }
            }
        }
        Edit::SetUnits { node, units } => {
            if let Some(n) = plan.nodes.iter_mut().find(|n| &n.id == node) {
                n.responsible = units
                    .iter()
                    .map(|a| Assignment {
                        unit: a.unit.trim().to_owned(),
                        role: a.role,
                    })
                    .collect();
            }
        }
        Edit::SetPeople { node, contact } => {
            if let Some(n) = plan.nodes.iter_mut().find(|n| &n.id == node) {
                match n.people.iter_mut().find(|c| c.unit == contact.unit) {
                    Some(c) => *c = contact.clone(),
                    None => n.people.push(contact.clone()),
                }
            }
        }
        Edit::EditTarget { target, patch } => {
            if let Some(t) = plan.targets.iter_mut().find(|t| &t.id == target) {
                patch_target(t, patch);
            }
        }
        Edit::AddTarget { target } => {
            let at = plan
                .targets
                .iter()
                .rposition(|t| t.node == target.node)
                .map_or(plan.targets.len(), |i| i + 1);
            plan.targets.insert(at, target.clone());
        }
        Edit::DeleteTarget { target } => plan.targets.retain(|t| &t.id != target),
        Edit::MergeTargets { remove, .. } => plan.targets.retain(|t| !remove.contains(&t.id)),
        Edit::SplitTarget { target, parts } => {
            let Some(at) = plan.targets.iter().position(|t| &t.id == target) else {
                return;
            };
            let mut rest = Vec::new();
            if let Some(t) = plan.targets.get_mut(at) {
                let (id, node) = (t.id.clone(), t.node.clone());
                let (text, line) = (t.text.clone(), t.line);
                for (i, part) in parts.iter().enumerate() {
                    let mut p = part.clone();
                    p.node.clone_from(&node);
                    if p.text.is_empty() {
                        p.text.clone_from(&text);
                    }
                    if p.line == 0 {
                        p.line = line;
                    }
                    if i == 0 {
                        p.id.clone_from(&id);
                        *t = p;
                    } else {
                        rest.push(p);
                    }
                }
            }
            let tail = plan.targets.split_off((at + 1).min(plan.targets.len()));
            plan.targets.extend(rest);
            plan.targets.extend(tail);
        }
        Edit::AddProject { project } => {
            let at = plan
                .projects
                .iter()
                .rposition(|p| p.node == project.node)
                .map_or(plan.projects.len(), |i| i + 1);
            plan.projects.insert(at, project.clone());
        }
        Edit::EditProject {
            project,
            name,
            node,
        } => {
            if let Some(p) = plan.projects.iter_mut().find(|p| &p.id == project) {
                if let Some(name) = name {
                    p.name.clone_from(name);
                }
                if let Some(node) = node {
                    p.node = node.clone();
                }
            }
        }
        Edit::DeleteProject { project } => plan.projects.retain(|p| &p.id != project),
        Edit::AddNode { node } => {
            let at = insertion_point(plan, node.parent.as_ref());
            plan.nodes.insert(at, node.clone());
        }
        Edit::ResolveDiagnostic {
            code,
            line,
            message,
        } => plan
            .diagnostics
            .retain(|d| !resolves(d, code, *line, message.as_deref())),
        Edit::SetHorizon { year } => plan.horizon = *year,
    }
}

/// Whether a diagnostic is the one a `ResolveDiagnostic` names.
pub(super) fn resolves(
    d: &crate::Diagnostic,
    code: &str,
    line: Option<u32>,
    message: Option<&str>,
) -> bool {
    d.code == code && d.line == line && message.is_none_or(|m| d.message == m)
}

/// The plan with the edits applied in order; edits that no longer apply (as [`check`] finds
/// them against the plan as edited so far) are skipped and reported.
///
/// Diagnostics resolved by an edit are removed from `plan.diagnostics`; at the end, the people
/// named for a unit that is no longer responsible for their node are dropped.
pub fn apply(plan: &Plan, edits: &[Edit]) -> (Plan, Vec<Skipped>) {
    let mut out = plan.clone();
    let mut skipped = Vec::new();
    for (index, edit) in edits.iter().enumerate() {
        match check(&out, edit) {
            Ok(()) => apply_one(&mut out, edit),
            Err(reason) => skipped.push(Skipped { index, reason }),
        }
    }
    for n in &mut out.nodes {
        let units: Vec<&str> = n.responsible.iter().map(|a| a.unit.as_str()).collect();
        n.people.retain(|c| units.contains(&c.unit.as_str()));
    }
    (out, skipped)
}
