//! Reporting rounds: opening one over chosen tasks (a report per task and responsible unit),
//! closing it, listing rounds with their report counts. Reports are read in `reports.rs` and
//! written in `submission.rs`.

use std::collections::{BTreeSet, HashMap};

use sqlx::{Acquire, AnyConnection, Row};

use crate::audit;
use crate::bound::BoundSql;
use crate::model::{Actor, Cadence, NewRound, RoundRecord, RoundScope};
use crate::sql::SqlStore;
use crate::{Result, StoreError, now};

/// The id of a plan's current version.
pub(crate) async fn current_version_id(tx: &mut AnyConnection, plan_id: i64) -> Result<i64> {
    let row = sqlx::query(
        "SELECT v.id FROM plan_versions v JOIN plans p ON p.id = v.plan_id AND v.version = p.current_version
         WHERE p.id = $1",
    )
    .bind(plan_id)
    .fetch_optional(&mut *tx)
    .await?;
    match row {
        Some(r) => Ok(r.try_get(0)?),
        None => Err(StoreError::NotFound(format!("计划 {plan_id}"))),
    }
}

pub(crate) async fn open(store: &SqlStore, actor: &Actor, new: &NewRound) -> Result<i64> {
    let title = new.title.trim();
    if title.is_empty() {
        return Err(StoreError::Invalid("请填写调度名称".to_owned()));
    }
    if new.period_start > new.period_end {
        return Err(StoreError::Invalid("报告期开始日期晚于结束日期".to_owned()));
    }
    if new.due_on < new.period_start {
        return Err(StoreError::Invalid("截止日期早于报告期开始日期".to_owned()));
    }
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    if crate::curation::published_at(&mut tx, new.plan_id)
        .await?
        .is_none()
    {
        return Err(StoreError::Invalid(
            "计划尚未发布：请先在“计划校对”中确认并发布，再开启调度".to_owned(),
        ));
    }
    let version_id = current_version_id(&mut tx, new.plan_id).await?;
    let plan = crate::curation::effective(&mut tx, new.plan_id, None)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("计划 {}", new.plan_id)))?;
    let nodes =
        sqlx::query("SELECT id, node_key, parent_key FROM nodes WHERE plan_version_id = $1")
            .bind(version_id)
            .fetch_all(&mut *tx)
            .await?;
    let mut by_key: HashMap<String, (i64, Option<String>)> = HashMap::new();
    for r in &nodes {
        by_key.insert(r.try_get(1)?, (r.try_get(0)?, r.try_get(2)?));
    }
    // The plan as served decides who reports on what: tasks only (not descriptive text), with
    // the units and roles the office confirmed.
    let mut assignments: Vec<(i64, String, String)> = Vec::new();
    for node in plan.tasks() {
        let Some((id, _)) = by_key.get(&node.id.0) else {
            continue;
        };
        for a in &node.responsible {
            assignments.push((*id, a.unit.clone(), a.role.as_str().to_owned()));
        }
    }
    // A target's data-owner unit (数据来源单位) reports it on the node that states it: the only
    // reporter where the node is no task (the 发展目标 list), beside the task's units elsewhere.
    for t in &plan.targets {
        let (Some(owner), Some((id, _))) = (&t.data_owner, by_key.get(&t.node.0)) else {
            continue;
        };
        let task = plan.node(&t.node).is_some_and(duban_domain::Node::is_task);
        let role = if task { "co" } else { "lead" };
        assignments.push((*id, owner.clone(), role.to_owned()));
    }
    let mut unit_ids: HashMap<String, i64> = HashMap::new();
    for r in
        sqlx::query("SELECT name, id FROM units UNION ALL SELECT alias, unit_id FROM unit_aliases")
            .fetch_all(&mut *tx)
            .await?
    {
        unit_ids.insert(r.try_get(0)?, r.try_get(1)?);
    }
    let members = sqlx::query(
        "SELECT group_id, member_id FROM unit_group_members ORDER BY group_id, member_id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut group_members: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in &members {
        group_members
            .entry(r.try_get(0)?)
            .or_default()
            .push(r.try_get(1)?);
    }
    // (node, unit) → role, group units expanded to their members.
    let mut reports: Vec<(i64, i64, String)> = Vec::new();
    let mut seen = BTreeSet::new();
    for (node, unit, role) in assignments {
        let Some(unit) = unit_ids.get(&unit).copied() else {
            continue;
        };
        let units = group_members
            .get(&unit)
            .cloned()
            .unwrap_or_else(|| vec![unit]);
        for u in units {
            if seen.insert((node, u)) {
                reports.push((node, u, role.clone()));
            }
        }
    }
    let wanted: Option<BTreeSet<i64>> = match &new.scope {
        RoundScope::All => None,
        RoundScope::Under(key) => {
            let Some((root, _)) = by_key.get(key) else {
                return Err(StoreError::NotFound(format!("节点 {key}")));
            };
            let mut set = BTreeSet::from([*root]);
            for (id, _) in by_key.values() {
                if under(&by_key, *id, key) {
                    set.insert(*id);
                }
            }
            Some(set)
        }
        RoundScope::Unit(name) => {
            let unit = sqlx::query(
                "SELECT u.id FROM units u WHERE u.name = $1
                 UNION SELECT a.unit_id FROM unit_aliases a WHERE a.alias = $1",
            )
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(unit) = unit else {
                return Err(StoreError::NotFound(format!("单位“{name}”")));
            };
            let unit: i64 = unit.try_get(0)?;
            // A unit's round asks that unit only.
            reports.retain(|r| r.1 == unit);
            None
        }
    };
    reports.retain(|(node, _, _)| wanted.as_ref().is_none_or(|w| w.contains(node)));
    if reports.is_empty() {
        return Err(StoreError::Invalid(
            "所选范围内没有有责任单位的任务".to_owned(),
        ));
    }
    let t = now();
    let round_id: i64 = sqlx::query(
        "INSERT INTO rounds (plan_id, title, cadence, period_start, period_end, due_on, opened_by, opened_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(new.plan_id)
    .bind(title)
    .bind(new.cadence.as_str())
    .bind(new.period_start.to_string())
    .bind(new.period_end.to_string())
    .bind(new.due_on.to_string())
    .bind(actor.user_id)
    .bind(t)
    .persistent(false)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    let tasks: BTreeSet<i64> = reports.iter().map(|r| r.0).collect();
    for node in &tasks {
        sqlx::query("INSERT INTO round_tasks (round_id, node_id) VALUES ($1, $2)")
            .bind(round_id)
            .bind(node)
            .execute(&mut *tx)
            .await?;
    }
    for (node, unit, role) in &reports {
        sqlx::query(
            "INSERT INTO reports (round_id, node_id, unit_id, role, status, row_version, current_version, updated_at)
             VALUES ($1, $2, $3, $4, 'draft', 1, 0, $5)",
        )
        .bind(round_id)
        .bind(node)
        .bind(unit)
        .bind(role)
        .bind(t)
        .execute(&mut *tx)
        .await?;
    }
    let after = serde_json::json!({
        "plan_id": new.plan_id, "title": title, "cadence": new.cadence,
        "period_start": new.period_start, "period_end": new.period_end, "due_on": new.due_on,
        "scope": new.scope, "tasks": tasks.len(), "reports": reports.len(),
    });
    audit::append(
        &mut tx,
        actor,
        "round.open",
        "round",
        &round_id.to_string(),
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(round_id)
}

fn under(by_key: &HashMap<String, (i64, Option<String>)>, id: i64, root: &str) -> bool {
    let mut current = by_key
        .values()
        .find(|(i, _)| *i == id)
        .and_then(|(_, p)| p.clone());
    let mut steps = 0;
    while let Some(parent) = current {
        if parent == root {
            return true;
        }
        steps += 1;
        if steps > 64 {
            return false;
        }
        current = by_key.get(&parent).and_then(|(_, p)| p.clone());
    }
    false
}

pub(crate) async fn close(store: &SqlStore, actor: &Actor, round_id: i64) -> Result<()> {
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let done = sqlx::query("UPDATE rounds SET closed_at = $1 WHERE id = $2 AND closed_at IS NULL")
        .bind(now())
        .bind(round_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Invalid(format!(
            "调度 {round_id} 不存在或已结束"
        )));
    }
    audit::append(
        &mut tx,
        actor,
        "round.close",
        "round",
        &round_id.to_string(),
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Rounds, newest first, with report counts (of one unit's reports when `unit` is given;
/// then only rounds where it has reports).
pub(crate) async fn rounds(
    store: &SqlStore,
    plan_id: Option<i64>,
    unit: Option<i64>,
) -> Result<Vec<RoundRecord>> {
    let mut q = BoundSql::new(
        "SELECT rd.id, rd.plan_id, rd.title, rd.cadence, rd.period_start, rd.period_end, rd.due_on,
            rd.opened_at, rd.closed_at, COUNT(r.id),
            SUM(CASE WHEN r.status = 'submitted' THEN 1 ELSE 0 END),
            SUM(CASE WHEN r.status = 'approved' THEN 1 ELSE 0 END),
            SUM(CASE WHEN r.status = 'returned' THEN 1 ELSE 0 END), rd.published_at
         FROM rounds rd LEFT JOIN reports r ON r.round_id = rd.id",
    );
    if let Some(u) = unit {
        q.push(" AND r.unit_id = ").push_bind(u);
    }
    if let Some(p) = plan_id {
        q.push(" WHERE rd.plan_id = ").push_bind(p);
    }
    q.push(
        " GROUP BY rd.id, rd.plan_id, rd.title, rd.cadence, rd.period_start, rd.period_end,
            rd.due_on, rd.opened_at, rd.closed_at, rd.published_at",
    );
    if unit.is_some() {
        q.push(" HAVING COUNT(r.id) > 0");
    }
    q.push(" ORDER BY rd.id DESC");
    let rows = q.build()?.persistent(false).fetch_all(&store.pool).await?;
    rows.iter().map(round_record).collect()
}

/// A round row with its counts (a SUM over no reports is NULL: zero).
fn round_record(r: &sqlx::any::AnyRow) -> Result<RoundRecord> {
    let sum = |i: usize| -> Result<i64> { Ok(r.try_get::<Option<i64>, _>(i)?.unwrap_or(0)) };
    Ok(RoundRecord {
        id: r.try_get(0)?,
        plan_id: r.try_get(1)?,
        title: r.try_get(2)?,
        cadence: crate::state(r, 3, Cadence::parse)?,
        period_start: r.try_get(4)?,
        period_end: r.try_get(5)?,
        due_on: r.try_get(6)?,
        opened_at: r.try_get(7)?,
        closed_at: r.try_get(8)?,
        reports: r.try_get(9)?,
        submitted: sum(10)?,
        approved: sum(11)?,
        returned: sum(12)?,
        published_at: r.try_get(13)?,
    })
}

pub(crate) async fn round(store: &SqlStore, id: i64) -> Result<Option<RoundRecord>> {
    let row = sqlx::query(
        "SELECT rd.id, rd.plan_id, rd.title, rd.cadence, rd.period_start, rd.period_end, rd.due_on,
            rd.opened_at, rd.closed_at,
            (SELECT COUNT(*) FROM reports r WHERE r.round_id = rd.id),
            (SELECT COUNT(*) FROM reports r WHERE r.round_id = rd.id AND r.status = 'submitted'),
            (SELECT COUNT(*) FROM reports r WHERE r.round_id = rd.id AND r.status = 'approved'),
            (SELECT COUNT(*) FROM reports r WHERE r.round_id = rd.id AND r.status = 'returned'),
            rd.published_at
         FROM rounds rd WHERE rd.id = $1",
    )
    .bind(id)
    .fetch_optional(&store.pool)
    .await?;
    row.as_ref().map(round_record).transpose()
}

/// Publishes a round: from now the public sees statuses and values as of this moment.
pub(crate) async fn publish(store: &SqlStore, actor: &Actor, round_id: i64) -> Result<()> {
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let t = now();
    let done = sqlx::query(
        "UPDATE rounds SET published_at = $1, published_by = $2 WHERE id = $3 AND published_at IS NULL",
    )
    .bind(t)
    .bind(actor.user_id)
    .bind(round_id)
    .persistent(false)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        let exists = sqlx::query("SELECT 1 FROM rounds WHERE id = $1")
            .bind(round_id)
            .fetch_optional(&mut *tx)
            .await?;
        return Err(match exists {
            Some(_) => StoreError::Invalid("该调度已发布".to_owned()),
            None => StoreError::NotFound(format!("调度 {round_id}")),
        });
    }
    audit::append(
        &mut tx,
        actor,
        "round.publish",
        "round",
        &round_id.to_string(),
        None,
        Some(&serde_json::json!({ "published_at": t })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
