//! The office curates a plan in the browser (issue "Right numbers"): the to-do list of what the
//! importer could not settle (待确认), edits of nodes, units and their roles, people, targets and
//! projects (each with a reason, audited), publication, and the review of a revised document
//! (动态调整) before it replaces the version in force. Every form posts to one handler that turns
//! its fields into a `duban_domain::curation::Edit`; the API takes the same edits as JSON.

use std::collections::HashMap;

use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use duban_domain::curation::{Edit, NodePatch, TargetPatch};
use duban_domain::{
    Assignment, Comparator, Contact, NodeId, Person, Plan, ProjectId, Role, Target, TargetId,
    TargetKind,
};
use minijinja::context;

use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{PageLang, error_page, load, page, plan_ctx, ser};

type FormMap = Form<HashMap<String, String>>;

pub(crate) fn field(form: &HashMap<String, String>, name: &str) -> String {
    form.get(name)
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

pub(crate) fn opt(form: &HashMap<String, String>, name: &str) -> Option<String> {
    Some(field(form, name)).filter(|s| !s.is_empty())
}

fn number(
    form: &HashMap<String, String>,
    name: &str,
    label: &str,
) -> Result<Option<f64>, AppError> {
    let raw = field(form, name);
    if raw.is_empty() {
        return Ok(None);
    }
    parse_number(&raw)
        .map(Some)
        .ok_or_else(|| AppError::Unprocessable(format!("{label}“{raw}”不是数字")))
}

/// A number as people type it: full-width digits, thousands separators.
fn parse_number(raw: &str) -> Option<f64> {
    let folded: String = raw
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' '))
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '－' => '-',
            _ => c,
        })
        .collect();
    folded.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn year(form: &HashMap<String, String>, name: &str) -> Result<Option<i32>, AppError> {
    let raw = field(form, name);
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i32>()
        .ok()
        .filter(|y| (1900..=2200).contains(y))
        .map(Some)
        .ok_or_else(|| AppError::Unprocessable(format!("年份“{raw}”无效")))
}

fn flag(form: &HashMap<String, String>, name: &str) -> bool {
    matches!(field(form, name).as_str(), "1" | "on" | "true" | "yes")
}

fn comparator(raw: &str) -> Result<Comparator, AppError> {
    [
        Comparator::AtLeast,
        Comparator::AtMost,
        Comparator::Approx,
        Comparator::IncreaseBy,
        Comparator::ReduceTo,
        Comparator::ReduceBy,
        Comparator::Range,
    ]
    .into_iter()
    .find(|c| c.symbol() == raw)
    .ok_or_else(|| AppError::Unprocessable(format!("比较方式“{raw}”无法识别")))
}

fn target_kind(raw: &str) -> Result<TargetKind, AppError> {
    [
        TargetKind::Numeric,
        TargetKind::Milestone,
        TargetKind::Threshold,
        TargetKind::Ordinal,
    ]
    .into_iter()
    .find(|k| k.as_str() == raw)
    .ok_or_else(|| AppError::Unprocessable(format!("指标类型“{raw}”无法识别")))
}

fn role(raw: &str) -> Result<Role, AppError> {
    [Role::Lead, Role::Co, Role::Implementer]
        .into_iter()
        .find(|r| r.as_str() == raw)
        .ok_or_else(|| AppError::Unprocessable(format!("角色“{raw}”无法识别")))
}

fn person(form: &HashMap<String, String>, prefix: &str) -> Option<Person> {
    let name = field(form, &format!("{prefix}_name"));
    (!name.is_empty()).then(|| Person {
        name,
        post: field(form, &format!("{prefix}_post")),
        phone: field(form, &format!("{prefix}_phone")),
    })
}

