//! The office's corrections of a plan as imported (责任清单 curation): edits kept beside the
//! document and applied over it, so a plan is always "the document as read, plus what the office
//! changed, in order". Edits name items by their stable keys, so they carry over to the next
//! revision of the document (`crate::revision`) and apply there too.
//!
//! [`apply`] is pure: the same plan and edits give the same result. An edit that no longer
//! applies (its item was withdrawn by a revision) is skipped and reported, never an error.

use serde::{Deserialize, Serialize};

use crate::{
    Assignment, Comparator, Contact, Node, NodeId, Plan, Project, ProjectId, Target, TargetId,
    TargetKind,
};

/// A field that may be absent (`None`: leave it), `null` (`Some(None)`: clear it) or a value.
/// Serde's default reads `null` as absent; this reads it as present.
fn present<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// What a target edit sets; `None` leaves the field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetPatch {
    /// Indicator.
    #[serde(default)]
    pub indicator: Option<String>,
    /// Value (lower bound of a range).
    #[serde(default)]
    pub value: Option<f64>,
    /// Upper bound of a range (`Some(None)` clears it).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub value_high: Option<Option<f64>>,
    /// Unit of measure.
    #[serde(default)]
    pub unit: Option<String>,
    /// Comparator.
    #[serde(default)]
    pub comparator: Option<Comparator>,
    /// Deadline year (`Some(None)` clears it: the plan's horizon applies).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub year: Option<Option<i32>>,
    /// Kind.
    #[serde(default)]
    pub kind: Option<TargetKind>,
    /// Approximate.
    #[serde(default)]
    pub approx: Option<bool>,
    /// Per county.
    #[serde(default)]
    pub per_county: Option<bool>,
    /// Data-owner unit (`Some(None)` clears it).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub data_owner: Option<Option<String>>,
    /// Internal (not public).
    #[serde(default)]
    pub internal: Option<bool>,
}

/// What a node edit sets; `None` leaves the field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodePatch {
    /// Title.
    #[serde(default)]
    pub title: Option<String>,
    /// Text.
    #[serde(default)]
    pub text: Option<String>,
    /// Deadline (完成时限) as the office writes it (`2026年底`); `Some(None)` clears it.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub deadline: Option<Option<String>>,
    /// A task (`true`) or descriptive text (`false`).
    #[serde(default)]
    pub supervised: Option<bool>,
    /// Internal (not public).
    #[serde(default)]
    pub internal: Option<bool>,
}

/// One correction by the office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// Change a node's fields.
    EditNode {
        /// The node.
        node: NodeId,
        /// What changes.
        patch: NodePatch,
    },
    /// Replace a node's responsible units and their roles (order kept: leads first as given).
    SetUnits {
        /// The node.
        node: NodeId,
        /// The new assignments.
        units: Vec<Assignment>,
    },
    /// Name the people a unit names for a task (replaces that unit's entry).
    SetPeople {
        /// The node.
        node: NodeId,
        /// The unit and its people.
        contact: Contact,
    },
    /// Change a target's fields.
    EditTarget {
        /// The target.
        target: TargetId,
        /// What changes.
        patch: TargetPatch,
    },
    /// Add a target the importer missed (its `id` is given by the caller and must be new).
    AddTarget {
        /// The new target.
        target: Target,
    },
    /// Delete a target (not a goal at all).
    DeleteTarget {
        /// The target.
        target: TargetId,
    },
    /// Merge duplicate statements of one indicator: `remove` go, `keep` stays (facts recorded
    /// on a removed target stay with it and are not moved).
    MergeTargets {
        /// The target that stays.
        keep: TargetId,
        /// The duplicates that go.
        remove: Vec<TargetId>,
    },
    /// Split one statement into several targets: the original keeps the first part's fields,
    /// the rest are added with the ids given.
    SplitTarget {
        /// The target split.
        target: TargetId,
        /// The parts: the first patches the original (which keeps its id and node), the
        /// others are new targets on the same node, placed after it. A part without text or
        /// line takes the original's.
        parts: Vec<Target>,
    },
    /// Add a project.
    AddProject {
        /// The new project (its `id` must be new).
        project: Project,
    },
    /// Rename a project or move it to another node.
    EditProject {
        /// The project.
        project: ProjectId,
        /// New name.
        #[serde(default)]
        name: Option<String>,
        /// New node.
        #[serde(default)]
        node: Option<NodeId>,
    },
    /// Delete a project (not a project).
    DeleteProject {
        /// The project.
        project: ProjectId,
    },
    /// Add a node (a task the document does not number) under a parent.
    AddNode {
        /// The new node (its `id` must be new; `parent` must exist).
        node: Node,
    },
    /// Mark an importer diagnostic as dealt with (待确认 → 已确认).
    ResolveDiagnostic {
        /// Its code.
        code: String,
        /// Its line.
        line: Option<u32>,
        /// Its message, which tells apart several findings of one code on one line (`None`:
        /// every finding of the code on the line).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// Set the plan's operative horizon (the deadline year of whatever states none).
    SetHorizon {
        /// The year (`None`: read from the targets).
        year: Option<i32>,
    },
}

/// An edit that did not apply, and why (in Chinese, for the office).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    /// Position of the edit in the list given to [`apply`].
    pub index: usize,
    /// Why it was skipped.
    pub reason: String,
}

mod apply;
mod check;
#[cfg(test)]
mod tests;

pub use apply::apply;
pub use check::check;
