//! Status of targets and tasks, by documented methods (`docs/status.md`).
//!
//! Targets, from approved observations against milestones, by the plan's chosen method:
//! - **Expected progress** (default): P = (actual − baseline) ÷ (expected − baseline) at the
//!   latest observation's date, the expected value interpolated between milestones;
//!   P ≥ 0.95 on track, 0.85 ≤ P < 0.95 at risk, P < 0.85 behind.
//! - **Ratio** (Open SDG): R = observed compound annual growth ÷ the growth needed to reach the
//!   goal by its deadline; R ≥ 0.95 on track, 0.6–0.95 moderate, 0–0.6 limited, < 0
//!   deteriorating. Where a value is not positive, annual changes replace growth rates.
//!
//! Either way a target whose latest value meets the goal is achieved, and one without
//! approved observations has no data. The baseline is the office's; without one, the earliest
//! approved observation serves when there are two or more.
//!
//! Kinds of target (`docs/status.md`):
//! - **approx** (`左右`, `约`): a value within [`APPROX_TOLERANCE`] of the goal (relative)
//!   meets it: on either side for a bare `approx`, and for a directed comparator the goal is
//!   eased by the tolerance (`下降至25%左右` is met at 26.25 %).
//! - **ordinal** (水质 Ⅰ–Ⅴ类): lower is better through the `<=` comparator; a class meeting
//!   the goal is achieved, a worse one behind (classes are not interpolated).
//! - **milestone** (a dated event): an approved value ≥ 1 is achieved; the deadline year passed
//!   without it, behind; a value below 1 reported before the deadline, on track; none, no data.
//! - **threshold** (a floor or ceiling that holds every year): graded for the current year
//!   only: the latest approved value observed this year meets the bound → on track, breaks it
//!   → behind, none this year → no data; never achieved for good.
//!
//! Tasks, from their reports: percent complete against the share of the task's time elapsed
//! (same thresholds as expected progress), behind while a report is overdue, at most at risk
//! after a late report, achieved at 100 %.

use serde::{Deserialize, Serialize};

use super::{Baseline, Date, Direction, Milestone, direction, goal_level};
use crate::{Comparator, Target, TargetKind};

/// How far (relative to the goal) a value may miss an approximate goal (`左右`, `约`) and
/// still meet it: 5 %.
pub const APPROX_TOLERANCE: f64 = 0.05;

/// How a plan's targets are assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StatusMethod {
    /// Actual ÷ expected progress at the observation's date.
    #[default]
    ExpectedProgress,
    /// Open SDG's ratio of observed to required growth.
    Ratio,
}

impl StatusMethod {
    /// The name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ExpectedProgress => "expected_progress",
            Self::Ratio => "ratio",
        }
    }

    /// The method a stored name means.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::ExpectedProgress, Self::Ratio]
            .into_iter()
            .find(|m| m.as_str() == name)
    }
}

/// A target's or task's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The goal is met.
    Achieved,
    /// On track.
    OnTrack,
    /// At risk (expected-progress method; tasks).
    AtRisk,
    /// Moderate progress (ratio method).
    Moderate,
    /// Behind (expected-progress method; tasks).
    Behind,
    /// Limited progress (ratio method).
    Limited,
    /// Moving away from the goal (ratio method).
    Deteriorating,
    /// No approved data yet.
    NoData,
}

/// The colour a status shows as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Rag {
    /// Achieved.
    Achieved,
    /// Green.
    Green,
    /// Amber.
    Amber,
    /// Red.
    Red,
    /// Grey: no data.
    NoData,
}

impl Status {
    /// The name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Achieved => "achieved",
            Self::OnTrack => "on_track",
            Self::AtRisk => "at_risk",
            Self::Moderate => "moderate",
            Self::Behind => "behind",
            Self::Limited => "limited",
            Self::Deteriorating => "deteriorating",
            Self::NoData => "no_data",
        }
    }

    /// Its colour.
    pub fn rag(self) -> Rag {
        match self {
            Self::Achieved => Rag::Achieved,
            Self::OnTrack => Rag::Green,
            Self::AtRisk | Self::Moderate => Rag::Amber,
            Self::Behind | Self::Limited | Self::Deteriorating => Rag::Red,
            Self::NoData => Rag::NoData,
        }
    }
}

impl Rag {
    /// The name used in pages and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Achieved => "achieved",
            Self::Green => "green",
            Self::Amber => "amber",
            Self::Red => "red",
            Self::NoData => "no_data",
        }
    }
}

