//! Whether an edit can apply to a plan: what is refused, in Chinese.

use super::apply::resolves;
use super::*;

pub(super) fn has_node(plan: &Plan, id: &NodeId) -> Result<(), String> {
    if plan.nodes.iter().any(|n| &n.id == id) {
        Ok(())
    } else {
        Err(format!("节点“{id}”不存在"))
    }
}

pub(super) fn find_target<'a>(plan: &'a Plan, id: &TargetId) -> Result<&'a Target, String> {
    plan.targets
        .iter()
        .find(|t| &t.id == id)
        .ok_or_else(|| format!("目标“{id}”不存在"))
}

pub(super) fn has_project(plan: &Plan, id: &ProjectId) -> Result<(), String> {
    if plan.projects.iter().any(|p| &p.id == id) {
        Ok(())
    } else {
        Err(format!("项目“{id}”不存在"))
    }
}

pub(super) fn finite(what: &str, v: f64) -> Result<(), String> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(format!("{what}不是有效数字"))
    }
}

/// A key the office gives a new item: letters, digits, `.`, `-`, `_` (it stands in addresses).
pub(super) fn key_ok(what: &str, key: &str) -> Result<(), String> {
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

pub(super) fn not_blank(what: &str, s: &str) -> Result<(), String> {
    if s.trim().is_empty() {
        Err(format!("{what}不能为空"))
    } else {
        Ok(())
    }
}

pub(super) fn year_ok(year: Option<i32>) -> Result<(), String> {
    match year {
        Some(y) if !(1900..=2200).contains(&y) => Err(format!("年份{y}不合理")),
        _ => Ok(()),
    }
}

/// A whole target as given by an add or split: indicator, values, year.
pub(super) fn check_target_fields(t: &Target) -> Result<(), String> {
    not_blank("指标名称", &t.indicator)?;
    finite("目标值", t.value)?;
    if let Some(h) = t.value_high {
        finite("目标值上限", h)?;
    }
    year_ok(t.year)
}

pub(super) fn check_new_target_id(plan: &Plan, id: &TargetId) -> Result<(), String> {
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
