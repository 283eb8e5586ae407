//! Duban's storage: one [`Store`] interface, one SQL implementation that serves both backends
//! through `sqlx::Any`, chosen from the database URL at start-up.
//!
//! - `sqlite://…` — the embedded default: a file created on first start, WAL journal,
//!   `synchronous=FULL` so that an acknowledged write survives a crash, and write transactions
//!   serialised in the process so that concurrent writers wait instead of failing with
//!   "database is locked".
//! - `postgres://…` — production and scale-out (and the route to Kingbase and openGauss).
//!
//! Each backend has its own migrations (`migrations/sqlite`, `migrations/postgres`, the same file
//! names in both), embedded in the binary and applied by [`Store::migrate`].
//!
//! Architecture invariant: SQL is portable (`$1` parameters, `RETURNING`, `ON CONFLICT`) except
//! where a backend must differ; that difference lives in `backend.rs` and the migrations only.

mod accounts;
mod audit;
mod backend;
mod bound;
mod curation;
mod error;
mod import;
mod model;
mod notices;
mod registry;
mod reports;
mod revision;
mod rounds;
mod sql;
mod submission;
mod targets;

use std::sync::Arc;

use duban_domain::curation::Edit;
use duban_domain::revision::ItemKind;
use duban_domain::supervision::{Baseline, Milestone, SecurityPolicy, StatusMethod};
use duban_domain::{Plan, Registry};

pub use backend::Backend;
pub use error::StoreError;
pub use model::*;

/// A stored state name read back as its domain enum; an unknown name is corruption.
pub(crate) fn state<T>(r: &sqlx::any::AnyRow, i: usize, parse: fn(&str) -> Option<T>) -> Result<T> {
    use sqlx::Row;
    let name: String = r.try_get(i)?;
    parse(&name).ok_or_else(|| StoreError::Corrupt(format!("无法识别的状态“{name}”")))
}

/// The current unix time in seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Lowercase hex of bytes (hashes of tokens and files).
pub fn hex(bytes: &[u8]) -> String {
    audit::hex(bytes)
}

/// Result of store operations.
pub type Result<T> = std::result::Result<T, StoreError>;

/// Where an imported plan came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The file's name as given.
    pub name: String,
    /// SHA-256 of the file's bytes, lowercase hex: the same bytes are the same version.
    pub sha256: String,
    /// The detected format (`UTF-8`, `gb18030`, `docx`, …).
    pub format: String,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    /// A plan not seen before.
    Created,
    /// A changed document of a known plan: a revision waiting for the office's approval
    /// (`Imported::revision`); approved, it becomes the next version.
    Revision,
    /// The same document again: nothing stored.
    Unchanged,
}

/// The result of [`Store::import_plan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    /// The plan's id.
    pub plan_id: i64,
    /// The version the document is (new or existing).
    pub version: i64,
    /// What happened.
    pub outcome: ImportOutcome,
    /// The pending revision a changed document became.
    pub revision: Option<i64>,
}

/// A plan with the counts of its current version.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanSummary {
    /// The plan's id.
    pub id: i64,
    /// Title of the current version.
    pub title: String,
    /// Issuing body.
    pub issuer: Option<String>,
    /// Document number.
    pub doc_number: Option<String>,
    /// Date of issue, `YYYY-MM-DD`.
    pub issued_on: Option<String>,
    /// The current version's number (1 for a first import).
    pub version: i64,
    /// Nodes of the current version.
    pub nodes: i64,
    /// Nodes with responsible units (tasks).
    pub tasks: i64,
    /// Quantitative targets.
    pub targets: i64,
    /// Distinct units assigned.
    pub units: i64,
    /// Named projects.
    pub projects: i64,
    /// When the office published it for supervision.
    pub published_at: Option<i64>,
    /// Revisions waiting for approval.
    pub pending_revisions: i64,
}

/// What a plan as served depends on (for caches).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanStamp {
    /// The plan's id.
    pub plan_id: i64,
    /// Its current version.
    pub version: i64,
    /// How many edits (and approvals) it has had.
    pub edits: i64,
    /// Its title.
    pub title: String,
    /// Published for supervision (the public sees it).
    pub published: bool,
}

/// A unit of the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRecord {
    /// Registry id.
    pub id: i64,
    /// Canonical name.
    pub name: String,
    /// Kind as in `duban.plan/1` (`department`, `county_government`, …).
    pub kind: String,
    /// Other spellings, sorted.
    pub aliases: Vec<String>,
    /// GB/T 2260 code, for county-level governments.
    pub adcode: Option<String>,
    /// For a group: the names of its members, sorted by code then name.
    pub members: Vec<String>,
}

