//! Quantitative goals (目标 / 指标).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::NodeId;

/// A target's identifier (`"t12"`), unique within a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct TargetId(pub String);

impl fmt::Display for TargetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of goal a target is, which decides how it is graded (`docs/status.md`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// A level or amount to reach by the deadline year (`比例达到85%`).
    #[default]
    Numeric,
    /// A dated event (建成, 投运, 通过验收, 签订, 申报, 创成): achieved by an approved report with
    /// evidence; `value` is 1 and an observation of 1 means done.
    Milestone,
    /// A floor or ceiling that holds every year (`培训合格率不低于90%`): graded per year.
    Threshold,
    /// A class on an ordinal scale where a lower number is better (水质 Ⅰ–Ⅴ类): `value` is the
    /// class number and the comparator reads the class number (`Ⅲ类及以上` → `<=` 3).
    Ordinal,
}

impl TargetKind {
    /// The name in `duban.plan/1`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Numeric => "numeric",
            Self::Milestone => "milestone",
            Self::Threshold => "threshold",
            Self::Ordinal => "ordinal",
        }
    }
}

/// How the goal compares the indicator with its value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Comparator {
    /// 达到 / 不低于 / 以上 / 超过 / 保持在 / 不少于.
    #[default]
    #[serde(rename = ">=")]
    AtLeast,
    /// 低于 / 以内 / 不高于 / 控制在…以内.
    #[serde(rename = "<=")]
    AtMost,
    /// 左右 / 约.
    #[serde(rename = "approx")]
    Approx,
    /// 新增 / 增长 / 累计新增 / 新建: an increment, not a level.
    #[serde(rename = "increase_by")]
    IncreaseBy,
    /// 下降至 / 下降到: a level to come down to.
    #[serde(rename = "reduce_to")]
    ReduceTo,
    /// 下降 x%: a reduction by an amount.
    #[serde(rename = "reduce_by")]
    ReduceBy,
    /// `30万—50万`: between `value` and `value_high`.
    #[serde(rename = "range")]
    Range,
}

impl Comparator {
    /// The symbol used in `duban.plan/1` and in outlines.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::AtLeast => ">=",
            Self::AtMost => "<=",
            Self::Approx => "approx",
            Self::IncreaseBy => "increase_by",
            Self::ReduceTo => "reduce_to",
            Self::ReduceBy => "reduce_by",
            Self::Range => "range",
        }
    }
}

/// A quantitative goal stated by the plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Target {
    /// Identifier within the plan.
    pub id: TargetId,
    /// The node whose text states it.
    pub node: NodeId,
    /// What is measured (`乡镇通三级及以上公路比例`).
    pub indicator: String,
    /// The goal's value (the lower bound of a range).
    pub value: f64,
    /// The upper bound of a range.
    pub value_high: Option<f64>,
    /// Unit of measure as written (`%`, `万架`, `公里/平方公里`); empty for pure numbers.
    pub unit: String,
    /// How the value is to be read.
    pub comparator: Comparator,
    /// Deadline year, if stated or implied by the sentence, paragraph or table column.
    pub year: Option<i32>,
    /// The exact source fragment the goal was read from.
    pub text: String,
    /// 1-based source line of the fragment.
    pub line: u32,
    /// What kind of goal it is.
    #[serde(default)]
    pub kind: TargetKind,
    /// Stated approximately (`左右`, `约`): graded within the tolerance band of `docs/status.md`.
    #[serde(default)]
    pub approx: bool,
    /// The unit that reports the indicator's values when its node has no responsible unit
    /// (数据来源单位): set by the importer where the same indicator is stated again under a task
    /// with units, else by the office.
    #[serde(default)]
    pub data_owner: Option<String>,
    /// Broken down per county (分县区目标: `每县区至少1个`): each county is graded on its share.
    #[serde(default)]
    pub per_county: bool,
    /// Stated for the plan's vision (远景 / 展望) rather than its operative period.
    #[serde(default)]
    pub vision: bool,
    /// Kept off the public pages and the anonymous API (set by the office).
    #[serde(default)]
    pub internal: bool,
}
