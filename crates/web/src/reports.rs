//! Report pages: a unit fills, saves and submits its report (with evidence files); the lead
//! unit sees its co units' reports; the office reviews from its queue.

use std::collections::HashMap;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use duban_domain::Target;
use duban_domain::supervision::{Access, AccountRole, Date, Ownership, permits};
use duban_store::{
    Decision, ReportBody, ReportFilter, ReportRow, ReportStatus, StoreError, Submission,
};
use minijinja::{Value, context};

use crate::auth::{self, Viewer};
use crate::error::AppError;
use crate::pages::{PageLang, error_page, render, ser};
use crate::report_form::{self, FieldErrors, STAGES};
use crate::routes::{FORM_ERROR, forbidden};
use crate::{AppState, Lang, evidence};

/// The viewer's relation to a report: its own unit's, a co unit's on a task its unit leads,
/// or another's.
pub async fn ownership(
    state: &AppState,
    viewer: &Viewer,
    row: &ReportRow,
) -> Result<Ownership, AppError> {
    let Some(unit) = viewer.unit() else {
        return Ok(Ownership::Other);
    };
    if unit == row.unit_id {
        return Ok(Ownership::Own);
    }
    let siblings = state.store.sibling_reports(row.id).await?;
    let leads = siblings
        .iter()
        .any(|s| s.unit_id == unit && s.role == "lead");
    Ok(if leads {
        Ownership::LeadOf
    } else {
        Ownership::Other
    })
}

