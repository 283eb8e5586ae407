//! The supervision API under `/api/v1`: everything the pages do, with the same checks (the
//! route guard's access class, then ownership of the report named). Token or session
//! authenticated; a session's writes carry its CSRF token in `X-CSRF-Token` (from `/me`).

use std::collections::HashMap;

use axum::Json;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use duban_domain::Target;
use duban_domain::supervision::{
    Access, AccountRole, Baseline, Date, Milestone, StatusMethod, decompose, target_status,
};
use duban_store::{Decision, NewObservation, ReportBody, ReportFilter, ReportStatus, Submission};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::Viewer;
use crate::error::{ApiError, AppError};
use crate::report_form::{self, FieldErrors};
use crate::reports::{authorised, context_of, read_upload, store_files};
use crate::{AppState, Lang};

type ApiResult = Result<Response, ApiError>;

fn ok(value: Value) -> ApiResult {
    Ok(Json(value).into_response())
}

fn invalid(message: &str, fields: &FieldErrors) -> Response {
    let body = json!({ "error": { "code": "invalid", "message": message, "fields": fields } });
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

fn json_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    serde_json::from_slice(bytes)
        .map_err(|e| AppError::BadRequest(format!("请求体不是有效的 JSON：{e}")))
}

async fn body_bytes(req: Request, limit: usize) -> Result<axum::body::Bytes, AppError> {
    axum::body::to_bytes(req.into_body(), limit)
        .await
        .map_err(|_| AppError::TooLarge("请求体过大".to_owned()))
}

fn paging(q: &HashMap<String, String>) -> Result<(i64, i64), AppError> {
    let get = |k: &str, default: i64, max: i64| -> Result<i64, AppError> {
        match q.get(k) {
            None => Ok(default),
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    AppError::BadRequest(format!("参数 {k} 应为 1 到 {max} 之间的整数，实为“{v}”"))
                }),
        }
    };
    Ok((get("page", 1, i64::MAX / 1000)?, get("per_page", 50, 500)?))
}

/// `GET /api/v1/me`: the account, and the CSRF token a session's writes carry.
pub async fn me(viewer: Viewer) -> ApiResult {
    let user = viewer.user.as_ref().ok_or(AppError::Unauthorized)?;
    ok(
        json!({ "user": user, "csrf_token": viewer.csrf, "authenticated_by": format!("{:?}", viewer.via).to_lowercase() }),
    )
}

fn reporter_unit(viewer: &Viewer) -> Option<i64> {
    (viewer.role() == Some(AccountRole::Reporter)).then(|| viewer.unit().unwrap_or(-1))
}

/// `GET /api/v1/rounds`.
pub async fn rounds(State(state): State<AppState>, viewer: Viewer) -> ApiResult {
    let rounds = state
        .store
        .rounds(None, reporter_unit(&viewer))
        .await
        .map_err(AppError::from)?;
    ok(json!({ "items": rounds }))
}

#[derive(Deserialize)]
struct RoundBody {
    plan_id: i64,
    title: String,
    cadence: String,
    period_start: String,
    period_end: String,
    due_on: String,
    scope: duban_store::RoundScope,
}

