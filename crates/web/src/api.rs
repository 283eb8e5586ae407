//! The JSON API under `/api/v1`: the same data as the pages, paginated, errors as
//! `{"error": {"code", "message"}}` with a stable code.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use duban_domain::Node;
use serde::Serialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::{ApiError, AppError};
use crate::view::{self, NodeRow, ProjectRow, TargetRow, UnitRow};

/// The paths served (relative to `/api/v1`), as the OpenAPI document lists them.
pub const PATHS: &[&str] = &[
    "/plans",
    "/plans/{plan}",
    "/plans/{plan}/nodes",
    "/plans/{plan}/nodes/{node}",
    "/plans/{plan}/tasks",
    "/plans/{plan}/units",
    "/plans/{plan}/units/{unit}",
    "/plans/{plan}/targets",
    "/plans/{plan}/targets/{target}",
    "/plans/{plan}/projects",
    "/search",
    "/openapi.json",
];

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans", get(plans))
        .route("/plans/{plan}", get(plan))
        .route("/plans/{plan}/nodes", get(nodes))
        .route("/plans/{plan}/nodes/{node}", get(node))
        .route("/plans/{plan}/tasks", get(tasks))
        .route("/plans/{plan}/units", get(units))
        .route("/plans/{plan}/units/{unit}", get(unit))
        .route("/plans/{plan}/targets", get(targets))
        .route("/plans/{plan}/targets/{target}", get(target))
        .route("/plans/{plan}/projects", get(projects))
        .route("/search", get(search))
        .route("/openapi.json", get(openapi))
        .fallback(|| async { ApiError(AppError::NotFound) })
}

type ApiResult = Result<Json<Value>, ApiError>;

/// `page` (from 1) and `per_page` (1–500, default 50) from the query.
struct Paging {
    page: usize,
    per_page: usize,
}

impl Paging {
    fn from(query: &HashMap<String, String>) -> Result<Self, AppError> {
        let number = |name: &str, default: usize, max: usize| -> Result<usize, AppError> {
            match query.get(name) {
                None => Ok(default),
                Some(v) => v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| {
                        AppError::BadRequest(format!(
                            "参数 {name} 应为 1 到 {max} 之间的整数，实为“{v}”"
                        ))
                    }),
            }
        };
        Ok(Self {
            page: number("page", 1, usize::MAX)?,
            per_page: number("per_page", 50, 500)?,
        })
    }

    fn apply<T: Serialize>(&self, items: Vec<T>) -> Value {
        let total = items.len();
        let skip = (self.page - 1).saturating_mul(self.per_page);
        let items: Vec<T> = items.into_iter().skip(skip).take(self.per_page).collect();
        json!({ "items": items, "page": self.page, "per_page": self.per_page, "total": total })
    }
}

fn plan_id(raw: &str) -> Result<i64, AppError> {
    raw.parse()
        .map_err(|_| AppError::BadRequest(format!("计划编号应为整数，实为“{raw}”")))
}

/// The plan API is the public's: published plans only, without internal items.
async fn load(state: &AppState, raw: &str) -> Result<Arc<crate::cache::Cached>, AppError> {
    let plan = state
        .plan(plan_id(raw)?)
        .await?
        .filter(|p| p.published)
        .ok_or(AppError::NotFound)?;
    Ok(plan.public_view())
}

/// A node as the public sees it: without the people named for it (names, posts and telephone
/// numbers of officials are for the office and the units, as on the pages).
fn public_node(n: &Node) -> Value {
    let mut v = serde_json::to_value(n).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.remove("people");
    }
    v
}

/// The paging asked for and the plan a list comes from.
async fn listing(
    state: &AppState,
    id: &str,
    q: &HashMap<String, String>,
) -> Result<(Paging, Arc<crate::cache::Cached>), AppError> {
    Ok((Paging::from(q)?, load(state, id).await?))
}

async fn plans(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let paging = Paging::from(&q)?;
    let plans: Vec<Value> = state
        .store
        .plans()
        .await?
        .into_iter()
        .filter(|p| p.published_at.is_some())
        .map(|p| {
            json!({
                "id": p.id, "title": p.title, "issuer": p.issuer, "doc_number": p.doc_number,
                "issued_on": p.issued_on, "version": p.version,
                "counts": { "nodes": p.nodes, "tasks": p.tasks, "targets": p.targets, "units": p.units, "projects": p.projects }
            })
        })
        .collect();
    Ok(Json(paging.apply(plans)))
}

