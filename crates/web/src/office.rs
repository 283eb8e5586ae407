//! The coordination office's pages: target baselines and milestones, direct observations, the
//! status method, annual work points, accounts, notices and the audit log.

use std::collections::HashMap;

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use duban_domain::supervision::{AccountRole, Baseline, Date, Milestone, StatusMethod, decompose};
use duban_store::{AuditEvent, NewObservation, NewUser};
use minijinja::context;

use crate::AppState;
use crate::auth::{self, Viewer};
use crate::csv_export::CsvExport;
use crate::error::AppError;
use crate::pages::{PageLang, error_page, load, render, ser};

type FormMap = Form<HashMap<String, String>>;

fn field(form: &HashMap<String, String>, name: &str) -> String {
    form.get(name)
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

fn num(form: &HashMap<String, String>, name: &str, label: &str) -> Result<Option<f64>, AppError> {
    let raw = field(form, name);
    if raw.is_empty() {
        return Ok(None);
    }
    raw.replace([',', '，'], "")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or_else(|| AppError::Unprocessable(format!("{label}“{raw}”不是数字")))
}

/// `POST /plans/{plan}/settings`: the plan's status method.
pub async fn set_method(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Path(raw): Path<String>,
    Form(form): FormMap,
) -> Response {
    let Ok(id) = raw.parse::<i64>() else {
        return error_page(&state, &lang, &AppError::NotFound);
    };
    let Some(method) = StatusMethod::parse(&field(&form, "status_method")) else {
        return error_page(
            &state,
            &lang,
            &AppError::Unprocessable("状态评估方法应为 expected_progress 或 ratio".to_owned()),
        );
    };
    match state
        .store
        .set_status_method(&viewer.actor(), id, method)
        .await
    {
        Ok(()) => Redirect::to(&format!("/plans/{id}/status")).into_response(),
        Err(e) => error_page(&state, &lang, &e.into()),
    }
}

/// `POST /plans/{plan}/targets/{target}/settings`: baseline, and milestones linear or edited.
pub async fn target_settings(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Path((raw, key)): Path<(String, String)>,
    Form(form): FormMap,
) -> Response {
    let result = async {
        let (id, plan) = load(&state, &raw).await?;
        let target = plan
            .targets
            .iter()
            .find(|t| t.id.0 == key)
            .ok_or(AppError::NotFound)?;
        let row_version: i64 = field(&form, "row_version")
            .parse()
            .map_err(|_| AppError::BadRequest("表单缺少版本号".to_owned()))?;
        let value = num(&form, "baseline_value", "基期值")?;
        let year_raw = field(&form, "baseline_year");
        let year = if year_raw.is_empty() {
            None
        } else {
            Some(
                year_raw
                    .parse::<i32>()
                    .ok()
                    .filter(|y| (1900..=2200).contains(y))
                    .ok_or_else(|| AppError::Unprocessable(format!("基期年份“{year_raw}”无效")))?,
            )
        };
        let baseline = match (value, year) {
            (Some(value), Some(year)) => Some(Baseline { value, year }),
            (None, None) => None,
            _ => {
                return Err(AppError::Unprocessable(
                    "基期值和基期年份须同时填写".to_owned(),
                ));
            }
        };
        let (milestones, origin) = if field(&form, "action") == "save" {
            let mut ms = Vec::new();
            for (name, _) in form.iter().filter(|(k, _)| k.starts_with("milestone_")) {
                let year: i32 = name
                    .trim_start_matches("milestone_")
                    .parse()
                    .map_err(|_| AppError::BadRequest(format!("字段 {name} 无效")))?;
                if let Some(value) = num(&form, name, &format!("{year} 年目标"))? {
                    ms.push(Milestone { year, value });
                }
            }
            ms.sort_by_key(|m| m.year);
            (ms, "office")
        } else {
            (
                decompose(target, baseline, plan.operative_horizon()),
                "linear",
            )
        };
        state
            .store
            .save_target_settings(
                &viewer.actor(),
                id,
                &key,
                row_version,
                baseline,
                &milestones,
                origin,
            )
            .await?;
        Ok::<_, AppError>(id)
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("/plans/{id}/targets/{key}?saved=1")).into_response(),
        Err(e) => error_page(&state, &lang, &e),
    }
}

