//! Storing a parsed plan: a new plan, a new version of a known one, or nothing if unchanged.

use duban_domain::Plan;
use sqlx::AnyConnection;
use sqlx::{Acquire, Row};

use crate::sql::SqlStore;
use crate::{ImportOutcome, Imported, Result, Source, StoreError};

/// Imports in one transaction: either everything of the version is stored or nothing.
pub(crate) async fn import(
    store: &SqlStore,
    actor: &crate::model::Actor,
    source: &Source,
    plan: &Plan,
) -> Result<Imported> {
    if plan.nodes.is_empty() || plan.has_errors() {
        let reason = plan
            .diagnostics
            .iter()
            .find(|d| d.severity == duban_domain::Severity::Error)
            .map_or_else(
                || "未识别到任何章节或任务".to_owned(),
                |d| d.message.clone(),
            );
        return Err(StoreError::NotAPlan(reason));
    }
    let identity = plan
        .doc_number
        .clone()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| plan.title.trim().to_owned());
    if identity.is_empty() {
        return Err(StoreError::NotAPlan("没有文号也没有标题".to_owned()));
    }
    let json = serde_json::to_string(plan).map_err(|e| StoreError::Database(e.to_string()))?;
    let now = unix_now();

    let _write = store.write_lock.lock().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let existing = sqlx::query("SELECT id FROM plans WHERE identity = $1")
        .bind(&identity)
        .fetch_optional(&mut *tx)
        .await
        .map_err(step("plans"))?;
    let plan_id = match existing {
        Some(row) => {
            let plan_id: i64 = row.try_get(0)?;
            let imported = crate::revision::propose(&mut tx, plan_id, source, plan, &json).await?;
            tx.commit().await?;
            return Ok(imported);
        }
        None => sqlx::query(
            "INSERT INTO plans (identity, title, issuer, doc_number, issued_on, current_version, created_at)
             VALUES ($1, $2, $3, $4, $5, 1, $6) RETURNING id",
        )
        .bind(&identity)
        .bind(&plan.title)
        .bind(plan.issuer.clone())
        .bind(plan.doc_number.clone())
        .bind(plan.issued_on.clone())
        .bind(now)
        .persistent(false)
        .fetch_one(&mut *tx)
        .await
        .map_err(step("insert plan"))?
        .try_get(0)?,
    };
    store_version(&mut tx, plan_id, 1, source, plan, &json).await?;
    crate::audit::append(
        &mut tx,
        actor,
        "plan.import",
        "plan",
        &plan_id.to_string(),
        None,
        Some(&serde_json::json!({
            "title": plan.title, "doc_number": plan.doc_number, "source": source.name,
            "sha256": source.sha256, "nodes": plan.nodes.len(), "targets": plan.targets.len(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(Imported {
        plan_id,
        version: 1,
        outcome: ImportOutcome::Created,
        revision: None,
    })
}

/// Stores `plan` as version `version` of the plan with its rows, and makes it current.
pub(crate) async fn store_version(
    tx: &mut AnyConnection,
    plan_id: i64,
    version: i64,
    source: &Source,
    plan: &Plan,
    json: &str,
) -> Result<i64> {
    let now = unix_now();
    let version_id: i64 = sqlx::query(
        "INSERT INTO plan_versions (plan_id, version, source_name, source_sha256, source_format, plan_json, imported_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(plan_id)
    .bind(version)
    .bind(&source.name)
    .bind(&source.sha256)
    .bind(&source.format)
    .bind(json)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(step("insert version"))?
    .try_get(0)?;
    write_rows(&mut *tx, version_id, plan).await?;
    sqlx::query(
        "UPDATE plans SET current_version = $1, title = $2, issuer = $3, doc_number = $4, issued_on = $5 WHERE id = $6",
    )
    .bind(version)
    .bind(&plan.title)
    .bind(plan.issuer.clone())
    .bind(plan.doc_number.clone())
    .bind(plan.issued_on.clone())
    .bind(plan_id)
    .persistent(false)
    .execute(&mut *tx)
    .await?;
    Ok(version_id)
}

// Statements that bind an `Option` are not kept prepared (`persistent(false)`): through
// `sqlx::Any`, PostgreSQL types a parameter by the first value bound, so a statement prepared with
// a NULL refuses a later number ("incorrect binary data format").

/// The version's units, nodes, assignments, work points, targets, projects and diagnostics.
async fn write_rows(conn: &mut AnyConnection, version_id: i64, plan: &Plan) -> Result<()> {
    for unit in &plan.units {
        let id = unit_id(conn, &unit.name, unit.kind.as_str()).await?;
        for alias in &unit.aliases {
            sqlx::query("INSERT INTO unit_aliases (alias, unit_id) VALUES ($1, $2) ON CONFLICT (alias) DO NOTHING")
                .bind(alias)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    // Nodes, assignments, targets and projects as the plan as served writes them.
    let node_ids = crate::curation::sync_rows(conn, version_id, None, plan).await?;
    for node in &plan.nodes {
        let Some(id) = node_ids.get(&node.id.0) else {
            continue;
        };
        for (i, w) in node.work_plan.iter().enumerate() {
            sqlx::query("INSERT INTO work_points (node_id, position, year, label, body) VALUES ($1, $2, $3, $4, $5)")
                .bind(*id)
                .bind(i as i64)
                .bind(w.year.map(i64::from))
                .bind(&w.label)
                .bind(&w.text)
                .persistent(false)
                .execute(&mut *conn)
                .await?;
        }
    }
    for (i, d) in plan.diagnostics.iter().enumerate() {
        sqlx::query(
            "INSERT INTO plan_diagnostics (plan_version_id, position, line, severity, code, message) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(version_id)
        .bind(i as i64)
        .bind(d.line.map(i64::from))
        .bind(d.severity.as_str())
        .bind(&d.code)
        .bind(&d.message)
        .persistent(false)
        .execute(&mut *conn)
        .await
        .map_err(step("insert diagnostic"))?;
    }
    Ok(())
}

/// Names the step a database error happened in.
fn step(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| StoreError::Database(format!("{what}: {e}"))
}

/// The registry id of a unit by name or alias, registering it if new.
pub(crate) async fn unit_id(conn: &mut AnyConnection, name: &str, kind: &str) -> Result<i64> {
    let found = sqlx::query(
        "SELECT id FROM units WHERE name = $1 UNION ALL SELECT unit_id FROM unit_aliases WHERE alias = $1",
    )
    .bind(name)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(row) = found {
        return Ok(row.try_get(0)?);
    }
    Ok(
        sqlx::query("INSERT INTO units (name, kind) VALUES ($1, $2) RETURNING id")
            .bind(name)
            .bind(kind)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?,
    )
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
