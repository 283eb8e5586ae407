//! Supervision: the rules by which duban follows a plan once it is imported — who may do what,
//! how a target is split into annual milestones, how targets and tasks get their status, how
//! statuses roll up, and when a late report is chased. Pure functions over plain values; the
//! store keeps the facts and the web layer asks these rules.

mod access;
mod account;
mod dashboard;
mod date;
mod facts;
mod milestone;
mod plan_status;
mod reminder;
mod report;
mod rollup;
mod status;

pub use access::{Access, Ownership, permits};
pub use account::{AccountRole, PasswordPolicy, PolicyViolation, SecurityPolicy};
pub use dashboard::{
    Change, Chart, Dashboard, MapArea, UnitLag, changes, chart, dashboard, facts_before, lagging,
};
pub use date::Date;
pub use facts::{PlanFacts, TargetSettings, TaskReportFact};
pub use milestone::{Baseline, Direction, Milestone, decompose, direction, goal_level};
pub use plan_status::{
    County, Directory, Group, Inputs, PlanStatus, TargetStatus, TaskStatus, UnitRecord, judge_task,
    milestones_in_use, plan_status, record_group, target_status, task_status, task_window,
    unit_part, unit_records,
};
pub use reminder::{NoticeKind, notice_due};
pub use report::{Cadence, Decision, Refusal, ReportStatus};
pub use rollup::Counts;
pub use status::{
    Assessment, Observation, Rag, Status, StatusMethod, TaskProgress, assess_target, assess_task,
    expected_at,
};