/// A target from the fields of a target form (`{prefix}indicator`, `{prefix}value` …).
fn target_fields(
    form: &HashMap<String, String>,
    prefix: &str,
    id: TargetId,
    node: NodeId,
) -> Result<Target, AppError> {
    let f = |n: &str| format!("{prefix}{n}");
    let kind = match opt(form, &f("kind")) {
        Some(k) => target_kind(&k)?,
        None => TargetKind::Numeric,
    };
    let value = match number(form, &f("value"), "目标值")? {
        Some(v) => v,
        None if kind == TargetKind::Milestone => 1.0,
        None => return Err(AppError::Unprocessable("请填写目标值".to_owned())),
    };
    Ok(Target {
        id,
        node,
        indicator: field(form, &f("indicator")),
        value,
        value_high: number(form, &f("value_high"), "目标值上限")?,
        unit: field(form, &f("unit")),
        comparator: comparator(&opt(form, &f("comparator")).unwrap_or_else(|| ">=".to_owned()))?,
        year: year(form, &f("year"))?,
        text: field(form, &f("indicator")),
        line: 0,
        kind,
        approx: flag(form, &f("approx")),
        data_owner: opt(form, &f("data_owner")),
        per_county: flag(form, &f("per_county")),
        vision: false,
        internal: flag(form, &f("internal")),
    })
}

/// A key not yet used by any item of the plan (for what the office adds).
fn fresh(plan: &Plan, prefix: &str) -> String {
    let used = |k: &str| {
        plan.nodes.iter().any(|n| n.id.0 == k)
            || plan.targets.iter().any(|t| t.id.0 == k)
            || plan.projects.iter().any(|p| p.id.0 == k)
    };
    let stamp = duban_store::now();
    (0..)
        .map(|i| {
            format!(
                "{prefix}{stamp}{}",
                if i == 0 {
                    String::new()
                } else {
                    format!("-{i}")
                }
            )
        })
        .find(|k| !used(k))
        .unwrap_or_default()
}

/// `Some(new)` when it differs from `old`: a form sends every field, but an edit records only
/// what the office changed, so that replayed over a revised document it does not put back the
/// old words of the fields it never touched.
fn differs<T: PartialEq>(new: Option<T>, old: &T) -> Option<T> {
    new.filter(|v| v != old)
}

/// The part of a node form's patch that changes `current`.
fn node_changes(patch: NodePatch, current: &duban_domain::Node) -> NodePatch {
    NodePatch {
        title: differs(patch.title, &current.title),
        text: differs(patch.text, &current.text.trim().to_owned()),
        deadline: differs(patch.deadline, &current.deadline),
        supervised: differs(patch.supervised, &current.supervised),
        internal: differs(patch.internal, &current.internal),
    }
}

/// The part of a target form's patch that changes `current`.
fn target_changes(patch: TargetPatch, current: &Target) -> TargetPatch {
    TargetPatch {
        indicator: differs(patch.indicator, &current.indicator),
        value: differs(patch.value, &current.value),
        value_high: differs(patch.value_high, &current.value_high),
        unit: differs(patch.unit, &current.unit),
        comparator: differs(patch.comparator, &current.comparator),
        year: differs(patch.year, &current.year),
        kind: differs(patch.kind, &current.kind),
        approx: differs(patch.approx, &current.approx),
        per_county: differs(patch.per_county, &current.per_county),
        data_owner: differs(patch.data_owner, &current.data_owner),
        internal: differs(patch.internal, &current.internal),
    }
}

