//! Search over the plans' current versions, as the search page and `/api/v1/search` show it:
//! every term (separated by spaces) must occur, matched as written — Chinese needs no
//! segmentation for substring matches (`高速公路`, `污水`) — in a node's title or text, a
//! target's indicator or source text, or a project's name. Plans come from the cache, so a
//! search costs one query and a scan in memory.

use serde::Serialize;

use crate::cache::{Cached, Signature};

use crate::AppState;
use crate::error::AppError;

/// Most hits of each kind in all (the first plans' first hits, in order).
pub const MAX_HITS: usize = 100;

/// One plan's hits.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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

/// Searches every plan (or the one asked for); plans without hits are left out unless asked for.
/// The public (`public`) searches published plans, without internal items.
pub async fn search_groups(
    state: &AppState,
    query: &str,
    only: Option<i64>,
    public: bool,
) -> Result<Vec<SearchGroup>, AppError> {
    let terms: Vec<String> = query
        .split_whitespace()
        .map(fold)
        .filter(|t| !t.is_empty())
        .collect();
    let mut groups = Vec::new();
    let mut budget = [MAX_HITS; 3];
    for stamp in state.store.current_versions().await? {
        let (id, title) = (stamp.plan_id, stamp.title.clone());
        if only.is_some_and(|o| o != id) || (public && !stamp.published) {
            continue;
        }
        let Some(plan) = state.plans.get_stamp(state.store.as_ref(), &stamp).await? else {
            continue;
        };
        let plan = if public { plan.public_view() } else { plan };
        let group = search(&plan, &terms, id, title, &mut budget);
        if only.is_some()
            || !(group.nodes.is_empty() && group.targets.is_empty() && group.projects.is_empty())
        {
            groups.push(group);
        }
    }
    Ok(groups)
}

/// The hits of one plan.
fn search(
    plan: &Cached,
    terms: &[String],
    plan_id: i64,
    title: String,
    budget: &mut [usize; 3],
) -> SearchGroup {
    // A term that is all non-ASCII is unaffected by folding (full-width forms fold to ASCII):
    // it matches the text as it is, with no copy.
    let plain = terms.iter().all(|t| t.chars().all(|c| !c.is_ascii()));
    // Terms as written are matched against texts as written: their signatures rule texts out.
    let term_sig = Signature::of(&terms.iter().map(String::as_str).collect::<Vec<_>>());
    let may = |sig: Option<&Signature>| !plain || sig.is_none_or(|s| s.may_contain(&term_sig));
    let matches = |texts: &[&str]| {
        !terms.is_empty()
            && terms.iter().all(|t| {
                texts.iter().any(|x| {
                    if plain {
                        x.contains(t.as_str())
                    } else {
                        fold(x).contains(t.as_str())
                    }
                })
            })
    };
    let [node_budget, target_budget, project_budget] = *budget;
    let nodes = plan
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| may(plan.node_sigs.get(*i)))
        .map(|(_, n)| n)
        .filter(|n| matches(&[&n.title, &n.text]))
        .take(node_budget)
        .map(|n| Hit {
            key: n.id.0.clone(),
            node: n.id.0.clone(),
            number: n.number.clone(),
            title: n.title.clone(),
        })
        .collect();
    let targets = plan
        .targets
        .iter()
        .enumerate()
        .filter(|(i, _)| may(plan.target_sigs.get(*i)))
        .map(|(_, t)| t)
        .filter(|t| matches(&[&t.indicator, &t.text]))
        .take(target_budget)
        .map(|t| Hit {
            key: t.id.0.clone(),
            node: t.node.0.clone(),
            number: None,
            title: t.indicator.clone(),
        })
        .collect();
    let projects = plan
        .projects
        .iter()
        .enumerate()
        .filter(|(i, _)| may(plan.project_sigs.get(*i)))
        .map(|(_, p)| p)
        .filter(|p| matches(&[&p.name]))
        .take(project_budget)
        .map(|p| Hit {
            key: p.node.0.clone(),
            node: p.node.0.clone(),
            number: None,
            title: p.name.clone(),
        })
        .collect();
    let group = SearchGroup {
        plan_id,
        title,
        nodes,
        targets,
        projects,
    };
    *budget = [
        node_budget.saturating_sub(group.nodes.len()),
        target_budget.saturating_sub(group.targets.len()),
        project_budget.saturating_sub(group.projects.len()),
    ];
    group
}

/// Width-folded, lower-case text for matching (`（Ｂ型）` finds `(b型)`).
fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}
