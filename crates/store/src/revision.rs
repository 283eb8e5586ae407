//! Revisions (动态调整): a changed document of a stored plan waits, matched against the plan as
//! served, until the office approves it (with a reason) or rejects it. Approved, it becomes the
//! next version with the stable keys of what it continues, so every fact stays on its item:
//! observations and reports are found by key across versions, and target settings, milestones
//! and annual work points are carried to the new version's rows here.

use std::collections::BTreeSet;

use duban_domain::Plan;
use duban_domain::revision::{self, ItemKind};
use sqlx::{Acquire, AnyConnection, Row};

use crate::audit;
use crate::curation::{self, effective, sync_rows};
use crate::import::store_version;
use crate::model::{
    Actor, EditRecord, RevisionPreview, RevisionRecord, RevisionStatus, WithdrawnItem,
};
use crate::sql::SqlStore;
use crate::{ImportOutcome, Imported, Result, Source, StoreError, now};

/// Records a changed document of a stored plan as a pending revision (or finds the one already
/// recorded for the same bytes), inside the import's transaction.
pub(crate) async fn propose(
    tx: &mut AnyConnection,
    plan_id: i64,
    source: &Source,
    plan: &Plan,
    json: &str,
) -> Result<Imported> {
    let current: i64 = sqlx::query("SELECT current_version FROM plans WHERE id = $1")
        .bind(plan_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    let same =
        sqlx::query("SELECT version FROM plan_versions WHERE plan_id = $1 AND source_sha256 = $2")
            .bind(plan_id)
            .bind(&source.sha256)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(row) = same {
        return Ok(Imported {
            plan_id,
            version: row.try_get(0)?,
            outcome: ImportOutcome::Unchanged,
            revision: None,
        });
    }
    let pending = sqlx::query(
        "SELECT id FROM plan_revisions WHERE plan_id = $1 AND source_sha256 = $2 AND status = 'pending'",
    )
    .bind(plan_id)
    .bind(&source.sha256)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = pending {
        return Ok(Imported {
            plan_id,
            version: current,
            outcome: ImportOutcome::Revision,
            revision: Some(row.try_get(0)?),
        });
    }
    let served = effective(tx, plan_id, None)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("计划 {plan_id}")))?;
    let document = curation::document(tx, plan_id, None)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("计划 {plan_id}")))?;
    let matching = revision::match_plans(&revision::matching_base(&document, &served), plan);
    let changes = outcome(tx, plan_id, plan, &matching).await?.changes;
    let matching_json =
        serde_json::to_string(&matching).map_err(|e| StoreError::Database(e.to_string()))?;
    let id: i64 = sqlx::query(
        "INSERT INTO plan_revisions (plan_id, base_version, source_name, source_sha256, source_format,
            plan_json, matching_json, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8) RETURNING id",
    )
    .bind(plan_id)
    .bind(current)
    .bind(&source.name)
    .bind(&source.sha256)
    .bind(&source.format)
    .bind(json)
    .bind(&matching_json)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    audit::append(
        tx,
        &Actor::cli(),
        "plan.revision.propose",
        "revision",
        &id.to_string(),
        None,
        Some(&serde_json::json!({
            "plan_id": plan_id, "base_version": current, "source": source.name,
            "sha256": source.sha256, "changes": changes.len(),
            "uncertain": matching.uncertain().count(),
        })),
    )
    .await?;
    Ok(Imported {
        plan_id,
        version: current,
        outcome: ImportOutcome::Revision,
        revision: Some(id),
    })
}

/// What approving `document` over the plan's version in force would give, as the next version.
struct Outcome {
    version: i64,
    keyed: duban_domain::Plan,
    superseded: Vec<usize>,
    changes: Vec<duban_domain::revision::Change>,
    served: duban_domain::Plan,
}

