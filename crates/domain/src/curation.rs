//! The office's corrections of a plan as imported (责任清单 curation): edits kept beside the
//! document and applied over it, so a plan is always "the document as read, plus what the office
//! changed, in order". Edits name items by their stable keys, so they carry over to the next
//! revision of the document (`crate::revision`) and apply there too.
//!
//! [`apply`] is pure: the same plan and edits give the same result. An edit that no longer
//! applies (its item was withdrawn by a revision) is skipped and reported, never an error.

use serde::{Deserialize, Serialize};

use crate::{
    Assignment, Comparator, Contact, Node, NodeId, Plan, Project, ProjectId, Target, TargetId,
    TargetKind,
};

/// What a target edit sets; `None` leaves the field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TargetPatch {
    /// Indicator.
    #[serde(default)]
    pub indicator: Option<String>,
    /// Value (lower bound of a range).
    #[serde(default)]
    pub value: Option<f64>,
    /// Upper bound of a range (`Some(None)` clears it).
    #[serde(default)]
    pub value_high: Option<Option<f64>>,
    /// Unit of measure.
    #[serde(default)]
    pub unit: Option<String>,
    /// Comparator.
    #[serde(default)]
    pub comparator: Option<Comparator>,
    /// Deadline year (`Some(None)` clears it: the plan's horizon applies).
    #[serde(default)]
    pub year: Option<Option<i32>>,
    /// Kind.
    #[serde(default)]
    pub kind: Option<TargetKind>,
    /// Approximate.
    #[serde(default)]
    pub approx: Option<bool>,
    /// Per county.
    #[serde(default)]
    pub per_county: Option<bool>,
    /// Data-owner unit (`Some(None)` clears it).
    #[serde(default)]
    pub data_owner: Option<Option<String>>,
    /// Internal (not public).
    #[serde(default)]
    pub internal: Option<bool>,
}

/// What a node edit sets; `None` leaves the field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodePatch {
    /// Title.
    #[serde(default)]
    pub title: Option<String>,
    /// Text.
    #[serde(default)]
    pub text: Option<String>,
    /// Deadline (完成时限) as the office writes it (`2026年底`); `Some(None)` clears it.
    #[serde(default)]
    pub deadline: Option<Option<String>>,
    /// A task (`true`) or descriptive text (`false`).
    #[serde(default)]
    pub supervised: Option<bool>,
    /// Internal (not public).
    #[serde(default)]
    pub internal: Option<bool>,
}

/// One correction by the office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// Change a node's fields.
    EditNode {
        /// The node.
        node: NodeId,
        /// What changes.
        patch: NodePatch,
    },
    /// Replace a node's responsible units and their roles (order kept: leads first as given).
    SetUnits {
        /// The node.
        node: NodeId,
        /// The new assignments.
        units: Vec<Assignment>,
    },
    /// Name the people a unit names for a task (replaces that unit's entry).
    SetPeople {
        /// The node.
        node: NodeId,
        /// The unit and its people.
        contact: Contact,
    },
    /// Change a target's fields.
    EditTarget {
        /// The target.
        target: TargetId,
        /// What changes.
        patch: TargetPatch,
    },
    /// Add a target the importer missed (its `id` is given by the caller and must be new).
    AddTarget {
        /// The new target.
        target: Target,
    },
    /// Delete a target (not a goal at all).
    DeleteTarget {
        /// The target.
        target: TargetId,
    },
    /// Merge duplicate statements of one indicator: `remove` go, `keep` stays (facts recorded
    /// on a removed target stay with it and are not moved).
    MergeTargets {
        /// The target that stays.
        keep: TargetId,
        /// The duplicates that go.
        remove: Vec<TargetId>,
    },
    /// Split one statement into several targets: the original keeps the first part's fields,
    /// the rest are added with the ids given.
    SplitTarget {
        /// The target split.
        target: TargetId,
        /// The parts: the first patches the original (which keeps its id and node), the
        /// others are new targets on the same node, placed after it. A part without text or
        /// line takes the original's.
        parts: Vec<Target>,
    },
    /// Add a project.
    AddProject {
        /// The new project (its `id` must be new).
        project: Project,
    },
    /// Rename a project or move it to another node.
    EditProject {
        /// The project.
        project: ProjectId,
        /// New name.
        #[serde(default)]
        name: Option<String>,
        /// New node.
        #[serde(default)]
        node: Option<NodeId>,
    },
    /// Delete a project (not a project).
    DeleteProject {
        /// The project.
        project: ProjectId,
    },
    /// Add a node (a task the document does not number) under a parent.
    AddNode {
        /// The new node (its `id` must be new; `parent` must exist).
        node: Node,
    },
    /// Mark an importer diagnostic as dealt with (待确认 → 已确认).
    ResolveDiagnostic {
        /// Its code.
        code: String,
        /// Its line.
        line: Option<u32>,
    },
    /// Set the plan's operative horizon (the deadline year of whatever states none).
    SetHorizon {
        /// The year (`None`: read from the targets).
        year: Option<i32>,
    },
}

