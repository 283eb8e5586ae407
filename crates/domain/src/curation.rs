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

/// A field that may be absent (`None`: leave it), `null` (`Some(None)`: clear it) or a value.
/// Serde's default reads `null` as absent; this reads it as present.
fn present<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// What a target edit sets; `None` leaves the field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetPatch {
    /// Indicator.
    #[serde(default)]
    pub indicator: Option<String>,
    /// Value (lower bound of a range).
    #[serde(default)]
    pub value: Option<f64>,
    /// Upper bound of a range (`Some(None)` clears it).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub value_high: Option<Option<f64>>,
    /// Unit of measure.
    #[serde(default)]
    pub unit: Option<String>,
    /// Comparator.
    #[serde(default)]
    pub comparator: Option<Comparator>,
    /// Deadline year (`Some(None)` clears it: the plan's horizon applies).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
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
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub data_owner: Option<Option<String>>,
    /// Internal (not public).
    #[serde(default)]
    pub internal: Option<bool>,
}

/// What a node edit sets; `None` leaves the field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodePatch {
    /// Title.
    #[serde(default)]
    pub title: Option<String>,
    /// Text.
    #[serde(default)]
    pub text: Option<String>,
    /// Deadline (完成时限) as the office writes it (`2026年底`); `Some(None)` clears it.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
        /// Its message, which tells apart several findings of one code on one line (`None`:
        /// every finding of the code on the line).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
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

/// A key the office gives a new item: letters, digits, `.`, `-`, `_` (it stands in addresses).
fn key_ok(what: &str, key: &str) -> Result<(), String> {
    not_blank(what, key)?;
    if key.len() > 64
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(format!(
            "{what}“{key}”只能由字母、数字和 . - _ 组成，且不超过 64 个字符"
        ));
    }
    Ok(())
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
    key_ok("目标编号", &id.0)?;
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
            key_ok("项目编号", &project.id.0)?;
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
            key_ok("节点编号", &node.id.0)?;
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
        Edit::ResolveDiagnostic {
            code,
            line,
            message,
        } => {
            if plan
                .diagnostics
                .iter()
                .any(|d| resolves(d, code, *line, message.as_deref()))
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
fn resolves(d: &crate::Diagnostic, code: &str, line: Option<u32>, message: Option<&str>) -> bool {
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

#[cfg(test)]
mod tests {
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
}
