//! The records of supervision the store keeps and returns: accounts, sessions, rounds,
//! reports and their versions, observations, target settings, notices, audit events.

use duban_domain::supervision::{AccountRole, Date};
pub use duban_domain::supervision::{Cadence, Decision, ReportStatus};
pub use duban_domain::supervision::{PlanFacts, TargetSettings, TaskReportFact};
use serde::{Deserialize, Serialize};

/// Who does a write, for the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// The account, if a person (none: the system, or the command line).
    pub user_id: Option<i64>,
    /// The account's unit.
    pub unit_id: Option<i64>,
    /// The account's role, or `system` / `cli`.
    pub role: String,
    /// The client's address.
    pub addr: Option<String>,
}

impl Actor {
    /// The system itself (background jobs).
    pub fn system() -> Self {
        Self {
            role: "system".to_owned(),
            ..Self::default()
        }
    }

    /// An operator at the command line.
    pub fn cli() -> Self {
        Self {
            role: "cli".to_owned(),
            ..Self::default()
        }
    }
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserRecord {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Role.
    pub role: AccountRole,
    /// A reporter's unit.
    pub unit_id: Option<i64>,
    /// The unit's name.
    pub unit_name: Option<String>,
    /// Argon2id PHC string.
    #[serde(skip)]
    pub password_hash: String,
    /// Must change the password before anything else.
    pub must_change_password: bool,
    /// Failed logins in a row.
    pub failed_logins: i64,
    /// Locked until this unix time.
    pub locked_until: Option<i64>,
    /// When the password was last set.
    pub password_changed_at: Option<i64>,
    /// When the account was disabled.
    pub disabled_at: Option<i64>,
}

/// A new account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Role.
    pub role: AccountRole,
    /// A reporter's unit.
    pub unit_id: Option<i64>,
    /// Argon2id PHC string of its first (one-time) password.
    pub password_hash: String,
}

/// A signed-in session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The account.
    pub user: UserRecord,
    /// The token forms and API calls must carry.
    pub csrf_token: String,
    /// Login time.
    pub created_at: i64,
    /// Last request.
    pub last_seen_at: i64,
}

/// Which tasks a round covers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum RoundScope {
    /// Every task of the plan.
    All,
    /// The tasks under a node (a chapter or section), by its key.
    Under(String),
    /// The tasks a unit is responsible for, by the unit's name.
    Unit(String),
}

/// A new reporting round.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRound {
    /// The plan.
    pub plan_id: i64,
    /// Title (`2025年3月调度`).
    pub title: String,
    /// How often.
    pub cadence: Cadence,
    /// First day reported on.
    pub period_start: Date,
    /// Last day reported on.
    pub period_end: Date,
    /// Reports are due by the end of this day.
    pub due_on: Date,
    /// The tasks.
    pub scope: RoundScope,
}

/// A round with its report counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundRecord {
    /// Id.
    pub id: i64,
    /// The plan.
    pub plan_id: i64,
    /// Title.
    pub title: String,
    /// Cadence.
    pub cadence: Cadence,
    /// Period start.
    pub period_start: String,
    /// Period end.
    pub period_end: String,
    /// Due date.
    pub due_on: String,
    /// When it was opened.
    pub opened_at: i64,
    /// When it was closed.
    pub closed_at: Option<i64>,
    /// Reports in it (for a unit's view: that unit's).
    pub reports: i64,
    /// Of which submitted and waiting for review.
    pub submitted: i64,
    /// Of which approved.
    pub approved: i64,
    /// Of which returned.
    pub returned: i64,
    /// When the office published it: the public sees statuses and values as of then.
    pub published_at: Option<i64>,
}

/// Filter of the report list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFilter {
    /// One round.
    pub round_id: Option<i64>,
    /// One unit's reports.
    pub unit_id: Option<i64>,
    /// One status.
    pub status: Option<ReportStatus>,
    /// Skip this many.
    pub offset: i64,
    /// At most this many.
    pub limit: i64,
}

/// A report in a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRow {
    /// Id.
    pub id: i64,
    /// Round.
    pub round_id: i64,
    /// Round title.
    pub round_title: String,
    /// The plan.
    pub plan_id: i64,
    /// The task's key in the plan.
    pub node_key: String,
    /// The task's number and title.
    pub node_title: String,
    /// The unit.
    pub unit_id: i64,
    /// The unit's name.
    pub unit_name: String,
    /// `lead`, `co` or `implementer`.
    pub role: String,
    /// `draft`, `submitted`, `returned`, `approved`.
    pub status: ReportStatus,
    /// The version check.
    pub row_version: i64,
    /// Submitted versions so far.
    pub current_version: i64,
    /// Due date.
    pub due_on: String,
    /// Last change.
    pub updated_at: i64,
}

