//! Quantitative goals (目标 / 指标).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::NodeId;

/// A target's identifier (`"t12"`), unique within a plan.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TargetId(pub String);

impl fmt::Display for TargetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How the goal compares the indicator with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Comparator {
    /// 达到 / 不低于 / 以上 / 超过 / 保持在 / 不少于.
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
}