/// The edit a curation form stands for (its hidden `op` names it).
pub(crate) fn edit_of(plan: &Plan, form: &HashMap<String, String>) -> Result<Edit, AppError> {
    let node = || NodeId(field(form, "node"));
    let target = || TargetId(field(form, "target"));
    Ok(match field(form, "op").as_str() {
        "edit_node" => {
            let patch = NodePatch {
                title: opt(form, "title"),
                // Browsers send a textarea's lines with CRLF; the plan keeps LF.
                text: form
                    .get("text")
                    .map(|t| t.replace("\r\n", "\n").trim().to_owned()),
                deadline: Some(opt(form, "deadline")),
                supervised: Some(flag(form, "supervised")),
                internal: Some(flag(form, "internal")),
            };
            Edit::EditNode {
                node: node(),
                patch: match plan.nodes.iter().find(|n| n.id == node()) {
                    Some(current) => node_changes(patch, current),
                    None => patch,
                },
            }
        }
        "set_units" => {
            let mut units = Vec::new();
            for i in 0..64 {
                let Some(unit) = opt(form, &format!("unit_{i}")) else {
                    continue;
                };
                if flag(form, &format!("remove_{i}")) {
                    continue;
                }
                units.push(Assignment {
                    unit,
                    role: role(&field(form, &format!("role_{i}")))?,
                });
            }
            if let Some(unit) = opt(form, "new_unit") {
                units.push(Assignment {
                    unit,
                    role: role(&opt(form, "new_role").unwrap_or_else(|| "co".to_owned()))?,
                });
            }
            Edit::SetUnits {
                node: node(),
                units,
            }
        }
        "set_people" => Edit::SetPeople {
            node: node(),
            contact: Contact {
                unit: field(form, "unit"),
                leader: person(form, "leader"),
                responsible: person(form, "responsible"),
                liaison: person(form, "liaison"),
            },
        },
        "edit_target" => {
            let t = target_fields(form, "", target(), NodeId::default())?;
            let patch = TargetPatch {
                indicator: Some(t.indicator),
                value: Some(t.value),
                value_high: Some(t.value_high),
                unit: Some(t.unit),
                comparator: Some(t.comparator),
                year: Some(t.year),
                kind: Some(t.kind),
                approx: Some(t.approx),
                per_county: Some(t.per_county),
                data_owner: Some(t.data_owner),
                internal: Some(t.internal),
            };
            Edit::EditTarget {
                target: target(),
                patch: match plan.targets.iter().find(|g| g.id == target()) {
                    Some(current) => target_changes(patch, current),
                    None => patch,
                },
            }
        }
        "set_data_owner" => Edit::EditTarget {
            target: target(),
            patch: TargetPatch {
                data_owner: Some(opt(form, "data_owner")),
                ..TargetPatch::default()
            },
        },
        "add_target" => Edit::AddTarget {
            target: target_fields(form, "", TargetId(fresh(plan, "t")), node())?,
        },
        "delete_target" => Edit::DeleteTarget { target: target() },
        "merge_targets" => Edit::MergeTargets {
            keep: target(),
            remove: form
                .iter()
                .filter(|(k, v)| k.starts_with("remove_") && matches!(v.as_str(), "on" | "1"))
                .map(|(k, _)| TargetId(k.trim_start_matches("remove_").to_owned()))
                .collect(),
        },
        "split_target" => {
            let original = plan
                .targets
                .iter()
                .find(|t| t.id == target())
                .ok_or(AppError::NotFound)?;
            let first = target_fields(form, "a_", original.id.clone(), original.node.clone())?;
            let second = target_fields(
                form,
                "b_",
                TargetId(fresh(plan, "t")),
                original.node.clone(),
            )?;
            Edit::SplitTarget {
                target: target(),
                parts: vec![first, second],
            }
        }
        "add_project" => Edit::AddProject {
            project: duban_domain::Project {
                id: ProjectId(fresh(plan, "p")),
                name: field(form, "name"),
                node: node(),
                line: 0,
            },
        },
        "delete_project" => Edit::DeleteProject {
            project: ProjectId(field(form, "project")),
        },
        "resolve_diagnostic" => Edit::ResolveDiagnostic {
            code: field(form, "code"),
            line: opt(form, "line").and_then(|l| l.parse().ok()),
            message: opt(form, "message"),
        },
        "set_horizon" => Edit::SetHorizon {
            year: year(form, "horizon")?,
        },
        other => return Err(AppError::BadRequest(format!("未知的修改类型“{other}”"))),
    })
}

