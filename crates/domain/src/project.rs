//! Named construction and investment projects (重大项目 / 工程).

use serde::{Deserialize, Serialize};

use crate::NodeId;

/// A named project mentioned by a node of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// The project's name as the plan writes it (e.g. `民和至永靖高速公路`).
    pub name: String,
    /// The node whose text names it.
    pub node: NodeId,
    /// 1-based source line of the mention.
    pub line: u32,
}
