//! The curation and revision API under `/api/v1` (office only): the same edits the pages make,
//! as `duban_domain::curation::Edit` JSON, publication of plans and rounds, and revisions with
//! their diff.

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use duban_domain::curation::Edit;
use duban_domain::revision::ItemKind;
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{ApiError, AppError};

type ApiResult = Result<Response, ApiError>;

fn id_of(raw: &str) -> Result<i64, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

async fn body<T: serde::de::DeserializeOwned>(req: Request) -> Result<T, AppError> {
    let bytes = axum::body::to_bytes(req.into_body(), 1 << 20)
        .await
        .map_err(|_| AppError::TooLarge("请求体过大".to_owned()))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| AppError::BadRequest(format!("请求体不是有效的 JSON：{e}")))
}

#[derive(Deserialize)]
struct EditBody {
    edit: Edit,
    reason: String,
}

/// `GET /api/v1/plans/{plan}/edits`: the office's edits, oldest first.
pub async fn edits(State(state): State<AppState>, Path(raw): Path<String>) -> ApiResult {
    let id = id_of(&raw)?;
    state
        .plan(id)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?;
    let edits = state.store.plan_edits(id).await.map_err(AppError::from)?;
    Ok(Json(json!({ "edits": edits })).into_response())
}

/// `POST /api/v1/plans/{plan}/edits`: `{"edit": {"op": …}, "reason": "…"}`.
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
    Ok((StatusCode::CREATED, Json(json!({ "id": edit_id }))).into_response())
}

/// `POST /api/v1/plans/{plan}/publish`.
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
    Ok(Json(json!({ "published": true })).into_response())
}

/// `GET /api/v1/plans/{plan}/revisions`.
pub async fn revisions(State(state): State<AppState>, Path(raw): Path<String>) -> ApiResult {
    let revisions = state
        .store
        .revisions(id_of(&raw)?)
        .await
        .map_err(AppError::from)?;
    Ok(Json(json!({ "revisions": revisions })).into_response())
}

/// `GET /api/v1/plans/{plan}/revisions/{revision}`: the revision, the diff of the plan as served
/// that approving it gives, the office's edits it supersedes, and the pairings to decide.
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
    Ok(Json(json!({
        "revision": p.revision, "changes": p.changes, "superseded": p.superseded, "uncertain": uncertain
    }))
    .into_response())
}

#[derive(Deserialize)]
struct Decision {
    action: String,
    row_version: i64,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    kind: Option<ItemKind>,
    #[serde(default)]
    new: Option<String>,
    #[serde(default)]
    old: Option<String>,
}

/// `POST /api/v1/plans/{plan}/revisions/{revision}`: `{"action": "match"|"approve"|"reject",
/// "row_version": n, …}`.
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
                .map(|()| json!({ "decided": true }))
        }
        "approve" => store
            .approve_revision(&actor, rev_id, d.row_version, &d.reason)
            .await
            .map(|version| json!({ "approved": true, "version": version })),
        "reject" => store
            .reject_revision(&actor, rev_id, d.row_version, &d.reason)
            .await
            .map(|()| json!({ "rejected": true })),
        other => return Err(AppError::BadRequest(format!("未知操作“{other}”")).into()),
    };
    Ok(Json(result.map_err(AppError::from)?).into_response())
}

/// `POST /api/v1/rounds/{round}/publish`.
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
    Ok(Json(json!({ "published": true })).into_response())
}
