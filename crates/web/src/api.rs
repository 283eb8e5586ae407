//! The JSON API under `/api/v1`: the same data as the pages, paginated, errors as
//! `{"error": {"code", "message"}}` with a stable code.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use duban_domain::{Node, Project, Target};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiError, AppError};
use crate::search::SearchGroup;
use crate::view::{self, NodeRow, ProjectRow, TargetRow, UnitRow};

/// The paths served (relative to `/api/v1`): the router below and the OpenAPI document's
/// `paths` attribute name the same handlers; a test checks they agree.
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

type ApiResult<T> = Result<Json<T>, ApiError>;

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageJson<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The page (from 1).
    pub page: usize,
    /// Items per page.
    pub per_page: usize,
    /// Items in all pages.
    pub total: usize,
}

/// A plan in the list of published plans.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanSummaryJson {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Issuing body.
    pub issuer: Option<String>,
    /// Document number.
    pub doc_number: Option<String>,
    /// Date of issue, `YYYY-MM-DD`.
    pub issued_on: Option<String>,
    /// The current version.
    pub version: i64,
    /// What it holds.
    pub counts: PlanCountsJson,
}

/// How many items a plan holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanCountsJson {
    /// Nodes.
    pub nodes: i64,
    /// Tasks (nodes with responsible units).
    pub tasks: i64,
    /// Targets.
    pub targets: i64,
    /// Units.
    pub units: i64,
    /// Projects.
    pub projects: i64,
    /// The importer's findings (a plan's overview only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<i64>,
}

/// A plan's overview.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanJson {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Issuing body.
    pub issuer: Option<String>,
    /// Document number.
    pub doc_number: Option<String>,
    /// Date of issue, `YYYY-MM-DD`.
    pub issued_on: Option<String>,
    /// What it holds.
    pub counts: PlanCountsJson,
    /// The top-level nodes.
    pub chapters: Vec<NodeRow>,
}

/// A node with what hangs from it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NodeDetailJson {
    /// The node (without the people named for it).
    #[schema(value_type = Node)]
    pub node: Value,
    /// Its children.
    pub children: Vec<NodeRow>,
    /// Its targets.
    pub targets: Vec<Target>,
    /// Its projects.
    pub projects: Vec<ProjectRow>,
}

/// A unit with its tasks and targets.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDetailJson {
    /// The unit.
    pub unit: UnitRow,
    /// Its GB/T 2260 code, if a county-level government.
    pub adcode: Option<String>,
    /// A group's members.
    pub members: Vec<String>,
    /// Tasks it leads.
    pub leads: Vec<NodeRow>,
    /// Tasks it assists or carries out.
    pub assists: Vec<NodeRow>,
    /// Targets of the tasks it leads.
    pub targets: Vec<TargetRow>,
}

/// A target and its row.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetDetailJson {
    /// The target.
    pub target: Target,
    /// As listed.
    pub row: TargetRow,
}

/// Search results, by plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchJson {
    /// The query, trimmed.
    pub q: String,
    /// Hits by plan.
    pub results: Vec<SearchGroup>,
}

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

    fn apply<T>(&self, items: Vec<T>) -> Json<PageJson<T>> {
        let total = items.len();
        let skip = (self.page - 1).saturating_mul(self.per_page);
        let items: Vec<T> = items.into_iter().skip(skip).take(self.per_page).collect();
        Json(PageJson {
            items,
            page: self.page,
            per_page: self.per_page,
            total,
        })
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

/// `GET /api/v1/plans`: the published plans.
#[utoipa::path(get, path = "/plans", tag = "plans",
    summary = "计划列表 / published plans with counts",
    params(Page),
    responses((status = 200, description = "A page of plans", body = PageJson<PlanSummaryJson>)))]
pub(crate) async fn plans(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<PageJson<PlanSummaryJson>> {
    let paging = Paging::from(&q)?;
    let plans: Vec<PlanSummaryJson> = state
        .store
        .plans()
        .await?
        .into_iter()
        .filter(|p| p.published_at.is_some())
        .map(|p| PlanSummaryJson {
            id: p.id,
            title: p.title,
            issuer: p.issuer,
            doc_number: p.doc_number,
            issued_on: p.issued_on,
            version: p.version,
            counts: PlanCountsJson {
                nodes: p.nodes,
                tasks: p.tasks,
                targets: p.targets,
                units: p.units,
                projects: p.projects,
                diagnostics: None,
            },
        })
        .collect();
    Ok(paging.apply(plans))
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// `GET /api/v1/plans/{plan}`: a plan's overview.
#[utoipa::path(get, path = "/plans/{plan}", tag = "plans",
    summary = "计划概览 / plan overview with chapters",
    params(PlanParam),
    responses((status = 200, description = "The plan", body = PlanJson)))]