async fn outcome(
    tx: &mut AnyConnection,
    plan_id: i64,
    document: &Plan,
    matching: &duban_domain::revision::Matching,
) -> Result<Outcome> {
    let base = curation::document(tx, plan_id, None)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("计划 {plan_id}")))?;
    let edits = curation::edits(tx, plan_id).await?;
    let used = used_keys(tx, plan_id).await?;
    let last: i64 = sqlx::query("SELECT MAX(version) FROM plan_versions WHERE plan_id = $1")
        .bind(plan_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    let version = last + 1;
    let p = revision::preview(&base, document, matching, &edits, &used, version);
    Ok(Outcome {
        version,
        keyed: p.keyed,
        superseded: p.superseded,
        changes: p.changes,
        served: p.served,
    })
}

/// A revision with its diff and the edits it supersedes: for a pending one, what approving it
/// would do; for an approved one, what it did (from its audit event); for a rejected one, none.
pub(crate) async fn preview(store: &SqlStore, revision_id: i64) -> Result<Option<RevisionPreview>> {
    let mut conn = store.pool.acquire().await?;
    let Some(rev) = load(&mut conn, revision_id).await? else {
        return Ok(None);
    };
    let records = curation::edit_records(store, rev.plan_id).await?;
    let before = effective(&mut conn, rev.plan_id, Some(rev.base_version))
        .await?
        .unwrap_or_default();
    let (changes, superseded, after) = match rev.status {
        RevisionStatus::Pending => {
            let o = outcome(&mut conn, rev.plan_id, &rev.document, &rev.matching).await?;
            let in_force: Vec<EditRecord> = records
                .into_iter()
                .filter(|e| e.superseded_in.is_none())
                .collect();
            let superseded = o
                .superseded
                .iter()
                .filter_map(|i| in_force.get(*i).cloned())
                .collect();
            (o.changes, superseded, o.served)
        }
        RevisionStatus::Approved => {
            let row = sqlx::query(
                "SELECT after_json FROM audit_events WHERE action = 'plan.revision.approve' AND entity_id = $1
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(revision_id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
            let after: Option<String> = match row {
                Some(r) => r.try_get(0)?,
                None => None,
            };
            let changes = after
                .and_then(|a| serde_json::from_str::<serde_json::Value>(&a).ok())
                .and_then(|v| serde_json::from_value(v.get("changes")?.clone()).ok())
                .unwrap_or_default();
            let superseded = records
                .into_iter()
                .filter(|e| e.superseded_in.is_some() && e.superseded_in == rev.version)
                .collect();
            let after = match rev.version {
                Some(v) => effective(&mut conn, rev.plan_id, Some(v))
                    .await?
                    .unwrap_or_default(),
                None => Plan::default(),
            };
            (changes, superseded, after)
        }
        RevisionStatus::Rejected => (Vec::new(), Vec::new(), Plan::default()),
    };
    Ok(Some(RevisionPreview {
        revision: rev,
        changes,
        superseded,
        before,
        after,
    }))
}

async fn load(conn: &mut AnyConnection, revision_id: i64) -> Result<Option<RevisionRecord>> {
    let row = sqlx::query(
        "SELECT r.id, r.plan_id, r.base_version, r.source_name, r.plan_json, r.matching_json, r.status,
            r.created_at, r.decided_by, u.display_name, r.decided_at, r.reason, r.version, r.row_version
         FROM plan_revisions r LEFT JOIN users u ON u.id = r.decided_by WHERE r.id = $1",
    )
    .bind(revision_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let plan_json: String = r.try_get(4)?;
    let matching_json: String = r.try_get(5)?;
    let status: String = r.try_get(6)?;
    let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("修订 {revision_id}：{e}"));
    let mut document: Plan = serde_json::from_str(&plan_json).map_err(corrupt)?;
    document.normalise();
    Ok(Some(RevisionRecord {
        id: r.try_get(0)?,
        plan_id: r.try_get(1)?,
        base_version: r.try_get(2)?,
        source_name: r.try_get(3)?,
        document,
        matching: serde_json::from_str(&matching_json).map_err(corrupt)?,
        status: RevisionStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("修订 {revision_id} 状态 {status}")))?,
        created_at: r.try_get(7)?,
        decided_by: r.try_get(8)?,
        decided_by_name: r.try_get(9)?,
        decided_at: r.try_get(10)?,
        reason: r.try_get(11)?,
        version: r.try_get(12)?,
        row_version: r.try_get(13)?,
    }))
}

