//! Supervision: the rules by which duban follows a plan once it is imported — who may do what,
//! how a target is split into annual milestones, how targets and tasks get their status, how
//! statuses roll up, and when a late report is chased. Pure functions over plain values; the
//! store keeps the facts and the web layer asks these rules.

mod access;
mod account;
mod date;
mod milestone;
mod reminder;
mod rollup;
mod status;

pub use access::{Access, Ownership, permits};
pub use account::{AccountRole, PasswordPolicy, PolicyViolation, SecurityPolicy};
pub use date::Date;
pub use milestone::{Baseline, Direction, Milestone, decompose, direction, goal_level};
pub use reminder::{NoticeKind, notice_due};
pub use rollup::Counts;
pub use status::{
    Assessment, Observation, Rag, Status, StatusMethod, TaskProgress, assess_target, assess_task,
    expected_at,
};
