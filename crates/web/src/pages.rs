//! Server-rendered pages. Language: `?lang=en|zh` (remembered in a cookie), else the cookie,
//! else Chinese.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use duban_domain::{Plan, Role};
use minijinja::{Environment, Value, context};

use crate::AppState;
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::view::{self, NodeRow, ProjectRow, TargetRow, UnitRow};

const COOKIE: &str = "duban_lang";

/// The page language of a request, and whether it was chosen just now (to remember it).
pub struct PageLang {
    pub(crate) lang: Lang,
    chosen: bool,
    path: String,
    /// The signed-in person, when the route guard resolved one.
    pub(crate) viewer: Option<crate::auth::Viewer>,
    /// The office previews the public view (`?view=public`).
    pub(crate) preview: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let chosen = query.split('&').find_map(|kv| kv.strip_prefix("lang="));
        let cookie = crate::auth::cookie(&parts.headers, COOKIE);
        Ok(Self {
            lang: Lang::parse(chosen.or(cookie.as_deref())),
            chosen: chosen.is_some(),
            path: parts.uri.path().to_owned(),
            viewer: parts.extensions.get::<crate::auth::Viewer>().cloned(),
            preview: query.split('&').any(|kv| kv == "view=public"),
        })
    }
}

/// Loads the templates built into the binary.
pub fn templates() -> Environment<'static> {
    let mut env = Environment::new();
    let files = [
        ("base.html", include_str!("../templates/base.html")),
        ("plans.html", include_str!("../templates/plans.html")),
        ("overview.html", include_str!("../templates/overview.html")),
        ("tree.html", include_str!("../templates/tree.html")),
        ("node.html", include_str!("../templates/node.html")),
        ("unit.html", include_str!("../templates/unit.html")),
        ("targets.html", include_str!("../templates/targets.html")),
        ("target.html", include_str!("../templates/target.html")),
        ("projects.html", include_str!("../templates/projects.html")),
        ("search.html", include_str!("../templates/search.html")),
        ("login.html", include_str!("../templates/login.html")),
        ("account.html", include_str!("../templates/account.html")),
        ("rounds.html", include_str!("../templates/rounds.html")),
        ("round.html", include_str!("../templates/round.html")),
        ("report.html", include_str!("../templates/report.html")),
        ("review.html", include_str!("../templates/review.html")),
        ("status.html", include_str!("../templates/status.html")),
        ("users.html", include_str!("../templates/users.html")),
        ("audit.html", include_str!("../templates/audit.html")),
        ("notices.html", include_str!("../templates/notices.html")),
        (
            "dashboard.html",
            include_str!("../templates/dashboard.html"),
        ),
        ("county.html", include_str!("../templates/county.html")),
        (
            "workbench.html",
            include_str!("../templates/workbench.html"),
        ),
        ("error.html", include_str!("../templates/error.html")),
        ("curate.html", include_str!("../templates/curate.html")),
        (
            "node_edit.html",
            include_str!("../templates/node_edit.html"),
        ),
        (
            "target_edit.html",
            include_str!("../templates/target_edit.html"),
        ),
        (
            "target_fields.html",
            include_str!("../templates/target_fields.html"),
        ),
        ("revision.html", include_str!("../templates/revision.html")),
    ];
    for (name, source) in files {
        if let Err(e) = env.add_template(name, source) {
            tracing::error!(template = name, error = %e, "template does not compile");
        }
    }
    env
}

