//! When a report that is not in is chased: a reminder before its due date, a chase (催办) on
//! it, a supervision notice (督办) after it. A job that missed a day sends the stage the report
//! is in now, never a stage already passed.

use serde::{Deserialize, Serialize};

use super::Date;

/// The kind of notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// 提醒: the due date is near.
    Reminder,
    /// 催办: due today and not in.
    Chase,
    /// 督办: overdue; the office follows it up.
    Supervision,
}

impl NoticeKind {
    /// The name used in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reminder => "reminder",
            Self::Chase => "chase",
            Self::Supervision => "supervision",
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Self::Reminder => "提醒",
            Self::Chase => "催办",
            Self::Supervision => "督办",
        }
    }
}

/// The notice a report not yet submitted is due on `today`, if any (`lead_days` before the due
/// date the reminder starts).
pub fn notice_due(due: Date, today: Date, lead_days: i64) -> Option<NoticeKind> {
    if today > due {
        Some(NoticeKind::Supervision)
    } else if today == due {
        Some(NoticeKind::Chase)
    } else if today >= due.plus_days(-lead_days) {
        Some(NoticeKind::Reminder)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages() {
        let due = Date::parse("2025-03-10").unwrap();
        let day = |s| Date::parse(s).unwrap();
        assert_eq!(notice_due(due, day("2025-03-01"), 3), None);
        assert_eq!(
            notice_due(due, day("2025-03-07"), 3),
            Some(NoticeKind::Reminder)
        );
        assert_eq!(
            notice_due(due, day("2025-03-10"), 3),
            Some(NoticeKind::Chase)
        );
        assert_eq!(
            notice_due(due, day("2025-04-01"), 3),
            Some(NoticeKind::Supervision)
        );
    }
}
