//! The plan's numbered hierarchy and the responsibility each node carries.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A node's identifier: its position in the tree as dotted 1-based indices (`"2.1.3"`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct NodeId(pub String);

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The level a node stands at in the plan's hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// 第一部分: the top level of long 规划.
    Part,
    /// 一、 or 第一章.
    Chapter,
    /// （一） or 第一节.
    Section,
    /// 1. / 1、 and a task table's numbered rows.
    Item,
    /// （1）, ①, —— and anything deeper.
    Subitem,
    /// A paragraph that opens with a lead phrase (`新能源产业。…`) or carries its own units.
    Paragraph,
}

impl NodeKind {
    /// The name in `duban.plan/1` (`chapter`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Part => "part",
            Self::Chapter => "chapter",
            Self::Section => "section",
            Self::Item => "item",
            Self::Subitem => "subitem",
            Self::Paragraph => "paragraph",
        }
    }
}

/// A unit's role in a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 牵头: leads the task and answers for it.
    Lead,
    /// 配合: assists the lead.
    Co,
    /// 实施主体: carries the work out, where a task table names it so.
    Implementer,
}

impl Role {
    /// The name in `duban.plan/1` (`lead`, `co`, `implementer`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lead => "lead",
            Self::Co => "co",
            Self::Implementer => "implementer",
        }
    }
}

/// One unit's assignment to a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignment {
    /// The canonical name of the unit (see `Plan::units`).
    pub unit: String,
    /// What the unit does in this task.
    pub role: Role,
}

/// A year's work for a task, as a task table states it (`2024年工作任务`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkPoint {
    /// The year the column names, if it names one.
    pub year: Option<i32>,
    /// The column's heading as written.
    pub label: String,
    /// The cell's text.
    pub text: String,
}

/// A chapter, section, item, sub-item or paragraph of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Node {
    /// Position in the tree.
    pub id: NodeId,
    /// The enclosing node; `None` at the top level.
    pub parent: Option<NodeId>,
    /// The level of the node.
    pub kind: NodeKind,
    /// The numbering as written (`一、`, `（三）`, `(2)`, `——`), if any.
    pub number: Option<String>,
    /// The heading or lead phrase; for unheaded paragraphs, their opening clause.
    pub title: String,
    /// The node's own text (without children and without the responsibility block).
    pub text: String,
    /// 1-based source line where the node starts.
    pub line: u32,
    /// Responsible units with their roles, lead first.
    pub responsible: Vec<Assignment>,
    /// The responsibility block's text as written, if the node has one.
    pub responsible_raw: Option<String>,
    /// The deadline a task table states (`完成时限`), as written.
    pub deadline: Option<String>,
    /// Year-by-year work a task table states.
    pub work_plan: Vec<WorkPoint>,
    /// Whether the node is a task units report on (`true`), or descriptive text (a
    /// `——“一核”包括…区域` paragraph); only nodes with responsible units are ever tasks.
    #[serde(default = "yes")]
    pub supervised: bool,
    /// The people each responsible unit names for this task (set by the office).
    #[serde(default)]
    pub people: Vec<Contact>,
    /// Kept off the public pages and the anonymous API (set by the office).
    #[serde(default)]
    pub internal: bool,
}

fn yes() -> bool {
    true
}

/// A person named for a task, with how to reach them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    /// Name.
    pub name: String,
    /// Post (职务), as written.
    #[serde(default)]
    pub post: String,
    /// Telephone.
    #[serde(default)]
    pub phone: String,
}

/// The people a responsible unit names for one task: 责任领导, 责任人, 联络员.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    /// The unit (canonical name).
    pub unit: String,
    /// 责任领导.
    #[serde(default)]
    pub leader: Option<Person>,
    /// 责任人.
    #[serde(default)]
    pub responsible: Option<Person>,
    /// 联络员.
    #[serde(default)]
    pub liaison: Option<Person>,
}

impl Node {
    /// Whether units report on this node: it has responsible units and is not marked
    /// descriptive.
    pub fn is_task(&self) -> bool {
        self.supervised && !self.responsible.is_empty()
    }

    /// The units that lead this node.
    pub fn leads(&self) -> impl Iterator<Item = &str> {
        self.units_with(Role::Lead)
    }

    /// The units with the given role in this node.
    pub fn units_with(&self, role: Role) -> impl Iterator<Item = &str> {
        self.responsible
            .iter()
            .filter(move |a| a.role == role)
            .map(|a| a.unit.as_str())
    }
}