/// An approved value of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Observation {
    /// The date it describes.
    pub on: Date,
    /// The value.
    pub value: f64,
}

/// A target's status and the figures behind it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    /// The status.
    pub status: Status,
    /// The method's measure: P or R (none when achieved or without data).
    pub measure: Option<f64>,
    /// The value expected at the latest observation's date.
    pub expected: Option<f64>,
    /// The latest approved observation.
    pub latest: Option<Observation>,
    /// The level that meets the goal.
    pub goal: Option<f64>,
}

/// Assesses a target on `today`. `observations` are the approved ones, in any order;
/// `milestones` those of [`super::decompose`] (or the office's), whose last year is the
/// deadline of a target that states none.
pub fn assess_target(
    method: StatusMethod,
    target: &Target,
    baseline: Option<Baseline>,
    milestones: &[Milestone],
    observations: &[Observation],
    today: Date,
) -> Assessment {
    let mut sorted: Vec<Observation> = observations
        .iter()
        .copied()
        .filter(|o| o.value.is_finite())
        .collect();
    sorted.sort_by_key(|o| o.on);
    let deadline = milestones.iter().map(|m| m.year).max().or(target.year);
    match target.kind {
        TargetKind::Milestone => return assess_event(target, &sorted, deadline, today),
        TargetKind::Threshold => return assess_threshold(target, &sorted, today),
        TargetKind::Numeric | TargetKind::Ordinal => {}
    }
    let latest = sorted.last().copied();
    let base = baseline.or_else(|| match sorted.as_slice() {
        [first, _, ..] => Some(Baseline {
            value: first.value,
            year: first.on.year(),
        }),
        _ => None,
    });
    let goal = goal_level(target, base);
    let mut out = Assessment {
        status: Status::NoData,
        measure: None,
        expected: None,
        latest,
        goal,
    };
    let Some(latest) = latest else { return out };
    let dir = direction(target, base);
    if let Some(goal) = goal
        && meets(target, dir, latest.value, goal)
    {
        out.status = Status::Achieved;
        return out;
    }
    if target.kind == TargetKind::Ordinal {
        // A class worse than the goal: classes are steps, not amounts to interpolate.
        out.status = Status::Behind;
        return out;
    }
    let Some(base) = base else { return out };
    let start = Date::year_end(base.year);
    out.expected = expected_at(base, milestones, latest.on);
    let sign = if dir == Direction::Up { 1.0 } else { -1.0 };
    match method {
        StatusMethod::ExpectedProgress => {
            let Some(expected) = out.expected else {
                return out;
            };
            let wanted = sign * (expected - base.value);
            let made = sign * (latest.value - base.value);
            let p = if wanted.abs() < 1e-12 {
                if made >= 0.0 { 1.0 } else { 0.0 }
            } else {
                made / wanted
            };
            out.measure = Some(round4(p));
            out.status = grade_progress(p);
        }
        StatusMethod::Ratio => {
            let (Some(goal), Some(deadline)) = (
                goal,
                milestones.iter().map(|m| m.year).max().or(target.year),
            ) else {
                return out;
            };
            let elapsed = start.years_until(latest.on);
            let allowed = start.years_until(Date::year_end(deadline));
            if elapsed <= 0.0 || allowed <= 0.0 {
                return out;
            }
            let r = if base.value > 0.0 && latest.value > 0.0 && goal > 0.0 {
                let observed = (latest.value / base.value).powf(1.0 / elapsed) - 1.0;
                let needed = (goal / base.value).powf(1.0 / allowed) - 1.0;
                if needed.abs() < 1e-12 {
                    1.0
                } else {
                    observed / needed
                }
            } else {
                let observed = (latest.value - base.value) / elapsed;
                let needed = (goal - base.value) / allowed;
                if needed.abs() < 1e-12 {
                    1.0
                } else {
                    observed / needed
                }
            };
            out.measure = Some(round4(r));
            out.status = if r >= 0.95 {
                Status::OnTrack
            } else if r >= 0.6 {
                Status::Moderate
            } else if r >= 0.0 {
                Status::Limited
            } else {
                Status::Deteriorating
            };
        }
    }
    out
}

/// Whether a value meets the goal. A bare `approx` is met within the tolerance on either side
/// (or past the goal in the direction of travel); a directed goal stated approximately is eased
/// by the tolerance.
fn meets(target: &Target, dir: Direction, value: f64, goal: f64) -> bool {
    let band = if target.approx || target.comparator == Comparator::Approx {
        goal.abs() * APPROX_TOLERANCE
    } else {
        0.0
    };
    if target.comparator == Comparator::Approx && (value - goal).abs() <= band {
        return true;
    }
    match dir {
        Direction::Up => value >= goal - band,
        Direction::Down => value <= goal + band,
    }
}

