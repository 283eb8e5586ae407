//! Notices: the reminder job records one per kind, report and channel (a unique key makes
//! running it twice, or on two servers, harmless), and delivery claims a notice before sending
//! so that two servers never send the same one.

use duban_domain::supervision::Date;
use sqlx::{Acquire, Row};

use crate::audit;
use crate::model::{Actor, NewNotice, NoticeRecord, Outstanding};
use crate::sql::SqlStore;
use crate::{Result, StoreError, now};

/// Reports not in yet (draft or returned) in open rounds.
pub(crate) async fn outstanding(store: &SqlStore) -> Result<Vec<Outstanding>> {
    let rows = sqlx::query(
        "SELECT r.id, r.round_id, rd.title, r.unit_id, u.name, n.number, n.title, rd.due_on
         FROM reports r JOIN rounds rd ON rd.id = r.round_id JOIN units u ON u.id = r.unit_id
         JOIN nodes n ON n.id = r.node_id
         WHERE rd.closed_at IS NULL AND r.status IN ('draft', 'returned') ORDER BY r.id",
    )
    .fetch_all(&store.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let number: Option<String> = r.try_get(5)?;
            let title: String = r.try_get(6)?;
            let due: String = r.try_get(7)?;
            Ok(Outstanding {
                report_id: r.try_get(0)?,
                round_id: r.try_get(1)?,
                round_title: r.try_get(2)?,
                unit_id: r.try_get(3)?,
                unit_name: r.try_get(4)?,
                node_title: format!("{} {title}", number.unwrap_or_default())
                    .trim()
                    .to_owned(),
                due_on: Date::parse(&due)
                    .ok_or_else(|| StoreError::Corrupt(format!("截止日期 {due}")))?,
            })
        })
        .collect()
}

/// Records a notice unless its key is known; true if recorded. In-application notices count as
/// delivered when recorded.
pub(crate) async fn enqueue(store: &SqlStore, n: &NewNotice) -> Result<bool> {
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let t = now();
    let sent = (n.channel == "app").then_some(t);
    let row = sqlx::query(
        "INSERT INTO notifications (kind, round_id, unit_id, report_id, channel, scheduled_for, sent_at, attempts, body, dedupe_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
    )
    .bind(&n.kind)
    .bind(n.round_id)
    .bind(n.unit_id)
    .bind(n.report_id)
    .bind(&n.channel)
    .bind(t)
    .bind(sent)
    .bind(&n.body)
    .bind(&n.dedupe_key)
    .persistent(false)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else { return Ok(false) };
    let id: i64 = row.try_get(0)?;
    let after = serde_json::json!({ "kind": n.kind, "channel": n.channel, "unit_id": n.unit_id, "report_id": n.report_id });
    audit::append(
        &mut tx,
        &Actor::system(),
        "notice.create",
        "notification",
        &id.to_string(),
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

const COLUMNS: &str = "n.id, n.kind, n.round_id, n.unit_id, u.name, n.report_id, n.channel, n.body,
    n.scheduled_for, n.sent_at, n.attempts, n.last_error";

fn record(r: &sqlx::any::AnyRow) -> Result<NoticeRecord> {
    Ok(NoticeRecord {
        id: r.try_get(0)?,
        kind: r.try_get(1)?,
        round_id: r.try_get(2)?,
        unit_id: r.try_get(3)?,
        unit_name: r.try_get(4)?,
        report_id: r.try_get(5)?,
        channel: r.try_get(6)?,
        body: r.try_get(7)?,
        scheduled_for: r.try_get(8)?,
        sent_at: r.try_get(9)?,
        attempts: r.try_get(10)?,
        last_error: r.try_get(11)?,
    })
}

/// Claims up to `limit` undelivered notices of a channel for `lease` seconds.
pub(crate) async fn claim(
    store: &SqlStore,
    channel: &str,
    lease: i64,
    limit: i64,
) -> Result<Vec<NoticeRecord>> {
    let t = now();
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM notifications n JOIN units u ON u.id = n.unit_id
         WHERE n.channel = $1 AND n.sent_at IS NULL AND n.attempts < 5
           AND (n.claimed_until IS NULL OR n.claimed_until < $2)
         ORDER BY n.id LIMIT $3"
    ))
    .bind(channel)
    .bind(t)
    .bind(limit)
    .fetch_all(&store.pool)
    .await?;
    let mut claimed = Vec::new();
    for r in &rows {
        let n = record(r)?;
        let _write = store.write_guard().await;
        let done = sqlx::query(
            "UPDATE notifications SET claimed_until = $1, attempts = attempts + 1
             WHERE id = $2 AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < $3)",
        )
        .bind(t + lease)
        .bind(n.id)
        .bind(t)
        .execute(&store.pool)
        .await?;
        if done.rows_affected() == 1 {
            claimed.push(n);
        }
    }
    Ok(claimed)
}

/// Records a delivery's outcome.
pub(crate) async fn delivered(
    store: &SqlStore,
    id: i64,
    outcome: std::result::Result<(), String>,
) -> Result<()> {
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let (action, after) = match &outcome {
        Ok(()) => {
            sqlx::query("UPDATE notifications SET sent_at = $1, last_error = NULL WHERE id = $2")
                .bind(now())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            ("notice.sent", serde_json::json!({ "sent": true }))
        }
        Err(e) => {
            sqlx::query(
                "UPDATE notifications SET last_error = $1, claimed_until = NULL WHERE id = $2",
            )
            .bind(e)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            ("notice.failed", serde_json::json!({ "error": e }))
        }
    };
    audit::append(
        &mut tx,
        &Actor::system(),
        action,
        "notification",
        &id.to_string(),
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Notices, newest first: one unit's in-application ones, or all (for the office).
pub(crate) async fn list(
    store: &SqlStore,
    unit: Option<i64>,
    limit: i64,
) -> Result<Vec<NoticeRecord>> {
    let rows = match unit {
        Some(u) => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM notifications n JOIN units u ON u.id = n.unit_id
                 WHERE n.unit_id = $1 AND n.channel = 'app' ORDER BY n.id DESC LIMIT $2"
            ))
            .bind(u)
            .bind(limit)
            .fetch_all(&store.pool)
            .await?
        }
        None => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM notifications n JOIN units u ON u.id = n.unit_id ORDER BY n.id DESC LIMIT $1"
            ))
            .bind(limit)
            .fetch_all(&store.pool)
            .await?
        }
    };
    rows.iter().map(record).collect()
}
