//! The facts status is computed from, as the store fills them: a plan's method, its targets'
//! settings and approved values, its tasks' reports, its rounds.

use std::collections::HashMap;

use serde::Serialize;

use super::{Baseline, Date, Milestone, Observation};

/// A target's settings: baseline, milestones, version check.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetSettings {
    /// The office's baseline.
    pub baseline: Option<Baseline>,
    /// Annual milestones, by year.
    pub milestones: Vec<Milestone>,
    /// Where the milestones came from (`linear` or `office`).
    pub milestone_origin: Option<String>,
    /// The version check (0: never set).
    pub row_version: i64,
}

/// A report as status needs it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskReportFact {
    /// Round.
    pub round_id: i64,
    /// Unit.
    pub unit_id: i64,
    /// Unit name.
    pub unit_name: String,
    /// `lead`, `co`, `implementer`.
    pub role: String,
    /// Status.
    pub status: super::ReportStatus,
    /// Due date.
    pub due_on: Date,
    /// First submission time.
    pub first_submitted_at: Option<i64>,
    /// The percent complete of its latest approved version.
    pub approved_percent: Option<f64>,
}

/// Everything status needs of a plan: settings and approved values of targets, reports of
/// tasks. Keys are the plan's target and node keys.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PlanFacts {
    /// `expected_progress` or `ratio`.
    pub method: String,
    /// Per target key.
    pub targets: HashMap<String, (TargetSettings, Vec<Observation>)>,
    /// Per task key, its reports by round.
    pub tasks: HashMap<String, Vec<TaskReportFact>>,
    /// Per target key, when each of its approved observations was recorded (unix time), in the
    /// order of `targets[key].1`.
    pub recorded_at: HashMap<String, Vec<i64>>,
    /// Per target key, the unit whose report gave each approved observation (`None`: recorded
    /// by the office), in the order of `targets[key].1`: a per-county target grades each county
    /// on its own values.
    pub observed_by: HashMap<String, Vec<Option<String>>>,
    /// The plan's rounds: id, title, opened at (unix time), oldest first.
    pub rounds: Vec<(i64, String, i64)>,
}
