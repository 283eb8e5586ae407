//! The supervision API under `/api/v1`: everything the pages do, with the same checks (the
//! route guard's access class, then ownership of the report named). Token or session
//! authenticated; a session's writes carry its CSRF token in `X-CSRF-Token` (from `/me`).

use std::collections::HashMap;

use axum::Json;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use duban_domain::Target;
use duban_domain::supervision::{Access, AccountRole, Date};
use duban_store::{
    AuditEvent, Decision, NoticeRecord, ReportBody, ReportDetail, ReportFilter, ReportRow,
    ReportStatus, RoundRecord, Submission, Submitted, UserRecord,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Via, Viewer};
use crate::error::{ApiError, AppError, ErrorJson};
use crate::report_form::{self, FieldErrors};
use crate::reports::{authorised, context_of, read_upload, store_files};
use crate::{AppState, Lang};

pub(crate) type ApiResult = Result<Response, ApiError>;

pub(crate) fn ok<T: Serialize>(value: T) -> ApiResult {
    Ok(Json(value).into_response())
}

pub(crate) fn created<T: Serialize>(value: T) -> ApiResult {
    Ok((StatusCode::CREATED, Json(value)).into_response())
}

/// A refused form: 422 with what is wrong with each field.
pub(crate) fn invalid(message: &str, fields: &FieldErrors) -> Response {
    let body = ErrorJson::new("invalid", message.to_owned(), Some(fields.clone()));
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

/// A list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemsJson<T> {
    /// The items.
    pub items: Vec<T>,
}

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportPageJson {
    /// The reports of this page.
    pub items: Vec<ReportRow>,
    /// The page (from 1).
    pub page: i64,
    /// Items per page.
    pub per_page: i64,
    /// Reports in all pages.
    pub total: i64,
}

/// A page of the audit log, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPageJson {
    /// The events of this page.
    pub items: Vec<AuditEvent>,
    /// The page (from 1).
    pub page: i64,
    /// Items per page.
    pub per_page: i64,
}

/// The caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeJson {
    /// The account.
    pub user: UserRecord,
    /// A session's CSRF token, for the `X-CSRF-Token` header of its writes (none for a token).
    pub csrf_token: Option<String>,
    /// `session` or `token`.
    #[schema(example = "token")]
    pub authenticated_by: String,
}

/// A round.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundJson {
    /// The round with its report counts.
    pub round: RoundRecord,
}

/// A round and its reports (a unit's own for a reporter).
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundDetailJson {
    /// The round.
    pub round: RoundRecord,
    /// Its reports.
    pub reports: Vec<ReportRow>,
}

/// Done.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClosedJson {
    /// Always true.
    pub closed: bool,
}

/// A report with its draft and versions.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportJson {
    /// The report.
    pub report: ReportDetail,
}

/// A write's new version check.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowVersionJson {
    /// Send it with the next write.
    pub row_version: i64,
}

/// What a submission did.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmittedJson {
    /// The version stored (or the first result, for a replay).
    pub submitted: Submitted,
}

/// A review's result.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewedJson {
    /// The report's new version check.
    pub row_version: i64,
    /// `approved` or `returned`.
    #[schema(example = "approved")]
    pub status: String,
}

/// A new record's id.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedJson {
    /// Id.
    pub id: i64,
}

/// A JSON request body, or a 400 naming what is wrong.
pub(crate) fn json_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    serde_json::from_slice(bytes)
        .map_err(|e| AppError::BadRequest(format!("请求体不是有效的 JSON：{e}")))
}

/// A request's body, at most `limit` bytes.
pub(crate) async fn body_bytes(req: Request, limit: usize) -> Result<axum::body::Bytes, AppError> {
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
#[utoipa::path(get, path = "/me", tag = "supervision",
    summary = "当前账号与会话的 CSRF 令牌 / the account, and a session's CSRF token",
    responses((status = 200, description = "The caller", body = MeJson)))]
pub async fn me(viewer: Viewer) -> ApiResult {
    let user = viewer.user.clone().ok_or(AppError::Unauthorized)?;
    let by = match viewer.via {
        Via::Session => "session",
        Via::Token => "token",
        Via::Anonymous => "anonymous",
    };
    ok(MeJson {
        user,
        csrf_token: viewer.csrf,
        authenticated_by: by.to_owned(),
    })
}

fn reporter_unit(viewer: &Viewer) -> Option<i64> {
    (viewer.role() == Some(AccountRole::Reporter)).then(|| viewer.unit().unwrap_or(-1))
}

