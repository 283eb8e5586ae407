//! Search results grouped by plan, as the search page and `/api/v1/search` show them.

use duban_store::{HitKind, SearchHit};
use serde::Serialize;

use crate::AppState;
use crate::error::AppError;

/// Most hits of each kind a search returns.
pub const MAX_HITS: i64 = 100;

/// One plan's hits.
#[derive(Debug, Clone, Serialize)]
pub struct SearchGroup {
    /// The plan's id.
    pub plan_id: i64,
    /// The plan's title.
    pub title: String,
    /// Nodes: `key`, `number`, `title`.
    pub nodes: Vec<Hit>,
    /// Targets: `key` (t12), `node`, `title` (the indicator).
    pub targets: Vec<Hit>,
    /// Projects: `node`, `title` (the name).
    pub projects: Vec<Hit>,
}

/// One hit.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// Node key, or target key for targets.
    pub key: String,
    /// The node the hit belongs to.
    pub node: String,
    /// Numbering of a node.
    pub number: Option<String>,
    /// Title, indicator or name.
    pub title: String,
}

/// Searches the store and groups the hits by plan (plans with no hit are left out, except the
/// one plan asked for).
pub async fn search_groups(
    state: &AppState,
    query: &str,
    plan: Option<i64>,
) -> Result<Vec<SearchGroup>, AppError> {
    let hits = state.store.search(query, plan, MAX_HITS).await?;
    let plans = state.store.plans().await?;
    let mut groups: Vec<SearchGroup> = plans
        .into_iter()
        .filter(|p| plan.is_none_or(|id| id == p.id))
        .map(|p| SearchGroup {
            plan_id: p.id,
            title: p.title,
            nodes: Vec::new(),
            targets: Vec::new(),
            projects: Vec::new(),
        })
        .collect();
    for h in hits {
        let Some(g) = groups.iter_mut().find(|g| g.plan_id == h.plan_id) else {
            continue;
        };
        let SearchHit {
            kind,
            node_key,
            target_key,
            title,
            number,
            ..
        } = h;
        let hit = Hit {
            key: target_key.unwrap_or_else(|| node_key.clone()),
            node: node_key,
            number,
            title,
        };
        match kind {
            HitKind::Node => g.nodes.push(hit),
            HitKind::Target => g.targets.push(hit),
            HitKind::Project => g.projects.push(hit),
        }
    }
    groups.retain(|g| {
        plan.is_some() || !(g.nodes.is_empty() && g.targets.is_empty() && g.projects.is_empty())
    });
    Ok(groups)
}