/// An edit that did not apply, and why (in Chinese, for the office).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    /// Position of the edit in the list given to [`apply`].
    pub index: usize,
    /// Why it was skipped.
    pub reason: String,
}

fn has_node(plan: &Plan, id: &NodeId) -> Result<(), String> {
    if plan.nodes.iter().any(|n| &n.id == id) {
        Ok(())
    } else {
        Err(format!("节点“{id}”不存在"))
    }
}

fn find_target<'a>(plan: &'a Plan, id: &TargetId) -> Result<&'a Target, String> {
    plan.targets
        .iter()
        .find(|t| &t.id == id)
        .ok_or_else(|| format!("目标“{id}”不存在"))
}

fn has_project(plan: &Plan, id: &ProjectId) -> Result<(), String> {
    if plan.projects.iter().any(|p| &p.id == id) {
        Ok(())
    } else {
        Err(format!("项目“{id}”不存在"))
    }
}

fn finite(what: &str, v: f64) -> Result<(), String> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(format!("{what}不是有效数字"))
    }
}

fn not_blank(what: &str, s: &str) -> Result<(), String> {
    if s.trim().is_empty() {
        Err(format!("{what}不能为空"))
    } else {
        Ok(())
    }
}

fn year_ok(year: Option<i32>) -> Result<(), String> {
    match year {
        Some(y) if !(1900..=2200).contains(&y) => Err(format!("年份{y}不合理")),
        _ => Ok(()),
    }
}

/// A whole target as given by an add or split: indicator, values, year.
fn check_target_fields(t: &Target) -> Result<(), String> {
    not_blank("指标名称", &t.indicator)?;
    finite("目标值", t.value)?;
    if let Some(h) = t.value_high {
        finite("目标值上限", h)?;
    }
    year_ok(t.year)
}

fn check_new_target_id(plan: &Plan, id: &TargetId) -> Result<(), String> {
    not_blank("目标编号", &id.0)?;
    if plan.targets.iter().any(|t| &t.id == id) {
        return Err(format!("目标编号“{id}”已存在"));
    }
    Ok(())
}

