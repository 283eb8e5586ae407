//! The audit log: every write appends one event in the same transaction, chained by
//! SHA-256 (hash = SHA-256(previous hash ‖ canonical JSON of the event)). Appends take the
//! `audit_head` row first, so events get consecutive ids in commit order on every backend and
//! server. Triggers refuse any UPDATE or DELETE of `audit_events`.

use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

use crate::model::{Actor, AuditCheck, AuditEvent};
use crate::sql::SqlStore;
use crate::{Result, StoreError};

/// Appends an event inside the caller's transaction.
pub(crate) async fn append(
    tx: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Result<()> {
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *tx)
        .await?;
    let id: i64 = head.try_get(0)?;
    let prev: String = head.try_get(1)?;
    let event = AuditEvent {
        id,
        at: crate::now(),
        actor_user_id: actor.user_id,
        actor_unit_id: actor.unit_id,
        actor_role: Some(actor.role.clone()),
        client_addr: actor.addr.clone(),
        action: action.to_owned(),
        entity: entity.to_owned(),
        entity_id: entity_id.to_owned(),
        before_json: before.map(ToString::to_string),
        after_json: after.map(ToString::to_string),
        prev_hash: prev,
        hash: String::new(),
    };
    let hash = chain_hash(&event);
    sqlx::query(
        "INSERT INTO audit_events (id, at, actor_user_id, actor_unit_id, actor_role, client_addr,
            action, entity, entity_id, before_json, after_json, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(event.id)
    .bind(event.at)
    .bind(event.actor_user_id)
    .bind(event.actor_unit_id)
    .bind(event.actor_role.clone())
    .bind(event.client_addr.clone())
    .bind(&event.action)
    .bind(&event.entity)
    .bind(&event.entity_id)
    .bind(event.before_json.clone())
    .bind(event.after_json.clone())
    .bind(&event.prev_hash)
    .bind(&hash)
    .persistent(false)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// SHA-256 over the previous hash and the event's fields as a canonical JSON array.
fn chain_hash(e: &AuditEvent) -> String {
    let canonical = serde_json::json!([
        e.id,
        e.at,
        e.actor_user_id,
        e.actor_unit_id,
        e.actor_role,
        e.client_addr,
        e.action,
        e.entity,
        e.entity_id,
        e.before_json,
        e.after_json,
    ]);
    let mut h = Sha256::new();
    h.update(e.prev_hash.as_bytes());
    h.update(canonical.to_string().as_bytes());
    hex(&h.finalize())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

const COLUMNS: &str =
    "id, at, actor_user_id, actor_unit_id, actor_role, client_addr, action, entity,
    entity_id, before_json, after_json, prev_hash, hash";

fn event(r: &sqlx::any::AnyRow) -> Result<AuditEvent> {
    Ok(AuditEvent {
        id: r.try_get(0)?,
        at: r.try_get(1)?,
        actor_user_id: r.try_get(2)?,
        actor_unit_id: r.try_get(3)?,
        actor_role: r.try_get(4)?,
        client_addr: r.try_get(5)?,
        action: r.try_get(6)?,
        entity: r.try_get(7)?,
        entity_id: r.try_get(8)?,
        before_json: r.try_get(9)?,
        after_json: r.try_get(10)?,
        prev_hash: r.try_get(11)?,
        hash: r.try_get(12)?,
    })
}

/// Events, newest first.
pub(crate) async fn list(store: &SqlStore, offset: i64, limit: i64) -> Result<Vec<AuditEvent>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM audit_events ORDER BY id DESC LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(&store.pool)
    .await?;
    rows.iter().map(event).collect()
}

/// Recomputes the whole chain, in pages, and compares the head.
pub(crate) async fn verify(store: &SqlStore) -> Result<AuditCheck> {
    let mut prev = "0".repeat(64);
    let mut expected_id = 1;
    let mut checked = 0;
    loop {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit_events WHERE id >= $1 ORDER BY id LIMIT 2000"
        ))
        .bind(expected_id)
        .fetch_all(&store.pool)
        .await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let e = event(row)?;
            checked += 1;
            let broken = |why: &str| {
                Ok(AuditCheck {
                    events: checked,
                    broken: Some((e.id, why.to_owned())),
                })
            };
            if e.id != expected_id {
                return broken(
                    "事件编号不连续（有事件被删除） / ids are not consecutive (an event was removed)",
                );
            }
            if e.prev_hash != prev {
                return broken("与前一事件的哈希不符 / does not chain to the previous event");
            }
            if chain_hash(&e) != e.hash {
                return broken(
                    "内容与哈希不符（事件被改动） / content does not match its hash (the event was altered)",
                );
            }
            prev = e.hash;
            expected_id += 1;
        }
    }
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&store.pool)
        .await?;
    let (seq, hash): (i64, String) = (head.try_get(0)?, head.try_get(1)?);
    if seq != checked || hash != prev {
        return Ok(AuditCheck {
            events: checked,
            broken: Some((
                checked + 1,
                format!(
                    "链尾与记录的链头（第 {seq} 条）不符（末尾事件被删除） / the chain's end does not match its recorded head (event {seq}): events were removed"
                ),
            )),
        });
    }
    Ok(AuditCheck {
        events: checked,
        broken: None,
    })
}

/// JSON of a value for the log.
pub(crate) fn json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| StoreError::Database(e.to_string()))
}