pub(crate) async fn get(store: &SqlStore, revision_id: i64) -> Result<Option<RevisionRecord>> {
    let mut conn = store.pool.acquire().await?;
    load(&mut conn, revision_id).await
}

pub(crate) async fn list(store: &SqlStore, plan_id: i64) -> Result<Vec<RevisionRecord>> {
    let mut conn = store.pool.acquire().await?;
    let ids = sqlx::query("SELECT id FROM plan_revisions WHERE plan_id = $1 ORDER BY id DESC")
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(ids.len());
    for r in &ids {
        if let Some(rev) = load(&mut conn, r.try_get(0)?).await? {
            out.push(rev);
        }
    }
    Ok(out)
}

async fn pending(
    tx: &mut AnyConnection,
    revision_id: i64,
    row_version: i64,
) -> Result<RevisionRecord> {
    let rev = load(tx, revision_id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("修订 {revision_id}")))?;
    if rev.status != RevisionStatus::Pending {
        return Err(StoreError::Invalid(format!(
            "修订 {revision_id} 已处理，不能再更改"
        )));
    }
    if rev.row_version != row_version {
        return Err(StoreError::Conflict(format!("修订 {revision_id}")));
    }
    Ok(rev)
}

/// The office's decision on one pairing: the new item `new` continues `old` (or is new).
pub(crate) async fn decide(
    store: &SqlStore,
    actor: &Actor,
    revision_id: i64,
    row_version: i64,
    kind: ItemKind,
    new: &str,
    old: Option<&str>,
) -> Result<()> {
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let mut rev = pending(&mut tx, revision_id, row_version).await?;
    let before = rev
        .matching
        .pairs
        .iter()
        .find(|p| p.kind == kind && p.new == new)
        .cloned()
        .ok_or_else(|| StoreError::NotFound(format!("修订中的条目 {new}")))?;
    if let Some(old) = old {
        let base = effective(&mut tx, rev.plan_id, Some(rev.base_version))
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("计划 {}", rev.plan_id)))?;
        let exists = match kind {
            ItemKind::Node => base.nodes.iter().any(|n| n.id.0 == old),
            ItemKind::Target => base.targets.iter().any(|t| t.id.0 == old),
            ItemKind::Project => base.projects.iter().any(|p| p.id.0 == old),
        };
        if !exists {
            return Err(StoreError::Invalid(format!("现行版本中没有 {old}")));
        }
    }
    rev.matching.decide(kind, new, old);
    let json =
        serde_json::to_string(&rev.matching).map_err(|e| StoreError::Database(e.to_string()))?;
    sqlx::query(
        "UPDATE plan_revisions SET matching_json = $1, row_version = row_version + 1 WHERE id = $2",
    )
    .bind(&json)
    .bind(revision_id)
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        actor,
        "plan.revision.match",
        "revision",
        &revision_id.to_string(),
        serde_json::to_value(&before).ok().as_ref(),
        Some(&serde_json::json!({ "kind": kind, "new": new, "old": old })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every key the plan has ever used, of every kind, in any version or edit.
pub(crate) async fn used_keys(tx: &mut AnyConnection, plan_id: i64) -> Result<BTreeSet<String>> {
    let mut used = BTreeSet::new();
    for sql in [
        "SELECT n.node_key FROM nodes n JOIN plan_versions v ON v.id = n.plan_version_id WHERE v.plan_id = $1",
        "SELECT t.target_key FROM targets t JOIN plan_versions v ON v.id = t.plan_version_id WHERE v.plan_id = $1",
        "SELECT p.project_key FROM projects p JOIN plan_versions v ON v.id = p.plan_version_id
         WHERE v.plan_id = $1 AND p.project_key IS NOT NULL",
    ] {
        for r in sqlx::query(sql).bind(plan_id).fetch_all(&mut *tx).await? {
            used.insert(r.try_get::<String, _>(0)?);
        }
    }
    // Keys the office gave to items it added.
    for e in curation::edits(tx, plan_id).await? {
        use duban_domain::curation::Edit;
        match e {
            Edit::AddTarget { target } => {
                used.insert(target.id.0);
            }
            Edit::SplitTarget { parts, .. } => used.extend(parts.into_iter().map(|t| t.id.0)),
            Edit::AddNode { node } => {
                used.insert(node.id.0);
            }
            Edit::AddProject { project } => {
                used.insert(project.id.0);
            }
            _ => {}
        }
    }
    Ok(used)
}

/// Approves a pending revision: it becomes the next version with stable keys; the office's
/// edits apply over it; settings, milestones and work points follow their items.
pub(crate) async fn approve(
    store: &SqlStore,
    actor: &Actor,
    revision_id: i64,
    row_version: i64,
    reason: &str,
) -> Result<i64> {
    let reason = curation::reason_ok(reason, "请填写批准理由")?;
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let rev = pending(&mut tx, revision_id, row_version).await?;
    let undecided = rev.matching.uncertain().count();
    if undecided > 0 {
        return Err(StoreError::Invalid(format!(
            "还有 {undecided} 项匹配待确认，请先逐项确认"
        )));
    }
    let current: i64 = sqlx::query("SELECT current_version FROM plans WHERE id = $1")
        .bind(rev.plan_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    if current != rev.base_version {
        return Err(StoreError::Conflict(format!(
            "修订 {revision_id} 基于第 {} 版，现行已是第 {current} 版；请重新导入",
            rev.base_version
        )));
    }
    let edits = curation::edits_with_ids(&mut tx, rev.plan_id).await?;
    let preview = outcome(&mut tx, rev.plan_id, &rev.document, &rev.matching).await?;
    let version = preview.version;
    let json =
        serde_json::to_string(&preview.keyed).map_err(|e| StoreError::Database(e.to_string()))?;
    let source = source_of(&mut tx, revision_id).await?;
    let base_version_id = crate::rounds::current_version_id(&mut tx, rev.plan_id).await?;
    let version_id = store_version(
        &mut tx,
        rev.plan_id,
        version,
        &source,
        &preview.keyed,
        &json,
    )
    .await?;
    // Edits whose text the new document states anew give way to it.
    let mut superseded = Vec::new();
    for i in &preview.superseded {
        if let Some((id, _)) = edits.get(*i) {
            sqlx::query("UPDATE plan_edits SET superseded_in = $1 WHERE id = $2")
                .bind(version)
                .bind(*id)
                .execute(&mut *tx)
                .await?;
            superseded.push(*id);
        }
    }
    let served = effective(&mut tx, rev.plan_id, None)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("计划 {}", rev.plan_id)))?;
    sync_rows(&mut tx, version_id, Some(&preview.keyed), &served).await?;
    let changes = preview.changes;
    carry_over(&mut tx, base_version_id, version_id).await?;
    sqlx::query(
        "UPDATE plan_revisions SET status = 'approved', decided_by = $1, decided_at = $2, reason = $3,
            version = $4, row_version = row_version + 1 WHERE id = $5",
    )
    .bind(actor.user_id)
    .bind(now())
    .bind(reason)
    .bind(version)
    .bind(revision_id)
    .persistent(false)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE plans SET edit_seq = edit_seq + 1 WHERE id = $1")
        .bind(rev.plan_id)
        .execute(&mut *tx)
        .await?;
    audit::append(
        &mut tx,
        actor,
        "plan.revision.approve",
        "revision",
        &revision_id.to_string(),
        Some(&serde_json::json!({ "version": rev.base_version })),
        Some(&serde_json::json!({
            "plan_id": rev.plan_id, "version": version, "reason": reason, "changes": changes,
            "superseded_edits": superseded,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

/// Rejects a pending revision (kept, with the reason).
pub(crate) async fn reject(
    store: &SqlStore,
    actor: &Actor,
    revision_id: i64,
    row_version: i64,
    reason: &str,
) -> Result<()> {
    let reason = curation::reason_ok(reason, "请填写退回理由")?;
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let rev = pending(&mut tx, revision_id, row_version).await?;
    sqlx::query(
        "UPDATE plan_revisions SET status = 'rejected', decided_by = $1, decided_at = $2, reason = $3,
            row_version = row_version + 1 WHERE id = $4",
    )
    .bind(actor.user_id)
    .bind(now())
    .bind(reason)
    .bind(revision_id)
    .persistent(false)
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        actor,
        "plan.revision.reject",
        "revision",
        &revision_id.to_string(),
        None,
        Some(&serde_json::json!({ "plan_id": rev.plan_id, "reason": reason })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn source_of(tx: &mut AnyConnection, revision_id: i64) -> Result<Source> {
    let r = sqlx::query(
        "SELECT source_name, source_sha256, source_format FROM plan_revisions WHERE id = $1",
    )
    .bind(revision_id)
    .fetch_one(&mut *tx)
    .await?;
    Ok(Source {
        name: r.try_get(0)?,
        sha256: r.try_get(1)?,
        format: r.try_get(2)?,
    })
}

/// Target settings, milestones and annual work points of the base version's rows, copied to the
/// new version's rows of the same keys.
async fn carry_over(tx: &mut AnyConnection, from: i64, to: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO target_settings (target_id, baseline_value, baseline_year, row_version, updated_at)
         SELECT n.id, s.baseline_value, s.baseline_year, s.row_version, s.updated_at
         FROM target_settings s JOIN targets o ON o.id = s.target_id AND o.plan_version_id = $1
         JOIN targets n ON n.target_key = o.target_key AND n.plan_version_id = $2",
    )
    .bind(from)
    .bind(to)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO milestones (target_id, year, value, origin)
         SELECT n.id, m.year, m.value, m.origin
         FROM milestones m JOIN targets o ON o.id = m.target_id AND o.plan_version_id = $1
         JOIN targets n ON n.target_key = o.target_key AND n.plan_version_id = $2",
    )
    .bind(from)
    .bind(to)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO annual_work_points (node_id, year, body, updated_at)
         SELECT n.id, w.year, w.body, w.updated_at
         FROM annual_work_points w JOIN nodes o ON o.id = w.node_id AND o.plan_version_id = $1
         JOIN nodes n ON n.node_key = o.node_key AND n.plan_version_id = $2",
    )
    .bind(from)
    .bind(to)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Items of earlier versions that the current version no longer has (withdrawn), newest
/// version first; their history stays with them.
pub(crate) async fn withdrawn(store: &SqlStore, plan_id: i64) -> Result<Vec<WithdrawnItem>> {
    let mut conn = store.pool.acquire().await?;
    let mut out = Vec::new();
    for (kind, sql) in [
        (
            ItemKind::Node,
            "SELECT n.node_key, n.title, MAX(v.version) FROM nodes n JOIN plan_versions v ON v.id = n.plan_version_id
             JOIN plans p ON p.id = v.plan_id WHERE p.id = $1 AND v.version < p.current_version
             AND n.node_key NOT IN (SELECT c.node_key FROM nodes c JOIN plan_versions cv ON cv.id = c.plan_version_id
                 WHERE cv.plan_id = p.id AND cv.version = p.current_version)
             GROUP BY n.node_key, n.title ORDER BY 3 DESC, 1",
        ),
        (
            ItemKind::Target,
            "SELECT t.target_key, t.indicator, MAX(v.version) FROM targets t JOIN plan_versions v ON v.id = t.plan_version_id
             JOIN plans p ON p.id = v.plan_id WHERE p.id = $1 AND v.version < p.current_version
             AND t.target_key NOT IN (SELECT c.target_key FROM targets c JOIN plan_versions cv ON cv.id = c.plan_version_id
                 WHERE cv.plan_id = p.id AND cv.version = p.current_version)
             GROUP BY t.target_key, t.indicator ORDER BY 3 DESC, 1",
        ),
    ] {
        for r in sqlx::query(sql).bind(plan_id).fetch_all(&mut *conn).await? {
            out.push(WithdrawnItem {
                kind,
                key: r.try_get(0)?,
                title: r.try_get(1)?,
                last_version: r.try_get(2)?,
            });
        }
    }
    Ok(out)
}