/// Everything duban keeps. Methods are shaped by tasks, not tables.
#[async_trait::async_trait]
pub trait Store: Send + Sync {
    /// Which backend this is.
    fn backend(&self) -> Backend;

    /// Applies pending migrations.
    async fn migrate(&self) -> Result<()>;

    /// Answers when the database is reachable.
    async fn health(&self) -> Result<()>;

    /// Stores a parsed plan. The same document twice is stored once; a new plan is stored as its
    /// first version, unpublished; a changed document of the same plan (same document number,
    /// or same title where there is none) becomes a pending revision, matched against the plan
    /// as served, for the office to approve. A document that is no plan (no nodes, or an error
    /// diagnostic) is refused and nothing is stored. Audited.
    async fn import_plan(&self, actor: &Actor, source: &Source, plan: &Plan) -> Result<Imported>;

    /// All plans, with the counts of their current versions, in order of first import.
    async fn plans(&self) -> Result<Vec<PlanSummary>>;

    /// A plan as served: a version's document (`None`: the current one) with the office's edits
    /// applied (those that still apply to it).
    async fn plan(&self, plan_id: i64, version: Option<i64>) -> Result<Option<Plan>>;

    /// A version's document as imported, with its stable keys, without the office's edits.
    async fn plan_document(&self, plan_id: i64, version: Option<i64>) -> Result<Option<Plan>>;

    /// The current version of a plan, if the plan exists (cheap: for caches).
    async fn current_version(&self, plan_id: i64) -> Result<Option<i64>>;

    /// What the plan as served depends on: its current version and the count of edits
    /// (cheap: for caches).
    async fn plan_stamp(&self, plan_id: i64) -> Result<Option<PlanStamp>>;

    /// Every plan's stamp and title, in order of first import (cheap: for caches).
    async fn current_versions(&self) -> Result<Vec<PlanStamp>>;

    /// Stores one of the office's edits after checking it against the plan as served; refused
    /// with the reason in Chinese when it cannot apply. Needs a reason; audited.
    async fn edit_plan(
        &self,
        actor: &Actor,
        plan_id: i64,
        edit: &Edit,
        reason: &str,
    ) -> Result<i64>;

    /// The office's edits of a plan, oldest first.
    async fn plan_edits(&self, plan_id: i64) -> Result<Vec<EditRecord>>;

    /// The office's edits in force that no longer apply to the current version (their item
    /// withdrawn by a revision), with why.
    async fn skipped_edits(&self, plan_id: i64) -> Result<Vec<SkippedEdit>>;

    /// Publishes a plan for supervision: rounds may open and the public sees it.
    async fn publish_plan(&self, actor: &Actor, plan_id: i64) -> Result<()>;

    /// A revision with its matching.
    async fn revision(&self, revision_id: i64) -> Result<Option<RevisionRecord>>;

    /// A plan's revisions, newest first.
    async fn revisions(&self, plan_id: i64) -> Result<Vec<RevisionRecord>>;

    /// A revision with the diff the office approves (from the plan as served now to the plan as
    /// served after approval) and the office's edits the new document supersedes; for an
    /// approved revision, what it did.
    async fn revision_preview(&self, revision_id: i64) -> Result<Option<RevisionPreview>>;

    /// The office decides one pairing of a pending revision (`old: None`: the item is new).
    async fn decide_revision_match(
        &self,
        actor: &Actor,
        revision_id: i64,
        row_version: i64,
        kind: ItemKind,
        new: &str,
        old: Option<&str>,
    ) -> Result<()>;

    /// Approves a pending revision with a reason: it becomes the next version. Returns the
    /// version. Refused while a pairing is uncertain.
    async fn approve_revision(
        &self,
        actor: &Actor,
        revision_id: i64,
        row_version: i64,
        reason: &str,
    ) -> Result<i64>;

    /// Rejects a pending revision with a reason.
    async fn reject_revision(
        &self,
        actor: &Actor,
        revision_id: i64,
        row_version: i64,
        reason: &str,
    ) -> Result<()>;

    /// Items earlier versions had and the current one does not.
    async fn withdrawn(&self, plan_id: i64) -> Result<Vec<WithdrawnItem>>;

    /// Publishes a round: the public sees statuses and values as of now.
    async fn publish_round(&self, actor: &Actor, round_id: i64) -> Result<()>;