/// Whether an edit can apply to a plan; `Err` names what is wrong in Chinese (the unknown item,
/// a duplicate id, an empty indicator or title, a value that is not a number, units named twice,
/// a merge that keeps what it removes, a split into fewer than two parts…).
pub fn check(plan: &Plan, edit: &Edit) -> Result<(), String> {
    match edit {
        Edit::EditNode { node, patch } => {
            has_node(plan, node)?;
            if let Some(title) = &patch.title {
                not_blank("标题", title)?;
            }
            if let Some(Some(deadline)) = &patch.deadline {
                not_blank("完成时限", deadline)?;
            }
            Ok(())
        }
        Edit::SetUnits { node, units } => {
            has_node(plan, node)?;
            let mut seen = std::collections::BTreeSet::new();
            for a in units {
                not_blank("责任单位名称", &a.unit)?;
                if !seen.insert(a.unit.trim()) {
                    return Err(format!("责任单位“{}”重复", a.unit.trim()));
                }
            }
            Ok(())
        }
        Edit::SetPeople { node, contact } => {
            has_node(plan, node)?;
            not_blank("单位名称", &contact.unit)?;
            let responsible = plan
                .node(node)
                .is_some_and(|n| n.responsible.iter().any(|a| a.unit == contact.unit));
            if !responsible {
                return Err(format!("“{}”不是节点“{node}”的责任单位", contact.unit));
            }
            for p in [&contact.leader, &contact.responsible, &contact.liaison]
                .into_iter()
                .flatten()
            {
                not_blank("人员姓名", &p.name)?;
            }
            Ok(())
        }
        Edit::EditTarget { target, patch } => {
            find_target(plan, target)?;
            if let Some(indicator) = &patch.indicator {
                not_blank("指标名称", indicator)?;
            }
            if let Some(v) = patch.value {
                finite("目标值", v)?;
            }
            if let Some(Some(h)) = patch.value_high {
                finite("目标值上限", h)?;
            }
            if let Some(year) = patch.year {
                year_ok(year)?;
            }
            if let Some(Some(owner)) = &patch.data_owner {
                not_blank("数据来源单位", owner)?;
            }
            Ok(())
        }
        Edit::AddTarget { target } => {
            check_new_target_id(plan, &target.id)?;
            has_node(plan, &target.node)?;
            check_target_fields(target)
        }
        Edit::DeleteTarget { target } => find_target(plan, target).map(|_| ()),
        Edit::MergeTargets { keep, remove } => {
            find_target(plan, keep)?;
            if remove.is_empty() {
                return Err("合并时须指定要去掉的重复目标".to_owned());
            }
            for r in remove {
                if r == keep {
                    return Err(format!("目标“{keep}”不能既保留又去掉"));
                }
                find_target(plan, r)?;
            }
            Ok(())
        }
        Edit::SplitTarget { target, parts } => {
            find_target(plan, target)?;
            if parts.len() < 2 {
                return Err("拆分目标至少需要两项".to_owned());
            }
            let mut ids = std::collections::BTreeSet::new();
            for (i, part) in parts.iter().enumerate() {
                check_target_fields(part)?;
                if i > 0 {
                    check_new_target_id(plan, &part.id)?;
                    if !ids.insert(&part.id) {
                        return Err(format!("目标编号“{}”重复", part.id));
                    }
                }
            }
            Ok(())
        }
        Edit::AddProject { project } => {
            not_blank("项目编号", &project.id.0)?;
            if plan.projects.iter().any(|p| p.id == project.id) {
                return Err(format!("项目编号“{}”已存在", project.id));
            }
            not_blank("项目名称", &project.name)?;
            has_node(plan, &project.node)
        }
        Edit::EditProject {
            project,
            name,
            node,
        } => {
            has_project(plan, project)?;
            if let Some(name) = name {
                not_blank("项目名称", name)?;
            }
            if let Some(node) = node {
                has_node(plan, node)?;
            }
            Ok(())
        }
        Edit::DeleteProject { project } => has_project(plan, project),
        Edit::AddNode { node } => {
            not_blank("节点编号", &node.id.0)?;
            if plan.nodes.iter().any(|n| n.id == node.id) {
                return Err(format!("节点编号“{}”已存在", node.id));
            }
            not_blank("标题", &node.title)?;
            if let Some(parent) = &node.parent
                && !plan.nodes.iter().any(|n| &n.id == parent)
            {
                return Err(format!("上级节点“{parent}”不存在"));
            }
            let mut seen = std::collections::BTreeSet::new();
            for a in &node.responsible {
                not_blank("责任单位名称", &a.unit)?;
                if !seen.insert(a.unit.trim()) {
                    return Err(format!("责任单位“{}”重复", a.unit.trim()));
                }
            }
            Ok(())
        }
        Edit::ResolveDiagnostic { code, line } => {
            if plan
                .diagnostics
                .iter()
                .any(|d| &d.code == code && &d.line == line)
            {
                Ok(())
            } else {
                let at = line.map_or_else(|| "全文".to_owned(), |l| format!("第{l}行"));
                Err(format!("{at}没有“{code}”提示"))
            }
        }
        Edit::SetHorizon { year } => year_ok(*year),
    }
}

fn patch_target(t: &mut Target, patch: &TargetPatch) {
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
fn insertion_point(plan: &Plan, parent: Option<&NodeId>) -> usize {
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
fn apply_one(plan: &mut Plan, edit: &Edit) {
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
        Edit::ResolveDiagnostic { code, line } => plan
            .diagnostics
            .retain(|d| !(&d.code == code && &d.line == line)),
        Edit::SetHorizon { year } => plan.horizon = *year,
    }
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
