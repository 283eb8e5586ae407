//! Reporting rounds (调度): the office opens one over chosen tasks with a due date; each unit
//! sees the rounds it reports in.

use std::collections::HashMap;

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use duban_domain::supervision::{Cadence, Date, ReportStatus};
use duban_store::{NewRound, ReportFilter, RoundScope};
use minijinja::{Value, context};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::pages::{PageLang, error_page, render, ser};
use crate::report_form::FieldErrors;
use crate::routes::FORM_ERROR;
use crate::{AppState, Lang};

/// What the open-round form offers: each plan with its chapters and units.
async fn scopes(state: &AppState) -> Result<Vec<Value>, AppError> {
    let mut out = Vec::new();
    for duban_store::PlanStamp {
        plan_id: id, title, ..
    } in state.store.current_versions().await?
    {
        let Some(plan) = state.plan(id).await? else {
            continue;
        };
        let chapters: Vec<Value> = plan
            .children(None)
            .map(|n| context! { key => n.id.0.clone(), title => format!("{} {}", n.number.clone().unwrap_or_default(), n.title).trim().to_owned() })
            .collect();
        let units: Vec<String> = plan.units.iter().map(|u| u.name.clone()).collect();
        out.push(context! { id, title, chapters, units });
    }
    Ok(out)
}

async fn list_page(
    state: &AppState,
    lang: &PageLang,
    viewer: &Viewer,
    form: HashMap<String, String>,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let unit = if viewer.is_office()
        || viewer.role() != Some(duban_domain::supervision::AccountRole::Reporter)
    {
        None
    } else {
        viewer.unit()
    };
    let rounds = match state.store.rounds(None, unit).await {
        Ok(r) => r,
        Err(e) => return error_page(state, lang, &AppError::Store(e)),
    };
    let scopes = if viewer.is_office() {
        match scopes(state).await {
            Ok(s) => s,
            Err(e) => return error_page(state, lang, &e),
        }
    } else {
        Vec::new()
    };
    let ctx = context! { rounds => ser(&rounds), scopes, form, errors => ser(&errors), cadences => Cadence::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(), own_unit => unit.is_some() };
    render(state, lang, "rounds.html", ctx, status)
}