    /// The latest published round of a plan: when it was published and its title. The public
    /// sees the plan's statuses and values as of then.
    async fn published_cutoff(&self, plan_id: i64) -> Result<Option<(i64, String)>>;

    /// Loads a city's unit registry: units with codes and spellings, groups with members.
    /// Loading it again changes nothing; units already known are completed, not duplicated.
    /// Audited.
    async fn load_registry(&self, actor: &Actor, registry: &Registry) -> Result<()>;

    /// A registered unit by its name or one of its aliases.
    async fn unit(&self, name: &str) -> Result<Option<UnitRecord>>;

    /// Names of the migrations applied, in order.
    async fn applied_migrations(&self) -> Result<Vec<String>>;

    /// Every registered unit, by name (aliases and members not loaded).
    async fn units(&self) -> Result<Vec<UnitRecord>>;

    // Accounts, sessions, tokens.

    /// Creates an account (its first password is one-time: it must be changed at login).
    async fn create_user(&self, actor: &Actor, user: &NewUser) -> Result<i64>;
    /// An account by id.
    async fn user(&self, id: i64) -> Result<Option<UserRecord>>;
    /// An account by login name.
    async fn user_by_name(&self, username: &str) -> Result<Option<UserRecord>>;
    /// Every account.
    async fn users(&self) -> Result<Vec<UserRecord>>;
    /// Records a login attempt: failures count and lock the account per the policy.
    async fn record_login(
        &self,
        actor: &Actor,
        user_id: i64,
        success: bool,
        policy: &SecurityPolicy,
    ) -> Result<()>;
    /// Sets a password hash; `must_change` (an administrator's reset) also ends its sessions.
    async fn set_password(
        &self,
        actor: &Actor,
        user_id: i64,
        password_hash: &str,
        must_change: bool,
    ) -> Result<()>;
    /// Disables (ending its sessions and tokens) or re-enables an account.
    async fn set_user_disabled(&self, actor: &Actor, user_id: i64, disabled: bool) -> Result<()>;
    /// Starts a session: only the SHA-256 of its id is kept.
    async fn create_session(
        &self,
        actor: &Actor,
        user_id: i64,
        id_hash: &str,
        csrf_token: &str,
    ) -> Result<()>;
    /// A live session (within the policy's timeouts) by its id's hash.
    async fn session(
        &self,
        id_hash: &str,
        policy: &SecurityPolicy,
    ) -> Result<Option<SessionRecord>>;
    /// Ends a session.
    async fn end_session(&self, actor: &Actor, id_hash: &str) -> Result<()>;
    /// Creates an API token for an account: only its SHA-256 is kept.
    async fn create_token(
        &self,
        actor: &Actor,
        user_id: i64,
        name: &str,
        token_hash: &str,
    ) -> Result<i64>;
    /// The live account an API token (by its hash) belongs to.
    async fn token_user(&self, token_hash: &str) -> Result<Option<UserRecord>>;

    // Rounds and reports.

    /// Opens a round: one report per task in scope and responsible unit (group units expand
    /// to their members).
    async fn open_round(&self, actor: &Actor, round: &NewRound) -> Result<i64>;
    /// Closes a round: no more reminders.
    async fn close_round(&self, actor: &Actor, round_id: i64) -> Result<()>;
    /// Rounds, newest first; with `unit`, that unit's counts and only rounds it reports in.
    async fn rounds(&self, plan_id: Option<i64>, unit: Option<i64>) -> Result<Vec<RoundRecord>>;
    /// One round.
    async fn round(&self, round_id: i64) -> Result<Option<RoundRecord>>;
    /// Reports matching a filter (the review queue: status `submitted`, oldest first).
    async fn reports(&self, filter: &ReportFilter) -> Result<Vec<ReportRow>>;
    /// How many reports match a filter, counted up to 1,000 (a page shows "1000+").
    async fn count_reports(&self, filter: &ReportFilter) -> Result<i64>;
    /// A report's list row (cheap: for permission checks).
    async fn report_row(&self, report_id: i64) -> Result<Option<ReportRow>>;
    /// A report with its draft and versions.
    async fn report(&self, report_id: i64) -> Result<Option<ReportDetail>>;
    /// The other units' reports on the same task in the same round.
    async fn sibling_reports(&self, report_id: i64) -> Result<Vec<ReportRow>>;
    /// Saves a draft if the report is editable and unchanged since `row_version`.
    async fn save_draft(
        &self,
        actor: &Actor,
        report_id: i64,
        row_version: i64,
        body: &ReportBody,
    ) -> Result<i64>;
    /// Submits a report. The same key again returns the first result and stores nothing.
    async fn submit_report(
        &self,
        actor: &Actor,
        report_id: i64,
        row_version: i64,
        submission: &Submission,
    ) -> Result<Submitted>;
    /// Approves or returns the submitted version; only approved values count.
    async fn review_report(
        &self,
        actor: &Actor,
        report_id: i64,
        row_version: i64,
        decision: Decision,
        comment: &str,
    ) -> Result<i64>;
    /// An evidence file's record.
    async fn evidence(&self, evidence_id: i64) -> Result<Option<EvidenceRecord>>;