/// `POST /plans/{plan}/targets/{target}/observations`: a value the office records directly.
pub async fn record_observation(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Path((raw, key)): Path<(String, String)>,
    Form(form): FormMap,
) -> Response {
    let result = async {
        let (id, _) = load(&state, &raw).await?;
        let value = num(&form, "value", "数值")?
            .ok_or_else(|| AppError::Unprocessable("请填写数值".to_owned()))?;
        let on_raw = field(&form, "observed_on");
        let observed_on = Date::parse(&on_raw).ok_or_else(|| {
            AppError::Unprocessable(format!("“{on_raw}”不是日期（应为 YYYY-MM-DD）"))
        })?;
        let o = NewObservation {
            target_key: key.clone(),
            observed_on,
            value,
            source: field(&form, "source"),
        };
        state
            .store
            .record_observation(&viewer.actor(), id, &o)
            .await?;
        Ok::<_, AppError>(id)
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("/plans/{id}/targets/{key}?recorded=1")).into_response(),
        Err(e) => error_page(&state, &lang, &e),
    }
}

/// `POST /plans/{plan}/nodes/{node}/work-points`: a task's work point for a year.
pub async fn work_point(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Path((raw, key)): Path<(String, String)>,
    Form(form): FormMap,
) -> Response {
    let result = async {
        let (id, _) = load(&state, &raw).await?;
        let year_raw = field(&form, "year");
        let year: i32 = year_raw
            .parse()
            .map_err(|_| AppError::Unprocessable(format!("年份“{year_raw}”无效")))?;
        state
            .store
            .set_work_point(&viewer.actor(), id, &key, year, &field(&form, "body"))
            .await?;
        Ok::<_, AppError>(id)
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("/plans/{id}/nodes/{key}")).into_response(),
        Err(e) => error_page(&state, &lang, &e),
    }
}

/// `GET /notices`: a unit's notices, or all with their delivery for the office.
pub async fn notices_page(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
) -> Response {
    let unit = if viewer.role() == Some(AccountRole::Reporter) {
        Some(viewer.unit().unwrap_or(-1))
    } else {
        None
    };
    match state.store.notices(unit, 500).await {
        Ok(rows) => render(
            &state,
            &lang,
            "notices.html",
            context! { rows => ser(&rows) },
            StatusCode::OK,
        ),
        Err(e) => error_page(&state, &lang, &AppError::Store(e)),
    }
}

async fn users_view(
    state: &AppState,
    lang: &PageLang,
    extra: minijinja::Value,
    status: StatusCode,
) -> Response {
    let (users, units) = match (state.store.users().await, state.store.units().await) {
        (Ok(u), Ok(n)) => (u, n),
        (Err(e), _) | (_, Err(e)) => return error_page(state, lang, &AppError::Store(e)),
    };
    let roles: Vec<&str> = AccountRole::ALL.iter().map(|r| r.as_str()).collect();
    let units: Vec<minijinja::Value> = units
        .iter()
        .map(|u| context! { id => u.id, name => u.name.clone() })
        .collect();
    render(
        state,
        lang,
        "users.html",
        context! { users => ser(&users), units, roles, now => duban_store::now(), ..extra },
        status,
    )
}

/// `GET /admin/users`.
pub async fn users_page(State(state): State<AppState>, lang: PageLang) -> Response {
    users_view(&state, &lang, context! {}, StatusCode::OK).await
}

async fn one_time(username: &str) -> Result<(String, String), AppError> {
    let password = auth::one_time_password();
    let p = password.clone();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&p))
        .await
        .map_err(|e| AppError::Unprocessable(e.to_string()))?
        .map_err(|e| AppError::Unprocessable(format!("{username}: {e}")))?;
    Ok((password, hash))
}

/// `POST /admin/users`: a new account with a one-time password shown once.
pub async fn create_user(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Form(form): FormMap,
) -> Response {
    let username = field(&form, "username");
    let result = async {
        let role = AccountRole::parse(&field(&form, "role"))
            .ok_or_else(|| AppError::Unprocessable("请选择角色".to_owned()))?;
        let unit_id = match field(&form, "unit_id").as_str() {
            "" => None,
            raw => Some(
                raw.parse::<i64>()
                    .map_err(|_| AppError::Unprocessable("单位无效".to_owned()))?,
            ),
        };
        let (password, hash) = one_time(&username).await?;
        let display_name = Some(field(&form, "display_name"))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| username.clone());
        let new = NewUser {
            username: username.clone(),
            display_name,
            role,
            unit_id,
            password_hash: hash,
        };
        state.store.create_user(&viewer.actor(), &new).await?;
        Ok::<_, AppError>(password)
    }
    .await;
    match result {
        Ok(password) => {
            users_view(
                &state,
                &lang,
                context! { issued => context! { username, password } },
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            users_view(
                &state,
                &lang,
                context! { error => e.message(), form => form },
                e.status(),
            )
            .await
        }
    }
}