/// `GET /rounds`: the office's rounds, or a unit's.
pub async fn list(State(state): State<AppState>, lang: PageLang, viewer: Viewer) -> Response {
    list_page(
        &state,
        &lang,
        &viewer,
        HashMap::new(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// Reads the open-round form; errors per field.
pub fn parse_round(form: &HashMap<String, String>, lang: Lang) -> Result<NewRound, FieldErrors> {
    let mut errors = FieldErrors::new();
    let say = |zh: &str, en: &str| {
        if lang == Lang::En {
            en.to_owned()
        } else {
            zh.to_owned()
        }
    };
    let field = |k: &str| form.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let title = field("title");
    if title.is_empty() {
        errors.insert("title".into(), say("请填写调度名称", "a title is required"));
    }
    let cadence = Cadence::parse(&field("cadence"));
    if cadence.is_none() {
        errors.insert("cadence".into(), say("请选择调度频次", "choose a cadence"));
    }
    let mut date = |name: &str| {
        let raw = field(name);
        let d = Date::parse(&raw);
        if d.is_none() {
            errors.insert(
                name.into(),
                if lang == Lang::En {
                    format!("'{raw}' is not a date (YYYY-MM-DD)")
                } else {
                    format!("“{raw}”不是日期（应为 YYYY-MM-DD）")
                },
            );
        }
        d
    };
    let (start, end, due) = (date("period_start"), date("period_end"), date("due_on"));
    if let (Some(s), Some(e)) = (start, end)
        && s > e
    {
        errors.insert(
            "period_end".into(),
            say("结束日期早于开始日期", "the period ends before it starts"),
        );
    }
    if let (Some(s), Some(d)) = (start, due)
        && d < s
    {
        errors.insert(
            "due_on".into(),
            say("截止日期早于报告期开始", "due before the period starts"),
        );
    }
    let scope_raw = field("scope");
    let mut parts = scope_raw.splitn(3, '|');
    let plan_id = parts.next().and_then(|p| p.parse::<i64>().ok());
    let scope = match (parts.next(), parts.next()) {
        (Some("all"), None) => Some(RoundScope::All),
        (Some("under"), Some(key)) => Some(RoundScope::Under(key.to_owned())),
        (Some("unit"), Some(name)) => Some(RoundScope::Unit(name.to_owned())),
        _ => None,
    };
    let (Some(plan_id), Some(scope)) = (plan_id, scope) else {
        errors.insert("scope".into(), say("请选择调度范围", "choose the tasks"));
        return Err(errors);
    };
    match (start, end, due) {
        (Some(period_start), Some(period_end), Some(due_on)) if errors.is_empty() => Ok(NewRound {
            plan_id,
            title,
            cadence: cadence.unwrap_or(Cadence::AdHoc),
            period_start,
            period_end,
            due_on,
            scope,
        }),
        _ => Err(errors),
    }
}

/// `POST /rounds`: opens a round.
pub async fn open(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let round = match parse_round(&form, lang.lang) {
        Ok(r) => r,
        Err(errors) => return list_page(&state, &lang, &viewer, form, errors, FORM_ERROR).await,
    };
    match state.store.open_round(&viewer.actor(), &round).await {
        Ok(id) => Redirect::to(&format!("/rounds/{id}")).into_response(),
        Err(duban_store::StoreError::Invalid(m)) => {
            let errors = FieldErrors::from([("scope".to_owned(), m)]);
            list_page(&state, &lang, &viewer, form, errors, FORM_ERROR).await
        }
        Err(e) => error_page(&state, &lang, &e.into()),
    }
}

/// `GET /rounds/{round}`: its reports (a unit sees its own).
pub async fn show(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Path(raw): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Ok(id) = raw.parse::<i64>() else {
        return error_page(&state, &lang, &AppError::NotFound);
    };
    let round = match state.store.round(id).await {
        Ok(Some(r)) => r,
        Ok(None) => return error_page(&state, &lang, &AppError::NotFound),
        Err(e) => return error_page(&state, &lang, &AppError::Store(e)),
    };
    let reporter = viewer.role() == Some(duban_domain::supervision::AccountRole::Reporter);
    let status = q.get("status").and_then(|s| ReportStatus::parse(s));
    let filter = ReportFilter {
        round_id: Some(id),
        unit_id: if reporter {
            viewer.unit().or(Some(-1))
        } else {
            None
        },
        status,
        offset: 0,
        limit: 1000,
    };
    match state.store.reports(&filter).await {
        Ok(rows) => render(
            &state,
            &lang,
            "round.html",
            context! { round => ser(&round), rows => ser(&rows), status => status.map(ReportStatus::as_str), plan_id => round.plan_id },
            StatusCode::OK,
        ),
        Err(e) => error_page(&state, &lang, &AppError::Store(e)),
    }
}

/// `POST /rounds/{round}/close`.
pub async fn close(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> Response {
    let Ok(id) = raw.parse::<i64>() else {
        return error_page(&state, &lang, &AppError::NotFound);
    };
    match state.store.close_round(&viewer.actor(), id).await {
        Ok(()) => Redirect::to(&format!("/rounds/{id}")).into_response(),
        Err(e) => error_page(&state, &lang, &e.into()),
    }
}

/// `POST /rounds/{round}/publish`: the public sees statuses and values as of now.
pub async fn publish(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> Response {
    let Ok(id) = raw.parse::<i64>() else {
        return error_page(&state, &lang, &AppError::NotFound);
    };
    match state.store.publish_round(&viewer.actor(), id).await {
        Ok(()) => Redirect::to(&format!("/rounds/{id}")).into_response(),
        Err(e) => error_page(&state, &lang, &e.into()),
    }
}