/// `POST /api/v1/rounds`.
pub async fn open_round(State(state): State<AppState>, viewer: Viewer, req: Request) -> ApiResult {
    let b: RoundBody = json_body(&body_bytes(req, 1 << 20).await?)?;
    let mut form: HashMap<String, String> = [
        ("title", b.title),
        ("cadence", b.cadence),
        ("period_start", b.period_start),
        ("period_end", b.period_end),
        ("due_on", b.due_on),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let scope = match &b.scope {
        duban_store::RoundScope::All => format!("{}|all", b.plan_id),
        duban_store::RoundScope::Under(k) => format!("{}|under|{k}", b.plan_id),
        duban_store::RoundScope::Unit(n) => format!("{}|unit|{n}", b.plan_id),
    };
    form.insert("scope".into(), scope);
    let round = match crate::rounds::parse_round(&form, Lang::Zh) {
        Ok(r) => r,
        Err(errors) => return Ok(invalid("调度信息有误", &errors)),
    };
    let id = state
        .store
        .open_round(&viewer.actor(), &round)
        .await
        .map_err(AppError::from)?;
    let round = state.store.round(id).await.map_err(AppError::from)?;
    Ok((StatusCode::CREATED, Json(json!({ "round": round }))).into_response())
}

fn id_of(raw: &str) -> Result<i64, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// `GET /api/v1/rounds/{round}`: the round and its reports (a unit's own).
pub async fn round(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> ApiResult {
    let id = id_of(&raw)?;
    let round = state
        .store
        .round(id)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?;
    let filter = ReportFilter {
        round_id: Some(id),
        unit_id: reporter_unit(&viewer),
        limit: 1000,
        ..ReportFilter::default()
    };
    let reports = state.store.reports(&filter).await.map_err(AppError::from)?;
    ok(json!({ "round": round, "reports": reports }))
}

/// `POST /api/v1/rounds/{round}/close`.
pub async fn close_round(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> ApiResult {
    state
        .store
        .close_round(&viewer.actor(), id_of(&raw)?)
        .await
        .map_err(AppError::from)?;
    ok(json!({ "closed": true }))
}

/// `GET /api/v1/reports?round=&status=&unit=&page=&per_page=`.
pub async fn reports(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let (page, per_page) = paging(&q)?;
    let int = |k: &str| -> Result<Option<i64>, AppError> {
        q.get(k)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| AppError::BadRequest(format!("参数 {k} 应为整数，实为“{v}”")))
            })
            .transpose()
    };
    let status = match q.get("status") {
        None => None,
        Some(s) => Some(ReportStatus::parse(s).ok_or_else(|| {
            AppError::BadRequest(format!(
                "参数 status 应为 draft、submitted、returned 或 approved，实为“{s}”"
            ))
        })?),
    };
    let unit = reporter_unit(&viewer).map(Some).unwrap_or(int("unit")?);
    let filter = ReportFilter {
        round_id: int("round")?,
        unit_id: unit,
        status,
        offset: (page - 1) * per_page,
        limit: per_page,
    };
    let items = state.store.reports(&filter).await.map_err(AppError::from)?;
    let total = state
        .store
        .count_reports(&filter)
        .await
        .map_err(AppError::from)?;
    ok(json!({ "items": items, "page": page, "per_page": per_page, "total": total }))
}

/// `GET /api/v1/reports/{report}`.
pub async fn report(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> ApiResult {
    let (row, _) = authorised(&state, &viewer, &raw, Access::ReportRead).await?;
    let detail = state
        .store
        .report(row.id)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?;
    ok(json!({ "report": detail }))
}

#[derive(Deserialize)]
struct DraftBody {
    row_version: i64,
    body: ReportBody,
}

fn checked(
    body: &ReportBody,
    targets: &[Target],
    period: (Date, Date),
    submitting: bool,
) -> FieldErrors {
    let refs: Vec<&Target> = targets.iter().collect();
    let mut errors = FieldErrors::new();
    report_form::validate(body, &refs, period, submitting, Lang::Zh, &mut errors);
    errors
}

/// `PUT /api/v1/reports/{report}/draft`.
pub async fn save_draft(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(raw): Path<String>,
    req: Request,
) -> ApiResult {
    let (row, _) = authorised(&state, &viewer, &raw, Access::ReportWrite).await?;
    let d: DraftBody = json_body(&body_bytes(req, 1 << 20).await?)?;
    let (targets, period) = context_of(&state, &row).await?;
    let errors = checked(&d.body, &targets, period, false);
    if !errors.is_empty() {
        return Ok(invalid("草稿有误，未保存", &errors));
    }
    let row_version = state
        .store
        .save_draft(&viewer.actor(), row.id, d.row_version, &d.body)
        .await
        .map_err(AppError::from)?;
    ok(json!({ "row_version": row_version }))
}

#[derive(Deserialize)]
struct SubmitBody {
    row_version: i64,
    #[serde(default)]
    submission_key: Option<String>,
    body: ReportBody,
}

/// `POST /api/v1/reports/{report}/submit`: JSON, or multipart with a `report` JSON part and
/// `evidence` files. The submission key (field or `Idempotency-Key` header) makes a retry
/// return the first result.
pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(raw): Path<String>,
    req: Request,
) -> ApiResult {
    let (row, _) = authorised(&state, &viewer, &raw, Access::ReportWrite).await?;
    let header_key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("multipart/form-data"));
    let (s, files) = if multipart {
        let form = Multipart::from_request(req, &state)
            .await
            .map_err(|e| AppError::BadRequest(format!("表单数据无法读取：{e}")))?;
        let up = read_upload(form, "evidence", state.config.max_file_bytes).await?;
        if !up.file_errors.is_empty() {
            return Ok(invalid(
                "佐证材料有误，未报送",
                &FieldErrors::from([("evidence".to_owned(), up.file_errors.join("；"))]),
            ));
        }
        let part = up
            .fields
            .get("report")
            .ok_or_else(|| AppError::BadRequest("缺少 report 字段（JSON）".to_owned()))?;
        (json_body::<SubmitBody>(part.as_bytes())?, up.files)
    } else {
        (
            json_body::<SubmitBody>(&body_bytes(req, 1 << 20).await?)?,
            Vec::new(),
        )
    };
    let key = s.submission_key.or(header_key).ok_or_else(|| {
        AppError::BadRequest("缺少提交编号（submission_key 或 Idempotency-Key）".to_owned())
    })?;
    let (targets, period) = context_of(&state, &row).await?;
    let mut errors = checked(&s.body, &targets, period, true);
    let refs: Vec<&Target> = targets.iter().collect();
    report_form::milestone_evidence(&s.body, &refs, files.len(), Lang::Zh, &mut errors);
    if !errors.is_empty() {
        return Ok(invalid("报告有误，未报送", &errors));
    }
    let evidence = match store_files(&state, &files) {
        Ok(e) => e,
        Err(m) => {
            return Ok(invalid(
                "佐证材料有误，未报送",
                &FieldErrors::from([("evidence".to_owned(), m.join("；"))]),
            ));
        }
    };
    let done = state
        .store
        .submit_report(
            &viewer.actor(),
            row.id,
            s.row_version,
            &Submission {
                key,
                body: s.body,
                evidence,
            },
        )
        .await
        .map_err(AppError::from)?;
    let status = if done.replay {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(json!({ "submitted": done }))).into_response())
}