/// A dated event: done (an approved value ≥ 1), behind once its deadline year has passed
/// without it, on track while a value below 1 is reported before then, else no data.
fn assess_event(
    target: &Target,
    sorted: &[Observation],
    deadline: Option<i32>,
    today: Date,
) -> Assessment {
    let latest = sorted.last().copied();
    let mut out = Assessment {
        status: Status::NoData,
        measure: None,
        expected: None,
        latest,
        goal: goal_level(target, None),
    };
    if sorted.iter().any(|o| o.value >= 1.0) {
        out.status = Status::Achieved;
    } else if deadline.is_some_and(|y| today > Date::year_end(y)) {
        out.status = Status::Behind;
    } else if latest.is_some() {
        out.status = Status::OnTrack;
    }
    out
}

/// A floor or ceiling that holds every year, graded for `today`'s year only.
fn assess_threshold(target: &Target, sorted: &[Observation], today: Date) -> Assessment {
    let this_year = sorted
        .iter()
        .rev()
        .find(|o| o.on.year() == today.year() && o.on <= today)
        .copied();
    let goal = goal_level(target, None);
    let mut out = Assessment {
        status: Status::NoData,
        measure: None,
        expected: goal,
        latest: sorted.last().copied(),
        goal,
    };
    if let (Some(o), Some(goal)) = (this_year, goal) {
        let dir = direction(target, None);
        out.status = if meets(target, dir, o.value, goal) {
            Status::OnTrack
        } else {
            Status::Behind
        };
    }
    out
}

/// The level expected at a date: the baseline at the end of its year, each milestone at the
/// end of its year, straight lines between, the last milestone after it.
pub fn expected_at(base: Baseline, milestones: &[Milestone], on: Date) -> Option<f64> {
    let mut points: Vec<(Date, f64)> = vec![(Date::year_end(base.year), base.value)];
    let mut ms: Vec<Milestone> = milestones
        .iter()
        .copied()
        .filter(|m| m.year > base.year)
        .collect();
    ms.sort_by_key(|m| m.year);
    points.extend(ms.iter().map(|m| (Date::year_end(m.year), m.value)));
    if points.len() < 2 {
        return None;
    }
    let (first, last) = (points.first()?, points.last()?);
    if on <= first.0 {
        return Some(first.1);
    }
    if on >= last.0 {
        return Some(last.1);
    }
    points.windows(2).find_map(|w| match w {
        [(d0, v0), (d1, v1)] if on >= *d0 && on <= *d1 => {
            let share = (on.days() - d0.days()) as f64 / (d1.days() - d0.days()).max(1) as f64;
            Some(v0 + (v1 - v0) * share)
        }
        _ => None,
    })
}

fn grade_progress(p: f64) -> Status {
    if p >= 0.95 {
        Status::OnTrack
    } else if p >= 0.85 {
        Status::AtRisk
    } else {
        Status::Behind
    }
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// What a task's reports say.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct TaskProgress {
    /// The latest approved percent complete (the lowest among the task's lead reports).
    pub percent: Option<f64>,
    /// Reports past their due date and not submitted.
    pub overdue: usize,
    /// Reports submitted after their due date.
    pub late: usize,
}

/// A task's status: `start` and `end` bound its time (issue date to deadline).
pub fn assess_task(
    progress: TaskProgress,
    start: Date,
    end: Date,
    today: Date,
) -> (Status, Option<f64>) {
    if progress.percent.is_some_and(|p| p >= 100.0) {
        return (Status::Achieved, None);
    }
    if progress.overdue > 0 {
        return (Status::Behind, None);
    }
    let Some(percent) = progress.percent else {
        return (Status::NoData, None);
    };
    let span = (end.days() - start.days()).max(1) as f64;
    let elapsed = ((today.days() - start.days()) as f64 / span).clamp(0.0, 1.0);
    let expected = elapsed * 100.0;
    let ratio = if expected <= 1e-9 {
        1.0
    } else {
        percent / expected
    };
    let mut status = grade_progress(ratio);
    if progress.late > 0 && status == Status::OnTrack {
        status = Status::AtRisk;
    }
    (status, Some(round4(ratio)))
}

#[cfg(test)]
mod tests;
