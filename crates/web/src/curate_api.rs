//! The curation and revision API under `/api/v1` (office only): the same edits the pages make,
//! as `duban_domain::curation::Edit` JSON, publication of plans and rounds, and revisions with
//! their diff.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use duban_domain::curation::Edit;
use duban_domain::revision::{Change, ItemKind, Pair};
use duban_store::{EditRecord, RevisionRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{ApiError, AppError};
use crate::supervise_api::{CreatedJson, body_bytes, id_of, json_body};

type ApiResult = Result<Response, ApiError>;

async fn body<T: serde::de::DeserializeOwned>(req: Request) -> Result<T, AppError> {
    json_body(&body_bytes(req, 1 << 20).await?)
}

/// One edit of a plan and why.
#[derive(Deserialize, ToSchema)]
struct EditBody {
    /// The edit (`op` names it).
    edit: Edit,
    /// Why (kept with the edit and in the audit log).
    #[schema(min_length = 1)]
    reason: String,
}

/// A plan's edits, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct EditsJson {
    /// The edits.
    pub edits: Vec<EditRecord>,
}

/// Published.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublishedJson {
    /// Always true.
    pub published: bool,
}

/// A plan's revisions.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionsJson {
    /// The revisions.
    pub revisions: Vec<RevisionRecord>,
}

/// A revision with what approving it does.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionJson {
    /// The revision.
    pub revision: RevisionRecord,
    /// The diff of the plan as served that approving it gives.
    pub changes: Vec<Change>,
    /// The office's edits it supersedes.
    pub superseded: Vec<EditRecord>,
    /// The pairings the office must decide.
    pub uncertain: Vec<Pair>,
}

/// What a decision on a revision did: one of `decided`, `approved` (with `version`) or
/// `rejected`.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct RevisionDecidedJson {
    /// A pairing was decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided: Option<bool>,
    /// The revision was approved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved: Option<bool>,
    /// The version it became.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// The revision was rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected: Option<bool>,
}

/// `GET /api/v1/plans/{plan}/edits`: the office's edits, oldest first.
#[utoipa::path(get, path = "/plans/{plan}/edits", tag = "curation",
    summary = "计划校对记录（谁、何时、为何）/ the office's edits of a plan",
    params(crate::api::PlanParam),
    responses((status = 200, description = "The edits", body = EditsJson)))]
pub async fn edits(State(state): State<AppState>, Path(raw): Path<String>) -> ApiResult {
    let id = id_of(&raw)?;
    state
        .plan(id)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?;
    let edits = state.store.plan_edits(id).await.map_err(AppError::from)?;
    Ok(Json(EditsJson { edits }).into_response())
}

/// `POST /api/v1/plans/{plan}/edits`: `{"edit": {"op": …}, "reason": "…"}`.
#[utoipa::path(post, path = "/plans/{plan}/edits", tag = "curation",
    summary = "校对计划：一项修改及理由 / one edit of the plan, with its reason",
    params(crate::api::PlanParam),
    request_body = EditBody,
    responses((status = 201, description = "Stored", body = CreatedJson)))]
pub async fn post_edit(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(raw): Path<String>,
    req: Request,
) -> ApiResult {
    let id = id_of(&raw)?;
    let b: EditBody = body(req).await?;
    let edit_id = state
        .store
        .edit_plan(&viewer.actor(), id, &b.edit, &b.reason)
        .await
        .map_err(AppError::from)?;
    Ok((StatusCode::CREATED, Json(CreatedJson { id: edit_id })).into_response())
}

/// `POST /api/v1/plans/{plan}/publish`.
#[utoipa::path(post, path = "/plans/{plan}/publish", tag = "curation",
    summary = "确认并发布计划 / publish a plan for supervision",
    params(crate::api::PlanParam),
    responses((status = 200, description = "Published", body = PublishedJson)))]
pub async fn publish(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> ApiResult {
    state
        .store
        .publish_plan(&viewer.actor(), id_of(&raw)?)
        .await
        .map_err(AppError::from)?;
    Ok(Json(PublishedJson { published: true }).into_response())
}

/// `GET /api/v1/plans/{plan}/revisions`.
#[utoipa::path(get, path = "/plans/{plan}/revisions", tag = "curation",
    summary = "计划修订（动态调整）/ a plan's revisions",
    params(crate::api::PlanParam),
    responses((status = 200, description = "The revisions", body = RevisionsJson)))]
pub async fn revisions(State(state): State<AppState>, Path(raw): Path<String>) -> ApiResult {
    let revisions = state
        .store
        .revisions(id_of(&raw)?)
        .await
        .map_err(AppError::from)?;
    Ok(Json(RevisionsJson { revisions }).into_response())
}