/// `GET /api/v1/rounds`.
#[utoipa::path(get, path = "/rounds", tag = "supervision",
    summary = "调度列表（填报单位只见本单位）/ rounds (a unit sees its own)",
    responses((status = 200, description = "The rounds", body = ItemsJson<RoundRecord>)))]
pub async fn rounds(State(state): State<AppState>, viewer: Viewer) -> ApiResult {
    let rounds = state
        .store
        .rounds(None, reporter_unit(&viewer))
        .await
        .map_err(AppError::from)?;
    ok(ItemsJson { items: rounds })
}

/// A round to open.
#[derive(Deserialize, ToSchema)]
struct RoundBody {
    /// The plan.
    plan_id: i64,
    /// Title (`2025年3月调度`).
    title: String,
    /// `monthly`, `quarterly` or `ad_hoc`.
    #[schema(example = "monthly")]
    cadence: String,
    /// First day reported on.
    #[schema(value_type = Date)]
    period_start: String,
    /// Last day reported on.
    #[schema(value_type = Date)]
    period_end: String,
    /// Reports are due by the end of this day.
    #[schema(value_type = Date)]
    due_on: String,
    /// The tasks: `{"kind": "all"}`, `{"kind": "under", "value": node key}` or
    /// `{"kind": "unit", "value": unit name}`.
    scope: duban_store::RoundScope,
}

/// `POST /api/v1/rounds`.
#[utoipa::path(post, path = "/rounds", tag = "supervision",
    summary = "发起调度 / open a round",
    request_body = RoundBody,
    responses((status = 201, description = "The round opened", body = RoundJson)))]
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
    let round = state
        .store
        .round(id)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?;
    created(RoundJson { round })
}

/// The largest magnitude a figure may have (beyond it, arithmetic on figures overflows).
pub(crate) const MAX_FIGURE: f64 = 1e15;

/// The years a baseline or milestone may name.
const YEARS: std::ops::RangeInclusive<i32> = 1949..=2200;

/// Refuses figures too large to compute with and implausible years, by field.
pub(crate) fn check_figures(figures: &[(String, f64)], years: &[(String, i32)]) -> FieldErrors {
    let mut errors = FieldErrors::new();
    for (field, value) in figures {
        if !value.is_finite() || value.abs() > MAX_FIGURE {
            errors.insert(
                field.clone(),
                format!("数值超出范围（绝对值不超过 {MAX_FIGURE}）"),
            );
        }
    }
    for (field, year) in years {
        if !YEARS.contains(year) {
            errors.insert(
                field.clone(),
                format!(
                    "年份应在 {} 到 {} 之间，实为 {year}",
                    YEARS.start(),
                    YEARS.end()
                ),
            );
        }
    }
    errors
}

/// A numeric id from the path; anything else is not found.
pub(crate) fn id_of(raw: &str) -> Result<i64, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// `GET /api/v1/rounds/{round}`: the round and its reports (a unit's own).
#[utoipa::path(get, path = "/rounds/{round}", tag = "supervision",
    summary = "调度与报告 / a round and its reports",
    params(("round" = i64, Path, example = 1)),
    responses((status = 200, description = "The round", body = RoundDetailJson)))]
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
    ok(RoundDetailJson { round, reports })
}

/// `POST /api/v1/rounds/{round}/close`.
#[utoipa::path(post, path = "/rounds/{round}/close", tag = "supervision",
    summary = "结束调度 / close a round",
    params(("round" = i64, Path, example = 1)),
    responses((status = 200, description = "Closed", body = ClosedJson)))]
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
    ok(ClosedJson { closed: true })
}

/// `GET /api/v1/reports?round=&status=&unit=&page=&per_page=`.
#[utoipa::path(get, path = "/reports", tag = "supervision",
    summary = "报告列表（round、status、unit 筛选；填报单位只见本单位）/ reports",
    params(
        ("round" = Option<i64>, Query, description = "one round"),
        ("status" = Option<String>, Query, description = "draft, submitted, returned or approved"),
        ("unit" = Option<i64>, Query, description = "one unit (a reporter always sees its own)"),
        crate::api::Page,
    ),
    responses((status = 200, description = "A page of reports", body = ReportPageJson)))]
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
    ok(ReportPageJson {
        items,
        page,
        per_page,
        total,
    })
}

/// `GET /api/v1/reports/{report}`.
#[utoipa::path(get, path = "/reports/{report}", tag = "supervision",
    summary = "报告及各版本、佐证、审核 / a report with versions, evidence, reviews",
    params(("report" = i64, Path, example = 1)),
    responses((status = 200, description = "The report", body = ReportJson)))]
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
    ok(ReportJson { report: detail })
}