fn user_id(raw: &str) -> Result<i64, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// `POST /admin/users/{user}/reset`: a new one-time password (unlocks; ends sessions).
pub async fn reset_user(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> Response {
    let result = async {
        let id = user_id(&raw)?;
        let user = state.store.user(id).await?.ok_or(AppError::NotFound)?;
        let (password, hash) = one_time(&user.username).await?;
        state
            .store
            .set_password(&viewer.actor(), id, &hash, true)
            .await?;
        Ok::<_, AppError>((user.username, password))
    }
    .await;
    match result {
        Ok((username, password)) => {
            users_view(
                &state,
                &lang,
                context! { issued => context! { username, password } },
                StatusCode::OK,
            )
            .await
        }
        Err(e) => error_page(&state, &lang, &e),
    }
}

async fn set_disabled(
    state: AppState,
    lang: PageLang,
    viewer: Viewer,
    raw: String,
    disabled: bool,
) -> Response {
    let result = async {
        let id = user_id(&raw)?;
        if viewer.user.as_ref().is_some_and(|u| u.id == id) && disabled {
            return Err(AppError::Unprocessable("不能停用自己的账号".to_owned()));
        }
        state
            .store
            .set_user_disabled(&viewer.actor(), id, disabled)
            .await?;
        Ok::<_, AppError>(())
    }
    .await;
    match result {
        Ok(()) => Redirect::to("/admin/users").into_response(),
        Err(e) => error_page(&state, &lang, &e),
    }
}

/// `POST /admin/users/{user}/disable`.
pub async fn disable_user(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> Response {
    set_disabled(state, lang, viewer, raw, true).await
}

/// `POST /admin/users/{user}/enable`.
pub async fn enable_user(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> Response {
    set_disabled(state, lang, viewer, raw, false).await
}

/// `GET /admin/audit`: the log, newest first, 100 a page.
pub async fn audit_page(
    State(state): State<AppState>,
    lang: PageLang,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let page_no: i64 = q
        .get("page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    match state.store.audit_events((page_no - 1) * 100, 100).await {
        Ok(events) => render(
            &state,
            &lang,
            "audit.html",
            context! { events => ser(&events), page => page_no },
            StatusCode::OK,
        ),
        Err(e) => error_page(&state, &lang, &AppError::Store(e)),
    }
}

fn csv_row(e: &AuditEvent) -> [String; 13] {
    let opt = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
    [
        e.id.to_string(),
        e.at.to_string(),
        opt(e.actor_user_id),
        opt(e.actor_unit_id),
        e.actor_role.clone().unwrap_or_default(),
        e.client_addr.clone().unwrap_or_default(),
        e.action.clone(),
        e.entity.clone(),
        e.entity_id.clone(),
        e.before_json.clone().unwrap_or_default(),
        e.after_json.clone().unwrap_or_default(),
        e.prev_hash.clone(),
        e.hash.clone(),
    ]
}

/// `GET /admin/audit.csv`: the whole log (UTF-8 with BOM for spreadsheets), oldest first.
pub async fn audit_csv(State(state): State<AppState>, lang: PageLang) -> Response {
    let mut all = Vec::new();
    let mut offset = 0;
    loop {
        match state.store.audit_events(offset, 5000).await {
            Ok(batch) if batch.is_empty() => break,
            Ok(batch) => {
                offset += i64::try_from(batch.len()).unwrap_or(5000);
                all.extend(batch);
            }
            Err(e) => return error_page(&state, &lang, &AppError::Store(e)),
        }
    }
    all.reverse();
    let mut out = CsvExport::new(&[
        "id",
        "at",
        "actor_user_id",
        "actor_unit_id",
        "actor_role",
        "client_addr",
        "action",
        "entity",
        "entity_id",
        "before",
        "after",
        "prev_hash",
        "hash",
    ]);
    for e in &all {
        out.row(csv_row(e));
    }
    out.into_response("duban-audit.csv")
}

#[cfg(test)]
mod tests {
    #[test]
    fn audit_rows_keep_the_header_order() {
        let e = duban_store::AuditEvent {
            id: 7,
            at: 1_700_000_000,
            actor_user_id: Some(1),
            actor_unit_id: None,
            actor_role: Some("admin".to_owned()),
            client_addr: None,
            action: "edit".to_owned(),
            entity: "plan".to_owned(),
            entity_id: "1/2".to_owned(),
            before_json: Some("{\"a\":\"x,y\"}".to_owned()),
            after_json: None,
            prev_hash: "0".to_owned(),
            hash: "1".to_owned(),
        };
        let row = super::csv_row(&e);
        assert_eq!(row[0], "7");
        assert_eq!(row[9], "{\"a\":\"x,y\"}");
        assert_eq!(row[12], "1");
    }
}
