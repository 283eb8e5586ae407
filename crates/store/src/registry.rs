//! Loading a city's unit registry into the store.

use duban_domain::{Registry, UnitKind};
use sqlx::{Acquire, AnyConnection, Row};

use crate::model::Actor;
use crate::sql::SqlStore;
use crate::{Result, StoreError};

/// Upserts the registry's units and groups in one transaction.
pub(crate) async fn load(store: &SqlStore, actor: &Actor, registry: &Registry) -> Result<()> {
    let problems = registry.problems();
    if !problems.is_empty() {
        return Err(StoreError::InvalidRegistry(problems.join("；")));
    }
    let _write = store.write_lock.lock().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    for unit in &registry.units {
        let id = upsert(&mut tx, &unit.name, unit.kind, unit.adcode.as_deref()).await?;
        aliases(&mut tx, id, &unit.aliases).await?;
    }
    for group in &registry.groups {
        let id = upsert(&mut tx, &group.name, UnitKind::Group, None).await?;
        aliases(&mut tx, id, &group.aliases).await?;
        for member in &group.members {
            let member_id = upsert(&mut tx, member, UnitKind::Other, None).await?;
            sqlx::query(
                "INSERT INTO unit_group_members (group_id, member_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(member_id)
            .execute(&mut *tx)
            .await?;
        }
    }
    crate::audit::append(
        &mut tx,
        actor,
        "registry.load",
        "registry",
        "units",
        None,
        Some(&serde_json::json!({
            "units": registry.units.len(), "groups": registry.groups.len(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The id of the unit with this name or alias: completed with kind and code if known, else
/// registered. A kind of `other` never overwrites a known kind.
async fn upsert(
    conn: &mut AnyConnection,
    name: &str,
    kind: UnitKind,
    adcode: Option<&str>,
) -> Result<i64> {
    let kind = kind.as_str();
    let found = sqlx::query(
        "SELECT id FROM units WHERE name = $1 UNION ALL SELECT unit_id FROM unit_aliases WHERE alias = $1",
    )
    .bind(name)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = found {
        let id: i64 = row.try_get(0)?;
        if kind != "other" {
            sqlx::query("UPDATE units SET kind = $1 WHERE id = $2")
                .bind(kind)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
        if let Some(code) = adcode {
            sqlx::query("UPDATE units SET adcode = $1 WHERE id = $2")
                .bind(code)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
        return Ok(id);
    }
    Ok(
        sqlx::query("INSERT INTO units (name, kind, adcode) VALUES ($1, $2, $3) RETURNING id")
            .bind(name)
            .bind(kind)
            .bind(adcode.map(str::to_owned))
            .persistent(false)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?,
    )
}

async fn aliases(conn: &mut AnyConnection, id: i64, aliases: &[String]) -> Result<()> {
    for alias in aliases {
        sqlx::query("INSERT INTO unit_aliases (alias, unit_id) VALUES ($1, $2) ON CONFLICT (alias) DO NOTHING")
            .bind(alias)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