/// Where to go after a form: a page of the same plan, never elsewhere.
fn back(plan_id: i64, form: &HashMap<String, String>) -> String {
    let next = field(form, "next");
    let prefix = format!("/plans/{plan_id}/");
    if next.starts_with(&prefix)
        && !next.contains("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
    {
        next
    } else {
        format!("/plans/{plan_id}/curate")
    }
}

/// `POST /plans/{plan}/edits`: one edit from a curation form, with its reason.
pub async fn post_edit(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Path(raw): Path<String>,
    Form(form): FormMap,
) -> Response {
    let result = async {
        let (id, plan) = load(&state, &raw).await?;
        let edit = edit_of(&plan, &form)?;
        state
            .store
            .edit_plan(&viewer.actor(), id, &edit, &field(&form, "reason"))
            .await?;
        Ok::<_, AppError>(back(id, &form))
    }
    .await;
    match result {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => error_page(&state, &lang, &e),
    }
}

/// `POST /plans/{plan}/publish`.
pub async fn publish(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> Response {
    let Ok(id) = raw.parse::<i64>() else {
        return error_page(&state, &lang, &AppError::NotFound);
    };
    match state.store.publish_plan(&viewer.actor(), id).await {
        Ok(()) => Redirect::to(&format!("/plans/{id}/curate")).into_response(),
        Err(e) => error_page(&state, &lang, &e.into()),
    }
}

/// What still needs the office: diagnostics, and targets no unit can report.
fn todo(plan: &Plan) -> (Vec<minijinja::Value>, Vec<minijinja::Value>) {
    let diagnostics = plan
        .diagnostics
        .iter()
        .map(|d| context! { line => d.line, severity => d.severity.as_str(), code => d.code.clone(), message => d.message.clone() })
        .collect();
    let unowned = plan
        .targets
        .iter()
        .filter(|t| {
            t.data_owner.is_none()
                && plan
                    .node(&t.node)
                    .is_none_or(|n| n.responsible.is_empty())
        })
        .map(|t| context! { key => t.id.0.clone(), indicator => t.indicator.clone(), node => t.node.0.clone() })
        .collect();
    (diagnostics, unowned)
}

/// `GET /plans/{plan}/curate`: the to-do list, publication, edits, revisions, withdrawn items.
pub async fn curate_page(
    State(state): State<AppState>,
    lang: PageLang,
    Path(raw): Path<String>,
) -> Response {
    let result = async {
        let (id, plan) = load(&state, &raw).await?;
        let summary = state
            .store
            .plans()
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or(AppError::NotFound)?;
        let (diagnostics, unowned) = todo(&plan);
        let edits: Vec<_> = state
            .store
            .plan_edits(id)
            .await?
            .into_iter()
            .rev()
            .map(|e| {
                context! {
                    id => e.id, what => describe(&e.edit), reason => e.reason,
                    who => e.actor_name.unwrap_or_else(|| "—".to_owned()),
                    at => crate::view::local_time(e.created_at, state.config.utc_offset_hours),
                    superseded_in => e.superseded_in,
                }
            })
            .collect();
        let skipped: Vec<_> = state
            .store
            .skipped_edits(id)
            .await?
            .into_iter()
            .map(|s| context! { what => describe(&s.edit.edit), reason => s.edit.reason, why => s.reason })
            .collect();
        let revisions: Vec<_> = state
            .store
            .revisions(id)
            .await?
            .into_iter()
            .map(|r| context! { id => r.id, status => r.status.as_str(), source => r.source_name, version => r.version, base => r.base_version,
                at => crate::view::local_time(r.created_at, state.config.utc_offset_hours) })
            .collect();
        let withdrawn = ser(&state.store.withdrawn(id).await?);
        let units: Vec<String> = plan.units.iter().map(|u| u.name.clone()).collect();
        Ok::<_, AppError>(context! {
            ..plan_ctx(id, &plan),
            ..context! {
                published => summary.published_at.is_some(), diagnostics, unowned, edits, revisions, withdrawn, skipped,
                units, horizon => plan.operative_horizon(),
            }
        })
    }
    .await;
    match result {
        Ok(ctx) => page(&state, &lang, "curate.html", ctx),
        Err(e) => error_page(&state, &lang, &e),
    }
}

/// An edit in words, for the history (Chinese; the office's language).
pub(crate) fn describe(edit: &Edit) -> String {
    match edit {
        Edit::EditNode { node, .. } => format!("修改节点 {node}"),
        Edit::SetUnits { node, units } => format!(
            "调整节点 {node} 的责任单位：{}",
            units
                .iter()
                .map(|a| format!("{}（{}）", a.unit, role_zh(a.role)))
                .collect::<Vec<_>>()
                .join("、")
        ),
        Edit::SetPeople { node, contact } => {
            format!("设置节点 {node} 中 {} 的责任人", contact.unit)
        }
        Edit::EditTarget { target, .. } => format!("修改指标 {target}"),
        Edit::AddTarget { target } => format!("新增指标 {}（{}）", target.id, target.indicator),
        Edit::DeleteTarget { target } => format!("删除指标 {target}"),
        Edit::MergeTargets { keep, remove } => format!(
            "合并指标：保留 {keep}，并入 {}",
            remove
                .iter()
                .map(|t| t.0.as_str())
                .collect::<Vec<_>>()
                .join("、")
        ),
        Edit::SplitTarget { target, parts } => format!("拆分指标 {target} 为 {} 项", parts.len()),
        Edit::AddProject { project } => format!("新增项目 {}", project.name),
        Edit::EditProject { project, .. } => format!("修改项目 {project}"),
        Edit::DeleteProject { project } => format!("删除项目 {project}"),
        Edit::AddNode { node } => format!("新增节点 {}（{}）", node.id, node.title),
        Edit::ResolveDiagnostic {
            code,
            line,
            message,
        } => format!(
            "确认导入提示{}：{}",
            line.map_or_else(String::new, |l| format!("（第 {l} 行）")),
            message.as_deref().unwrap_or(code)
        ),
        Edit::SetHorizon { year } => format!(
            "规划期末年设为 {}",
            year.map_or_else(|| "自动".to_owned(), |y| y.to_string())
        ),
    }
}

fn role_zh(role: Role) -> &'static str {
    match role {
        Role::Lead => "牵头",
        Role::Co => "配合",
        Role::Implementer => "实施",
    }
}

/// `GET /plans/{plan}/nodes/{node}/edit`: a node's fields, units and roles, people, targets.
pub async fn node_page(
    State(state): State<AppState>,
    lang: PageLang,
    Path((raw, key)): Path<(String, String)>,
) -> Response {
    let result = async {
        let (id, plan) = load(&state, &raw).await?;
        let node = plan
            .nodes
            .iter()
            .find(|n| n.id.0 == key)
            .ok_or(AppError::NotFound)?;
        let people: Vec<_> = node
            .responsible
            .iter()
            .map(|a| {
                let c = node.people.iter().find(|c| c.unit == a.unit);
                context! { unit => a.unit.clone(), contact => ser(&c) }
            })
            .collect();
        let targets: Vec<_> = plan
            .targets
            .iter()
            .filter(|t| t.node == node.id)
            .map(ser)
            .collect();
        let projects: Vec<_> = plan
            .projects
            .iter()
            .filter(|p| p.node == node.id)
            .map(ser)
            .collect();
        let units: Vec<String> = plan.units.iter().map(|u| u.name.clone()).collect();
        Ok::<_, AppError>(context! {
            ..plan_ctx(id, &plan),
            ..context! { node => ser(node), people, targets, projects, units, comparators => comparators(), kinds => kinds() }
        })
    }
    .await;
    match result {
        Ok(ctx) => page(&state, &lang, "node_edit.html", ctx),
        Err(e) => error_page(&state, &lang, &e),
    }
}

fn comparators() -> Vec<&'static str> {
    vec![
        ">=",
        "<=",
        "approx",
        "increase_by",
        "reduce_to",
        "reduce_by",
        "range",
    ]
}

