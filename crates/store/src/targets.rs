//! Target settings (baseline, milestones), observations, the plan's status method, annual work
//! points, and the facts status is computed from.

use std::collections::HashMap;

use duban_domain::supervision::{Baseline, Date, Milestone, Observation, StatusMethod};
use sqlx::{Acquire, AnyConnection, Row};

use crate::audit::{self, json};
use crate::model::{
    Actor, NewObservation, ObservationRecord, PlanFacts, ReportStatus, TargetSettings,
    TaskReportFact,
};
use crate::rounds::current_version_id;
use crate::sql::SqlStore;
use crate::{Result, StoreError, now};

pub(crate) fn observation_record(r: &sqlx::any::AnyRow) -> Result<ObservationRecord> {
    Ok(ObservationRecord {
        id: r.try_get(0)?,
        target_key: r.try_get(1)?,
        observed_on: r.try_get(2)?,
        value: r.try_get(3)?,
        source: r.try_get(4)?,
        status: r.try_get(5)?,
        report_version_id: r.try_get(6)?,
    })
}

/// The ids of the targets observations name, in the plan's current version; an unknown key or a
/// value that is not a finite number is refused, naming it.
pub(crate) async fn target_ids(
    tx: &mut AnyConnection,
    plan_id: i64,
    observations: &[NewObservation],
) -> Result<Vec<i64>> {
    if observations.is_empty() {
        return Ok(Vec::new());
    }
    let version_id = current_version_id(tx, plan_id).await?;
    let mut ids = Vec::with_capacity(observations.len());
    for o in observations {
        if !o.value.is_finite() {
            return Err(StoreError::Invalid(format!(
                "指标 {} 的数值无效",
                o.target_key
            )));
        }
        let row =
            sqlx::query("SELECT id FROM targets WHERE plan_version_id = $1 AND target_key = $2")
                .bind(version_id)
                .bind(&o.target_key)
                .fetch_optional(&mut *tx)
                .await?;
        match row {
            Some(r) => ids.push(r.try_get(0)?),
            None => {
                return Err(StoreError::Invalid(format!(
                    "计划中没有指标 {}",
                    o.target_key
                )));
            }
        }
    }
    Ok(ids)
}

async fn target_id(tx: &mut AnyConnection, plan_id: i64, key: &str) -> Result<i64> {
    let version_id = current_version_id(tx, plan_id).await?;
    let row = sqlx::query("SELECT id FROM targets WHERE plan_version_id = $1 AND target_key = $2")
        .bind(version_id)
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?;
    match row {
        Some(r) => Ok(r.try_get(0)?),
        None => Err(StoreError::NotFound(format!("指标 {key}"))),
    }
}

