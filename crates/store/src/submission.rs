//! The report workflow: drafts, idempotent submission with a version check, review. Every
//! write appends to the audit log in its own transaction.

use sqlx::{Acquire, AnyConnection, Row};

use crate::audit::{self, json};
use crate::model::{Actor, Decision, ReportBody, ReportStatus, Submission, Submitted};
use crate::sql::SqlStore;
use crate::{Result, StoreError, now};

/// Status and version of a report, read inside a transaction.
async fn state(tx: &mut AnyConnection, report_id: i64) -> Result<(ReportStatus, i64, i64, i64)> {
    let row = sqlx::query(
        "SELECT r.status, r.row_version, r.current_version, rd.plan_id FROM reports r
         JOIN rounds rd ON rd.id = r.round_id WHERE r.id = $1",
    )
    .bind(report_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("报告 {report_id}")))?;
    Ok((
        crate::state(&row, 0, ReportStatus::parse)?,
        row.try_get(1)?,
        row.try_get(2)?,
        row.try_get(3)?,
    ))
}

fn editable(status: ReportStatus) -> Result<()> {
    status
        .editable()
        .map_err(|r| StoreError::Invalid(r.message().to_owned()))
}

/// Bumps the version check: fails with a conflict when someone wrote since `expected`.
async fn bump(
    tx: &mut AnyConnection,
    report_id: i64,
    expected: i64,
    status: Option<ReportStatus>,
    version: Option<i64>,
) -> Result<i64> {
    let done = sqlx::query(
        "UPDATE reports SET row_version = row_version + 1, updated_at = $1,
            status = COALESCE($2, status), current_version = COALESCE($3, current_version)
         WHERE id = $4 AND row_version = $5",
    )
    .bind(now())
    .bind(status.map(|s| s.as_str().to_owned()))
    .bind(version)
    .bind(report_id)
    .bind(expected)
    .persistent(false)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!("报告 {report_id}")));
    }
    Ok(expected + 1)
}

pub(crate) async fn save_draft(
    store: &SqlStore,
    actor: &Actor,
    report_id: i64,
    expected: i64,
    body: &ReportBody,
) -> Result<i64> {
    let body_json = json(body)?;
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let (status, _, _, plan_id) = state(&mut tx, report_id).await?;
    editable(status)?;
    crate::targets::target_ids(&mut tx, plan_id, &body.observations).await?;
    let row_version = bump(&mut tx, report_id, expected, None, None).await?;
    sqlx::query(
        "INSERT INTO report_drafts (report_id, body_json, updated_by, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (report_id) DO UPDATE SET body_json = excluded.body_json,
            updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(report_id)
    .bind(body_json.to_string())
    .bind(actor.user_id)
    .bind(now())
    .persistent(false)
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        actor,
        "report.draft",
        "report",
        &report_id.to_string(),
        None,
        Some(&body_json),
    )
    .await?;
    tx.commit().await?;
    Ok(row_version)
}