pub(crate) async fn plan(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<PlanJson> {
    let p = load(&state, &id).await?;
    Ok(Json(PlanJson {
        id: plan_id(&id)?,
        title: p.title.clone(),
        issuer: p.issuer.clone(),
        doc_number: p.doc_number.clone(),
        issued_on: p.issued_on.clone(),
        counts: PlanCountsJson {
            nodes: count(p.nodes.len()),
            tasks: count(p.tasks().count()),
            targets: count(p.targets.len()),
            units: count(p.units.len()),
            projects: count(p.projects.len()),
            diagnostics: Some(count(p.diagnostics.len())),
        },
        chapters: view::chapters(&p),
    }))
}

/// `GET /api/v1/plans/{plan}/nodes`: every node, in document order.
#[utoipa::path(get, path = "/plans/{plan}/nodes", tag = "plans",
    summary = "全部条目 / all nodes (duban.plan/1 nodes, without the people named)",
    params(PlanParam, Page),
    responses((status = 200, description = "A page of nodes", body = PageJson<Node>)))]
pub(crate) async fn nodes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<PageJson<Value>> {
    let (paging, p) = listing(&state, &id, &q).await?;
    Ok(paging.apply(p.nodes.iter().map(public_node).collect()))
}

/// `GET /api/v1/plans/{plan}/tasks`: the nodes with responsible units.
#[utoipa::path(get, path = "/plans/{plan}/tasks", tag = "plans",
    summary = "任务 / nodes with responsible units",
    params(PlanParam, Page),
    responses((status = 200, description = "A page of tasks", body = PageJson<Node>)))]
pub(crate) async fn tasks(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<PageJson<Value>> {
    let (paging, p) = listing(&state, &id, &q).await?;
    Ok(paging.apply(p.tasks().map(public_node).collect()))
}

/// `GET /api/v1/plans/{plan}/nodes/{node}`: a node with children, targets, projects.
#[utoipa::path(get, path = "/plans/{plan}/nodes/{node}", tag = "plans",
    summary = "条目 / a node with children, targets, projects",
    params(PlanParam, ("node" = String, Path, description = "dotted id, e.g. 2.1.3", example = "2.1")),
    responses((status = 200, description = "The node", body = NodeDetailJson)))]
pub(crate) async fn node(
    State(state): State<AppState>,
    Path((id, key)): Path<(String, String)>,
) -> ApiResult<NodeDetailJson> {
    let p = load(&state, &id).await?;
    let n = p
        .nodes
        .iter()
        .find(|n| n.id.0 == key)
        .ok_or(AppError::NotFound)?;
    Ok(Json(NodeDetailJson {
        node: public_node(n),
        children: p.children(Some(&n.id)).map(NodeRow::of).collect(),
        targets: p
            .targets
            .iter()
            .filter(|t| t.node == n.id)
            .cloned()
            .collect(),
        projects: view::node_projects(&p, n)
            .into_iter()
            .map(ProjectRow::of)
            .collect(),
    }))
}

/// `GET /api/v1/plans/{plan}/units`: units with their task counts.
#[utoipa::path(get, path = "/plans/{plan}/units", tag = "plans",
    summary = "单位 / units with task counts",
    params(PlanParam, Page),
    responses((status = 200, description = "A page of units", body = PageJson<UnitRow>)))]
pub(crate) async fn units(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<PageJson<UnitRow>> {
    let (paging, p) = listing(&state, &id, &q).await?;
    let rows: Vec<UnitRow> = p.units.iter().map(|u| UnitRow::of(&p, u)).collect();
    Ok(paging.apply(rows))
}

/// `GET /api/v1/plans/{plan}/units/{unit}`: a unit's tasks and targets.
#[utoipa::path(get, path = "/plans/{plan}/units/{unit}", tag = "plans",
    summary = "单位 / a unit's tasks and targets",
    params(PlanParam, ("unit" = String, Path, description = "name or alias", example = "市水务局")),
    responses((status = 200, description = "The unit", body = UnitDetailJson)))]