#[derive(Deserialize)]
struct ReviewBody {
    row_version: i64,
    decision: Decision,
    #[serde(default)]
    comment: String,
}

/// `POST /api/v1/reports/{report}/review`.
pub async fn review(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(raw): Path<String>,
    req: Request,
) -> ApiResult {
    let (row, _) = authorised(&state, &viewer, &raw, Access::ReportRead).await?;
    let r: ReviewBody = json_body(&body_bytes(req, 1 << 20).await?)?;
    let row_version = state
        .store
        .review_report(
            &viewer.actor(),
            row.id,
            r.row_version,
            r.decision,
            &r.comment,
        )
        .await
        .map_err(AppError::from)?;
    ok(
        json!({ "row_version": row_version, "status": ReportStatus::Submitted.review(r.decision).unwrap_or(ReportStatus::Submitted) }),
    )
}

async fn plan_of(
    state: &AppState,
    raw: &str,
) -> Result<(i64, std::sync::Arc<crate::cache::Cached>), AppError> {
    let id: i64 = raw
        .parse()
        .map_err(|_| AppError::BadRequest(format!("计划编号应为整数，实为“{raw}”")))?;
    Ok((id, state.plan(id).await?.ok_or(AppError::NotFound)?))
}

/// `GET /api/v1/plans/{plan}/status`.
pub async fn status(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> ApiResult {
    let (id, plan, public) = plan_for(&state, &viewer, &raw).await?;
    let d = crate::dashboard::dashboard(&state, id, &plan, public).await?;
    let mut value = serde_json::to_value(&d.status).unwrap_or_default();
    if public {
        // Rankings of units and counties are internal assessments.
        if let Some(o) = value.as_object_mut() {
            o.remove("units");
            o.remove("counties");
            let round = state
                .store
                .published_cutoff(id)
                .await
                .map_err(AppError::from)?;
            o.insert("published_round".into(), json!(round.map(|(_, t)| t)));
        }
    }
    ok(value)
}

/// The plan as the caller may see it, and whether as the public: nobody signed in sees
/// published plans only, without internal items.
async fn plan_for(
    state: &AppState,
    viewer: &Viewer,
    raw: &str,
) -> Result<(i64, std::sync::Arc<crate::cache::Cached>, bool), AppError> {
    let (id, plan) = plan_of(state, raw).await?;
    if viewer.user.is_some() {
        return Ok((id, plan, false));
    }
    if !plan.published {
        return Err(AppError::NotFound);
    }
    Ok((id, plan.public_view(), true))
}

/// `GET /api/v1/plans/{plan}/targets/{target}/milestones`: baseline, milestones (saved or
/// linear), and the status they give.
pub async fn milestones(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((raw, key)): Path<(String, String)>,
) -> ApiResult {
    let (id, plan, public) = plan_for(&state, &viewer, &raw).await?;
    let target = plan
        .targets
        .iter()
        .find(|t| t.id.0 == key)
        .ok_or(AppError::NotFound)?;
    let settings = state
        .store
        .target_settings(id, &key)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?;
    let (facts, _) = crate::dashboard::facts_for(&state, id, public).await?;
    let method = StatusMethod::parse(&facts.method).unwrap_or_default();
    let status = target_status(
        &plan,
        target,
        &facts,
        method,
        duban_domain::supervision::Date::from_unix(
            duban_store::now(),
            state.config.utc_offset_hours,
        ),
    );
    let (used, assessment) = (status.milestones, status.assessment);
    ok(
        json!({ "target": target, "settings": settings, "milestones": used, "method": method, "assessment": assessment }),
    )
}

#[derive(Deserialize)]
struct MilestonesBody {
    row_version: i64,
    baseline: Option<Baseline>,
    /// Absent: linear from the baseline.
    milestones: Option<Vec<Milestone>>,
}

/// `PUT /api/v1/plans/{plan}/targets/{target}/milestones`.
pub async fn set_milestones(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((raw, key)): Path<(String, String)>,
    req: Request,
) -> ApiResult {
    let (id, plan) = plan_of(&state, &raw).await?;
    let target = plan
        .targets
        .iter()
        .find(|t| t.id.0 == key)
        .ok_or(AppError::NotFound)?;
    let b: MilestonesBody = json_body(&body_bytes(req, 1 << 20).await?)?;
    let (ms, origin) = match b.milestones {
        Some(m) => (m, "office"),
        None => (
            decompose(target, b.baseline, plan.operative_horizon()),
            "linear",
        ),
    };
    let row_version = state
        .store
        .save_target_settings(
            &viewer.actor(),
            id,
            &key,
            b.row_version,
            b.baseline,
            &ms,
            origin,
        )
        .await
        .map_err(AppError::from)?;
    ok(json!({ "row_version": row_version, "milestones": ms, "origin": origin }))
}

/// `GET /api/v1/plans/{plan}/targets/{target}/observations`: approved values.
pub async fn observations(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((raw, key)): Path<(String, String)>,
) -> ApiResult {
    let (id, plan, public) = plan_for(&state, &viewer, &raw).await?;
    if !plan.targets.iter().any(|t| t.id.0 == key) {
        return Err(AppError::NotFound.into());
    }
    if public {
        // The values of the published round, as they stood when it was published.
        let (facts, round) = crate::dashboard::facts_for(&state, id, true).await?;
        let items: Vec<_> = facts
            .targets
            .get(&key)
            .map(|(_, obs)| {
                obs.iter()
                    .map(|o| json!({ "target_key": key, "observed_on": o.on, "value": o.value, "status": "approved" }))
                    .collect()
            })
            .unwrap_or_default();
        return ok(json!({ "items": items, "published_round": round }));
    }
    let all = state
        .store
        .observations(id, &key)
        .await
        .map_err(AppError::from)?;
    let approved: Vec<_> = all.into_iter().filter(|o| o.status == "approved").collect();
    ok(json!({ "items": approved }))
}

#[derive(Deserialize)]
struct ObservationBody {
    observed_on: Date,
    value: f64,
    source: String,
}

/// `POST /api/v1/plans/{plan}/targets/{target}/observations`: the office records a value.
pub async fn record_observation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((raw, key)): Path<(String, String)>,
    req: Request,
) -> ApiResult {
    let (id, _) = plan_of(&state, &raw).await?;
    let b: ObservationBody = json_body(&body_bytes(req, 1 << 20).await?)?;
    let o = NewObservation {
        target_key: key,
        observed_on: b.observed_on,
        value: b.value,
        source: b.source,
    };
    let obs_id = state
        .store
        .record_observation(&viewer.actor(), id, &o)
        .await
        .map_err(AppError::from)?;
    Ok((StatusCode::CREATED, Json(json!({ "id": obs_id }))).into_response())
}

/// `GET /api/v1/notices`.
pub async fn notices(State(state): State<AppState>, viewer: Viewer) -> ApiResult {
    let items = state
        .store
        .notices(reporter_unit(&viewer), 500)
        .await
        .map_err(AppError::from)?;
    ok(json!({ "items": items }))
}

/// `GET /api/v1/audit?page=&per_page=`: newest first.
pub async fn audit(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let (page, per_page) = paging(&q)?;
    let items = state
        .store
        .audit_events((page - 1) * per_page, per_page)
        .await
        .map_err(AppError::from)?;
    ok(json!({ "items": items, "page": page, "per_page": per_page }))
}

/// `GET /api/v1/audit/verify`: recomputes the chain.
pub async fn verify_audit(State(state): State<AppState>) -> ApiResult {
    let check = state.store.verify_audit().await.map_err(AppError::from)?;
    ok(json!({ "events": check.events, "intact": check.broken.is_none(), "broken": check.broken }))
}
