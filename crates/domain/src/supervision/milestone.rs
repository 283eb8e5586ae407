//! Annual decomposition: a target's path from its baseline to its deadline, one milestone per
//! year, linear by default (the office may edit any year).
//!
//! Values are levels of the indicator. For `increase_by` (新增 x) the goal level is
//! baseline + x; for `reduce_by` (下降 x%) it is baseline × (1 − x/100) when the unit is `%`
//! and baseline − x otherwise; `<=`, `reduce_to` and `reduce_by` targets go down. A ceiling
//! (`<=`) or floor (`>=`) that the baseline already meets is held at the goal every year.

use serde::{Deserialize, Serialize};

use crate::{Comparator, Target, TargetKind};

/// Where a target starts: the indicator's value at the end of a year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Baseline {
    /// The value.
    pub value: f64,
    /// The year it was measured (taken as its 31 December).
    pub year: i32,
}

/// The level expected at the end of a year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Milestone {
    /// The year.
    pub year: i32,
    /// The expected level at its end.
    pub value: f64,
}

/// Which way the indicator must move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher is better.
    Up,
    /// Lower is better.
    Down,
}

/// The direction a target asks for. An ordinal target (水质 Ⅰ–Ⅴ类) goes down through its
/// `<=` comparator: a lower class number is better. A milestone goes up (0 → 1).
pub fn direction(target: &Target, baseline: Option<Baseline>) -> Direction {
    if target.kind == TargetKind::Milestone {
        return Direction::Up;
    }
    match target.comparator {
        Comparator::AtMost | Comparator::ReduceTo | Comparator::ReduceBy => Direction::Down,
        Comparator::Approx => match baseline {
            Some(b) if b.value > target.value => Direction::Down,
            _ => Direction::Up,
        },
        Comparator::AtLeast | Comparator::IncreaseBy | Comparator::Range => Direction::Up,
    }
}

/// The level that meets the target, if it can be known (relative targets need a baseline).
/// A milestone's goal is 1 (done).
pub fn goal_level(target: &Target, baseline: Option<Baseline>) -> Option<f64> {
    if target.kind == TargetKind::Milestone {
        return Some(1.0);
    }
    match target.comparator {
        Comparator::IncreaseBy => Some(baseline.map_or(0.0, |b| b.value) + target.value),
        Comparator::ReduceBy => {
            let b = baseline?.value;
            Some(if target.unit.trim() == "%" {
                b * (1.0 - target.value / 100.0)
            } else {
                b - target.value
            })
        }
        _ => Some(target.value),
    }
}

/// Linear annual milestones from the baseline to the goal, for each year after the baseline
/// up to the deadline (`target.year`, else `horizon`: pass [`crate::Plan::operative_horizon`],
/// the end of the plan's operative period, never a vision year). Without a baseline, one
/// milestone: the goal in its deadline year. A milestone target (a dated event) has one
/// milestone, 1 in its deadline year, whatever the baseline.
pub fn decompose(
    target: &Target,
    baseline: Option<Baseline>,
    horizon: Option<i32>,
) -> Vec<Milestone> {
    let Some(deadline) = target.year.or(horizon) else {
        return Vec::new();
    };
    let Some(goal) = goal_level(target, baseline) else {
        return Vec::new();
    };
    let baseline = baseline.filter(|_| target.kind != TargetKind::Milestone);
    let Some(base) = baseline.filter(|b| b.year < deadline) else {
        return vec![Milestone {
            year: deadline,
            value: goal,
        }];
    };
    let already_met = match target.comparator {
        Comparator::AtMost => base.value <= goal,
        Comparator::AtLeast => base.value >= goal,
        _ => false,
    };
    let span = f64::from(deadline - base.year);
    (base.year + 1..=deadline)
        .map(|year| {
            let value = if already_met {
                goal
            } else {
                let share = f64::from(year - base.year) / span;
                round6(base.value + (goal - base.value) * share)
            };
            Milestone { year, value }
        })
        .collect()
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NodeId, TargetId};

    pub(crate) fn target(
        comparator: Comparator,
        value: f64,
        unit: &str,
        year: Option<i32>,
    ) -> Target {
        Target {
            id: TargetId("t1".into()),
            node: NodeId("n1".into()),
            indicator: "指标".into(),
            value,
            value_high: None,
            unit: unit.into(),
            comparator,
            year,
            text: String::new(),
            line: 1,
            ..Default::default()
        }
    }

    fn values(m: &[Milestone]) -> Vec<(i32, f64)> {
        m.iter().map(|m| (m.year, m.value)).collect()
    }

    #[test]
    fn linear_from_baseline() {
        let t = target(Comparator::AtLeast, 85.0, "%", Some(2030));
        let b = Baseline {
            value: 55.0,
            year: 2024,
        };
        assert_eq!(
            values(&decompose(&t, Some(b), None)),
            [
                (2025, 60.0),
                (2026, 65.0),
                (2027, 70.0),
                (2028, 75.0),
                (2029, 80.0),
                (2030, 85.0)
            ]
        );
        assert_eq!(values(&decompose(&t, None, None)), [(2030, 85.0)]);
    }

    #[test]
    fn relative_and_falling_targets() {
        let inc = target(Comparator::IncreaseBy, 30.0, "万人", Some(2027));
        let b = Baseline {
            value: 100.0,
            year: 2024,
        };
        assert_eq!(
            values(&decompose(&inc, Some(b), None)),
            [(2025, 110.0), (2026, 120.0), (2027, 130.0)]
        );
        let red = target(Comparator::ReduceBy, 10.0, "%", Some(2026));
        assert_eq!(
            values(&decompose(&red, Some(b), None)),
            [(2025, 95.0), (2026, 90.0)]
        );
        assert!(decompose(&red, None, None).is_empty());
        let to = target(Comparator::ReduceTo, 4.0, "%", Some(2026));
        let b6 = Baseline {
            value: 6.0,
            year: 2024,
        };
        assert_eq!(
            values(&decompose(&to, Some(b6), None)),
            [(2025, 5.0), (2026, 4.0)]
        );
        assert_eq!(direction(&to, Some(b6)), Direction::Down);
    }

    #[test]
    fn kinds_decompose_by_their_meaning() {
        // Water class Ⅲ at most: lower is better.
        let class = Target {
            kind: TargetKind::Ordinal,
            ..target(Comparator::AtMost, 3.0, "类", Some(2030))
        };
        assert_eq!(direction(&class, None), Direction::Down);
        // A dated event: one milestone, done (1) by its year, whatever the baseline.
        let event = Target {
            kind: TargetKind::Milestone,
            ..target(Comparator::AtLeast, 1.0, "", None)
        };
        let b = Baseline {
            value: 0.0,
            year: 2024,
        };
        assert_eq!(
            values(&decompose(&event, Some(b), Some(2030))),
            [(2030, 1.0)]
        );
        assert_eq!(goal_level(&event, None), Some(1.0));
    }

    #[test]
    fn ceilings_already_met_hold_the_goal() {
        let cap = target(Comparator::AtMost, 3.0, "类", None);
        let b = Baseline {
            value: 2.0,
            year: 2024,
        };
        assert_eq!(
            values(&decompose(&cap, Some(b), Some(2026))),
            [(2025, 3.0), (2026, 3.0)]
        );
        assert!(decompose(&cap, Some(b), None).is_empty());
    }
}