pub(crate) async fn unit(
    State(state): State<AppState>,
    Path((id, name)): Path<(String, String)>,
) -> ApiResult<UnitDetailJson> {
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
    Ok(Json(UnitDetailJson {
        unit: UnitRow::of(&p, u),
        adcode: registered.as_ref().and_then(|r| r.adcode.clone()),
        members: registered.map(|r| r.members).unwrap_or_default(),
        leads: view::unit_tasks(&p, &u.name, true),
        assists: view::unit_tasks(&p, &u.name, false),
        targets: view::unit_targets(&p, &u.name),
    }))
}

/// `GET /api/v1/plans/{plan}/targets`.
#[utoipa::path(get, path = "/plans/{plan}/targets", tag = "plans",
    summary = "目标 / targets",
    params(PlanParam, Page),
    responses((status = 200, description = "A page of targets", body = PageJson<Target>)))]
pub(crate) async fn targets(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<PageJson<Target>> {
    let (paging, p) = listing(&state, &id, &q).await?;
    Ok(paging.apply(p.targets.clone()))
}

/// `GET /api/v1/plans/{plan}/targets/{target}`.
#[utoipa::path(get, path = "/plans/{plan}/targets/{target}", tag = "plans",
    summary = "目标 / a target",
    params(PlanParam, ("target" = String, Path, description = "key, e.g. t12", example = "t3")),
    responses((status = 200, description = "The target", body = TargetDetailJson)))]
pub(crate) async fn target(
    State(state): State<AppState>,
    Path((id, key)): Path<(String, String)>,
) -> ApiResult<TargetDetailJson> {
    let p = load(&state, &id).await?;
    let t = p
        .targets
        .iter()
        .find(|t| t.id.0 == key)
        .ok_or(AppError::NotFound)?;
    Ok(Json(TargetDetailJson {
        target: t.clone(),
        row: TargetRow::of(t),
    }))
}

/// `GET /api/v1/plans/{plan}/projects`.
#[utoipa::path(get, path = "/plans/{plan}/projects", tag = "plans",
    summary = "项目 / projects",
    params(PlanParam, Page),
    responses((status = 200, description = "A page of projects", body = PageJson<Project>)))]
pub(crate) async fn projects(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<PageJson<Project>> {
    let (paging, p) = listing(&state, &id, &q).await?;
    Ok(paging.apply(p.projects.clone()))
}

/// `GET /api/v1/search?q=&plan=`.
#[utoipa::path(get, path = "/search", tag = "plans",
    summary = "搜索 / search tasks, targets, projects",
    params(
        ("q" = String, Query, description = "every term must occur", min_length = 1, example = "水"),
        ("plan" = Option<i64>, Query, description = "one plan only"),
    ),
    responses((status = 200, description = "Hits by plan", body = SearchJson)))]
pub(crate) async fn search(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<SearchJson> {
    let query = q.get("q").map(|s| s.trim()).unwrap_or_default();
    if query.is_empty() {
        return Err(AppError::BadRequest("参数 q（搜索词）不能为空".to_owned()).into());
    }
    let only = match q.get("plan") {
        Some(raw) => Some(plan_id(raw)?),
        None => None,
    };
    let results = crate::search::search_groups(&state, query, only, true).await?;
    Ok(Json(SearchJson {
        q: query.to_owned(),
        results,
    }))
}

/// `GET /api/v1/openapi.json`: this API's OpenAPI document.
#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    summary = "本文档 / this document (OpenAPI 3.1)",
    responses((status = 200, description = "The OpenAPI document", body = Object)))]
pub(crate) async fn openapi() -> Json<&'static Value> {
    Json(crate::openapi::document())
}

/// The `plan` path parameter.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct PlanParam {
    /// 计划编号 / plan id.
    #[param(example = 1)]
    #[allow(dead_code)]
    plan: i64,
}

/// `page` and `per_page`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Page {
    /// The page, from 1.
    #[param(minimum = 1, default = 1)]
    #[allow(dead_code)]
    page: Option<u64>,
    /// Items per page.
    #[param(minimum = 1, maximum = 500, default = 50)]
    #[allow(dead_code)]
    per_page: Option<u64>,
}
