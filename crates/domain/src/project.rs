//! Named construction and investment projects (重大项目 / 工程).

use serde::{Deserialize, Serialize};

use std::fmt;

use crate::NodeId;

/// A project's identifier (`"p3"`), unique within a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct ProjectId(pub String);

impl fmt::Display for ProjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A named project mentioned by a node of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Project {
    /// Identifier within the plan (`p1`, … in document order; empty in plans stored before
    /// projects had one, filled by [`crate::Plan::normalise`]).
    #[serde(default)]
    pub id: ProjectId,
    /// The project's name as the plan writes it (e.g. `民和至永靖高速公路`).
    pub name: String,
    /// The node whose text names it.
    pub node: NodeId,
    /// 1-based source line of the mention.
    pub line: u32,
}
