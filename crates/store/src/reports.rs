//! Reading reports: lists (the review queue, a unit's, a round's), counts, a report with its
//! draft, versions, evidence, observations and reviews.

use sqlx::Row;

use crate::bound::BoundSql;
use crate::model::ReportStatus;
use crate::model::{
    EvidenceRecord, ObservationRecord, ReportBody, ReportDetail, ReportFilter, ReportRow,
    ReviewRecord, VersionRecord,
};
use crate::sql::SqlStore;
use crate::{Result, StoreError};

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
        status: crate::state(r, 10, ReportStatus::parse)?,
        row_version: r.try_get(11)?,
        current_version: r.try_get(12)?,
        due_on: r.try_get(13)?,
        updated_at: r.try_get(14)?,
    })
}

/// ` AND`-joined conditions of a filter, each value bound.
fn push_filter(q: &mut BoundSql<'_>, filter: &ReportFilter) {
    if let Some(r) = filter.round_id {
        q.push(" AND r.round_id = ").push_bind(r);
    }
    if let Some(u) = filter.unit_id {
        q.push(" AND r.unit_id = ").push_bind(u);
    }
    if let Some(s) = &filter.status {
        q.push(" AND r.status = ").push_bind(s.as_str());
    }
}

pub(crate) async fn reports(store: &SqlStore, filter: &ReportFilter) -> Result<Vec<ReportRow>> {
    let mut q = BoundSql::new(&format!(
        "SELECT {REPORT_COLUMNS} {REPORT_FROM} WHERE 1 = 1"
    ));
    push_filter(&mut q, filter);
    // The review queue is oldest-first; other lists in task order.
    q.push(if filter.status == Some(ReportStatus::Submitted) {
        " ORDER BY r.updated_at, r.id"
    } else {
        " ORDER BY r.id"
    });
    let limit = if filter.limit <= 0 {
        50
    } else {
        filter.limit.min(1000)
    };
    q.push(" LIMIT ").push_bind(limit);
    q.push(" OFFSET ").push_bind(filter.offset.max(0));
    let rows = q.build()?.fetch_all(&store.pool).await?;
    rows.iter().map(report_row).collect()
}

/// Counts stop here (pages show "1000+").
pub const COUNT_CAP: i64 = 1_000;

/// How many reports a filter matches (for paging), at most [`COUNT_CAP`].
pub(crate) async fn count_reports(store: &SqlStore, filter: &ReportFilter) -> Result<i64> {
    // Counted up to a cap: an exact count of a long queue costs more than it tells.
    let mut q = BoundSql::new("SELECT COUNT(*) FROM (SELECT 1 FROM reports r WHERE 1 = 1");
    push_filter(&mut q, filter);
    q.push(&format!(" LIMIT {COUNT_CAP}) capped"));
    Ok(q.build()?.fetch_one(&store.pool).await?.try_get(0)?)
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
