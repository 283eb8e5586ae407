//! The plan as served: the current version's document plus the office's edits
//! (`duban_domain::curation`), the edits themselves, publication of a plan, and keeping the
//! version's rows (nodes, assignments, targets, projects) equal to what is served, so that
//! rounds, reports and observations find what the office added or changed.

use std::collections::HashMap;

use duban_domain::curation::{self, Edit};
use duban_domain::{Node, Plan, Project, Target};
use sqlx::{Acquire, AnyConnection, Row};

use crate::audit::{self, json};
use crate::import::unit_id;
use crate::model::{Actor, EditRecord, SkippedEdit};
use crate::rounds::current_version_id;
use crate::sql::SqlStore;
use crate::{Result, StoreError, now};

/// The document of a version as stored (`None`: the current one), with ids as stable keys.
pub(crate) async fn document(
    conn: &mut AnyConnection,
    plan_id: i64,
    version: Option<i64>,
) -> Result<Option<Plan>> {
    let row = sqlx::query(
        "SELECT v.plan_json FROM plan_versions v JOIN plans p ON p.id = v.plan_id
         WHERE p.id = $1 AND v.version = COALESCE($2, p.current_version)",
    )
    .bind(plan_id)
    .bind(version)
    .persistent(false)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let json: String = row.try_get(0)?;
    let mut plan: Plan = serde_json::from_str(&json)
        .map_err(|e| StoreError::Corrupt(format!("计划 {plan_id}：{e}")))?;
    plan.normalise();
    Ok(Some(plan))
}

/// The office's edits of a plan in force (not superseded by a revision), in order.
pub(crate) async fn edits(conn: &mut AnyConnection, plan_id: i64) -> Result<Vec<Edit>> {
    Ok(edits_with_ids(conn, plan_id)
        .await?
        .into_iter()
        .map(|(_, e)| e)
        .collect())
}

/// The edits in force with their ids.
pub(crate) async fn edits_with_ids(
    conn: &mut AnyConnection,
    plan_id: i64,
) -> Result<Vec<(i64, Edit)>> {
    let rows = sqlx::query(
        "SELECT id, edit_json FROM plan_edits WHERE plan_id = $1 AND superseded_in IS NULL ORDER BY id",
    )
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get(0)?;
            let text: String = r.try_get(1)?;
            let edit = serde_json::from_str(&text)
                .map_err(|e| StoreError::Corrupt(format!("计划修订记录 {id}：{e}")))?;
            Ok((id, edit))
        })
        .collect()
}

/// The plan as served for a version (`None`: the current one): its document with every edit
/// that applies.
pub(crate) async fn effective(
    conn: &mut AnyConnection,
    plan_id: i64,
    version: Option<i64>,
) -> Result<Option<Plan>> {
    let Some(doc) = document(conn, plan_id, version).await? else {
        return Ok(None);
    };
    let edits = edits(conn, plan_id).await?;
    Ok(Some(curation::apply(&doc, &edits).0))
}

/// The office's edits in force that no longer apply to the current version, with why.
pub(crate) async fn skipped(store: &SqlStore, plan_id: i64) -> Result<Vec<SkippedEdit>> {
    let mut conn = store.pool.acquire().await?;
    let Some(doc) = document(&mut conn, plan_id, None).await? else {
        return Ok(Vec::new());
    };
    let with_ids = edits_with_ids(&mut conn, plan_id).await?;
    drop(conn);
    let list: Vec<Edit> = with_ids.iter().map(|(_, e)| e.clone()).collect();
    let (_, skipped) = curation::apply(&doc, &list);
    if skipped.is_empty() {
        return Ok(Vec::new());
    }
    let records = edit_records(store, plan_id).await?;
    Ok(skipped
        .into_iter()
        .filter_map(|s| {
            let (id, _) = with_ids.get(s.index)?;
            let edit = records.iter().find(|r| r.id == *id)?.clone();
            Some(SkippedEdit {
                edit,
                reason: s.reason,
            })
        })
        .collect())
}