async fn plan(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let p = load(&state, &id).await?;
    Ok(Json(json!({
        "id": plan_id(&id)?, "title": p.title, "issuer": p.issuer, "doc_number": p.doc_number, "issued_on": p.issued_on,
        "counts": {
            "nodes": p.nodes.len(), "tasks": p.tasks().count(), "targets": p.targets.len(),
            "units": p.units.len(), "projects": p.projects.len(), "diagnostics": p.diagnostics.len()
        },
        "chapters": view::chapters(&p),
    })))
}

async fn nodes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let (paging, p) = listing(&state, &id, &q).await?;
    Ok(Json(
        paging.apply(p.nodes.iter().map(public_node).collect()),
    ))
}

async fn tasks(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let (paging, p) = listing(&state, &id, &q).await?;
    let tasks: Vec<Value> = p.tasks().map(public_node).collect();
    Ok(Json(paging.apply(tasks)))
}

async fn node(State(state): State<AppState>, Path((id, key)): Path<(String, String)>) -> ApiResult {
    let p = load(&state, &id).await?;
    let n = p
        .nodes
        .iter()
        .find(|n| n.id.0 == key)
        .ok_or(AppError::NotFound)?;
    let children: Vec<NodeRow> = p.children(Some(&n.id)).map(NodeRow::of).collect();
    let projects: Vec<ProjectRow> = view::node_projects(&p, n)
        .into_iter()
        .map(ProjectRow::of)
        .collect();
    Ok(Json(json!({
        "node": public_node(n),
        "children": children,
        "targets": p.targets.iter().filter(|t| t.node == n.id).collect::<Vec<_>>(),
        "projects": projects,
    })))
}

async fn units(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let (paging, p) = listing(&state, &id, &q).await?;
    let rows: Vec<UnitRow> = p.units.iter().map(|u| UnitRow::of(&p, u)).collect();
    Ok(Json(paging.apply(rows)))
}

async fn unit(
    State(state): State<AppState>,
    Path((id, name)): Path<(String, String)>,
) -> ApiResult {
    let p = load(&state, &id).await?;
    // The registry knows spellings the plan does not (乐都区人民政府 → 乐都区政府).
    let registered = state.store.unit(&name).await?;
    let canonical = registered
        .as_ref()
        .map_or(name.as_str(), |r| r.name.as_str());
    let u = p
        .unit(canonical)
        .or_else(|| p.unit(&name))
        .ok_or(AppError::NotFound)?;
    Ok(Json(json!({
        "unit": UnitRow::of(&p, u),
        "adcode": registered.as_ref().and_then(|r| r.adcode.clone()),
        "members": registered.map(|r| r.members).unwrap_or_default(),
        "leads": view::unit_tasks(&p, &u.name, true),
        "assists": view::unit_tasks(&p, &u.name, false),
        "targets": view::unit_targets(&p, &u.name),
    })))
}

async fn targets(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let (paging, p) = listing(&state, &id, &q).await?;
    Ok(Json(paging.apply(p.targets.iter().collect())))
}

async fn target(
    State(state): State<AppState>,
    Path((id, key)): Path<(String, String)>,
) -> ApiResult {
    let p = load(&state, &id).await?;
    let t = p
        .targets
        .iter()
        .find(|t| t.id.0 == key)
        .ok_or(AppError::NotFound)?;
    Ok(Json(json!({ "target": t, "row": TargetRow::of(t) })))
}

async fn projects(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let (paging, p) = listing(&state, &id, &q).await?;
    Ok(Json(paging.apply(p.projects.iter().collect())))
}

async fn search(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let query = q.get("q").map(|s| s.trim()).unwrap_or_default();
    if query.is_empty() {
        return Err(AppError::BadRequest("参数 q（搜索词）不能为空".to_owned()).into());
    }
    let only = match q.get("plan") {
        Some(raw) => Some(plan_id(raw)?),
        None => None,
    };
    let groups = crate::search::search_groups(&state, query, only, true).await?;
    Ok(Json(json!({ "q": query, "results": groups })))
}

async fn openapi() -> Json<Value> {
    Json(crate::openapi::document())
}