async fn replay(store: &SqlStore, report_id: i64, key: &str) -> Result<Option<Submitted>> {
    let row = sqlx::query(
        "SELECT v.report_id, v.version, r.row_version FROM report_versions v JOIN reports r ON r.id = v.report_id
         WHERE v.submission_key = $1",
    )
    .bind(key)
    .fetch_optional(&store.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let owner: i64 = row.try_get(0)?;
    if owner != report_id {
        return Err(StoreError::Invalid("提交编号已用于另一份报告".to_owned()));
    }
    Ok(Some(Submitted {
        version: row.try_get(1)?,
        row_version: row.try_get(2)?,
        replay: true,
    }))
}

pub(crate) async fn submit(
    store: &SqlStore,
    actor: &Actor,
    report_id: i64,
    expected: i64,
    s: &Submission,
) -> Result<Submitted> {
    let key = s.key.trim();
    if key.is_empty() || key.len() > 128 {
        return Err(StoreError::Invalid("提交编号缺失或过长".to_owned()));
    }
    if let Some(done) = replay(store, report_id, key).await? {
        return Ok(done);
    }
    let attempt = submit_once(store, actor, report_id, expected, key, s).await;
    if attempt.is_err() {
        // A concurrent twin with the same key may have won: answer as it did.
        if let Some(done) = replay(store, report_id, key).await? {
            return Ok(done);
        }
    }
    attempt
}

async fn submit_once(
    store: &SqlStore,
    actor: &Actor,
    report_id: i64,
    expected: i64,
    key: &str,
    s: &Submission,
) -> Result<Submitted> {
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let (status, _, current, plan_id) = state(&mut tx, report_id).await?;
    editable(status)?;
    let targets = crate::targets::target_ids(&mut tx, plan_id, &s.body.observations).await?;
    let version = current + 1;
    let row_version = bump(
        &mut tx,
        report_id,
        expected,
        Some(ReportStatus::Submitted),
        Some(version),
    )
    .await?;
    let b = &s.body;
    let t = now();
    let version_id: i64 = sqlx::query(
        "INSERT INTO report_versions (report_id, version, progress, percent_complete, problems, next_steps,
            coordination, project_stage, investment, submission_key, submitted_by, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(report_id)
    .bind(version)
    .bind(&b.progress)
    .bind(b.percent_complete)
    .bind(&b.problems)
    .bind(&b.next_steps)
    .bind(&b.coordination)
    .bind(b.project_stage.clone())
    .bind(b.investment)
    .bind(key)
    .bind(actor.user_id)
    .bind(t)
    .persistent(false)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    for e in &s.evidence {
        sqlx::query(
            "INSERT INTO evidence (report_version_id, sha256, file_name, media_type, size_bytes, uploaded_by, uploaded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(version_id)
        .bind(&e.sha256)
        .bind(&e.file_name)
        .bind(&e.media_type)
        .bind(e.size_bytes)
        .bind(actor.user_id)
        .bind(t)
        .persistent(false)
        .execute(&mut *tx)
        .await?;
    }
    for (o, target_id) in b.observations.iter().zip(targets) {
        sqlx::query(
            "INSERT INTO observations (target_id, observed_on, value, source, report_version_id, status, recorded_at)
             VALUES ($1, $2, $3, $4, $5, 'pending', $6)",
        )
        .bind(target_id)
        .bind(o.observed_on.to_string())
        .bind(o.value)
        .bind(&o.source)
        .bind(version_id)
        .bind(t)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM report_drafts WHERE report_id = $1")
        .bind(report_id)
        .execute(&mut *tx)
        .await?;
    let before = serde_json::json!({ "status": status, "version": current });
    let after = serde_json::json!({ "status": ReportStatus::Submitted, "version": version, "key": key, "body": b, "evidence": s.evidence });
    audit::append(
        &mut tx,
        actor,
        "report.submit",
        "report",
        &report_id.to_string(),
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(Submitted {
        version,
        row_version,
        replay: false,
    })
}

pub(crate) async fn review(
    store: &SqlStore,
    actor: &Actor,
    report_id: i64,
    expected: i64,
    decision: Decision,
    comment: &str,
) -> Result<i64> {
    let comment = comment.trim();
    if decision == Decision::Return && comment.is_empty() {
        return Err(StoreError::Invalid("退回时请填写退回意见".to_owned()));
    }
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let (status, row_version, current, _) = state(&mut tx, report_id).await?;
    if row_version != expected {
        return Err(StoreError::Conflict(format!("报告 {report_id}")));
    }
    let new_status = status.review(decision).map_err(|_| {
        StoreError::Invalid(
            match status {
                ReportStatus::Approved => "报告已审核通过",
                ReportStatus::Returned => "报告已退回，等待单位重新报送",
                _ => "报告尚未报送",
            }
            .to_owned(),
        )
    })?;
    let row_version = bump(&mut tx, report_id, expected, Some(new_status), None).await?;
    let version_id: i64 =
        sqlx::query("SELECT id FROM report_versions WHERE report_id = $1 AND version = $2")
            .bind(report_id)
            .bind(current)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
    sqlx::query(
        "INSERT INTO reviews (report_version_id, reviewer_id, decision, comment, decided_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(version_id)
    .bind(actor.user_id)
    .bind(decision.as_str())
    .bind(comment)
    .bind(now())
    .persistent(false)
    .execute(&mut *tx)
    .await?;
    let observation_status = if decision == Decision::Approve {
        "approved"
    } else {
        "rejected"
    };
    sqlx::query("UPDATE observations SET status = $1 WHERE report_version_id = $2")
        .bind(observation_status)
        .bind(version_id)
        .execute(&mut *tx)
        .await?;
    let before = serde_json::json!({ "status": status, "version": current });
    let after = serde_json::json!({ "status": new_status, "version": current, "comment": comment });
    let action = if decision == Decision::Approve {
        "report.approve"
    } else {
        "report.return"
    };
    audit::append(
        &mut tx,
        actor,
        action,
        "report",
        &report_id.to_string(),
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(row_version)
}
