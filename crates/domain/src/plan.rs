//! The plan as a whole: the `duban.plan/1` document.

use serde::{Deserialize, Serialize};

use crate::{Diagnostic, Node, NodeId, Project, Severity, Target, Unit};

/// The interchange format's identifier, written in every plan document.
pub const FORMAT: &str = "duban.plan/1";

/// A parsed plan with everything the importer understood and what it could not place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Always [`FORMAT`].
    pub format: String,
    /// The plan's own title (`海东市推进西宁—海东都市圈一体化发展行动计划`).
    pub title: String,
    /// The issuing body, if the document names it.
    pub issuer: Option<String>,
    /// The document number (`东政〔2024〕18号`), if any.
    pub doc_number: Option<String>,
    /// Date of issue as `YYYY-MM-DD`, if stated.
    pub issued_on: Option<String>,
    /// All nodes in document order; parents come before their children.
    pub nodes: Vec<Node>,
    /// Quantitative goals in document order.
    pub targets: Vec<Target>,
    /// Responsible units, in order of first mention.
    pub units: Vec<Unit>,
    /// Named projects in document order.
    pub projects: Vec<Project>,
    /// What the importer wants a person to look at.
    pub diagnostics: Vec<Diagnostic>,
    /// The last year of the plan's operative period (近期 / 规划期: 2030 for a 2024—2030 plan),
    /// never its vision year (远景 / 展望); the deadline of every task and target that states
    /// none. Read by the importer, set by the office; `None` when unknown.
    #[serde(default)]
    pub horizon: Option<i32>,
}

impl Default for Plan {
    fn default() -> Self {
        Self::new("")
    }
}

impl Plan {
    /// An empty plan with the given title.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            format: FORMAT.to_owned(),
            title: title.into(),
            issuer: None,
            doc_number: None,
            issued_on: None,
            nodes: Vec::new(),
            targets: Vec::new(),
            units: Vec::new(),
            projects: Vec::new(),
            diagnostics: Vec::new(),
            horizon: None,
        }
    }

    /// The deadline year of whatever states none: `horizon` if set, else the latest year of a
    /// target that is not a vision target.
    pub fn operative_horizon(&self) -> Option<i32> {
        self.horizon.or_else(|| {
            self.targets
                .iter()
                .filter(|t| !t.vision)
                .filter_map(|t| t.year)
                .max()
        })
    }

    /// Fills what plans stored by an earlier release lack: project ids (`p1`, … in order).
    pub fn normalise(&mut self) {
        for (i, p) in self.projects.iter_mut().enumerate() {
            if p.id.0.is_empty() {
                p.id = crate::ProjectId(format!("p{}", i + 1));
            }
        }
    }

    /// Whether the office marked anything internal.
    pub fn has_internal(&self) -> bool {
        self.nodes.iter().any(|n| n.internal) || self.targets.iter().any(|t| t.internal)
    }

    /// What the public may see: without internal nodes (and everything under them) and
    /// internal targets.
    pub fn public_view(&self) -> Self {
        let mut hidden: std::collections::HashSet<&NodeId> = std::collections::HashSet::new();
        for n in &self.nodes {
            // Parents come before children, so one pass finds every descendant.
            if n.internal || n.parent.as_ref().is_some_and(|p| hidden.contains(p)) {
                hidden.insert(&n.id);
            }
        }
        let mut plan = self.clone();
        plan.nodes.retain(|n| !hidden.contains(&n.id));
        plan.targets
            .retain(|t| !t.internal && !hidden.contains(&t.node));
        plan.projects.retain(|p| !hidden.contains(&p.node));
        plan
    }

    /// The tasks: nodes units report on.
    pub fn tasks(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(|n| n.is_task())
    }

    /// The node with the given id.
    pub fn node(&self, id: &NodeId) -> Option<&Node> {
        self.nodes.iter().find(|n| &n.id == id)
    }

    /// The direct children of `parent` (`None`: the top-level nodes), in order.
    pub fn children<'a>(&'a self, parent: Option<&'a NodeId>) -> impl Iterator<Item = &'a Node> {
        self.nodes
            .iter()
            .filter(move |n| n.parent.as_ref() == parent)
    }

    /// Nodes that carry responsibility: the tasks a unit reports on.
    pub fn assigned_nodes(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(|n| !n.responsible.is_empty())
    }

    /// The unit with the given canonical name or alias.
    pub fn unit(&self, name: &str) -> Option<&Unit> {
        self.units
            .iter()
            .find(|u| u.name == name || u.aliases.iter().any(|a| a == name))
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}
