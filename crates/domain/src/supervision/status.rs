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
//! Tasks, from their reports: percent complete against the share of the task's time elapsed
//! (same thresholds as expected progress), behind while a report is overdue, at most at risk
//! after a late report, achieved at 100 %.

use serde::{Deserialize, Serialize};

use super::{Baseline, Date, Direction, Milestone, direction, goal_level};
use crate::{Comparator, Target};

/// How a plan's targets are assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
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
pub struct Observation {
    /// The date it describes.
    pub on: Date,
    /// The value.
    pub value: f64,
}

/// A target's status and the figures behind it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
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

/// Assesses a target. `observations` are the approved ones, in any order.
pub fn assess_target(
    method: StatusMethod,
    target: &Target,
    baseline: Option<Baseline>,
    milestones: &[Milestone],
    observations: &[Observation],
) -> Assessment {
    let mut sorted: Vec<Observation> = observations
        .iter()
        .copied()
        .filter(|o| o.value.is_finite())
        .collect();
    sorted.sort_by_key(|o| o.on);
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
        && meets(target.comparator, dir, latest.value, goal)
    {
        out.status = Status::Achieved;
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

fn meets(comparator: Comparator, dir: Direction, value: f64, goal: f64) -> bool {
    match comparator {
        // 左右: within 2 % of the goal counts.
        Comparator::Approx => {
            (value - goal).abs() <= goal.abs() * 0.02
                || match dir {
                    Direction::Up => value >= goal,
                    Direction::Down => value <= goal,
                }
        }
        _ => match dir {
            Direction::Up => value >= goal,
            Direction::Down => value <= goal,
        },
    }
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
mod tests {
    use super::*;
    use crate::{NodeId, TargetId};

    fn target(comparator: Comparator, value: f64, year: i32) -> Target {
        Target {
            id: TargetId("t1".into()),
            node: NodeId("n1".into()),
            indicator: "指标".into(),
            value,
            value_high: None,
            unit: "%".into(),
            comparator,
            year: Some(year),
            text: String::new(),
            line: 1,
            ..Default::default()
        }
    }

    fn obs(on: &str, value: f64) -> Observation {
        Observation {
            on: Date::parse(on).unwrap(),
            value,
        }
    }

    #[test]
    fn expected_progress_grades() {
        let t = target(Comparator::AtLeast, 85.0, 2030);
        let b = Baseline {
            value: 55.0,
            year: 2024,
        };
        let ms = super::super::decompose(&t, Some(b), None);
        let m = StatusMethod::ExpectedProgress;
        // Expected at end of 2025: 60. Actual 60 → P = 1.
        let a = assess_target(m, &t, Some(b), &ms, &[obs("2025-12-31", 60.0)]);
        assert_eq!(
            (a.status, a.measure, a.expected),
            (Status::OnTrack, Some(1.0), Some(60.0))
        );
        assert_eq!(
            assess_target(m, &t, Some(b), &ms, &[obs("2025-12-31", 59.5)]).status,
            Status::AtRisk
        );
        assert_eq!(
            assess_target(m, &t, Some(b), &ms, &[obs("2025-12-31", 58.0)]).status,
            Status::Behind
        );
        assert_eq!(
            assess_target(m, &t, Some(b), &ms, &[obs("2025-12-31", 86.0)]).status,
            Status::Achieved
        );
        assert_eq!(
            assess_target(m, &t, Some(b), &ms, &[]).status,
            Status::NoData
        );
        // Only the latest counts.
        let a = assess_target(
            m,
            &t,
            Some(b),
            &ms,
            &[obs("2026-12-31", 66.0), obs("2025-12-31", 50.0)],
        );
        assert_eq!(a.status, Status::OnTrack);
    }

    #[test]
    fn falling_targets_grade_the_other_way() {
        let t = target(Comparator::ReduceTo, 4.0, 2026);
        let b = Baseline {
            value: 6.0,
            year: 2024,
        };
        let ms = super::super::decompose(&t, Some(b), None);
        let m = StatusMethod::ExpectedProgress;
        assert_eq!(
            assess_target(m, &t, Some(b), &ms, &[obs("2025-12-31", 5.0)]).status,
            Status::OnTrack
        );
        assert_eq!(
            assess_target(m, &t, Some(b), &ms, &[obs("2025-12-31", 6.5)]).status,
            Status::Behind
        );
        assert_eq!(
            assess_target(m, &t, Some(b), &ms, &[obs("2025-12-31", 3.9)]).status,
            Status::Achieved
        );
    }

    #[test]
    fn ratio_method_grades() {
        let t = target(Comparator::AtLeast, 200.0, 2030);
        let b = Baseline {
            value: 100.0,
            year: 2020,
        };
        let ms = super::super::decompose(&t, Some(b), None);
        let m = StatusMethod::Ratio;
        // Needed growth: 2^(1/10) − 1 ≈ 7.18 %/year. After 5 years at exactly that pace: √2·100.
        let on_pace = 100.0 * 2f64.sqrt();
        let a = assess_target(m, &t, Some(b), &ms, &[obs("2025-12-31", on_pace)]);
        assert_eq!(a.status, Status::OnTrack);
        assert!((a.measure.unwrap() - 1.0).abs() < 0.01, "{a:?}");
        assert_eq!(
            assess_target(m, &t, Some(b), &ms, &[obs("2025-12-31", 125.0)]).status,
            Status::Moderate
        );
        assert_eq!(
            assess_target(m, &t, Some(b), &ms, &[obs("2025-12-31", 105.0)]).status,
            Status::Limited
        );
        assert_eq!(
            assess_target(m, &t, Some(b), &ms, &[obs("2025-12-31", 90.0)]).status,
            Status::Deteriorating
        );
    }

    #[test]
    fn without_baseline_the_first_observation_serves() {
        let t = target(Comparator::AtLeast, 85.0, 2030);
        let ms = super::super::decompose(&t, None, None);
        let m = StatusMethod::ExpectedProgress;
        assert_eq!(
            assess_target(m, &t, None, &ms, &[obs("2025-12-31", 60.0)]).status,
            Status::NoData
        );
        let two = [obs("2024-12-31", 55.0), obs("2025-12-31", 60.0)];
        assert_eq!(
            assess_target(m, &t, None, &ms, &two).status,
            Status::OnTrack
        );
    }

    #[test]
    fn tasks() {
        let d = |s| Date::parse(s).unwrap();
        let (start, end) = (d("2024-01-01"), d("2025-12-31"));
        let p = |percent, overdue, late| TaskProgress {
            percent,
            overdue,
            late,
        };
        assert_eq!(
            assess_task(p(Some(50.0), 0, 0), start, end, d("2024-12-31")).0,
            Status::OnTrack
        );
        assert_eq!(
            assess_task(p(Some(45.0), 0, 0), start, end, d("2024-12-31")).0,
            Status::AtRisk
        );
        assert_eq!(
            assess_task(p(Some(20.0), 0, 0), start, end, d("2024-12-31")).0,
            Status::Behind
        );
        assert_eq!(
            assess_task(p(Some(50.0), 0, 1), start, end, d("2024-12-31")).0,
            Status::AtRisk
        );
        assert_eq!(
            assess_task(p(Some(90.0), 1, 0), start, end, d("2024-12-31")).0,
            Status::Behind
        );
        assert_eq!(
            assess_task(p(Some(100.0), 1, 0), start, end, d("2024-12-31")).0,
            Status::Achieved
        );
        assert_eq!(
            assess_task(p(None, 0, 0), start, end, d("2024-12-31")).0,
            Status::NoData
        );
    }
}