/// What a unit reports (a draft's or a submission's fields).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportBody {
    /// 进展情况.
    pub progress: String,
    /// 完成比例, 0–100.
    pub percent_complete: Option<f64>,
    /// 存在问题.
    pub problems: String,
    /// 下步打算.
    pub next_steps: String,
    /// 需协调事项.
    pub coordination: String,
    /// 前期 / 开工 / 在建 / 竣工.
    pub project_stage: Option<String>,
    /// Investment made, 万元.
    pub investment: Option<f64>,
    /// Observed target values.
    #[serde(default)]
    pub observations: Vec<NewObservation>,
}

/// An observed value of a target, as reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewObservation {
    /// The target's key in the plan.
    pub target_key: String,
    /// The date the value describes.
    pub observed_on: Date,
    /// The value.
    pub value: f64,
    /// Where it comes from (统计公报, 部门台账…).
    pub source: String,
}

/// A stored evidence file's description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEvidence {
    /// SHA-256 of the content (the file's name in the evidence store).
    pub sha256: String,
    /// The name it was uploaded with.
    pub file_name: String,
    /// The type found from its content.
    pub media_type: String,
    /// Size.
    pub size_bytes: i64,
}

/// A submission.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    /// Idempotency key: the same key again returns the first result.
    pub key: String,
    /// The fields.
    pub body: ReportBody,
    /// Files already in the evidence store.
    pub evidence: Vec<NewEvidence>,
}

/// What a submission did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Submitted {
    /// The version number it is.
    pub version: i64,
    /// The report's new version check.
    pub row_version: i64,
    /// True when the key was seen before: nothing new was stored.
    pub replay: bool,
}

/// An evidence file of a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvidenceRecord {
    /// Id.
    pub id: i64,
    /// The report it belongs to.
    pub report_id: i64,
    /// Content hash.
    pub sha256: String,
    /// Name.
    pub file_name: String,
    /// Type.
    pub media_type: String,
    /// Size.
    pub size_bytes: i64,
}

/// A review decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewRecord {
    /// `approve` or `return`.
    pub decision: String,
    /// The reviewer's comment.
    pub comment: String,
    /// The reviewer.
    pub reviewer: Option<String>,
    /// When.
    pub decided_at: i64,
}

/// A stored observation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObservationRecord {
    /// Id.
    pub id: i64,
    /// The target's key.
    pub target_key: String,
    /// Date described.
    pub observed_on: String,
    /// Value.
    pub value: f64,
    /// Source.
    pub source: String,
    /// `pending`, `approved`, `rejected`.
    pub status: String,
    /// The report version that carried it (none: entered by the office).
    pub report_version_id: Option<i64>,
}

/// A submitted version of a report, with its files, values and reviews.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionRecord {
    /// Id.
    pub id: i64,
    /// 1, 2, …
    pub version: i64,
    /// Fields.
    pub body: ReportBody,
    /// Who submitted.
    pub submitted_by: Option<String>,
    /// When.
    pub submitted_at: i64,
    /// Files.
    pub evidence: Vec<EvidenceRecord>,
    /// Values.
    pub observations: Vec<ObservationRecord>,
    /// Decisions on it.
    pub reviews: Vec<ReviewRecord>,
}

/// A report with its draft and every version.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportDetail {
    /// The list row.
    pub row: ReportRow,
    /// Unsubmitted work.
    pub draft: Option<ReportBody>,
    /// Submissions, oldest first.
    pub versions: Vec<VersionRecord>,
}

/// A report not in yet, for the reminder job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outstanding {
    /// Report.
    pub report_id: i64,
    /// Round.
    pub round_id: i64,
    /// Round title.
    pub round_title: String,
    /// Unit.
    pub unit_id: i64,
    /// Unit name.
    pub unit_name: String,
    /// Task title.
    pub node_title: String,
    /// Due date.
    pub due_on: Date,
}

/// A notice to deliver or shown in the application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeRecord {
    /// Id.
    pub id: i64,
    /// `reminder`, `chase`, `supervision`.
    pub kind: String,
    /// Round.
    pub round_id: i64,
    /// Unit.
    pub unit_id: i64,
    /// Unit name.
    pub unit_name: String,
    /// Report.
    pub report_id: Option<i64>,
    /// `app`, `email`, `webhook`.
    pub channel: String,
    /// The message.
    pub body: String,
    /// When it was made.
    pub scheduled_for: i64,
    /// When it went out.
    pub sent_at: Option<i64>,
    /// Tries.
    pub attempts: i64,
    /// The last failure.
    pub last_error: Option<String>,
}