/// Loads a report's row and checks the viewer may do `access` on it.
pub async fn authorised(
    state: &AppState,
    viewer: &Viewer,
    raw: &str,
    access: Access,
) -> Result<(ReportRow, Ownership), AppError> {
    let id: i64 = raw.parse().map_err(|_| AppError::NotFound)?;
    let row = state
        .store
        .report_row(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let own = ownership(state, viewer, &row).await?;
    if !permits(access, viewer.role(), own) {
        return Err(forbidden());
    }
    Ok((row, own))
}

/// The targets a report carries, and the round's period: the targets of its task, except those
/// whose data another unit owns (数据来源单位), which only that unit's report carries.
pub async fn context_of(
    state: &AppState,
    row: &ReportRow,
) -> Result<(Vec<Target>, (Date, Date)), AppError> {
    let plan = state.plan(row.plan_id).await?.ok_or(AppError::NotFound)?;
    let mut targets = Vec::new();
    for t in plan.targets.iter().filter(|t| t.node.0 == row.node_key) {
        let carried = match &t.data_owner {
            None => true,
            Some(owner) if *owner == row.unit_name => true,
            Some(owner) => state
                .store
                .unit(owner)
                .await?
                .is_some_and(|u| u.id == row.unit_id),
        };
        if carried {
            targets.push(t.clone());
        }
    }
    let round = state
        .store
        .round(row.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let period = (
        Date::parse(&round.period_start).ok_or(AppError::NotFound)?,
        Date::parse(&round.period_end).ok_or(AppError::NotFound)?,
    );
    Ok((targets, period))
}

/// What the form shows and what went wrong.
struct FormState {
    body: Option<ReportBody>,
    errors: FieldErrors,
    message: Option<String>,
    status: StatusCode,
}

async fn show_page(
    state: &AppState,
    lang: &PageLang,
    viewer: &Viewer,
    row: ReportRow,
    own: Ownership,
    form: FormState,
) -> Response {
    let detail = match state.store.report(row.id).await {
        Ok(Some(d)) => d,
        Ok(None) => return error_page(state, lang, &AppError::NotFound),
        Err(e) => return error_page(state, lang, &AppError::Store(e)),
    };
    let (targets, period) = match context_of(state, &row).await {
        Ok(x) => x,
        Err(e) => return error_page(state, lang, &e),
    };
    let plan = state
        .plan(row.plan_id)
        .await
        .inspect_err(|e| tracing::error!(error = %e, plan = row.plan_id, "plan lookup failed"))
        .ok()
        .flatten();
    let node = plan
        .as_ref()
        .and_then(|p| p.nodes.iter().find(|n| n.id.0 == row.node_key).cloned());
    let can_write =
        permits(Access::ReportWrite, viewer.role(), own) && row.status.editable().is_ok();
    let can_review = viewer.is_office() && row.status == ReportStatus::Submitted;
    // The lead unit, and oversight roles, see the other units' reports on the task.
    let sees_siblings = viewer.role().is_some_and(|r| r != AccountRole::Reporter)
        || (own == Ownership::Own && row.role == "lead");
    let siblings = if sees_siblings {
        state
            .store
            .sibling_reports(row.id)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let sibling_details = if own == Ownership::Own && row.role == "lead" {
        let mut v = Vec::new();
        for s in &siblings {
            if let Ok(Some(d)) = state.store.report(s.id).await {
                v.push(d);
            }
        }
        v
    } else {
        Vec::new()
    };
    // The form shows what was sent, else the draft, else the latest submission.
    let shown = form
        .body
        .or_else(|| detail.draft.clone())
        .or_else(|| {
            detail.versions.last().map(|v| {
                let mut b = v.body.clone();
                b.observations = v
                    .observations
                    .iter()
                    .filter_map(|o| {
                        Some(duban_store::NewObservation {
                            target_key: o.target_key.clone(),
                            observed_on: Date::parse(&o.observed_on)?,
                            value: o.value,
                            source: o.source.clone(),
                        })
                    })
                    .collect();
                b
            })
        })
        .unwrap_or_default();
    let observed: HashMap<String, Value> = shown
        .observations
        .iter()
        .map(|o| (o.target_key.clone(), context! { value => o.value, date => o.observed_on.to_string(), source => o.source.clone() }))
        .collect();
    let target_rows: Vec<Value> = targets
        .iter()
        .map(|t| context! { key => t.id.0.clone(), indicator => t.indicator.clone(), goal => crate::view::TargetRow::of(t).goal, unit => t.unit.clone() })
        .collect();
    let ctx = context! {
        report => ser(&detail.row), versions => ser(&detail.versions), has_draft => detail.draft.is_some(),
        node => node.map(|n| context! { text => n.text.clone(), deadline => n.deadline.clone() }),
        targets => target_rows, observed, period_start => period.0.to_string(), period_end => period.1.to_string(),
        body => ser(&shown), errors => ser(&form.errors), message => form.message,
        can_write, can_review, siblings => ser(&siblings), sibling_details => ser(&sibling_details),
        stages => STAGES.to_vec(), submission_key => auth::random_hex(16), plan_id => row.plan_id,
    };
    render(state, lang, "report.html", ctx, form.status)
}

/// `GET /reports/{report}`.
pub async fn show(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> Response {
    match authorised(&state, &viewer, &raw, Access::ReportRead).await {
        Ok((row, own)) => {
            let form = FormState {
                body: None,
                errors: FieldErrors::new(),
                message: None,
                status: StatusCode::OK,
            };
            show_page(&state, &lang, &viewer, row, own, form).await
        }
        Err(e) => error_page(&state, &lang, &e),
    }
}

/// The fields and files of a multipart form; a file over the limit is named, not read whole.
pub struct Upload {
    /// Text fields.
    pub fields: HashMap<String, String>,
    /// Files: name and content.
    pub files: Vec<(String, Vec<u8>)>,
    /// Files refused while reading.
    pub file_errors: Vec<String>,
}

/// Reads a multipart form: text fields, and files of the field `field_name`.
pub async fn read_upload(
    mut form: Multipart,
    file_field: &str,
    max_file: usize,
) -> Result<Upload, AppError> {
    let mut up = Upload {
        fields: HashMap::new(),
        files: Vec::new(),
        file_errors: Vec::new(),
    };
    let bad = |e: axum::extract::multipart::MultipartError| {
        AppError::BadRequest(format!("表单数据无法读取：{e}"))
    };
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == file_field {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let mut bytes = Vec::new();
            let mut over = false;
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                if bytes.len() + chunk.len() > max_file {
                    over = true;
                    continue;
                }
                bytes.extend_from_slice(&chunk);
            }
            if file_name.is_empty() && bytes.is_empty() {
                continue;
            }
            if over {
                up.file_errors.push(format!(
                    "文件“{file_name}”超过 {} MB 的上限",
                    max_file / 1_048_576
                ));
            } else {
                up.files.push((file_name, bytes));
            }
        } else {
            let value = field.text().await.map_err(bad)?;
            up.fields.insert(name, value);
        }
    }
    Ok(up)
}

/// Checks and stores evidence files; errors name each refused file.
pub fn store_files(
    state: &AppState,
    files: &[(String, Vec<u8>)],
) -> Result<Vec<duban_store::NewEvidence>, Vec<String>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (name, bytes) in files {
        match evidence::check(name, bytes, state.config.max_file_bytes) {
            Ok(e) => out.push(e),
            Err(m) => errors.push(m),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for (e, (_, bytes)) in out.iter().zip(files) {
        if let Err(err) = evidence::save(&state.config.evidence_dir, &e.sha256, bytes) {
            tracing::error!(error = %err, sha256 = %e.sha256, "evidence could not be stored");
            return Err(vec!["佐证材料无法保存，请稍后再试".to_owned()]);
        }
    }
    Ok(out)
}

/// `POST /reports/{report}`: save the draft or submit, with evidence files.
pub async fn save(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Path(raw): Path<String>,
    form: Multipart,
) -> Response {
    let (row, own) = match authorised(&state, &viewer, &raw, Access::ReportWrite).await {
        Ok(x) => x,
        Err(e) => return error_page(&state, &lang, &e),
    };
    let upload = match read_upload(form, "evidence", state.config.max_file_bytes).await {
        Ok(u) => u,
        Err(e) => return error_page(&state, &lang, &e),
    };
    let (targets, period) = match context_of(&state, &row).await {
        Ok(x) => x,
        Err(e) => return error_page(&state, &lang, &e),
    };
    let target_refs: Vec<&Target> = targets.iter().collect();
    let submitting = upload.fields.get("action").map(String::as_str) == Some("submit");
    let (body, mut errors) = report_form::from_fields(&upload.fields, &target_refs, lang.lang);
    report_form::validate(
        &body,
        &target_refs,
        period,
        submitting,
        lang.lang,
        &mut errors,
    );
    if submitting {
        report_form::milestone_evidence(
            &body,
            &target_refs,
            upload.files.len(),
            lang.lang,
            &mut errors,
        );
    }
    let mut file_errors = upload.file_errors.clone();
    let evidence = if submitting && file_errors.is_empty() && errors.is_empty() {
        match store_files(&state, &upload.files) {
            Ok(e) => e,
            Err(m) => {
                file_errors = m;
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };
    if !file_errors.is_empty() {
        let reselect = if lang.lang == Lang::En {
            " (choose the files again)"
        } else {
            "（请重新选择文件）"
        };
        errors.insert(
            "evidence".into(),
            format!("{}{reselect}", file_errors.join("；")),
        );
    }
    let refuse = |body, errors, message, status| FormState {
        body: Some(body),
        errors,
        message,
        status,
    };
    if !errors.is_empty() {
        let message = Some(if lang.lang == Lang::En {
            "Not saved: see the marked fields.".to_owned()
        } else {
            "未保存：请修改标出的项目".to_owned()
        });
        return show_page(
            &state,
            &lang,
            &viewer,
            row,
            own,
            refuse(body, errors, message, FORM_ERROR),
        )
        .await;
    }
    let Some(row_version) = upload
        .fields
        .get("row_version")
        .and_then(|v| v.parse::<i64>().ok())
    else {
        return error_page(
            &state,
            &lang,
            &AppError::BadRequest("表单缺少版本号".to_owned()),
        );
    };
    let actor = viewer.actor();
    let outcome = if submitting {
        let key = upload
            .fields
            .get("submission_key")
            .cloned()
            .unwrap_or_default();
        let submission = Submission {
            key,
            body: body.clone(),
            evidence,
        };
        state
            .store
            .submit_report(&actor, row.id, row_version, &submission)
            .await
            .map(|_| "submitted")
    } else {
        state
            .store
            .save_draft(&actor, row.id, row_version, &body)
            .await
            .map(|_| "saved")
    };
    match outcome {
        Ok(done) => Redirect::to(&format!("/reports/{}?{done}=1", row.id)).into_response(),
        Err(StoreError::Conflict(_)) => {
            let message = Some(if lang.lang == Lang::En {
                "Someone else changed this report since you opened it; nothing was saved. Your entries are below: compare with the current report, then save again.".to_owned()
            } else {
                "您打开此报告后，他人已修改了它，本次未保存。您填写的内容保留在下方，请核对后重新保存。".to_owned()
            });
            let fresh = state
                .store
                .report_row(row.id)
                .await
                .ok()
                .flatten()
                .unwrap_or(row);
            show_page(
                &state,
                &lang,
                &viewer,
                fresh,
                own,
                refuse(body, errors, message, StatusCode::CONFLICT),
            )
            .await
        }
        Err(StoreError::Invalid(m)) => {
            show_page(
                &state,
                &lang,
                &viewer,
                row,
                own,
                refuse(body, errors, Some(m), FORM_ERROR),
            )
            .await
        }
        Err(e) => error_page(&state, &lang, &e.into()),
    }
}

/// `POST /reports/{report}/review`: approve or return with a comment.
pub async fn review(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Path(raw): Path<String>,
    axum::extract::Form(form): axum::extract::Form<HashMap<String, String>>,
) -> Response {
    let (row, own) = match authorised(&state, &viewer, &raw, Access::ReportRead).await {
        Ok(x) => x,
        Err(e) => return error_page(&state, &lang, &e),
    };
    let decision = match form.get("decision").map(String::as_str) {
        Some("approve") => Decision::Approve,
        Some("return") => Decision::Return,
        _ => {
            return error_page(
                &state,
                &lang,
                &AppError::BadRequest("请选择通过或退回".to_owned()),
            );
        }
    };
    let comment = form.get("comment").cloned().unwrap_or_default();
    let Some(row_version) = form.get("row_version").and_then(|v| v.parse::<i64>().ok()) else {
        return error_page(
            &state,
            &lang,
            &AppError::BadRequest("表单缺少版本号".to_owned()),
        );
    };
    match state
        .store
        .review_report(&viewer.actor(), row.id, row_version, decision, &comment)
        .await
    {
        Ok(_) => Redirect::to(&format!("/reports/{}?reviewed=1", row.id)).into_response(),
        Err(e @ (StoreError::Conflict(_) | StoreError::Invalid(_))) => {
            let status = if matches!(e, StoreError::Conflict(_)) {
                StatusCode::CONFLICT
            } else {
                FORM_ERROR
            };
            let message = if matches!(e, StoreError::Conflict(_)) {
                "此报告已被他人审核或已重新报送，本次审核未保存；请查看最新状态".to_owned()
            } else {
                e.to_string()
            };
            let fresh = state
                .store
                .report_row(row.id)
                .await
                .ok()
                .flatten()
                .unwrap_or(row);
            let form = FormState {
                body: None,
                errors: FieldErrors::new(),
                message: Some(message),
                status,
            };
            show_page(&state, &lang, &viewer, fresh, own, form).await
        }
        Err(e) => error_page(&state, &lang, &e.into()),
    }
}

/// `GET /evidence/{evidence}`: the file, to those who may read its report.
pub async fn evidence(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> Response {
    let Ok(id) = raw.parse::<i64>() else {
        return error_page(&state, &lang, &AppError::NotFound);
    };
    let record = match state.store.evidence(id).await {
        Ok(Some(r)) => r,
        Ok(None) => return error_page(&state, &lang, &AppError::NotFound),
        Err(e) => return error_page(&state, &lang, &AppError::Store(e)),
    };
    if let Err(e) = authorised(
        &state,
        &viewer,
        &record.report_id.to_string(),
        Access::ReportRead,
    )
    .await
    {
        return error_page(&state, &lang, &e);
    }
    let bytes = match evidence::read(&state.config.evidence_dir, &record.sha256) {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, sha256 = %record.sha256, "evidence file unreadable");
            return error_page(&state, &lang, &AppError::NotFound);
        }
    };
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&record.media_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    let encoded = crate::routes::urlencode(&record.file_name).replace('+', "%20");
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"evidence-{id}\"; filename*=UTF-8''{encoded}"
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// `GET /review`: reports waiting for review, oldest first.
pub async fn review_queue(
    State(state): State<AppState>,
    lang: PageLang,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let page_no: i64 = q
        .get("page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let per_page = 50;
    let filter = ReportFilter {
        status: Some(ReportStatus::Submitted),
        offset: (page_no - 1) * per_page,
        limit: per_page,
        ..ReportFilter::default()
    };
    let rows = state.store.reports(&filter).await;
    let total = state.store.count_reports(&filter).await;
    match (rows, total) {
        (Ok(rows), Ok(total)) => render(
            &state,
            &lang,
            "review.html",
            context! { rows => ser(&rows), total, page => page_no },
            StatusCode::OK,
        ),
        (Err(e), _) | (_, Err(e)) => error_page(&state, &lang, &AppError::Store(e)),
    }
}
