//! The store over `sqlx::Any`: the same queries for SQLite and PostgreSQL.

use duban_domain::curation::Edit;
use duban_domain::revision::ItemKind;
use duban_domain::{Plan, Registry};
use sqlx::{AnyPool, Row};
use tokio::sync::Mutex;

use duban_domain::supervision::{Baseline, Milestone, SecurityPolicy, StatusMethod};

use crate::model::*;
use crate::{
    Backend, Imported, PlanStamp, PlanSummary, Result, Source, Store, StoreError, UnitRecord,
};
use crate::{accounts, audit, curation, notices, reports, revision, rounds, submission, targets};

fn stamp(r: &sqlx::any::AnyRow) -> Result<PlanStamp> {
    Ok(PlanStamp {
        plan_id: r.try_get(0)?,
        version: r.try_get(1)?,
        edits: r.try_get(2)?,
        title: r.try_get(3)?,
        published: r.try_get::<Option<i64>, _>(4)?.is_some(),
    })
}

/// A store on an SQL database.
pub(crate) struct SqlStore {
    pub(crate) pool: AnyPool,
    backend: Backend,
    /// SQLite allows one writer: writes in this process queue here instead of failing with
    /// "database is locked" (other processes wait on the busy timeout).
    pub(crate) write_lock: Mutex<()>,
}

impl SqlStore {
    /// Serialises writes in this process on SQLite (one writer); PostgreSQL needs no guard.
    pub(crate) async fn write_guard(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => Some(self.write_lock.lock().await),
            Backend::Postgres => None,
        }
    }

    pub(crate) async fn connect(url: &str) -> Result<Self> {
        let backend = Backend::from_url(url)?;
        let pool = backend.open(url).await?;
        Ok(Self {
            pool,
            backend,
            write_lock: Mutex::new(()),
        })
    }
}

#[async_trait::async_trait]
impl Store for SqlStore {
    fn backend(&self) -> Backend {
        self.backend
    }