pub(crate) async fn plan(
    store: &SqlStore,
    plan_id: i64,
    version: Option<i64>,
) -> Result<Option<Plan>> {
    let mut conn = store.pool.acquire().await?;
    effective(&mut conn, plan_id, version).await
}

/// The longest reason, and the longest string of an edit (a node's `text` may be longer).
const MAX_REASON: usize = 2_000;
const MAX_FIELD: usize = 2_000;
const MAX_TEXT: usize = 50_000;

/// A reason as the office gave it, trimmed: not blank, no control characters (PostgreSQL
/// refuses NUL in text; the two backends must agree), not longer than a reason needs to be.
pub(crate) fn reason_ok<'a>(reason: &'a str, missing: &str) -> Result<&'a str> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(StoreError::Invalid(missing.to_owned()));
    }
    text_ok("理由", reason, MAX_REASON)?;
    Ok(reason)
}

fn text_ok(what: &str, s: &str, max: usize) -> Result<()> {
    if s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(StoreError::Invalid(format!("{what}中含有无效的控制字符")));
    }
    let n = s.chars().count();
    if n > max {
        return Err(StoreError::Invalid(format!(
            "{what}过长（{n} 字，最多 {max} 字）"
        )));
    }
    Ok(())
}

/// Every string an edit carries: no control characters, no field longer than a field can be.
fn edit_text_ok(value: &serde_json::Value, key: &str) -> Result<()> {
    match value {
        serde_json::Value::String(s) => {
            let (what, max) = match key {
                "text" => ("正文", MAX_TEXT),
                _ => ("内容", MAX_FIELD),
            };
            text_ok(what, s, max)
        }
        serde_json::Value::Array(items) => items.iter().try_for_each(|v| edit_text_ok(v, key)),
        serde_json::Value::Object(map) => map.iter().try_for_each(|(k, v)| edit_text_ok(v, k)),
        _ => Ok(()),
    }
}