async fn settings_of(tx: &mut AnyConnection, target_id: i64) -> Result<TargetSettings> {
    let row = sqlx::query("SELECT baseline_value, baseline_year, row_version FROM target_settings WHERE target_id = $1")
        .bind(target_id)
        .fetch_optional(&mut *tx)
        .await?;
    let (baseline, row_version) = match row {
        Some(r) => {
            let value: Option<f64> = r.try_get(0)?;
            let year: Option<i64> = r.try_get(1)?;
            let baseline = match (value, year) {
                (Some(value), Some(year)) => Some(Baseline {
                    value,
                    year: i32::try_from(year).unwrap_or(0),
                }),
                _ => None,
            };
            (baseline, r.try_get(2)?)
        }
        None => (None, 0),
    };
    let rows = sqlx::query(
        "SELECT year, value, origin FROM milestones WHERE target_id = $1 ORDER BY year",
    )
    .bind(target_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut milestones = Vec::with_capacity(rows.len());
    let mut origin = None;
    for r in &rows {
        let year: i64 = r.try_get(0)?;
        milestones.push(Milestone {
            year: i32::try_from(year).unwrap_or(0),
            value: r.try_get(1)?,
        });
        origin = Some(r.try_get::<String, _>(2)?);
    }
    Ok(TargetSettings {
        baseline,
        milestones,
        milestone_origin: origin,
        row_version,
    })
}

pub(crate) async fn settings(
    store: &SqlStore,
    plan_id: i64,
    key: &str,
) -> Result<Option<TargetSettings>> {
    let mut conn = store.pool.acquire().await?;
    match target_id(&mut conn, plan_id, key).await {
        Ok(id) => Ok(Some(settings_of(&mut conn, id).await?)),
        Err(StoreError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Saves a target's baseline and milestones if nobody changed them since `expected`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn save_settings(
    store: &SqlStore,
    actor: &Actor,
    plan_id: i64,
    key: &str,
    expected: i64,
    baseline: Option<Baseline>,
    milestones: &[Milestone],
    origin: &str,
) -> Result<i64> {
    if let Some(b) = baseline
        && (!b.value.is_finite() || !(1900..=2200).contains(&b.year))
    {
        return Err(StoreError::Invalid("基期数值或年份无效".to_owned()));
    }
    if milestones
        .iter()
        .any(|m| !m.value.is_finite() || !(1900..=2200).contains(&m.year))
    {
        return Err(StoreError::Invalid("年度目标的数值或年份无效".to_owned()));
    }
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let id = target_id(&mut tx, plan_id, key).await?;
    let before = settings_of(&mut tx, id).await?;
    if before.row_version != expected {
        return Err(StoreError::Conflict(format!("指标 {key}")));
    }
    let t = now();
    let (value, year) = (
        baseline.map(|b| b.value),
        baseline.map(|b| i64::from(b.year)),
    );
    if expected == 0 {
        sqlx::query(
            "INSERT INTO target_settings (target_id, baseline_value, baseline_year, row_version, updated_at)
             VALUES ($1, $2, $3, 1, $4)",
        )
        .bind(id)
        .bind(value)
        .bind(year)
        .bind(t)
        .persistent(false)
        .execute(&mut *tx)
        .await
        .map_err(|_| StoreError::Conflict(format!("指标 {key}")))?;
    } else {
        let done = sqlx::query(
            "UPDATE target_settings SET baseline_value = $1, baseline_year = $2, row_version = row_version + 1,
                updated_at = $3 WHERE target_id = $4 AND row_version = $5",
        )
        .bind(value)
        .bind(year)
        .bind(t)
        .bind(id)
        .bind(expected)
        .persistent(false)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!("指标 {key}")));
        }
    }
    sqlx::query("DELETE FROM milestones WHERE target_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for m in milestones {
        sqlx::query(
            "INSERT INTO milestones (target_id, year, value, origin) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(i64::from(m.year))
        .bind(m.value)
        .bind(origin)
        .execute(&mut *tx)
        .await?;
    }
    let after =
        serde_json::json!({ "baseline": baseline, "milestones": milestones, "origin": origin });
    audit::append(
        &mut tx,
        actor,
        "target.settings",
        "target",
        &format!("{plan_id}/{key}"),
        Some(&json(&before)?),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(expected + 1)
}

/// The office records a value directly (from a statistics bulletin, say): approved at once.
pub(crate) async fn record_observation(
    store: &SqlStore,
    actor: &Actor,
    plan_id: i64,
    o: &NewObservation,
) -> Result<i64> {
    if o.source.trim().is_empty() {
        return Err(StoreError::Invalid("请填写数据来源".to_owned()));
    }
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let ids = target_ids(&mut tx, plan_id, std::slice::from_ref(o)).await?;
    let Some(target_id) = ids.first().copied() else {
        return Err(StoreError::NotFound(format!("指标 {}", o.target_key)));
    };
    let id: i64 = sqlx::query(
        "INSERT INTO observations (target_id, observed_on, value, source, status, recorded_at)
         VALUES ($1, $2, $3, $4, 'approved', $5) RETURNING id",
    )
    .bind(target_id)
    .bind(o.observed_on.to_string())
    .bind(o.value)
    .bind(o.source.trim())
    .bind(now())
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    audit::append(
        &mut tx,
        actor,
        "observation.record",
        "observation",
        &id.to_string(),
        None,
        Some(&json(o)?),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A target's observations across every version of the plan, oldest first.
pub(crate) async fn observations(
    store: &SqlStore,
    plan_id: i64,
    key: &str,
) -> Result<Vec<ObservationRecord>> {
    let rows = sqlx::query(
        "SELECT o.id, t.target_key, o.observed_on, o.value, o.source, o.status, o.report_version_id
         FROM observations o JOIN targets t ON t.id = o.target_id JOIN plan_versions v ON v.id = t.plan_version_id
         WHERE v.plan_id = $1 AND t.target_key = $2 ORDER BY o.observed_on, o.id",
    )
    .bind(plan_id)
    .bind(key)
    .fetch_all(&store.pool)
    .await?;
    rows.iter().map(observation_record).collect()
}

pub(crate) async fn set_method(
    store: &SqlStore,
    actor: &Actor,
    plan_id: i64,
    method: StatusMethod,
) -> Result<()> {
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let before: Option<String> = sqlx::query("SELECT status_method FROM plans WHERE id = $1")
        .bind(plan_id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
    let Some(before) = before else {
        return Err(StoreError::NotFound(format!("计划 {plan_id}")));
    };
    sqlx::query("UPDATE plans SET status_method = $1 WHERE id = $2")
        .bind(method.as_str())
        .bind(plan_id)
        .execute(&mut *tx)
        .await?;
    audit::append(
        &mut tx,
        actor,
        "plan.status_method",
        "plan",
        &plan_id.to_string(),
        Some(&json(&before)?),
        Some(&json(&method.as_str())?),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn set_work_point(
    store: &SqlStore,
    actor: &Actor,
    plan_id: i64,
    node_key: &str,
    year: i32,
    body: &str,
) -> Result<()> {
    if !(1900..=2200).contains(&year) {
        return Err(StoreError::Invalid(format!("年份 {year} 无效")));
    }
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let version_id = current_version_id(&mut tx, plan_id).await?;
    let node: i64 =
        sqlx::query("SELECT id FROM nodes WHERE plan_version_id = $1 AND node_key = $2")
            .bind(version_id)
            .bind(node_key)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("任务 {node_key}")))?
            .try_get(0)?;
    let body = body.trim();
    if body.is_empty() {
        sqlx::query("DELETE FROM annual_work_points WHERE node_id = $1 AND year = $2")
            .bind(node)
            .bind(i64::from(year))
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query(
            "INSERT INTO annual_work_points (node_id, year, body, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (node_id, year) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
        )
        .bind(node)
        .bind(i64::from(year))
        .bind(body)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    }
    let after = serde_json::json!({ "year": year, "body": body });
    audit::append(
        &mut tx,
        actor,
        "task.work_point",
        "node",
        &format!("{plan_id}/{node_key}"),
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn work_points(
    store: &SqlStore,
    plan_id: i64,
    node_key: &str,
) -> Result<Vec<(i32, String)>> {
    let rows = sqlx::query(
        "SELECT w.year, w.body FROM annual_work_points w JOIN nodes n ON n.id = w.node_id
         JOIN plans p ON p.id = $1 JOIN plan_versions v ON v.id = n.plan_version_id AND v.plan_id = p.id AND v.version = p.current_version
         WHERE n.node_key = $2 ORDER BY w.year",
    )
    .bind(plan_id)
    .bind(node_key)
    .fetch_all(&store.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                i32::try_from(r.try_get::<i64, _>(0)?).unwrap_or(0),
                r.try_get(1)?,
            ))
        })
        .collect()
}

/// The facts status is computed from; with a cutoff, as the public may see them at that time:
/// rounds published by then, values approved by then, reports as submitted by then.
pub(crate) async fn facts(
    store: &SqlStore,
    plan_id: i64,
    cutoff: Option<i64>,
) -> Result<PlanFacts> {
    let mut conn = store.pool.acquire().await?;
    let method: String = match sqlx::query("SELECT status_method FROM plans WHERE id = $1")
        .bind(plan_id)
        .fetch_optional(&mut *conn)
        .await?
    {
        Some(r) => r.try_get(0)?,
        None => return Err(StoreError::NotFound(format!("计划 {plan_id}"))),
    };
    let version_id = current_version_id(&mut conn, plan_id).await?;
    let mut facts = PlanFacts {
        method,
        ..PlanFacts::default()
    };
    let rows = sqlx::query(
        "SELECT t.target_key, s.baseline_value, s.baseline_year, s.row_version FROM targets t
         LEFT JOIN target_settings s ON s.target_id = t.id WHERE t.plan_version_id = $1",
    )
    .bind(version_id)
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        let value: Option<f64> = r.try_get(1)?;
        let year: Option<i64> = r.try_get(2)?;
        let settings = TargetSettings {
            baseline: value.zip(year).map(|(value, year)| Baseline {
                value,
                year: i32::try_from(year).unwrap_or(0),
            }),
            milestones: Vec::new(),
            milestone_origin: None,
            row_version: r.try_get::<Option<i64>, _>(3)?.unwrap_or(0),
        };
        facts.targets.insert(r.try_get(0)?, (settings, Vec::new()));
    }
    let rows = sqlx::query(
        "SELECT t.target_key, m.year, m.value, m.origin FROM milestones m JOIN targets t ON t.id = m.target_id
         WHERE t.plan_version_id = $1 ORDER BY m.year",
    )
    .bind(version_id)
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        let key: String = r.try_get(0)?;
        if let Some((s, _)) = facts.targets.get_mut(&key) {
            s.milestones.push(Milestone {
                year: i32::try_from(r.try_get::<i64, _>(1)?).unwrap_or(0),
                value: r.try_get(2)?,
            });
            s.milestone_origin = Some(r.try_get(3)?);
        }
    }
    let rows = match cutoff {
        None => sqlx::query(
            "SELECT t.target_key, o.observed_on, o.value, o.recorded_at, u.name FROM observations o JOIN targets t ON t.id = o.target_id
             JOIN plan_versions v ON v.id = t.plan_version_id
             LEFT JOIN report_versions ov ON ov.id = o.report_version_id LEFT JOIN reports orp ON orp.id = ov.report_id
             LEFT JOIN units u ON u.id = orp.unit_id WHERE v.plan_id = $1 AND o.status = 'approved'",
        )
        .bind(plan_id),
        // Office-recorded values count from when they were recorded; reported ones once the
        // approving review and the round's publication both came by the cutoff.
        Some(cutoff) => sqlx::query(
            "SELECT t.target_key, o.observed_on, o.value, o.recorded_at, u.name FROM observations o JOIN targets t ON t.id = o.target_id
             JOIN plan_versions v ON v.id = t.plan_version_id
             LEFT JOIN report_versions ov ON ov.id = o.report_version_id LEFT JOIN reports orp ON orp.id = ov.report_id
             LEFT JOIN units u ON u.id = orp.unit_id WHERE v.plan_id = $1 AND o.status = 'approved'
             AND o.recorded_at <= $2
             AND (o.report_version_id IS NULL OR EXISTS (
                 SELECT 1 FROM report_versions rv JOIN reports r ON r.id = rv.report_id JOIN rounds rd ON rd.id = r.round_id
                 JOIN reviews w ON w.report_version_id = rv.id AND w.decision = 'approve' AND w.decided_at <= $2
                 WHERE rv.id = o.report_version_id AND rd.published_at IS NOT NULL AND rd.published_at <= $2))",
        )
        .bind(plan_id)
        .bind(cutoff),
    }
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        let key: String = r.try_get(0)?;
        let on: String = r.try_get(1)?;
        if let (Some((_, obs)), Some(on)) = (facts.targets.get_mut(&key), Date::parse(&on)) {
            obs.push(Observation {
                on,
                value: r.try_get(2)?,
            });
            facts
                .recorded_at
                .entry(key.clone())
                .or_default()
                .push(r.try_get(3)?);
            facts
                .observed_by
                .entry(key)
                .or_default()
                .push(r.try_get(4)?);
        }
    }
    let rows = match cutoff {
        None => sqlx::query(
            "SELECT n.node_key, r.round_id, r.unit_id, u.name, r.role, r.status, rd.due_on,
                (SELECT MIN(v.submitted_at) FROM report_versions v WHERE v.report_id = r.id),
                (SELECT v.percent_complete FROM report_versions v WHERE v.report_id = r.id AND v.version = r.current_version)
             FROM reports r JOIN rounds rd ON rd.id = r.round_id JOIN nodes n ON n.id = r.node_id
             JOIN units u ON u.id = r.unit_id WHERE rd.plan_id = $1 ORDER BY r.round_id, r.id",
        )
        .bind(plan_id),
        // As it stood at the cutoff, for rounds published by then: approved if a version was
        // approved by then (its percent counts), else submitted if one was submitted by then.
        Some(cutoff) => sqlx::query(
            "SELECT n.node_key, r.round_id, r.unit_id, u.name, r.role,
                CASE WHEN EXISTS (SELECT 1 FROM report_versions v JOIN reviews w ON w.report_version_id = v.id
                        WHERE v.report_id = r.id AND w.decision = 'approve' AND w.decided_at <= $2) THEN 'approved'
                     WHEN EXISTS (SELECT 1 FROM report_versions v WHERE v.report_id = r.id AND v.submitted_at <= $2)
                        THEN 'submitted'
                     ELSE 'draft' END,
                rd.due_on,
                (SELECT MIN(v.submitted_at) FROM report_versions v WHERE v.report_id = r.id AND v.submitted_at <= $2),
                (SELECT v.percent_complete FROM report_versions v JOIN reviews w ON w.report_version_id = v.id
                    WHERE v.report_id = r.id AND w.decision = 'approve' AND w.decided_at <= $2
                    ORDER BY v.version DESC LIMIT 1)
             FROM reports r JOIN rounds rd ON rd.id = r.round_id JOIN nodes n ON n.id = r.node_id
             JOIN units u ON u.id = r.unit_id WHERE rd.plan_id = $1
             AND rd.published_at IS NOT NULL AND rd.published_at <= $2 ORDER BY r.round_id, r.id",
        )
        .bind(plan_id)
        .bind(cutoff),
    }
    .fetch_all(&mut *conn)
    .await?;
    let mut tasks: HashMap<String, Vec<TaskReportFact>> = HashMap::new();
    for r in &rows {
        let status = crate::state(r, 5, ReportStatus::parse)?;
        let due: String = r.try_get(6)?;
        let percent: Option<f64> = r.try_get(8)?;
        tasks
            .entry(r.try_get(0)?)
            .or_default()
            .push(TaskReportFact {
                round_id: r.try_get(1)?,
                unit_id: r.try_get(2)?,
                unit_name: r.try_get(3)?,
                role: r.try_get(4)?,
                due_on: Date::parse(&due)
                    .ok_or_else(|| StoreError::Corrupt(format!("截止日期 {due}")))?,
                first_submitted_at: r.try_get(7)?,
                approved_percent: if status == ReportStatus::Approved {
                    percent
                } else {
                    None
                },
                status,
            });
    }
    facts.tasks = tasks;
    let rows = sqlx::query(
        "SELECT id, title, opened_at FROM rounds WHERE plan_id = $1
         AND ($2 < 0 OR (published_at IS NOT NULL AND published_at <= $2)) ORDER BY id",
    )
    .bind(plan_id)
    .bind(cutoff.unwrap_or(-1))
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        facts
            .rounds
            .push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
    }
    Ok(facts)
}
