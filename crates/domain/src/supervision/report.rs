//! A report's lifecycle (填报 → 报送 → 审核: 通过 / 退回) and a round's cadence: the states and
//! the transitions allowed between them, so that storage and pages never compare state names.

use serde::{Deserialize, Serialize};

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// Not submitted yet (待填报).
    Draft,
    /// Submitted, waiting for the office's review (已报送).
    Submitted,
    /// Returned by the office with a comment, to be corrected (已退回).
    Returned,
    /// Approved: its values count (已通过).
    Approved,
}

/// Why a report cannot be changed now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Submitted and under review.
    UnderReview,
    /// Approved already.
    Approved,
    /// Not submitted: nothing to review.
    NotSubmitted,
}

impl Refusal {
    /// The reason, in Chinese.
    pub fn message(self) -> &'static str {
        match self {
            Self::UnderReview => "报告已报送，正在审核，不能修改",
            Self::Approved => "报告已审核通过，不能修改",
            Self::NotSubmitted => "报告尚未报送，不能审核",
        }
    }

    /// The reason, in English.
    pub fn message_en(self) -> &'static str {
        match self {
            Self::UnderReview => "the report is submitted and under review: it cannot be changed",
            Self::Approved => "the report is approved: it cannot be changed",
            Self::NotSubmitted => "the report is not submitted: there is nothing to review",
        }
    }
}

/// The office's decision on a submitted report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Its values count.
    Approve,
    /// Back to the unit with a comment.
    Return,
}

impl Decision {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Return => "return",
        }
    }

    /// From the stored name.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Approve, Self::Return]
            .into_iter()
            .find(|d| d.as_str() == name)
    }
}

impl ReportStatus {
    /// Every state, in the order of the cycle.
    pub const ALL: [Self; 4] = [Self::Draft, Self::Submitted, Self::Returned, Self::Approved];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Approved => "approved",
        }
    }

    /// From the stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Whether the unit may still write it (save a draft, submit).
    pub fn editable(self) -> Result<(), Refusal> {
        match self {
            Self::Draft | Self::Returned => Ok(()),
            Self::Submitted => Err(Refusal::UnderReview),
            Self::Approved => Err(Refusal::Approved),
        }
    }

    /// The state after the unit submits it.
    pub fn submit(self) -> Result<Self, Refusal> {
        self.editable().map(|()| Self::Submitted)
    }

    /// The state after the office decides on it.
    pub fn review(self, decision: Decision) -> Result<Self, Refusal> {
        match (self, decision) {
            (Self::Submitted, Decision::Approve) => Ok(Self::Approved),
            (Self::Submitted, Decision::Return) => Ok(Self::Returned),
            (Self::Approved, _) => Err(Refusal::Approved),
            (Self::Draft | Self::Returned, _) => Err(Refusal::NotSubmitted),
        }
    }

    /// Whether the unit still owes it (a reminder, chase or supervision notice may be due).
    pub fn outstanding(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }
}

/// How often a round comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    /// 月度调度.
    Monthly,
    /// 季度调度.
    Quarterly,
    /// 专项调度, when needed.
    AdHoc,
}

impl Cadence {
    /// Every cadence.
    pub const ALL: [Self; 3] = [Self::Monthly, Self::Quarterly, Self::AdHoc];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Monthly => "monthly",
            Self::Quarterly => "quarterly",
            Self::AdHoc => "ad_hoc",
        }
    }

    /// From the stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for s in ReportStatus::ALL {
            assert_eq!(ReportStatus::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).ok(),
                Some(format!("\"{}\"", s.as_str()))
            );
        }
        for c in Cadence::ALL {
            assert_eq!(Cadence::parse(c.as_str()), Some(c));
        }
        for d in [Decision::Approve, Decision::Return] {
            assert_eq!(Decision::parse(d.as_str()), Some(d));
        }
        assert_eq!(ReportStatus::parse("closed"), None);
    }

    #[test]
    fn a_report_is_written_until_submitted_and_decided_once_submitted() {
        use ReportStatus::*;
        assert_eq!(Draft.submit(), Ok(Submitted));
        assert_eq!(Returned.submit(), Ok(Submitted));
        assert_eq!(Submitted.submit(), Err(Refusal::UnderReview));
        assert_eq!(Approved.submit(), Err(Refusal::Approved));
        assert_eq!(Submitted.review(Decision::Approve), Ok(Approved));
        assert_eq!(Submitted.review(Decision::Return), Ok(Returned));
        assert_eq!(Draft.review(Decision::Approve), Err(Refusal::NotSubmitted));
        assert_eq!(Approved.review(Decision::Return), Err(Refusal::Approved));
        assert!(Draft.outstanding() && Returned.outstanding());
        assert!(!Submitted.outstanding() && !Approved.outstanding());
    }
}
