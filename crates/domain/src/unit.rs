//! Responsible units (责任单位): departments, governments, parks, firms and groups of them.

use serde::{Deserialize, Serialize};

/// What kind of body a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// A government department or commission (市发展改革委, 综合规划处).
    Department,
    /// A county-level government (乐都区政府).
    CountyGovernment,
    /// A park or zone management committee (海东工业园区管委会).
    Park,
    /// A state-owned or other enterprise (国网海东供电公司, 市水务集团).
    Enterprise,
    /// A group name that a unit registry expands (各县区政府, 各街道管理办).
    Group,
    /// Anything else (消防救援支队, 工商联, …).
    Other,
}

impl UnitKind {
    /// The name in `duban.plan/1` (`department`, `county_government`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Department => "department",
            Self::CountyGovernment => "county_government",
            Self::Park => "park",
            Self::Enterprise => "enterprise",
            Self::Group => "group",
            Self::Other => "other",
        }
    }
}

/// A responsible unit with the other spellings the document used for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// Canonical name: the spelling the document uses most.
    pub name: String,
    /// Other spellings merged into this unit, as written.
    pub aliases: Vec<String>,
    /// What kind of body it is.
    pub kind: UnitKind,
}