fn kinds() -> Vec<&'static str> {
    vec!["numeric", "milestone", "threshold", "ordinal"]
}

/// `GET /plans/{plan}/targets/{target}/edit`: a target's fields, merge and split.
pub async fn target_page(
    State(state): State<AppState>,
    lang: PageLang,
    Path((raw, key)): Path<(String, String)>,
) -> Response {
    let result = async {
        let (id, plan) = load(&state, &raw).await?;
        let target = plan
            .targets
            .iter()
            .find(|t| t.id.0 == key)
            .ok_or(AppError::NotFound)?;
        // Candidates to merge: the same indicator stated elsewhere, by shared characters.
        let mine: std::collections::HashSet<char> = target.indicator.chars().collect();
        let mut others: Vec<(usize, &Target)> = plan
            .targets
            .iter()
            .filter(|t| t.id != target.id)
            .map(|t| (t.indicator.chars().filter(|c| mine.contains(c)).count(), t))
            .filter(|(n, _)| *n * 2 >= mine.len().max(1))
            .collect();
        others.sort_by_key(|o| std::cmp::Reverse(o.0));
        let similar: Vec<_> = others.iter().take(8).map(|(_, t)| ser(t)).collect();
        let units: Vec<String> = plan.units.iter().map(|u| u.name.clone()).collect();
        Ok::<_, AppError>(context! {
            ..plan_ctx(id, &plan),
            ..context! { target => ser(target), similar, units, comparators => comparators(), kinds => kinds(),
                horizon => plan.operative_horizon() }
        })
    }
    .await;
    match result {
        Ok(ctx) => page(&state, &lang, "target_edit.html", ctx),
        Err(e) => error_page(&state, &lang, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        duban_import::parse(include_str!(
            "../../../fixtures/plans/haidong-action-plan-2024.txt"
        ))
    }

    fn form(fields: &[(&str, &str)]) -> HashMap<String, String> {
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_node_form_records_only_what_changed() {
        let plan = plan();
        let node = plan.nodes.iter().find(|n| n.id.0 == "2.3.2").cloned();
        let node = node.expect("task 2.3.2");
        // The browser sends the text back with CRLF line ends and every field.
        let text = node.text.replace('\n', "\r\n");
        let f = form(&[
            ("op", "edit_node"),
            ("node", "2.3.2"),
            ("title", &node.title),
            ("text", &text),
            ("deadline", "2026年底"),
            ("supervised", "1"),
        ]);
        let Ok(Edit::EditNode { patch, .. }) = edit_of(&plan, &f) else {
            panic!("an edit of the node");
        };
        assert_eq!(
            patch,
            NodePatch {
                deadline: Some(Some("2026年底".to_owned())),
                ..NodePatch::default()
            }
        );
    }

    #[test]
    fn a_target_form_records_only_what_changed() {
        let plan = plan();
        let target = plan.targets.iter().find(|t| t.text.contains("比例达到85%"));
        let target = target.expect("the road target").clone();
        let value = target.value.to_string();
        let year = target.year.map(|y| y.to_string()).unwrap_or_default();
        let f = form(&[
            ("op", "edit_target"),
            ("target", &target.id.0),
            ("indicator", &target.indicator),
            ("kind", target.kind.as_str()),
            ("comparator", target.comparator.symbol()),
            ("value", &value),
            ("unit", &target.unit),
            ("year", &year),
            ("approx", "1"),
        ]);
        let Ok(Edit::EditTarget { patch, .. }) = edit_of(&plan, &f) else {
            panic!("an edit of the target");
        };
        assert_eq!(
            patch,
            TargetPatch {
                approx: Some(true),
                ..TargetPatch::default()
            }
        );
    }
}