/// Renders a page, or the error page if rendering fails.
pub(crate) fn render(
    state: &AppState,
    lang: &PageLang,
    name: &str,
    ctx: Value,
    status: StatusCode,
) -> Response {
    let me = lang.viewer.as_ref().and_then(|v| {
        let u = v.user.as_ref()?;
        Some(context! {
            username => u.username.clone(), display_name => u.display_name.clone(), role => u.role.as_str(),
            unit_id => u.unit_id, unit_name => u.unit_name.clone(), csrf => v.csrf.clone(),
            is_office => u.role.is_office(), is_admin => u.role == duban_domain::supervision::AccountRole::Admin,
        })
    });
    let full = context! { t => i18n::words(lang.lang), lang => lang.lang.code(), path => lang.path.clone(), me, ..ctx };
    let html = state
        .templates
        .get_template(name)
        .and_then(|t| t.render(full));
    let mut response = match html {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(template = name, error = %e, "rendering failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<h1>500</h1>".to_owned()),
            )
                .into_response()
        }
    };
    if lang.chosen {
        // Not `Secure`: the language is no secret, and plain-HTTP deployments keep it too.
        let year = 365 * 24 * 3600;
        if let Some(v) = crate::auth::set_cookie(
            COOKIE,
            lang.lang.code(),
            cookie::SameSite::Lax,
            false,
            Some(year),
        ) {
            response.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    response
}

pub(crate) fn page(state: &AppState, lang: &PageLang, name: &str, ctx: Value) -> Response {
    render(state, lang, name, ctx, StatusCode::OK)
}

/// The error page for a failure.
pub(crate) fn error_page(state: &AppState, lang: &PageLang, e: &AppError) -> Response {
    if let AppError::Store(err) = e {
        tracing::error!(error = %err, "store error");
    }
    let (key, message) = match e {
        AppError::NotFound => ("not_found_text", None),
        AppError::BadRequest(m) => ("not_found_text", Some(m.clone())),
        AppError::Store(_) => ("unavailable", None),
        other => ("error", Some(other.message())),
    };
    render(
        state,
        lang,
        "error.html",
        context! { status => e.status().as_u16(), message_key => key, message },
        e.status(),
    )
}

/// The error page, for the route guard.
pub(crate) fn error_response(state: &AppState, lang: &PageLang, e: &AppError) -> Response {
    error_page(state, lang, e)
}

/// A serialisable value for a template.
pub(crate) fn ser<T: serde::Serialize>(value: &T) -> Value {
    Value::from(minijinja::value::Serde(value))
}

pub(crate) async fn load(
    state: &AppState,
    raw: &str,
) -> Result<(i64, Arc<crate::cache::Cached>), AppError> {
    let id: i64 = raw.parse().map_err(|_| AppError::NotFound)?;
    let plan = state.plan(id).await?.ok_or(AppError::NotFound)?;
    Ok((id, plan))
}

/// Whether a request sees the plan as the public does: nobody signed in, or the office asking
/// for the public preview (`?view=public`).
pub(crate) fn public_audience(lang: &PageLang) -> bool {
    lang.viewer.as_ref().is_none_or(|v| v.user.is_none()) || lang.preview
}

/// A plan as the request may see it: the public sees published plans only, without what the
/// office marked internal.
pub(crate) async fn load_for(
    state: &AppState,
    lang: &PageLang,
    raw: &str,
) -> Result<(i64, Arc<crate::cache::Cached>), AppError> {
    let (id, plan) = load(state, raw).await?;
    if !public_audience(lang) {
        return Ok((id, plan));
    }
    if !plan.published {
        return Err(AppError::NotFound);
    }
    Ok((id, plan.public_view()))
}

pub(crate) fn plan_ctx(id: i64, plan: &Plan) -> Value {
    context! {
        plan_id => id,
        plan => context! { title => plan.title.clone(), doc_number => plan.doc_number.clone(), issuer => plan.issuer.clone(), issued_on => plan.issued_on.clone() },
    }
}

/// `GET /healthz`: 200 when the store answers.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.health().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: store unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable").into_response()
        }
    }
}

/// The stylesheet.
pub async fn style() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../static/style.css"),
    )
        .into_response()
}