/// Stores one edit after checking it against the plan as served; audited with its reason.
pub(crate) async fn edit(
    store: &SqlStore,
    actor: &Actor,
    plan_id: i64,
    edit: &Edit,
    reason: &str,
) -> Result<i64> {
    let reason = reason_ok(reason, "请填写修改理由")?;
    let value = serde_json::to_value(edit).map_err(|e| StoreError::Database(e.to_string()))?;
    edit_text_ok(&value, "")?;
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let before = effective(&mut tx, plan_id, None)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("计划 {plan_id}")))?;
    curation::check(&before, edit).map_err(StoreError::Invalid)?;
    // A key is never reused: not a deleted target's, a withdrawn item's, nor one an earlier
    // edit gave (facts recorded under it would pass to the new item).
    let new_keys: Vec<&str> = match edit {
        Edit::AddTarget { target } => vec![target.id.0.as_str()],
        Edit::SplitTarget { parts, .. } => parts.iter().skip(1).map(|t| t.id.0.as_str()).collect(),
        Edit::AddNode { node } => vec![node.id.0.as_str()],
        Edit::AddProject { project } => vec![project.id.0.as_str()],
        _ => Vec::new(),
    };
    if !new_keys.is_empty() {
        let used = crate::revision::used_keys(&mut tx, plan_id).await?;
        if let Some(k) = new_keys.iter().find(|k| used.contains(**k)) {
            return Err(StoreError::Invalid(format!(
                "编号“{k}”已被本计划使用过（含已删除或已撤销的条目），请换一个编号"
            )));
        }
    }
    let after = curation::apply(&before, std::slice::from_ref(edit)).0;
    if after == before {
        return Err(StoreError::Invalid(
            "此修改与现有内容相同，未保存".to_owned(),
        ));
    }
    let text = serde_json::to_string(edit).map_err(|e| StoreError::Database(e.to_string()))?;
    let id: i64 = sqlx::query(
        "INSERT INTO plan_edits (plan_id, edit_json, reason, actor_user_id, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(plan_id)
    .bind(&text)
    .bind(reason)
    .bind(actor.user_id)
    .bind(now())
    .persistent(false)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    sqlx::query("UPDATE plans SET edit_seq = edit_seq + 1 WHERE id = $1")
        .bind(plan_id)
        .execute(&mut *tx)
        .await?;
    let version_id = current_version_id(&mut tx, plan_id).await?;
    sync_rows(&mut tx, version_id, Some(&before), &after).await?;
    let (entity, key, was) = subject(&before, edit);
    audit::append(
        &mut tx,
        actor,
        "plan.edit",
        entity,
        &format!("{plan_id}/{key}"),
        was.as_ref(),
        Some(&serde_json::json!({ "edit": edit, "reason": reason, "edit_id": id })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// What an edit is about, for the audit event: entity, key, and the item as it was.
fn subject(plan: &Plan, edit: &Edit) -> (&'static str, String, Option<serde_json::Value>) {
    let node = |k: &str| {
        plan.nodes
            .iter()
            .find(|n| n.id.0 == k)
            .and_then(|n| serde_json::to_value(n).ok())
    };
    let target = |k: &str| {
        plan.targets
            .iter()
            .find(|t| t.id.0 == k)
            .and_then(|t| serde_json::to_value(t).ok())
    };
    let project = |k: &str| {
        plan.projects
            .iter()
            .find(|p| p.id.0 == k)
            .and_then(|p| serde_json::to_value(p).ok())
    };
    match edit {
        Edit::EditNode { node: n, .. }
        | Edit::SetUnits { node: n, .. }
        | Edit::SetPeople { node: n, .. } => ("node", n.0.clone(), node(&n.0)),
        Edit::AddNode { node: n } => ("node", n.id.0.clone(), None),
        Edit::EditTarget { target: t, .. }
        | Edit::DeleteTarget { target: t }
        | Edit::SplitTarget { target: t, .. } => ("target", t.0.clone(), target(&t.0)),
        Edit::MergeTargets { keep, .. } => ("target", keep.0.clone(), target(&keep.0)),
        Edit::AddTarget { target: t } => ("target", t.id.0.clone(), None),
        Edit::AddProject { project: p } => ("project", p.id.0.clone(), None),
        Edit::EditProject { project: p, .. } | Edit::DeleteProject { project: p } => {
            ("project", p.0.clone(), project(&p.0))
        }
        Edit::ResolveDiagnostic { code, line, .. } => (
            "diagnostic",
            format!(
                "{code}@{}",
                line.map_or_else(String::new, |l| l.to_string())
            ),
            None,
        ),
        Edit::SetHorizon { .. } => ("plan", "horizon".to_owned(), json(&plan.horizon).ok()),
    }
}

/// The edits of a plan with who made them, when and why, oldest first.
pub(crate) async fn edit_records(store: &SqlStore, plan_id: i64) -> Result<Vec<EditRecord>> {
    let rows = sqlx::query(
        "SELECT e.id, e.edit_json, e.reason, e.actor_user_id, u.display_name, e.created_at, e.superseded_in
         FROM plan_edits e LEFT JOIN users u ON u.id = e.actor_user_id
         WHERE e.plan_id = $1 ORDER BY e.id",
    )
    .bind(plan_id)
    .fetch_all(&store.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get(0)?;
            let text: String = r.try_get(1)?;
            Ok(EditRecord {
                id,
                edit: serde_json::from_str(&text)
                    .map_err(|e| StoreError::Corrupt(format!("计划修订记录 {id}：{e}")))?,
                reason: r.try_get(2)?,
                actor_user_id: r.try_get(3)?,
                actor_name: r.try_get(4)?,
                created_at: r.try_get(5)?,
                superseded_in: r.try_get(6)?,
            })
        })
        .collect()
}

/// Confirms a plan for supervision (rounds may open; the public sees it).
pub(crate) async fn publish(store: &SqlStore, actor: &Actor, plan_id: i64) -> Result<()> {
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let row = sqlx::query("SELECT published_at FROM plans WHERE id = $1")
        .bind(plan_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("计划 {plan_id}")))?;
    let was: Option<i64> = row.try_get(0)?;
    if was.is_some() {
        return Err(StoreError::Invalid("该计划已发布".to_owned()));
    }
    // The edit count rises too: caches of the plan as served learn it is public.
    sqlx::query(
        "UPDATE plans SET published_at = $1, published_by = $2, edit_seq = edit_seq + 1 WHERE id = $3",
    )
        .bind(now())
        .bind(actor.user_id)
        .bind(plan_id)
        .persistent(false)
        .execute(&mut *tx)
        .await?;
    audit::append(
        &mut tx,
        actor,
        "plan.publish",
        "plan",
        &plan_id.to_string(),
        None,
        Some(&serde_json::json!({ "published": true })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// When a plan was published, if it was.
pub(crate) async fn published_at(conn: &mut AnyConnection, plan_id: i64) -> Result<Option<i64>> {
    let row = sqlx::query("SELECT published_at FROM plans WHERE id = $1")
        .bind(plan_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("计划 {plan_id}")))?;
    Ok(row.try_get(0)?)
}

/// Makes a version's rows match `after`: nodes, targets and projects that differ from `before`
/// (all of them without `before`) are updated or inserted; a node's assignments are replaced
/// when they changed. Rows of items `after` no longer has stay: facts may name them. Returns
/// the version's node row ids by key.
pub(crate) async fn sync_rows(
    conn: &mut AnyConnection,
    version_id: i64,
    before: Option<&Plan>,
    after: &Plan,
) -> Result<HashMap<String, i64>> {
    let mut unit_ids: HashMap<String, i64> = HashMap::new();
    let old_nodes: HashMap<&str, &Node> = before
        .map(|p| p.nodes.iter().map(|n| (n.id.0.as_str(), n)).collect())
        .unwrap_or_default();
    let mut node_ids: HashMap<String, i64> = HashMap::new();
    for r in sqlx::query("SELECT node_key, id FROM nodes WHERE plan_version_id = $1")
        .bind(version_id)
        .fetch_all(&mut *conn)
        .await?
    {
        node_ids.insert(r.try_get(0)?, r.try_get(1)?);
    }
    for (position, node) in after.nodes.iter().enumerate() {
        let old = old_nodes.get(node.id.0.as_str());
        if old.is_some_and(|o| *o == node) && node_ids.contains_key(&node.id.0) {
            continue;
        }
        let id = match node_ids.get(&node.id.0) {
            Some(id) => {
                sqlx::query(
                    "UPDATE nodes SET parent_key = $1, position = $2, kind = $3, number = $4, title = $5,
                     body = $6, deadline = $7 WHERE id = $8",
                )
                .bind(node.parent.as_ref().map(|p| p.0.clone()))
                .bind(position as i64)
                .bind(node.kind.as_str())
                .bind(node.number.clone())
                .bind(&node.title)
                .bind(&node.text)
                .bind(node.deadline.clone())
                .bind(*id)
                .persistent(false)
                .execute(&mut *conn)
                .await?;
                *id
            }
            None => {
                let id: i64 = sqlx::query(
                    "INSERT INTO nodes (plan_version_id, node_key, parent_key, position, kind, number, title, body, line, responsible_raw, deadline)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                )
                .bind(version_id)
                .bind(&node.id.0)
                .bind(node.parent.as_ref().map(|p| p.0.clone()))
                .bind(position as i64)
                .bind(node.kind.as_str())
                .bind(node.number.clone())
                .bind(&node.title)
                .bind(&node.text)
                .bind(i64::from(node.line))
                .bind(node.responsible_raw.clone())
                .bind(node.deadline.clone())
                .persistent(false)
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
                node_ids.insert(node.id.0.clone(), id);
                id
            }
        };
        if old.is_some_and(|o| o.responsible == node.responsible) {
            continue;
        }
        sqlx::query("DELETE FROM assignments WHERE node_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        for (i, a) in node.responsible.iter().enumerate() {
            let unit = match unit_ids.get(&a.unit) {
                Some(id) => *id,
                None => {
                    let kind = after.unit(&a.unit).map_or("other", |u| u.kind.as_str());
                    let id = unit_id(conn, &a.unit, kind).await?;
                    unit_ids.insert(a.unit.clone(), id);
                    id
                }
            };
            sqlx::query("INSERT INTO assignments (node_id, unit_id, role, position) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(unit)
                .bind(a.role.as_str())
                .bind(i as i64)
                .execute(&mut *conn)
                .await?;
        }
    }
    sync_targets(conn, version_id, before, after, &node_ids).await?;
    sync_projects(conn, version_id, before, after, &node_ids).await?;
    Ok(node_ids)
}

async fn sync_targets(
    conn: &mut AnyConnection,
    version_id: i64,
    before: Option<&Plan>,
    after: &Plan,
    node_ids: &HashMap<String, i64>,
) -> Result<()> {
    let old: HashMap<&str, &Target> = before
        .map(|p| p.targets.iter().map(|t| (t.id.0.as_str(), t)).collect())
        .unwrap_or_default();
    let mut ids: HashMap<String, i64> = HashMap::new();
    for r in sqlx::query("SELECT target_key, id FROM targets WHERE plan_version_id = $1")
        .bind(version_id)
        .fetch_all(&mut *conn)
        .await?
    {
        ids.insert(r.try_get(0)?, r.try_get(1)?);
    }
    for t in &after.targets {
        if old.get(t.id.0.as_str()).is_some_and(|o| *o == t) && ids.contains_key(&t.id.0) {
            continue;
        }
        let node = node_ids.get(&t.node.0).copied().ok_or_else(|| {
            StoreError::Corrupt(format!("目标 {} 的节点 {} 不存在", t.id, t.node))
        })?;
        let sql = if ids.contains_key(&t.id.0) {
            "UPDATE targets SET node_id = $2, indicator = $4, value = $5, value_high = $6, unit = $7,
             comparator = $8, year = $9, source_text = $10, line = $11
             WHERE plan_version_id = $1 AND target_key = $3"
        } else {
            "INSERT INTO targets (plan_version_id, node_id, target_key, indicator, value, value_high, unit, comparator, year, source_text, line)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        };
        sqlx::query(sql)
            .bind(version_id)
            .bind(node)
            .bind(&t.id.0)
            .bind(&t.indicator)
            .bind(t.value)
            .bind(t.value_high)
            .bind(&t.unit)
            .bind(t.comparator.symbol())
            .bind(t.year.map(i64::from))
            .bind(&t.text)
            .bind(i64::from(t.line))
            .persistent(false)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn sync_projects(
    conn: &mut AnyConnection,
    version_id: i64,
    before: Option<&Plan>,
    after: &Plan,
    node_ids: &HashMap<String, i64>,
) -> Result<()> {
    if before.is_some_and(|b| b.projects == after.projects) {
        return Ok(());
    }
    // Nothing refers to project rows: they are written again as a whole.
    sqlx::query("DELETE FROM projects WHERE plan_version_id = $1")
        .bind(version_id)
        .execute(&mut *conn)
        .await?;
    for p in &after.projects {
        insert_project(conn, version_id, p, node_ids).await?;
    }
    Ok(())
}

pub(crate) async fn insert_project(
    conn: &mut AnyConnection,
    version_id: i64,
    p: &Project,
    node_ids: &HashMap<String, i64>,
) -> Result<()> {
    let node = node_ids
        .get(&p.node.0)
        .copied()
        .ok_or_else(|| StoreError::Corrupt(format!("项目 {} 的节点 {} 不存在", p.name, p.node)))?;
    sqlx::query(
        "INSERT INTO projects (plan_version_id, node_id, project_key, name, line) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(version_id)
    .bind(node)
    .bind(&p.id.0)
    .bind(&p.name)
    .bind(i64::from(p.line))
    .execute(&mut *conn)
    .await?;
    Ok(())
}
