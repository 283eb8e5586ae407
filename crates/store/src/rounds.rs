//! Reporting rounds and reports: opening a round over chosen tasks, drafts, idempotent
//! submission with a version check, and review. Every write appends to the audit log in its
//! own transaction.

use std::collections::{BTreeSet, HashMap};

use sqlx::{Acquire, AnyConnection, Row};

use crate::audit::{self, json};
use crate::model::{
    Actor, Decision, EvidenceRecord, NewRound, ObservationRecord, ReportBody, ReportDetail,
    ReportFilter, ReportRow, ReviewRecord, RoundRecord, RoundScope, Submission, Submitted,
    VersionRecord,
};
use crate::sql::SqlStore;
use crate::{Result, StoreError, now};

const CADENCES: [&str; 3] = ["monthly", "quarterly", "ad_hoc"];

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
    if !CADENCES.contains(&new.cadence.as_str()) {
        return Err(StoreError::Invalid(format!(
            "调度频次“{}”无法识别",
            new.cadence
        )));
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
    let version_id = current_version_id(&mut tx, new.plan_id).await?;
    let nodes =
        sqlx::query("SELECT id, node_key, parent_key FROM nodes WHERE plan_version_id = $1")
            .bind(version_id)
            .fetch_all(&mut *tx)
            .await?;
    let mut by_key: HashMap<String, (i64, Option<String>)> = HashMap::new();
    for r in &nodes {
        by_key.insert(r.try_get(1)?, (r.try_get(0)?, r.try_get(2)?));
    }
    let assignments = sqlx::query(
        "SELECT a.node_id, a.unit_id, a.role, a.position FROM assignments a JOIN nodes n ON n.id = a.node_id
         WHERE n.plan_version_id = $1 ORDER BY a.node_id, a.position",
    )
    .bind(version_id)
    .fetch_all(&mut *tx)
    .await?;
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
    for r in &assignments {
        let (node, unit, role): (i64, i64, String) = (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
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
    .bind(&new.cadence)
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

fn round_record(r: &sqlx::any::AnyRow) -> Result<RoundRecord> {
    Ok(RoundRecord {
        id: r.try_get(0)?,
        plan_id: r.try_get(1)?,
        title: r.try_get(2)?,
        cadence: r.try_get(3)?,
        period_start: r.try_get(4)?,
        period_end: r.try_get(5)?,
        due_on: r.try_get(6)?,
        opened_at: r.try_get(7)?,
        closed_at: r.try_get(8)?,
        reports: r.try_get(9)?,
        submitted: r.try_get(10)?,
        approved: r.try_get(11)?,
        returned: r.try_get(12)?,
    })
}

/// Rounds, newest first, with report counts (of one unit's reports when `unit` is given;
/// then only rounds where it has reports).
pub(crate) async fn rounds(
    store: &SqlStore,
    plan_id: Option<i64>,
    unit: Option<i64>,
) -> Result<Vec<RoundRecord>> {
    let mut conditions = Vec::new();
    let mut binds = Vec::new();
    if let Some(p) = plan_id {
        binds.push(p);
        conditions.push(format!("rd.plan_id = ${}", binds.len()));
    }
    let unit_filter = match unit {
        Some(u) => {
            binds.push(u);
            format!(" AND r.unit_id = ${}", binds.len())
        }
        None => String::new(),
    };
    let having = if unit.is_some() {
        "HAVING COUNT(r.id) > 0"
    } else {
        ""
    };
    let where_ = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT rd.id, rd.plan_id, rd.title, rd.cadence, rd.period_start, rd.period_end, rd.due_on,
            rd.opened_at, rd.closed_at, COUNT(r.id),
            SUM(CASE WHEN r.status = 'submitted' THEN 1 ELSE 0 END),
            SUM(CASE WHEN r.status = 'approved' THEN 1 ELSE 0 END),
            SUM(CASE WHEN r.status = 'returned' THEN 1 ELSE 0 END)
         FROM rounds rd LEFT JOIN reports r ON r.round_id = rd.id{unit_filter}
         {where_}
         GROUP BY rd.id, rd.plan_id, rd.title, rd.cadence, rd.period_start, rd.period_end, rd.due_on, rd.opened_at, rd.closed_at
         {having}
         ORDER BY rd.id DESC"
    );
    let mut q = sqlx::query(&sql);
    for b in binds {
        q = q.bind(b);
    }
    let rows = q.persistent(false).fetch_all(&store.pool).await?;
    rows.iter()
        .map(|r| {
            // SUM over no rows is NULL.
            let mut rec = round_record_lenient(r)?;
            rec.id = r.try_get(0)?;
            Ok(rec)
        })
        .collect()
}

fn round_record_lenient(r: &sqlx::any::AnyRow) -> Result<RoundRecord> {
    let sum = |i: usize| -> Result<i64> { Ok(r.try_get::<Option<i64>, _>(i)?.unwrap_or(0)) };
    Ok(RoundRecord {
        id: r.try_get(0)?,
        plan_id: r.try_get(1)?,
        title: r.try_get(2)?,
        cadence: r.try_get(3)?,
        period_start: r.try_get(4)?,
        period_end: r.try_get(5)?,
        due_on: r.try_get(6)?,
        opened_at: r.try_get(7)?,
        closed_at: r.try_get(8)?,
        reports: r.try_get(9)?,
        submitted: sum(10)?,
        approved: sum(11)?,
        returned: sum(12)?,
    })
}

pub(crate) async fn round(store: &SqlStore, id: i64) -> Result<Option<RoundRecord>> {
    let row = sqlx::query(
        "SELECT rd.id, rd.plan_id, rd.title, rd.cadence, rd.period_start, rd.period_end, rd.due_on,
            rd.opened_at, rd.closed_at,
            (SELECT COUNT(*) FROM reports r WHERE r.round_id = rd.id),
            (SELECT COUNT(*) FROM reports r WHERE r.round_id = rd.id AND r.status = 'submitted'),
            (SELECT COUNT(*) FROM reports r WHERE r.round_id = rd.id AND r.status = 'approved'),
            (SELECT COUNT(*) FROM reports r WHERE r.round_id = rd.id AND r.status = 'returned')
         FROM rounds rd WHERE rd.id = $1",
    )
    .bind(id)
    .fetch_optional(&store.pool)
    .await?;
    row.as_ref().map(round_record).transpose()
}

const REPORT_COLUMNS: &str =
    "r.id, r.round_id, rd.title, rd.plan_id, n.node_key, n.number, n.title,
    r.unit_id, u.name, r.role, r.status, r.row_version, r.current_version, rd.due_on, r.updated_at";
const REPORT_FROM: &str = "FROM reports r JOIN rounds rd ON rd.id = r.round_id
    JOIN nodes n ON n.id = r.node_id JOIN units u ON u.id = r.unit_id";

fn report_row(r: &sqlx::any::AnyRow) -> Result<ReportRow> {
    let number: Option<String> = r.try_get(5)?;
    let title: String = r.try_get(6)?;
    Ok(ReportRow {
        id: r.try_get(0)?,
        round_id: r.try_get(1)?,
        round_title: r.try_get(2)?,
        plan_id: r.try_get(3)?,
        node_key: r.try_get(4)?,
        node_title: match number {
            Some(n) if !n.is_empty() => format!("{n} {title}"),
            _ => title,
        },
        unit_id: r.try_get(7)?,
        unit_name: r.try_get(8)?,
        role: r.try_get(9)?,
        status: r.try_get(10)?,
        row_version: r.try_get(11)?,
        current_version: r.try_get(12)?,
        due_on: r.try_get(13)?,
        updated_at: r.try_get(14)?,
    })
}

pub(crate) async fn reports(store: &SqlStore, filter: &ReportFilter) -> Result<Vec<ReportRow>> {
    let mut conditions = Vec::new();
    let mut ints = Vec::new();
    if let Some(r) = filter.round_id {
        ints.push(r);
        conditions.push(format!("r.round_id = ${}", ints.len()));
    }
    if let Some(u) = filter.unit_id {
        ints.push(u);
        conditions.push(format!("r.unit_id = ${}", ints.len()));
    }
    let status_param = ints.len() + 1;
    if filter.status.is_some() {
        conditions.push(format!("r.status = ${status_param}"));
    }
    let where_ = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let next = status_param + usize::from(filter.status.is_some());
    // The review queue is oldest-first; other lists in task order.
    let order = if filter.status.as_deref() == Some("submitted") {
        "r.updated_at, r.id"
    } else {
        "r.id"
    };
    let sql = format!(
        "SELECT {REPORT_COLUMNS} {REPORT_FROM} {where_} ORDER BY {order} LIMIT ${next} OFFSET ${}",
        next + 1
    );
    let mut q = sqlx::query(&sql);
    for i in ints {
        q = q.bind(i);
    }
    if let Some(s) = &filter.status {
        q = q.bind(s.clone());
    }
    let limit = if filter.limit <= 0 {
        50
    } else {
        filter.limit.min(1000)
    };
    let rows = q
        .bind(limit)
        .bind(filter.offset.max(0))
        .fetch_all(&store.pool)
        .await?;
    rows.iter().map(report_row).collect()
}

/// How many reports a filter matches (for paging).
/// Counts stop here (pages show "1000+").
pub const COUNT_CAP: i64 = 1_000;

/// How many reports a filter matches (for paging), at most [`COUNT_CAP`].
pub(crate) async fn count_reports(store: &SqlStore, filter: &ReportFilter) -> Result<i64> {
    // Counted up to a cap: an exact count of a long queue costs more than it tells.
    let mut sql = "SELECT COUNT(*) FROM (SELECT 1 FROM reports r WHERE 1 = 1".to_owned();
    let mut n = 0;
    let mut ints = Vec::new();
    if let Some(r) = filter.round_id {
        n += 1;
        sql.push_str(&format!(" AND r.round_id = ${n}"));
        ints.push(r);
    }
    if let Some(u) = filter.unit_id {
        n += 1;
        sql.push_str(&format!(" AND r.unit_id = ${n}"));
        ints.push(u);
    }
    if filter.status.is_some() {
        n += 1;
        sql.push_str(&format!(" AND r.status = ${n}"));
    }
    sql.push_str(&format!(" LIMIT {COUNT_CAP}) capped"));
    let mut q = sqlx::query(&sql);
    for i in ints {
        q = q.bind(i);
    }
    if let Some(s) = &filter.status {
        q = q.bind(s.clone());
    }
    Ok(q.fetch_one(&store.pool).await?.try_get(0)?)
}

pub(crate) async fn report_row_by_id(store: &SqlStore, id: i64) -> Result<Option<ReportRow>> {
    let sql = format!("SELECT {REPORT_COLUMNS} {REPORT_FROM} WHERE r.id = $1");
    let row = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&store.pool)
        .await?;
    row.as_ref().map(report_row).transpose()
}

/// Other units' reports on the same task in the same round (the lead sees its co units').
pub(crate) async fn siblings(store: &SqlStore, id: i64) -> Result<Vec<ReportRow>> {
    let sql = format!(
        "SELECT {REPORT_COLUMNS} {REPORT_FROM}
         JOIN reports me ON me.round_id = r.round_id AND me.node_id = r.node_id AND me.id <> r.id
         WHERE me.id = $1 ORDER BY r.id"
    );
    let rows = sqlx::query(&sql).bind(id).fetch_all(&store.pool).await?;
    rows.iter().map(report_row).collect()
}

fn body_of(json: &str) -> Result<ReportBody> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("报告草稿：{e}")))
}