/// `GET /`: the only plan's overview, or the list of plans.
pub async fn home(State(state): State<AppState>, lang: PageLang) -> Response {
    let mut plans = match state.store.plans().await {
        Ok(p) => p,
        Err(e) => return error_page(&state, &lang, &AppError::Store(e)),
    };
    if public_audience(&lang) {
        plans.retain(|p| p.published_at.is_some());
    }
    if let [only] = plans.as_slice() {
        let suffix = if lang.chosen {
            format!("?lang={}", lang.lang.code())
        } else {
            String::new()
        };
        return Redirect::to(&format!("/plans/{}{suffix}", only.id)).into_response();
    }
    let rows: Vec<_> = plans
        .iter()
        .map(|p| context! { id => p.id, title => p.title.clone(), doc_number => p.doc_number.clone(), tasks => p.tasks, targets => p.targets,
            published => p.published_at.is_some(), pending => p.pending_revisions })
        .collect();
    page(&state, &lang, "plans.html", context! { plans => rows })
}

/// `GET /plans/{plan}`: title, number, chapters, counts.
pub async fn overview(
    State(state): State<AppState>,
    lang: PageLang,
    Path(raw): Path<String>,
) -> Response {
    let (id, plan) = match load_for(&state, &lang, &raw).await {
        Ok(x) => x,
        Err(e) => return error_page(&state, &lang, &e),
    };
    let counts = context! {
        nodes => plan.nodes.len(), tasks => plan.tasks().count(), targets => plan.targets.len(),
        units => plan.units.len(), projects => plan.projects.len(),
    };
    let ctx = context! {
        chapters => ser(&view::chapters(&plan)), counts, diagnostics => ser(&plan.diagnostics),
        ..plan_ctx(id, &plan)
    };
    page(&state, &lang, "overview.html", ctx)
}

/// `GET /plans/{plan}/tree`.
/// With `?version=N` the office sees an earlier version as served (revisions keep them all).
pub async fn tree(
    State(state): State<AppState>,
    lang: PageLang,
    Path(raw): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let office = lang
        .viewer
        .as_ref()
        .is_some_and(crate::auth::Viewer::is_office);
    let version = q.get("version").and_then(|v| v.parse::<i64>().ok());
    let shown = async {
        let (id, plan) = load_for(&state, &lang, &raw).await?;
        let versions = if office {
            state.store.current_version(id).await?.unwrap_or(1)
        } else {
            0
        };
        match version.filter(|_| office) {
            Some(v) => {
                let old = state
                    .store
                    .plan(id, Some(v))
                    .await?
                    .ok_or(AppError::NotFound)?;
                Ok::<_, AppError>((id, view::tree(&old), plan_ctx(id, &old), Some(v), versions))
            }
            None => Ok((id, view::tree(&plan), plan_ctx(id, &plan), None, versions)),
        }
    };
    match shown.await {
        Ok((_, rows, ctx, version, versions)) => page(
            &state,
            &lang,
            "tree.html",
            context! { rows => ser(&rows), version, versions => (1..=versions).collect::<Vec<_>>(), ..ctx },
        ),
        Err(e) => error_page(&state, &lang, &e),
    }
}