/// A draft to save.
#[derive(Deserialize, ToSchema)]
struct DraftBody {
    /// The version check read with the report.
    row_version: i64,
    /// The fields.
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
#[utoipa::path(put, path = "/reports/{report}/draft", tag = "supervision",
    summary = "保存草稿 / save a draft",
    params(("report" = i64, Path, example = 1)),
    request_body = DraftBody,
    responses((status = 200, description = "Saved", body = RowVersionJson)))]
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
    ok(RowVersionJson { row_version })
}

/// A submission.
#[derive(Deserialize, ToSchema)]
struct SubmitBody {
    /// The version check read with the report.
    row_version: i64,
    /// Makes a retry return the first result (else the `Idempotency-Key` header).
    #[serde(default)]
    submission_key: Option<String>,
    /// The fields.
    body: ReportBody,
}

/// `POST /api/v1/reports/{report}/submit`: JSON, or multipart with a `report` JSON part and
/// `evidence` files. The submission key (field or `Idempotency-Key` header) makes a retry
/// return the first result.
#[utoipa::path(post, path = "/reports/{report}/submit", tag = "supervision",
    summary = "报送（幂等：submission_key 或 Idempotency-Key）；multipart 时 report 字段为 JSON、evidence 为文件 / submit (idempotent)",
    params(
        ("report" = i64, Path, example = 1),
        ("Idempotency-Key" = Option<String>, Header, description = "the submission key, if the body has none"),
    ),
    request_body(content(
        (SubmitBody = "application/json"),
        (SubmitUpload = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "Submitted", body = SubmittedJson),
        (status = 200, description = "The same key again: the first result", body = SubmittedJson),
    ))]
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
    Ok((status, Json(SubmittedJson { submitted: done })).into_response())
}

/// A submission with evidence files.
#[derive(ToSchema)]
#[allow(dead_code)]
struct SubmitUpload {
    /// The submission as JSON (`SubmitBody`).
    report: String,
    /// Evidence files.
    #[schema(value_type = Vec<String>, format = Binary)]
    evidence: Vec<u8>,
}

/// A review decision.
#[derive(Deserialize, ToSchema)]
struct ReviewBody {
    /// The version check read with the report.
    row_version: i64,
    /// Approve, or return to the unit.
    decision: Decision,
    /// The reviewer's comment.
    #[serde(default)]
    comment: String,
}

/// `POST /api/v1/reports/{report}/review`.
#[utoipa::path(post, path = "/reports/{report}/review", tag = "supervision",
    summary = "审核：通过或退回 / approve or return",
    params(("report" = i64, Path, example = 1)),
    request_body = ReviewBody,
    responses((status = 200, description = "Decided", body = ReviewedJson)))]
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
    let status = ReportStatus::Submitted
        .review(r.decision)
        .unwrap_or(ReportStatus::Submitted);
    ok(ReviewedJson {
        row_version,
        status: status.as_str().to_owned(),
    })
}

/// `GET /api/v1/notices`.
#[utoipa::path(get, path = "/notices", tag = "supervision",
    summary = "提醒、催办、督办通知 / notices",
    responses((status = 200, description = "The notices", body = ItemsJson<NoticeRecord>)))]
pub async fn notices(State(state): State<AppState>, viewer: Viewer) -> ApiResult {
    let items = state
        .store
        .notices(reporter_unit(&viewer), 500)
        .await
        .map_err(AppError::from)?;
    ok(ItemsJson { items })
}

/// `GET /api/v1/audit?page=&per_page=`: newest first.
#[utoipa::path(get, path = "/audit", tag = "supervision",
    summary = "审计日志（新在前）/ the audit log, newest first",
    params(crate::api::Page),
    responses((status = 200, description = "A page of events", body = AuditPageJson)))]
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
    ok(AuditPageJson {
        items,
        page,
        per_page,
    })
}

/// What checking the audit chain found.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditCheckJson {
    /// Events checked.
    pub events: i64,
    /// True when every event's hash chains to the one before.
    pub intact: bool,
    /// The first event whose chain is broken, and why: `[id, reason]`.
    #[schema(value_type = Option<Vec<Object>>, max_items = 2, min_items = 2)]
    pub broken: Option<(i64, String)>,
}

/// `GET /api/v1/audit/verify`: recomputes the chain.
#[utoipa::path(get, path = "/audit/verify", tag = "supervision",
    summary = "校验审计日志哈希链 / verify the audit chain",
    responses((status = 200, description = "The check", body = AuditCheckJson)))]
pub async fn verify_audit(State(state): State<AppState>) -> ApiResult {
    let check = state.store.verify_audit().await.map_err(AppError::from)?;
    ok(AuditCheckJson {
        events: check.events,
        intact: check.broken.is_none(),
        broken: check.broken,
    })
}