    // Targets, observations, status facts.

    /// A target's baseline and milestones (`None`: no such target).
    async fn target_settings(
        &self,
        plan_id: i64,
        target_key: &str,
    ) -> Result<Option<TargetSettings>>;
    /// Saves a target's baseline and milestones if unchanged since `row_version` (0: never set).
    #[allow(clippy::too_many_arguments)]
    async fn save_target_settings(
        &self,
        actor: &Actor,
        plan_id: i64,
        target_key: &str,
        row_version: i64,
        baseline: Option<Baseline>,
        milestones: &[Milestone],
        origin: &str,
    ) -> Result<i64>;
    /// The office records an approved value directly.
    async fn record_observation(
        &self,
        actor: &Actor,
        plan_id: i64,
        observation: &NewObservation,
    ) -> Result<i64>;
    /// A target's observations (every status), oldest first.
    async fn observations(&self, plan_id: i64, target_key: &str) -> Result<Vec<ObservationRecord>>;
    /// Chooses the plan's status method.
    async fn set_status_method(
        &self,
        actor: &Actor,
        plan_id: i64,
        method: StatusMethod,
    ) -> Result<()>;
    /// Sets (or, with an empty body, removes) a task's work point for a year.
    async fn set_work_point(
        &self,
        actor: &Actor,
        plan_id: i64,
        node_key: &str,
        year: i32,
        body: &str,
    ) -> Result<()>;
    /// A task's annual work points.
    async fn work_points(&self, plan_id: i64, node_key: &str) -> Result<Vec<(i32, String)>>;
    /// Everything status needs of a plan.
    async fn plan_facts(&self, plan_id: i64) -> Result<PlanFacts>;

    /// The facts as they stood at `cutoff` (unix seconds) and as the public may see them: only
    /// rounds published by then, values approved by then, reports as submitted by then.
    async fn plan_facts_as_of(&self, plan_id: i64, cutoff: i64) -> Result<PlanFacts>;

    // Notices.

    /// Reports not in yet in open rounds.
    async fn outstanding_reports(&self) -> Result<Vec<Outstanding>>;
    /// Records a notice unless its key is known; true if recorded.
    async fn enqueue_notice(&self, notice: &NewNotice) -> Result<bool>;
    /// Claims undelivered notices of a channel for `lease` seconds.
    async fn claim_notices(
        &self,
        channel: &str,
        lease: i64,
        limit: i64,
    ) -> Result<Vec<NoticeRecord>>;
    /// Records a delivery's outcome.
    async fn notice_delivered(
        &self,
        notice_id: i64,
        outcome: std::result::Result<(), String>,
    ) -> Result<()>;
    /// Notices, newest first: a unit's in-application ones, or all.
    async fn notices(&self, unit: Option<i64>, limit: i64) -> Result<Vec<NoticeRecord>>;

    // Audit.

    /// Audit events, newest first.
    async fn audit_events(&self, offset: i64, limit: i64) -> Result<Vec<AuditEvent>>;
    /// Recomputes the audit chain.
    async fn verify_audit(&self) -> Result<AuditCheck>;

    /// A number that grows with every write (the audit chain's length): caches of computed
    /// views key on it.
    async fn change_counter(&self) -> Result<i64>;

    /// The database's own consistency check (SQLite `PRAGMA integrity_check` and foreign keys;
    /// on PostgreSQL, the invariants between reports and their versions): problems found.
    async fn integrity_check(&self) -> Result<Vec<String>>;
}

/// Connects to the database the URL names, creating an SQLite file (and its folder) if needed.
/// Does not migrate: call [`Store::migrate`].
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    let store = sql::SqlStore::connect(url).await?;
    Ok(Arc::new(store))
}