/// `GET /plans/{plan}/nodes/{node}`: text, lead and co units, targets, projects, source line.
pub async fn node(
    State(state): State<AppState>,
    lang: PageLang,
    Path((raw, key)): Path<(String, String)>,
) -> Response {
    let (id, plan) = match load_for(&state, &lang, &raw).await {
        Ok(x) => x,
        Err(e) => return error_page(&state, &lang, &e),
    };
    let Some(node) = plan.nodes.iter().find(|n| n.id.0 == key) else {
        return error_page(&state, &lang, &AppError::NotFound);
    };
    let units = |role: Role| node.units_with(role).map(str::to_owned).collect::<Vec<_>>();
    let projects: Vec<ProjectRow> = view::node_projects(&plan, node)
        .into_iter()
        .map(ProjectRow::of)
        .collect();
    let children: Vec<NodeRow> = plan.children(Some(&node.id)).map(NodeRow::of).collect();
    let annual_points = match state.store.work_points(id, &key).await {
        Ok(p) => p,
        Err(e) => return error_page(&state, &lang, &AppError::Store(e)),
    };
    let ctx = context! {
        annual_points,
        node => ser(&NodeRow::of(node)),
        paragraphs => node.text.lines().map(str::to_owned).collect::<Vec<_>>(),
        line => node.line,
        responsible_raw => node.responsible_raw.clone(),
        deadline => node.deadline.clone(),
        descriptive => !node.supervised && !node.responsible.is_empty(),
        // The people named for a task are for those signed in, never the public.
        people => node.people.iter().filter(|_| !public_audience(&lang)).map(|c| {
            let person = |p: &Option<duban_domain::Person>| p.as_ref().map(|p| context! { name => p.name.clone(), post => p.post.clone(), phone => p.phone.clone() });
            context! { unit => c.unit.clone(), leader => person(&c.leader), responsible => person(&c.responsible), liaison => person(&c.liaison) }
        }).collect::<Vec<_>>(),
        work_plan => node.work_plan.iter().map(|w| context! { label => w.label.clone(), lines => w.text.lines().map(str::to_owned).collect::<Vec<_>>() }).collect::<Vec<_>>(),
        leads => units(Role::Lead), cos => units(Role::Co), implementers => units(Role::Implementer),
        crumbs => ser(&view::breadcrumbs(&plan, node)),
        targets => ser(&view::node_targets(&plan, node)),
        projects => ser(&projects), children => ser(&children),
        ..plan_ctx(id, &plan)
    };
    page(&state, &lang, "node.html", ctx)
}

/// `GET /plans/{plan}/units/{unit}`: tasks it leads and assists, its targets.
pub async fn unit(
    State(state): State<AppState>,
    lang: PageLang,
    Path((raw, name)): Path<(String, String)>,
) -> Response {
    let (id, plan) = match load_for(&state, &lang, &raw).await {
        Ok(x) => x,
        Err(e) => return error_page(&state, &lang, &e),
    };
    // The registry knows spellings the plan does not (乐都区人民政府 → 乐都区政府).
    let registered = state
        .store
        .unit(&name)
        .await
        .inspect_err(|e| tracing::error!(error = %e, unit = %name, "registry lookup failed"))
        .ok()
        .flatten();
    let canonical = registered
        .as_ref()
        .map_or(name.as_str(), |r| r.name.as_str());
    let Some(unit) = plan.unit(canonical).or_else(|| plan.unit(&name)) else {
        return error_page(&state, &lang, &AppError::NotFound);
    };
    let ctx = context! {
        unit => ser(&UnitRow::of(&plan, unit)),
        adcode => registered.as_ref().and_then(|r| r.adcode.clone()),
        members => registered.map(|r| r.members).unwrap_or_default(),
        leads => ser(&view::unit_tasks(&plan, &unit.name, true)),
        assists => ser(&view::unit_tasks(&plan, &unit.name, false)),
        targets => ser(&view::unit_targets(&plan, &unit.name)),
        ..plan_ctx(id, &plan)
    };
    page(&state, &lang, "unit.html", ctx)
}

/// `GET /plans/{plan}/targets`.
pub async fn targets(
    State(state): State<AppState>,
    lang: PageLang,
    Path(raw): Path<String>,
) -> Response {
    match load_for(&state, &lang, &raw).await {
        Ok((id, plan)) => {
            let rows: Vec<TargetRow> = plan.targets.iter().map(TargetRow::of).collect();
            let units: Vec<UnitRow> = plan.units.iter().map(|u| UnitRow::of(&plan, u)).collect();
            page(
                &state,
                &lang,
                "targets.html",
                context! { rows => ser(&rows), units => ser(&units), ..plan_ctx(id, &plan) },
            )
        }
        Err(e) => error_page(&state, &lang, &e),
    }
}

