//! Revisions of a plan (动态调整): a changed document matched against the version in force, so
//! that every node, target and project keeps a stable identity and every fact recorded on it
//! (observations, baselines, milestones, work points, people, curation edits) stays on the same
//! indicator.
//!
//! Matching is by content and position together, never by position alone: a node matches the
//! old node most like it (number, title, text, kind, units) with its parent's match as a strong
//! hint; a target the old target with the same indicator, unit, value and year, its node's match
//! as a hint; a project by name. What is not clearly the best match is marked uncertain for the
//! office to decide. [`rekey`] then gives the new document the old keys of its matches and new
//! keys (never used before in the plan) to what is added.

use serde::{Deserialize, Serialize};

use crate::{Node, NodeId, Plan, Project, ProjectId, Target, TargetId};

/// Which kind of item a key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A node (chapter, section, task…).
    Node,
    /// A target.
    Target,
    /// A project.
    Project,
}

/// One pairing of an item of the new document with an item of the version in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pair {
    /// Kind of item.
    pub kind: ItemKind,
    /// Its id in the new document (as parsed: positional).
    pub new: String,
    /// The stable key of the old item it continues, or `None`: added.
    pub old: Option<String>,
    /// How alike the two are, 0–1 (1 for a decision by the office).
    pub score: f64,
    /// Not clearly the best match: the office should decide.
    pub uncertain: bool,
}

/// How every item of the new document continues the old one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Matching {
    /// One pair per item of the new document, in document order (nodes, targets, projects).
    pub pairs: Vec<Pair>,
}

impl Matching {
    /// The old key the new item continues, if any.
    pub fn old_of(&self, kind: ItemKind, new: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|p| p.kind == kind && p.new == new)
            .and_then(|p| p.old.as_deref())
    }

    /// The office's decision: `new` continues `old` (or nothing). Any other new item that was
    /// paired with `old` becomes added.
    pub fn decide(&mut self, kind: ItemKind, new: &str, old: Option<&str>) {
        for p in self.pairs.iter_mut().filter(|p| p.kind == kind) {
            if p.new == new {
                p.old = old.map(str::to_owned);
                p.score = 1.0;
                p.uncertain = false;
            } else if old.is_some() && p.old.as_deref() == old {
                p.old = None;
                p.uncertain = false;
            }
        }
    }

    /// Pairs still to be decided.
    pub fn uncertain(&self) -> impl Iterator<Item = &Pair> {
        self.pairs.iter().filter(|p| p.uncertain)
    }
}

/// What happened to a node between the two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// New in the revision.
    Added,
    /// Gone from the revision (withdrawn: its history stays).
    Removed,
    /// Same node, different content (title, text, units, deadline, its targets or projects).
    Changed,
    /// Same node under another parent (and possibly changed too: see `fields`).
    Moved,
}

/// One entry of the diff the office reviews: a node and what changed in it, with the targets
/// and projects stated in it that were added, removed or changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    /// What happened.
    pub kind: ChangeKind,
    /// The node's stable key in the version in force (`None` when added).
    pub old: Option<String>,
    /// The node's id in the new document (`None` when removed).
    pub new: Option<String>,
    /// Its title (new where there is one, else old).
    pub title: String,
    /// Which of the node's own fields changed: `title`, `text`, `units`, `deadline`, `parent`.
    pub fields: Vec<String>,
    /// Before and after of the changed text fields, for display: `(field, before, after)`.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub texts: Vec<(String, String, String)>,
    /// Targets stated here that were added (new ids), removed (old keys) or changed (old keys).
    pub targets_added: Vec<String>,
    /// See `targets_added`.
    pub targets_removed: Vec<String>,
    /// See `targets_added`.
    pub targets_changed: Vec<String>,
    /// Projects named here that were added (new ids), removed (old keys) or changed: renamed
    /// or now named here (old keys).
    pub projects_added: Vec<String>,
    /// See `projects_added`.
    pub projects_removed: Vec<String>,
    /// See `projects_added`.
    pub projects_changed: Vec<String>,
    /// Some pairing behind this entry is uncertain.
    pub uncertain: bool,
}

/// Pairs at or above this score are matched with confidence.
pub const ACCEPT: f64 = 0.7;
/// Pairs below this score are not matched at all (the new item is added).
pub const FLOOR: f64 = 0.5;
/// A runner-up within this distance of the best makes a pair uncertain…
pub const MARGIN: f64 = 0.03;
/// …unless the best is at least this good (equal content in the same place).
pub const SURE: f64 = 0.98;

mod diff;
mod matching;
mod rekey;
mod served;
mod similarity;
#[cfg(test)]
mod tests;

pub use diff::diff;
pub use matching::match_plans;
pub use rekey::rekey;
pub use served::{Preview, matching_base, preview};