/// `GET /api/v1/plans/{plan}/revisions/{revision}`: the revision, the diff of the plan as served
/// that approving it gives, the office's edits it supersedes, and the pairings to decide.
#[utoipa::path(get, path = "/plans/{plan}/revisions/{revision}", tag = "curation",
    summary = "修订及其差异、待确认匹配 / a revision, its diff, the pairings to decide",
    params(crate::api::PlanParam, ("revision" = i64, Path, example = 1)),
    responses((status = 200, description = "The revision", body = RevisionJson)))]
pub async fn revision(
    State(state): State<AppState>,
    Path((raw, rev)): Path<(String, String)>,
) -> ApiResult {
    let id = id_of(&raw)?;
    let p = state
        .store
        .revision_preview(id_of(&rev)?)
        .await
        .map_err(AppError::from)?
        .filter(|p| p.revision.plan_id == id)
        .ok_or(AppError::NotFound)?;
    let uncertain: Vec<_> = p.revision.matching.uncertain().cloned().collect();
    Ok(Json(RevisionJson {
        revision: p.revision,
        changes: p.changes,
        superseded: p.superseded,
        uncertain,
    })
    .into_response())
}

/// A decision on a revision.
#[derive(Deserialize, ToSchema)]
struct Decision {
    /// `match` (decide a pairing), `approve` or `reject`.
    #[schema(example = "approve")]
    action: String,
    /// The version check read with the revision.
    row_version: i64,
    /// Why (approve, reject).
    #[serde(default)]
    reason: String,
    /// What a pairing pairs (match).
    #[serde(default)]
    kind: Option<ItemKind>,
    /// The new document's key (match).
    #[serde(default)]
    new: Option<String>,
    /// The key it continues (match; null: a new item).
    #[serde(default)]
    old: Option<String>,
}

/// `POST /api/v1/plans/{plan}/revisions/{revision}`: `{"action": "match"|"approve"|"reject",
/// "row_version": n, …}`.
#[utoipa::path(post, path = "/plans/{plan}/revisions/{revision}", tag = "curation",
    summary = "确认匹配、批准或退回修订 / decide a pairing, approve or reject a revision",
    params(crate::api::PlanParam, ("revision" = i64, Path, example = 1)),
    request_body = Decision,
    responses((status = 200, description = "Decided", body = RevisionDecidedJson)))]
pub async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((raw, rev)): Path<(String, String)>,
    req: Request,
) -> ApiResult {
    let id = id_of(&raw)?;
    let rev_id = id_of(&rev)?;
    state
        .store
        .revision(rev_id)
        .await
        .map_err(AppError::from)?
        .filter(|r| r.plan_id == id)
        .ok_or(AppError::NotFound)?;
    let d: Decision = body(req).await?;
    let actor = viewer.actor();
    let store = &state.store;
    let result = match d.action.as_str() {
        "match" => {
            let (Some(kind), Some(new)) = (d.kind, d.new.as_deref()) else {
                return Err(AppError::BadRequest("match 需要 kind 与 new".to_owned()).into());
            };
            store
                .decide_revision_match(&actor, rev_id, d.row_version, kind, new, d.old.as_deref())
                .await
                .map(|()| RevisionDecidedJson {
                    decided: Some(true),
                    ..RevisionDecidedJson::default()
                })
        }
        "approve" => store
            .approve_revision(&actor, rev_id, d.row_version, &d.reason)
            .await
            .map(|version| RevisionDecidedJson {
                approved: Some(true),
                version: Some(version),
                ..RevisionDecidedJson::default()
            }),
        "reject" => store
            .reject_revision(&actor, rev_id, d.row_version, &d.reason)
            .await
            .map(|()| RevisionDecidedJson {
                rejected: Some(true),
                ..RevisionDecidedJson::default()
            }),
        other => return Err(AppError::BadRequest(format!("未知操作“{other}”")).into()),
    };
    Ok(Json(result.map_err(AppError::from)?).into_response())
}

/// `POST /api/v1/rounds/{round}/publish`.
#[utoipa::path(post, path = "/rounds/{round}/publish", tag = "curation",
    summary = "发布调度结果（公众可见）/ publish a round's results to the public",
    params(("round" = i64, Path, example = 1)),
    responses((status = 200, description = "Published", body = PublishedJson)))]
pub async fn publish_round(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> ApiResult {
    state
        .store
        .publish_round(&viewer.actor(), id_of(&raw)?)
        .await
        .map_err(AppError::from)?;
    Ok(Json(PublishedJson { published: true }).into_response())
}