/// `GET /plans/{plan}/targets/{target}`.
pub async fn target(
    State(state): State<AppState>,
    lang: PageLang,
    Path((raw, key)): Path<(String, String)>,
) -> Response {
    let (id, plan) = match load_for(&state, &lang, &raw).await {
        Ok(x) => x,
        Err(e) => return error_page(&state, &lang, &e),
    };
    let Some(t) = plan.targets.iter().find(|t| t.id.0 == key) else {
        return error_page(&state, &lang, &AppError::NotFound);
    };
    let node = plan.node(&t.node).map(NodeRow::of);
    let progress =
        async {
            let settings = state.store.target_settings(id, &key).await?.unwrap_or(
                duban_store::TargetSettings {
                    baseline: None,
                    milestones: Vec::new(),
                    milestone_origin: None,
                    row_version: 0,
                },
            );
            let public = public_audience(&lang);
            let (facts, _) = crate::dashboard::facts_for(&state, id, public).await?;
            let office = lang
                .viewer
                .as_ref()
                .is_some_and(crate::auth::Viewer::is_office);
            // The public's values are those of the published round, already in the facts.
            let observations: Vec<_> = if public {
                Vec::new()
            } else {
                state
                    .store
                    .observations(id, &key)
                    .await?
                    .into_iter()
                    .filter(|o| office || o.status == "approved")
                    .collect()
            };
            Ok::<_, AppError>((settings, facts, observations))
        };
    let (settings, facts, observations) = match progress.await {
        Ok(x) => x,
        Err(e) => return error_page(&state, &lang, &e),
    };
    let method = duban_domain::supervision::StatusMethod::parse(&facts.method).unwrap_or_default();
    let status = duban_domain::supervision::target_status(
        &plan,
        t,
        &facts,
        method,
        duban_domain::supervision::Date::from_unix(
            duban_store::now(),
            state.config.utc_offset_hours,
        ),
    );
    let chart = duban_domain::supervision::chart(t, &status, &facts);
    let chart_json = serde_json::to_string(&chart)
        .unwrap_or_default()
        .replace("</", "<\\/");
    let ctx = context! {
        chart => ser(&chart), chart_json,
        row => ser(&TargetRow::of(t)), target => ser(t), comparator => t.comparator.symbol(), node => ser(&node),
        horizon => plan.operative_horizon(),
        settings => ser(&settings), milestones => ser(&status.milestones), assessment => ser(&status.assessment),
        method => ser(&duban_domain::supervision::StatusMethod::parse(&facts.method).unwrap_or_default()),
        observations => ser(&observations),
        ..plan_ctx(id, &plan)
    };
    page(&state, &lang, "target.html", ctx)
}

/// `GET /plans/{plan}/projects`.
pub async fn projects(
    State(state): State<AppState>,
    lang: PageLang,
    Path(raw): Path<String>,
) -> Response {
    match load_for(&state, &lang, &raw).await {
        Ok((id, plan)) => {
            let rows: Vec<ProjectRow> = plan.projects.iter().map(ProjectRow::of).collect();
            page(
                &state,
                &lang,
                "projects.html",
                context! { rows => ser(&rows), ..plan_ctx(id, &plan) },
            )
        }
        Err(e) => error_page(&state, &lang, &e),
    }
}

/// `GET /search?q=…&plan=…`: tasks, targets and projects holding every term.
pub async fn search(
    State(state): State<AppState>,
    lang: PageLang,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let query = q.get("q").map(|s| s.trim().to_owned()).unwrap_or_default();
    let only: Option<i64> = q.get("plan").and_then(|p| p.parse().ok());
    let mut results = Vec::new();
    if !query.is_empty() {
        match crate::search::search_groups(&state, &query, only, public_audience(&lang)).await {
            Ok(groups) => results = groups,
            Err(e) => return error_page(&state, &lang, &e),
        }
    }
    page(
        &state,
        &lang,
        "search.html",
        context! { q => query, plan_id => only, results => ser(&results) },
    )
}

/// Anything else: a real 404 page (JSON under `/api`).
pub async fn not_found(State(state): State<AppState>, lang: PageLang) -> Response {
    error_page(&state, &lang, &AppError::NotFound)
}