pub(crate) async fn report(store: &SqlStore, id: i64) -> Result<Option<ReportDetail>> {
    let Some(row) = report_row_by_id(store, id).await? else {
        return Ok(None);
    };
    let draft = sqlx::query("SELECT body_json FROM report_drafts WHERE report_id = $1")
        .bind(id)
        .fetch_optional(&store.pool)
        .await?
        .map(|r| {
            r.try_get::<String, _>(0)
                .map_err(StoreError::from)
                .and_then(|j| body_of(&j))
        })
        .transpose()?;
    let rows = sqlx::query(
        "SELECT v.id, v.version, v.progress, v.percent_complete, v.problems, v.next_steps, v.coordination,
            v.project_stage, v.investment, u.username, v.submitted_at
         FROM report_versions v LEFT JOIN users u ON u.id = v.submitted_by
         WHERE v.report_id = $1 ORDER BY v.version",
    )
    .bind(id)
    .fetch_all(&store.pool)
    .await?;
    let mut versions = Vec::with_capacity(rows.len());
    for r in &rows {
        let vid: i64 = r.try_get(0)?;
        versions.push(VersionRecord {
            id: vid,
            version: r.try_get(1)?,
            body: ReportBody {
                progress: r.try_get(2)?,
                percent_complete: r.try_get(3)?,
                problems: r.try_get(4)?,
                next_steps: r.try_get(5)?,
                coordination: r.try_get(6)?,
                project_stage: r.try_get(7)?,
                investment: r.try_get(8)?,
                observations: Vec::new(),
            },
            submitted_by: r.try_get(9)?,
            submitted_at: r.try_get(10)?,
            evidence: evidence_of(store, id, vid).await?,
            observations: observations_of(store, vid).await?,
            reviews: reviews_of(store, vid).await?,
        });
    }
    Ok(Some(ReportDetail {
        row,
        draft,
        versions,
    }))
}

