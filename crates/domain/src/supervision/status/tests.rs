//! Grading one target or task, from first principles.

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

/// Assesses on a fixed day, 30 June 2026.
fn assess(
    m: StatusMethod,
    t: &Target,
    b: Option<Baseline>,
    ms: &[Milestone],
    o: &[Observation],
) -> Assessment {
    assess_target(m, t, b, ms, o, Date::parse("2026-06-30").unwrap())
}

fn kind(kind: TargetKind, comparator: Comparator, value: f64, year: Option<i32>) -> Target {
    Target {
        kind,
        year,
        ..target(comparator, value, 2030)
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
    let a = assess(m, &t, Some(b), &ms, &[obs("2025-12-31", 60.0)]);
    assert_eq!(
        (a.status, a.measure, a.expected),
        (Status::OnTrack, Some(1.0), Some(60.0))
    );
    assert_eq!(
        assess(m, &t, Some(b), &ms, &[obs("2025-12-31", 59.5)]).status,
        Status::AtRisk
    );
    assert_eq!(
        assess(m, &t, Some(b), &ms, &[obs("2025-12-31", 58.0)]).status,
        Status::Behind
    );
    assert_eq!(
        assess(m, &t, Some(b), &ms, &[obs("2025-12-31", 86.0)]).status,
        Status::Achieved
    );
    assert_eq!(assess(m, &t, Some(b), &ms, &[]).status, Status::NoData);
    // Only the latest counts.
    let a = assess(
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
        assess(m, &t, Some(b), &ms, &[obs("2025-12-31", 5.0)]).status,
        Status::OnTrack
    );
    assert_eq!(
        assess(m, &t, Some(b), &ms, &[obs("2025-12-31", 6.5)]).status,
        Status::Behind
    );
    assert_eq!(
        assess(m, &t, Some(b), &ms, &[obs("2025-12-31", 3.9)]).status,
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
    let a = assess(m, &t, Some(b), &ms, &[obs("2025-12-31", on_pace)]);
    assert_eq!(a.status, Status::OnTrack);
    assert!((a.measure.unwrap() - 1.0).abs() < 0.01, "{a:?}");
    assert_eq!(
        assess(m, &t, Some(b), &ms, &[obs("2025-12-31", 125.0)]).status,
        Status::Moderate
    );
    assert_eq!(
        assess(m, &t, Some(b), &ms, &[obs("2025-12-31", 105.0)]).status,
        Status::Limited
    );
    assert_eq!(
        assess(m, &t, Some(b), &ms, &[obs("2025-12-31", 90.0)]).status,
        Status::Deteriorating
    );
}

#[test]
fn without_baseline_the_first_observation_serves() {
    let t = target(Comparator::AtLeast, 85.0, 2030);
    let ms = super::super::decompose(&t, None, None);
    let m = StatusMethod::ExpectedProgress;
    assert_eq!(
        assess(m, &t, None, &ms, &[obs("2025-12-31", 60.0)]).status,
        Status::NoData
    );
    let two = [obs("2024-12-31", 55.0), obs("2025-12-31", 60.0)];
    assert_eq!(assess(m, &t, None, &ms, &two).status, Status::OnTrack);
}

#[test]
fn water_classes_lower_is_better() {
    // 达到Ⅲ类: class number at most 3.
    let t = kind(TargetKind::Ordinal, Comparator::AtMost, 3.0, Some(2030));
    let m = StatusMethod::ExpectedProgress;
    let status = |class| assess(m, &t, None, &[], &[obs("2025-12-31", class)]).status;
    assert_eq!(status(5.0), Status::Behind);
    assert_eq!(status(4.0), Status::Behind);
    assert_eq!(status(3.0), Status::Achieved);
    assert_eq!(status(1.0), Status::Achieved);
}

#[test]
fn approximate_goals_have_a_band() {
    let m = StatusMethod::ExpectedProgress;
    // 约100 (bare): within 5 % on either side.
    let about = Target {
        approx: true,
        ..target(Comparator::Approx, 100.0, 2030)
    };
    let status = |t: &Target, v| assess(m, t, None, &[], &[obs("2025-12-31", v)]).status;
    assert_eq!(status(&about, 95.0), Status::Achieved);
    assert_eq!(status(&about, 104.9), Status::Achieved);
    assert_eq!(status(&about, 94.0), Status::NoData);
    // 下降至25%左右: met up to 25 × 1.05 = 26.25.
    let down = Target {
        approx: true,
        ..target(Comparator::ReduceTo, 25.0, 2030)
    };
    assert_eq!(status(&down, 26.2), Status::Achieved);
    assert_eq!(status(&down, 20.0), Status::Achieved);
    assert_eq!(status(&down, 26.5), Status::NoData);
    // The same goal stated exactly has no band.
    let exact = target(Comparator::ReduceTo, 25.0, 2030);
    assert_eq!(status(&exact, 26.2), Status::NoData);
    // 达到80%左右 as `>=` approx: met from 76.
    let up = Target {
        approx: true,
        ..target(Comparator::AtLeast, 80.0, 2030)
    };
    assert_eq!(status(&up, 76.0), Status::Achieved);
    assert_eq!(status(&up, 75.9), Status::NoData);
}

#[test]
fn milestones_are_done_or_late() {
    let t = kind(TargetKind::Milestone, Comparator::AtLeast, 1.0, Some(2026));
    let m = StatusMethod::ExpectedProgress;
    let on = |day: &str, o: &[Observation]| {
        assess_target(m, &t, None, &[], o, Date::parse(day).unwrap()).status
    };
    assert_eq!(on("2026-06-30", &[]), Status::NoData);
    assert_eq!(on("2026-06-30", &[obs("2026-03-31", 0.0)]), Status::OnTrack);
    assert_eq!(
        on("2026-06-30", &[obs("2026-03-31", 1.0)]),
        Status::Achieved
    );
    assert_eq!(on("2027-01-01", &[]), Status::Behind);
    assert_eq!(on("2027-01-01", &[obs("2026-03-31", 0.0)]), Status::Behind);
    assert_eq!(
        on("2027-01-01", &[obs("2026-12-31", 1.0)]),
        Status::Achieved
    );
    // Without a year, the deadline is the last milestone's (the plan's operative horizon).
    let open = kind(TargetKind::Milestone, Comparator::AtLeast, 1.0, None);
    let ms = super::super::decompose(&open, None, Some(2030));
    let late = Date::parse("2031-01-01").unwrap();
    assert_eq!(
        assess_target(m, &open, None, &ms, &[], late).status,
        Status::Behind
    );
    let before = Date::parse("2030-12-31").unwrap();
    assert_eq!(
        assess_target(m, &open, None, &ms, &[], before).status,
        Status::NoData
    );
}

#[test]
fn thresholds_are_graded_each_year() {
    // 培训合格率不低于90%, every year.
    let t = kind(TargetKind::Threshold, Comparator::AtLeast, 90.0, None);
    let m = StatusMethod::ExpectedProgress;
    let on = |o: &[Observation]| {
        assess_target(m, &t, None, &[], o, Date::parse("2026-06-30").unwrap()).status
    };
    assert_eq!(on(&[obs("2026-03-31", 92.0)]), Status::OnTrack);
    assert_eq!(on(&[obs("2026-03-31", 88.0)]), Status::Behind);
    // Only this year's values count: last year's pass is no data now, never achieved.
    assert_eq!(on(&[obs("2025-12-31", 95.0)]), Status::NoData);
    // The latest of this year decides.
    assert_eq!(
        on(&[obs("2026-01-31", 95.0), obs("2026-05-31", 85.0)]),
        Status::Behind
    );
    let cap = kind(TargetKind::Threshold, Comparator::AtMost, 9.0, None);
    let day = Date::parse("2026-06-30").unwrap();
    assert_eq!(
        assess_target(m, &cap, None, &[], &[obs("2026-03-31", 8.0)], day).status,
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