/// A notice to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    /// `reminder`, `chase`, `supervision`.
    pub kind: String,
    /// Round.
    pub round_id: i64,
    /// Unit.
    pub unit_id: i64,
    /// Report.
    pub report_id: Option<i64>,
    /// `app`, `email`, `webhook`.
    pub channel: String,
    /// The message.
    pub body: String,
    /// One notice per key, however often the job runs.
    pub dedupe_key: String,
}

/// An audit event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    /// Position in the chain, from 1.
    pub id: i64,
    /// Unix time.
    pub at: i64,
    /// Account.
    pub actor_user_id: Option<i64>,
    /// Its unit.
    pub actor_unit_id: Option<i64>,
    /// Its role.
    pub actor_role: Option<String>,
    /// Client address.
    pub client_addr: Option<String>,
    /// What was done (`report.submit`, …).
    pub action: String,
    /// What it was done to (`report`, …).
    pub entity: String,
    /// Its id.
    pub entity_id: String,
    /// Before, as JSON.
    pub before_json: Option<String>,
    /// After, as JSON.
    pub after_json: Option<String>,
    /// The previous event's hash.
    pub prev_hash: String,
    /// SHA-256 over the previous hash and this event.
    pub hash: String,
}

/// What `duban audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditCheck {
    /// Events checked.
    pub events: i64,
    /// The first event whose chain is broken, and why.
    pub broken: Option<(i64, String)>,
}

/// One of the office's edits of a plan, with who made it, when and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EditRecord {
    /// Id (edits apply in this order).
    pub id: i64,
    /// The edit.
    pub edit: duban_domain::curation::Edit,
    /// Why.
    pub reason: String,
    /// Who.
    pub actor_user_id: Option<i64>,
    /// Their display name.
    pub actor_name: Option<String>,
    /// When (unix seconds).
    pub created_at: i64,
    /// The version whose document stated anew what the edit corrected: the edit gave way.
    pub superseded_in: Option<i64>,
}

/// One of the office's edits that no longer applies to the plan as served (its item was
/// withdrawn by a revision, or an earlier edit removed it), with why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkippedEdit {
    /// The edit.
    pub edit: EditRecord,
    /// Why it no longer applies, in Chinese.
    pub reason: String,
}

/// What approving a revision would do: the diff of the plan as served, and the office's edits
/// the new document supersedes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RevisionPreview {
    /// The revision.
    pub revision: RevisionRecord,
    /// From the plan as served now to the plan as served after approval (the diff the office
    /// approves; for a decided revision, what it did).
    pub changes: Vec<duban_domain::revision::Change>,
    /// Edits that give way to the new document.
    pub superseded: Vec<EditRecord>,
    /// The plan as served before (what the diff's old keys name).
    #[serde(skip)]
    pub before: duban_domain::Plan,
    /// The plan as served after approval (what the diff's new keys name).
    #[serde(skip)]
    pub after: duban_domain::Plan,
}

/// Where a revision stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RevisionStatus {
    /// Waiting for the office.
    Pending,
    /// Became the next version.
    Approved,
    /// Refused (kept).
    Rejected,
}

impl RevisionStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    /// From the stored name.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Pending, Self::Approved, Self::Rejected]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// A changed document of a stored plan, matched against the plan as served.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevisionRecord {
    /// Id.
    pub id: i64,
    /// The plan.
    pub plan_id: i64,
    /// The version it was matched against.
    pub base_version: i64,
    /// The file it came from.
    pub source_name: String,
    /// The document as parsed (positional ids).
    #[serde(skip)]
    pub document: duban_domain::Plan,
    /// How its items continue the base's (the office may change pairings).
    pub matching: duban_domain::revision::Matching,
    /// Where it stands.
    pub status: RevisionStatus,
    /// When it was imported.
    pub created_at: i64,
    /// Who approved or rejected it.
    pub decided_by: Option<i64>,
    /// Their display name.
    pub decided_by_name: Option<String>,
    /// When.
    pub decided_at: Option<i64>,
    /// Why.
    pub reason: Option<String>,
    /// The version it became.
    pub version: Option<i64>,
    /// Optimistic concurrency.
    pub row_version: i64,
}

/// An item an approved revision withdrew; its history stays with its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WithdrawnItem {
    /// Node or target.
    pub kind: duban_domain::revision::ItemKind,
    /// Its stable key.
    pub key: String,
    /// Title or indicator, as last stated.
    pub title: String,
    /// The last version that had it.
    pub last_version: i64,
}