async fn evidence_of(
    store: &SqlStore,
    report_id: i64,
    version_id: i64,
) -> Result<Vec<EvidenceRecord>> {
    let rows = sqlx::query(
        "SELECT id, sha256, file_name, media_type, size_bytes FROM evidence WHERE report_version_id = $1 ORDER BY id",
    )
    .bind(version_id)
    .fetch_all(&store.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(EvidenceRecord {
                id: r.try_get(0)?,
                report_id,
                sha256: r.try_get(1)?,
                file_name: r.try_get(2)?,
                media_type: r.try_get(3)?,
                size_bytes: r.try_get(4)?,
            })
        })
        .collect()
}

pub(crate) async fn evidence(store: &SqlStore, id: i64) -> Result<Option<EvidenceRecord>> {
    let row = sqlx::query(
        "SELECT e.id, v.report_id, e.sha256, e.file_name, e.media_type, e.size_bytes
         FROM evidence e JOIN report_versions v ON v.id = e.report_version_id WHERE e.id = $1",
    )
    .bind(id)
    .fetch_optional(&store.pool)
    .await?;
    row.map(|r| {
        Ok(EvidenceRecord {
            id: r.try_get(0)?,
            report_id: r.try_get(1)?,
            sha256: r.try_get(2)?,
            file_name: r.try_get(3)?,
            media_type: r.try_get(4)?,
            size_bytes: r.try_get(5)?,
        })
    })
    .transpose()
}