    async fn migrate(&self) -> Result<()> {
        let _write = self.write_lock.lock().await;
        self.backend
            .migrator()
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Migrate(e.to_string()))
    }

    async fn health(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn import_plan(&self, actor: &Actor, source: &Source, plan: &Plan) -> Result<Imported> {
        crate::import::import(self, actor, source, plan).await
    }

    async fn plans(&self) -> Result<Vec<PlanSummary>> {
        let rows = sqlx::query(
            "SELECT p.id, p.title, p.issuer, p.doc_number, p.issued_on, p.current_version,
                (SELECT COUNT(*) FROM nodes n WHERE n.plan_version_id = v.id),
                (SELECT COUNT(DISTINCT a.node_id) FROM assignments a
                    JOIN nodes n ON n.id = a.node_id WHERE n.plan_version_id = v.id),
                (SELECT COUNT(*) FROM targets t WHERE t.plan_version_id = v.id),
                (SELECT COUNT(DISTINCT a.unit_id) FROM assignments a
                    JOIN nodes n ON n.id = a.node_id WHERE n.plan_version_id = v.id),
                (SELECT COUNT(*) FROM projects r WHERE r.plan_version_id = v.id),
                p.published_at,
                (SELECT COUNT(*) FROM plan_revisions x WHERE x.plan_id = p.id AND x.status = 'pending')
             FROM plans p JOIN plan_versions v ON v.plan_id = p.id AND v.version = p.current_version
             ORDER BY p.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PlanSummary {
                    id: r.try_get(0)?,
                    title: r.try_get(1)?,
                    issuer: r.try_get(2)?,
                    doc_number: r.try_get(3)?,
                    issued_on: r.try_get(4)?,
                    version: r.try_get(5)?,
                    nodes: r.try_get(6)?,
                    tasks: r.try_get(7)?,
                    targets: r.try_get(8)?,
                    units: r.try_get(9)?,
                    projects: r.try_get(10)?,
                    published_at: r.try_get(11)?,
                    pending_revisions: r.try_get(12)?,
                })
            })
            .collect()
    }

    async fn plan(&self, plan_id: i64, version: Option<i64>) -> Result<Option<Plan>> {
        curation::plan(self, plan_id, version).await
    }

    async fn plan_document(&self, plan_id: i64, version: Option<i64>) -> Result<Option<Plan>> {
        let mut conn = self.pool.acquire().await?;
        curation::document(&mut conn, plan_id, version).await
    }

    async fn plan_stamp(&self, plan_id: i64) -> Result<Option<PlanStamp>> {
        let row = sqlx::query(
            "SELECT id, current_version, edit_seq, title, published_at FROM plans WHERE id = $1",
        )
        .bind(plan_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(stamp).transpose()
    }

    async fn edit_plan(
        &self,
        actor: &Actor,
        plan_id: i64,
        edit: &Edit,
        reason: &str,
    ) -> Result<i64> {
        curation::edit(self, actor, plan_id, edit, reason).await
    }

    async fn plan_edits(&self, plan_id: i64) -> Result<Vec<EditRecord>> {
        curation::edit_records(self, plan_id).await
    }

    async fn skipped_edits(&self, plan_id: i64) -> Result<Vec<SkippedEdit>> {
        curation::skipped(self, plan_id).await
    }

    async fn publish_plan(&self, actor: &Actor, plan_id: i64) -> Result<()> {
        curation::publish(self, actor, plan_id).await
    }

    async fn revision(&self, revision_id: i64) -> Result<Option<RevisionRecord>> {
        revision::get(self, revision_id).await
    }

    async fn revisions(&self, plan_id: i64) -> Result<Vec<RevisionRecord>> {
        revision::list(self, plan_id).await
    }

    async fn revision_preview(&self, revision_id: i64) -> Result<Option<RevisionPreview>> {
        revision::preview(self, revision_id).await
    }

    async fn decide_revision_match(
        &self,
        actor: &Actor,
        revision_id: i64,
        row_version: i64,
        kind: ItemKind,
        new: &str,
        old: Option<&str>,
    ) -> Result<()> {
        revision::decide(self, actor, revision_id, row_version, kind, new, old).await
    }

    async fn approve_revision(
        &self,
        actor: &Actor,
        revision_id: i64,
        row_version: i64,
        reason: &str,
    ) -> Result<i64> {
        revision::approve(self, actor, revision_id, row_version, reason).await
    }

    async fn reject_revision(
        &self,
        actor: &Actor,
        revision_id: i64,
        row_version: i64,
        reason: &str,
    ) -> Result<()> {
        revision::reject(self, actor, revision_id, row_version, reason).await
    }

    async fn withdrawn(&self, plan_id: i64) -> Result<Vec<WithdrawnItem>> {
        revision::withdrawn(self, plan_id).await
    }

    async fn publish_round(&self, actor: &Actor, round_id: i64) -> Result<()> {
        rounds::publish(self, actor, round_id).await
    }

    async fn published_cutoff(&self, plan_id: i64) -> Result<Option<(i64, String)>> {
        let row = sqlx::query(
            "SELECT published_at, title FROM rounds WHERE plan_id = $1 AND published_at IS NOT NULL
             ORDER BY published_at DESC, id DESC LIMIT 1",
        )
        .bind(plan_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => Some((r.try_get(0)?, r.try_get(1)?)),
            None => None,
        })
    }

    async fn current_version(&self, plan_id: i64) -> Result<Option<i64>> {
        let row = sqlx::query("SELECT current_version FROM plans WHERE id = $1")
            .bind(plan_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => Some(r.try_get(0)?),
            None => None,
        })
    }

    async fn current_versions(&self) -> Result<Vec<PlanStamp>> {
        let rows = sqlx::query(
            "SELECT id, current_version, edit_seq, title, published_at FROM plans ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stamp).collect()
    }

    async fn load_registry(&self, actor: &Actor, registry: &Registry) -> Result<()> {
        crate::registry::load(self, actor, registry).await
    }

    async fn unit(&self, name: &str) -> Result<Option<UnitRecord>> {
        let row = sqlx::query(
            "SELECT u.id, u.name, u.kind, u.adcode FROM units u WHERE u.name = $1
             UNION ALL
             SELECT u.id, u.name, u.kind, u.adcode FROM units u JOIN unit_aliases a ON a.unit_id = u.id WHERE a.alias = $1",
        )
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let id: i64 = row.try_get(0)?;
        let aliases =
            sqlx::query("SELECT alias FROM unit_aliases WHERE unit_id = $1 ORDER BY alias")
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| r.try_get::<String, _>(0))
                .collect::<std::result::Result<Vec<_>, _>>()?;
        let members = sqlx::query(
            "SELECT u.name FROM unit_group_members m JOIN units u ON u.id = m.member_id
             WHERE m.group_id = $1 ORDER BY u.adcode, u.name",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(Some(UnitRecord {
            id,
            name: row.try_get(1)?,
            kind: row.try_get(2)?,
            aliases,
            adcode: row.try_get(3)?,
            members,
        }))
    }

    async fn applied_migrations(&self) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT description FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>(0).map_err(StoreError::from))
            .collect()
    }

    async fn units(&self) -> Result<Vec<UnitRecord>> {
        let rows = sqlx::query("SELECT id, name, kind, adcode FROM units ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(UnitRecord {
                    id: r.try_get(0)?,
                    name: r.try_get(1)?,
                    kind: r.try_get(2)?,
                    aliases: Vec::new(),
                    adcode: r.try_get(3)?,
                    members: Vec::new(),
                })
            })
            .collect()
    }

    async fn create_user(&self, actor: &Actor, user: &NewUser) -> Result<i64> {
        accounts::create(self, actor, user).await
    }
    async fn user(&self, id: i64) -> Result<Option<UserRecord>> {
        accounts::by_id(self, id).await
    }
    async fn user_by_name(&self, username: &str) -> Result<Option<UserRecord>> {
        accounts::by_name(self, username).await
    }
    async fn users(&self) -> Result<Vec<UserRecord>> {
        accounts::all(self).await
    }
    async fn record_login(
        &self,
        actor: &Actor,
        user_id: i64,
        success: bool,
        policy: &SecurityPolicy,
    ) -> Result<()> {
        accounts::record_login(self, actor, user_id, success, policy).await
    }
    async fn set_password(
        &self,
        actor: &Actor,
        user_id: i64,
        password_hash: &str,
        must_change: bool,
    ) -> Result<()> {
        accounts::set_password(self, actor, user_id, password_hash, must_change).await
    }
    async fn set_user_disabled(&self, actor: &Actor, user_id: i64, disabled: bool) -> Result<()> {
        accounts::set_disabled(self, actor, user_id, disabled).await
    }
    async fn create_session(
        &self,
        actor: &Actor,
        user_id: i64,
        id_hash: &str,
        csrf_token: &str,
    ) -> Result<()> {
        accounts::create_session(self, actor, user_id, id_hash, csrf_token).await
    }
    async fn session(
        &self,
        id_hash: &str,
        policy: &SecurityPolicy,
    ) -> Result<Option<SessionRecord>> {
        accounts::session(self, id_hash, policy).await
    }
    async fn end_session(&self, actor: &Actor, id_hash: &str) -> Result<()> {
        accounts::end_session(self, actor, id_hash).await
    }
    async fn create_token(
        &self,
        actor: &Actor,
        user_id: i64,
        name: &str,
        token_hash: &str,
    ) -> Result<i64> {
        accounts::create_token(self, actor, user_id, name, token_hash).await
    }
    async fn token_user(&self, token_hash: &str) -> Result<Option<UserRecord>> {
        accounts::token_user(self, token_hash).await
    }
    async fn open_round(&self, actor: &Actor, round: &NewRound) -> Result<i64> {
        rounds::open(self, actor, round).await
    }
    async fn close_round(&self, actor: &Actor, round_id: i64) -> Result<()> {
        rounds::close(self, actor, round_id).await
    }
    async fn rounds(&self, plan_id: Option<i64>, unit: Option<i64>) -> Result<Vec<RoundRecord>> {
        rounds::rounds(self, plan_id, unit).await
    }
    async fn round(&self, round_id: i64) -> Result<Option<RoundRecord>> {
        rounds::round(self, round_id).await
    }
    async fn reports(&self, filter: &ReportFilter) -> Result<Vec<ReportRow>> {
        reports::reports(self, filter).await
    }
    async fn count_reports(&self, filter: &ReportFilter) -> Result<i64> {
        reports::count_reports(self, filter).await
    }
    async fn report_row(&self, report_id: i64) -> Result<Option<ReportRow>> {
        reports::report_row_by_id(self, report_id).await
    }
    async fn report(&self, report_id: i64) -> Result<Option<ReportDetail>> {
        reports::report(self, report_id).await
    }
    async fn sibling_reports(&self, report_id: i64) -> Result<Vec<ReportRow>> {
        reports::siblings(self, report_id).await
    }
    async fn save_draft(
        &self,
        actor: &Actor,
        report_id: i64,
        row_version: i64,
        body: &ReportBody,
    ) -> Result<i64> {
        submission::save_draft(self, actor, report_id, row_version, body).await
    }
    async fn submit_report(
        &self,
        actor: &Actor,
        report_id: i64,
        row_version: i64,
        submission: &Submission,
    ) -> Result<Submitted> {
        submission::submit(self, actor, report_id, row_version, submission).await
    }
    async fn review_report(
        &self,
        actor: &Actor,
        report_id: i64,
        row_version: i64,
        decision: Decision,
        comment: &str,
    ) -> Result<i64> {
        submission::review(self, actor, report_id, row_version, decision, comment).await
    }
    async fn evidence(&self, evidence_id: i64) -> Result<Option<EvidenceRecord>> {
        reports::evidence(self, evidence_id).await
    }
    async fn target_settings(
        &self,
        plan_id: i64,
        target_key: &str,
    ) -> Result<Option<TargetSettings>> {
        targets::settings(self, plan_id, target_key).await
    }
    async fn save_target_settings(
        &self,
        actor: &Actor,
        plan_id: i64,
        target_key: &str,
        row_version: i64,
        baseline: Option<Baseline>,
        milestones: &[Milestone],
        origin: &str,
    ) -> Result<i64> {
        targets::save_settings(
            self,
            actor,
            plan_id,
            target_key,
            row_version,
            baseline,
            milestones,
            origin,
        )
        .await
    }
    async fn record_observation(
        &self,
        actor: &Actor,
        plan_id: i64,
        observation: &NewObservation,
    ) -> Result<i64> {
        targets::record_observation(self, actor, plan_id, observation).await
    }
    async fn observations(&self, plan_id: i64, target_key: &str) -> Result<Vec<ObservationRecord>> {
        targets::observations(self, plan_id, target_key).await
    }
    async fn set_status_method(
        &self,
        actor: &Actor,
        plan_id: i64,
        method: StatusMethod,
    ) -> Result<()> {
        targets::set_method(self, actor, plan_id, method).await
    }
    async fn set_work_point(
        &self,
        actor: &Actor,
        plan_id: i64,
        node_key: &str,
        year: i32,
        body: &str,
    ) -> Result<()> {
        targets::set_work_point(self, actor, plan_id, node_key, year, body).await
    }
    async fn work_points(&self, plan_id: i64, node_key: &str) -> Result<Vec<(i32, String)>> {
        targets::work_points(self, plan_id, node_key).await
    }
    async fn plan_facts(&self, plan_id: i64) -> Result<PlanFacts> {
        targets::facts(self, plan_id, None).await
    }

    async fn plan_facts_as_of(&self, plan_id: i64, cutoff: i64) -> Result<PlanFacts> {
        targets::facts(self, plan_id, Some(cutoff)).await
    }
    async fn outstanding_reports(&self) -> Result<Vec<Outstanding>> {
        notices::outstanding(self).await
    }
    async fn enqueue_notice(&self, notice: &NewNotice) -> Result<bool> {
        notices::enqueue(self, notice).await
    }
    async fn claim_notices(
        &self,
        channel: &str,
        lease: i64,
        limit: i64,
    ) -> Result<Vec<NoticeRecord>> {
        notices::claim(self, channel, lease, limit).await
    }
    async fn notice_delivered(
        &self,
        notice_id: i64,
        outcome: std::result::Result<(), String>,
    ) -> Result<()> {
        notices::delivered(self, notice_id, outcome).await
    }
    async fn notices(&self, unit: Option<i64>, limit: i64) -> Result<Vec<NoticeRecord>> {
        notices::list(self, unit, limit).await
    }
    async fn audit_events(&self, offset: i64, limit: i64) -> Result<Vec<AuditEvent>> {
        audit::list(self, offset, limit).await
    }
    async fn verify_audit(&self) -> Result<AuditCheck> {
        audit::verify(self).await
    }

    async fn integrity_check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        if self.backend == Backend::Sqlite {
            for row in sqlx::query("PRAGMA integrity_check")
                .fetch_all(&self.pool)
                .await?
            {
                let line: String = row.try_get(0)?;
                if line != "ok" {
                    problems.push(line);
                }
            }
            let fk = sqlx::query("PRAGMA foreign_key_check")
                .fetch_all(&self.pool)
                .await?;
            if !fk.is_empty() {
                problems.push(format!("{} 行违反外键约束", fk.len()));
            }
        }
        // A report's version count, status and its versions agree.
        let rows = sqlx::query(
            "SELECT r.id FROM reports r WHERE r.current_version <>
                (SELECT COUNT(*) FROM report_versions v WHERE v.report_id = r.id)
             OR (r.status IN ('submitted', 'approved') AND r.current_version = 0)",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in &rows {
            problems.push(format!("报告 {} 的版本记录不一致", r.try_get::<i64, _>(0)?));
        }
        Ok(problems)
    }

    async fn change_counter(&self) -> Result<i64> {
        let row = sqlx::query("SELECT seq FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get(0)?)
    }
}