async fn observations_of(store: &SqlStore, version_id: i64) -> Result<Vec<ObservationRecord>> {
    let rows = sqlx::query(
        "SELECT o.id, t.target_key, o.observed_on, o.value, o.source, o.status, o.report_version_id
         FROM observations o JOIN targets t ON t.id = o.target_id WHERE o.report_version_id = $1 ORDER BY o.id",
    )
    .bind(version_id)
    .fetch_all(&store.pool)
    .await?;
    rows.iter()
        .map(crate::targets::observation_record)
        .collect()
}

async fn reviews_of(store: &SqlStore, version_id: i64) -> Result<Vec<ReviewRecord>> {
    let rows = sqlx::query(
        "SELECT r.decision, r.comment, u.username, r.decided_at FROM reviews r
         LEFT JOIN users u ON u.id = r.reviewer_id WHERE r.report_version_id = $1 ORDER BY r.id",
    )
    .bind(version_id)
    .fetch_all(&store.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ReviewRecord {
                decision: r.try_get(0)?,
                comment: r.try_get(1)?,
                reviewer: r.try_get(2)?,
                decided_at: r.try_get(3)?,
            })
        })
        .collect()
}

/// Status and version of a report, read inside a transaction.
async fn state(tx: &mut AnyConnection, report_id: i64) -> Result<(String, i64, i64, i64)> {
    let row = sqlx::query(
        "SELECT r.status, r.row_version, r.current_version, rd.plan_id FROM reports r
         JOIN rounds rd ON rd.id = r.round_id WHERE r.id = $1",
    )
    .bind(report_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("报告 {report_id}")))?;
    Ok((
        row.try_get(0)?,
        row.try_get(1)?,
        row.try_get(2)?,
        row.try_get(3)?,
    ))
}

fn editable(status: &str) -> Result<()> {
    match status {
        "draft" | "returned" => Ok(()),
        "submitted" => Err(StoreError::Invalid(
            "报告已报送，正在审核，不能修改".to_owned(),
        )),
        _ => Err(StoreError::Invalid("报告已审核通过，不能修改".to_owned())),
    }
}

/// Bumps the version check: fails with a conflict when someone wrote since `expected`.
async fn bump(
    tx: &mut AnyConnection,
    report_id: i64,
    expected: i64,
    status: Option<&str>,
    version: Option<i64>,
) -> Result<i64> {
    let done = sqlx::query(
        "UPDATE reports SET row_version = row_version + 1, updated_at = $1,
            status = COALESCE($2, status), current_version = COALESCE($3, current_version)
         WHERE id = $4 AND row_version = $5",
    )
    .bind(now())
    .bind(status.map(str::to_owned))
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
    editable(&status)?;
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
    editable(&status)?;
    let targets = crate::targets::target_ids(&mut tx, plan_id, &s.body.observations).await?;
    let version = current + 1;
    let row_version = bump(
        &mut tx,
        report_id,
        expected,
        Some("submitted"),
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
    let after = serde_json::json!({ "status": "submitted", "version": version, "key": key, "body": b, "evidence": s.evidence });
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
    if status != "submitted" {
        return Err(StoreError::Invalid(match status.as_str() {
            "approved" => "报告已审核通过".to_owned(),
            "returned" => "报告已退回，等待单位重新报送".to_owned(),
            _ => "报告尚未报送".to_owned(),
        }));
    }
    let new_status = match decision {
        Decision::Approve => "approved",
        Decision::Return => "returned",
    };
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
