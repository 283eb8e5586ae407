//! The route table: every route with the access class it needs. The router is built from it
//! and a guard enforces the class on each route (who may call it at all, CSRF on state-changing
//! browser requests, the forced password change); handlers then check ownership of the record a
//! request names. Tests walk the same table, so no route escapes the check.

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post, put};
use duban_domain::supervision::{Access, Ownership, permits};

use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::auth::{Via, Viewer, client_addr, same_secret};
use crate::error::AppError;
use crate::pages::{self, PageLang};
use crate::{
    AppState, account, assets, curate, curate_api, dashboard, office, reports, revision_page,
    rounds, status_page, supervise_api, target_api,
};

/// One route: method, path (axum syntax) and what it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteSpec {
    /// HTTP method.
    pub method: &'static str,
    /// Path with `{param}` segments.
    pub path: &'static str,
    /// Who may call it.
    pub access: Access,
}

macro_rules! table {
    ($( $m:ident $path:literal $access:ident => $handler:expr ),* $(,)?) => {
        /// The routes as data (for the authorisation tests and the docs).
        pub fn specs() -> Vec<RouteSpec> {
            vec![$( RouteSpec { method: stringify!($m), path: $path, access: Access::$access } ),*]
        }

        fn handlers() -> Vec<(RouteSpec, MethodRouter<AppState>)> {
            vec![$( (RouteSpec { method: stringify!($m), path: $path, access: Access::$access }, method_router!($m, $handler)) ),*]
        }
    };
}

macro_rules! method_router {
    (GET, $h:expr) => {
        get($h)
    };
    (POST, $h:expr) => {
        post($h)
    };
    (PUT, $h:expr) => {
        put($h)
    };
}

table! {
    GET "/healthz" Public => pages::healthz,
    GET "/static/style.css" Public => pages::style,
    GET "/static/duban.js" Public => assets::duban_js,
    GET "/static/vendor/echarts.min.js" Public => assets::echarts,
    GET "/static/map.geojson" Public => assets::map,
    GET "/static/licences" Public => assets::licences,
    GET "/" Public => pages::home,
    GET "/search" Public => pages::search,
    GET "/plans/{plan}" Public => pages::overview,
    GET "/plans/{plan}/tree" Public => pages::tree,
    GET "/plans/{plan}/nodes/{node}" Public => pages::node,
    GET "/plans/{plan}/units/{unit}" Public => pages::unit,
    GET "/plans/{plan}/targets" Public => pages::targets,
    GET "/plans/{plan}/targets/{target}" Public => pages::target,
    GET "/plans/{plan}/projects" Public => pages::projects,
    GET "/plans/{plan}/status" Public => status_page::status,
    GET "/plans/{plan}/targets/{target}/data.csv" Public => dashboard::target_csv,
    GET "/plans/{plan}/dashboard" Oversight => dashboard::dashboard_page,
    GET "/plans/{plan}/counties/{county}" Oversight => dashboard::county_page,
    GET "/workbench" Signed => dashboard::workbench,
    POST "/plans/{plan}/settings" Office => office::set_method,
    POST "/plans/{plan}/targets/{target}/settings" Office => office::target_settings,
    POST "/plans/{plan}/targets/{target}/observations" Office => office::record_observation,
    POST "/plans/{plan}/nodes/{node}/work-points" Office => office::work_point,
    GET "/plans/{plan}/curate" Office => curate::curate_page,
    POST "/plans/{plan}/edits" Office => curate::post_edit,
    POST "/plans/{plan}/publish" Office => curate::publish,
    GET "/plans/{plan}/nodes/{node}/edit" Office => curate::node_page,
    GET "/plans/{plan}/targets/{target}/edit" Office => curate::target_page,
    GET "/plans/{plan}/revisions/{revision}" Office => revision_page::revision_page,
    POST "/plans/{plan}/revisions/{revision}" Office => revision_page::decide_revision,
    GET "/login" Public => account::login_page,
    POST "/login" Public => account::login,
    POST "/logout" Signed => account::logout,
    GET "/account" Signed => account::account_page,
    POST "/account/password" Signed => account::change_password,
    POST "/account/tokens" Signed => account::create_token,
    GET "/rounds" SignedFiltered => rounds::list,
    POST "/rounds" Office => rounds::open,
    GET "/rounds/{round}" SignedFiltered => rounds::show,
    POST "/rounds/{round}/close" Office => rounds::close,
    POST "/rounds/{round}/publish" Office => rounds::publish,
    GET "/review" Office => reports::review_queue,
    GET "/reports/{report}" ReportRead => reports::show,
    POST "/reports/{report}" ReportWrite => reports::save,
    POST "/reports/{report}/review" Office => reports::review,
    GET "/evidence/{evidence}" ReportRead => reports::evidence,
    GET "/notices" SignedFiltered => office::notices_page,
    GET "/admin/users" Admin => office::users_page,
    POST "/admin/users" Admin => office::create_user,
    POST "/admin/users/{user}/reset" Admin => office::reset_user,
    POST "/admin/users/{user}/disable" Admin => office::disable_user,
    POST "/admin/users/{user}/enable" Admin => office::enable_user,
    GET "/admin/audit" Office => office::audit_page,
    GET "/admin/audit.csv" Office => office::audit_csv,
    GET "/api/v1/me" Signed => supervise_api::me,
    GET "/api/v1/rounds" SignedFiltered => supervise_api::rounds,
    POST "/api/v1/rounds" Office => supervise_api::open_round,
    GET "/api/v1/rounds/{round}" SignedFiltered => supervise_api::round,
    POST "/api/v1/rounds/{round}/close" Office => supervise_api::close_round,
    GET "/api/v1/reports" SignedFiltered => supervise_api::reports,
    GET "/api/v1/reports/{report}" ReportRead => supervise_api::report,
    PUT "/api/v1/reports/{report}/draft" ReportWrite => supervise_api::save_draft,
    POST "/api/v1/reports/{report}/submit" ReportWrite => supervise_api::submit,
    POST "/api/v1/reports/{report}/review" Office => supervise_api::review,
    GET "/api/v1/plans/{plan}/status" Public => target_api::status,
    GET "/api/v1/plans/{plan}/targets/{target}/milestones" Public => target_api::milestones,
    PUT "/api/v1/plans/{plan}/targets/{target}/milestones" Office => target_api::set_milestones,
    GET "/api/v1/plans/{plan}/targets/{target}/observations" Public => target_api::observations,
    POST "/api/v1/plans/{plan}/targets/{target}/observations" Office => target_api::record_observation,
    GET "/api/v1/notices" SignedFiltered => supervise_api::notices,
    GET "/api/v1/audit" Office => supervise_api::audit,
    GET "/api/v1/audit/verify" Admin => supervise_api::verify_audit,
    GET "/api/v1/plans/{plan}/edits" Office => curate_api::edits,
    POST "/api/v1/plans/{plan}/edits" Office => curate_api::post_edit,
    POST "/api/v1/plans/{plan}/publish" Office => curate_api::publish,
    GET "/api/v1/plans/{plan}/revisions" Office => curate_api::revisions,
    GET "/api/v1/plans/{plan}/revisions/{revision}" Office => curate_api::revision,
    POST "/api/v1/plans/{plan}/revisions/{revision}" Office => curate_api::decide,
    POST "/api/v1/rounds/{round}/publish" Office => curate_api::publish_round,
}

/// The application's routes, each behind its guard.
pub fn router(state: AppState) -> Router {
    let limit = state.config.max_request_bytes;
    let mut app = Router::new();
    for (spec, handler) in handlers() {
        let access = spec.access;
        let guarded = handler.layer(axum::middleware::from_fn_with_state(
            state.clone(),
            move |s: State<AppState>, req: Request, next: Next| guard(access, s, req, next),
        ));
        app = app.route(spec.path, guarded);
    }
    app.nest("/api/v1", crate::api::routes())
        .fallback(pages::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        // Pages and JSON go out gzip-compressed to clients that accept it (the vendored
        // files are compressed once at build time and pass through).
        .layer(tower_http::compression::CompressionLayer::new())
        // Every request gets an id (a client's own `x-request-id` is kept), its log lines
        // carry it in their span, and the response returns it.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(log_response),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// The span of one request: method, path (never the query, which may carry tokens) and id.
fn request_span(req: &Request) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
}

/// One line per answered request.
fn log_response<B>(
    response: &axum::http::Response<B>,
    latency: std::time::Duration,
    _: &tracing::Span,
) {
    tracing::info!(
        status = response.status().as_u16(),
        latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX),
        "answered"
    );
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Refuses what the route's access class does not allow, checks CSRF and the forced password
/// change, and hands the resolved viewer to the handler.
async fn guard(
    access: Access,
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = req.into_parts();
    let viewer = Viewer::resolve(&state, &parts.headers, client_addr(&parts)).await;
    let lang = match PageLang::from_request_parts(&mut parts, &state).await {
        Ok(l) => l,
        Err(never) => match never {},
    };
    let path = parts.uri.path().to_owned();
    let api = is_api(&path);
    let fail = |e: AppError| -> Response {
        if api {
            e.json()
        } else {
            pages::error_response(&state, &lang, &e)
        }
    };
    let role = viewer.role();
    let could = permits(access, role, Ownership::Own) || permits(access, role, Ownership::LeadOf);
    if !could {
        if role.is_none() {
            if api {
                return AppError::Unauthorized.json();
            }
            let back = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let to = format!("/login?next={}", urlencode(back));
            return Redirect::to(&to).into_response();
        }
        return fail(AppError::Forbidden("您的角色无权执行此操作".to_owned()));
    }
    // The forced password change is for people at a browser; an API token never used the
    // one-time password.
    if let Some(user) = &viewer.user
        && viewer.via == Via::Session
        && crate::account::must_change(user, &state.config.security)
        && !matches!(
            path.as_str(),
            "/account" | "/account/password" | "/logout" | "/api/v1/me"
        )
        && access != Access::Public
    {
        if api {
            return fail(AppError::Forbidden("请先修改初始密码".to_owned()));
        }
        return Redirect::to("/account?first=1").into_response();
    }
    let changes = !matches!(parts.method, Method::GET | Method::HEAD);
    let mut body = Body::new(body);
    if changes {
        if viewer.via == Via::Session {
            match csrf_checked(
                &state,
                &parts,
                body,
                viewer.csrf.as_deref().unwrap_or_default(),
            )
            .await
            {
                Ok(b) => body = b,
                Err(e) => return fail(e),
            }
        } else if viewer.via == Via::Anonymous && !same_origin(&parts) {
            return fail(AppError::Forbidden("请求来源与本站不符，已拒绝".to_owned()));
        }
    }
    parts.extensions.insert(viewer);
    next.run(Request::from_parts(parts, body)).await
}

/// A cross-site form post carries a foreign `Origin`: refuse it (the login form).
fn same_origin(parts: &axum::http::request::Parts) -> bool {
    let Some(origin) = parts
        .headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    else {
        return true;
    };
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    origin == "null" && host.is_empty() || origin.split_once("://").is_some_and(|(_, h)| h == host)
}

const CSRF_FAILED: &str = "表单已失效或被篡改（安全令牌不符），未保存；请刷新页面后重试";

/// Checks the CSRF token of a session request: the `X-CSRF-Token` header, else the `csrf`
/// field of a form (URL-encoded or multipart). The body is read once and handed on.
async fn csrf_checked(
    state: &AppState,
    parts: &axum::http::request::Parts,
    body: Body,
    expected: &str,
) -> Result<Body, AppError> {
    if expected.is_empty() {
        return Err(AppError::Forbidden(CSRF_FAILED.to_owned()));
    }
    if let Some(sent) = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        return if same_secret(sent, expected) {
            Ok(body)
        } else {
            Err(AppError::Forbidden(CSRF_FAILED.to_owned()))
        };
    }
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = axum::body::to_bytes(body, state.config.max_request_bytes)
        .await
        .map_err(|_| too_large(state))?;
    let sent = if content_type.starts_with("application/x-www-form-urlencoded") {
        form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.into_owned())
    } else if content_type.starts_with("multipart/form-data") {
        multipart_field(&content_type, bytes.clone(), "csrf").await
    } else {
        None
    };
    match sent {
        Some(sent) if same_secret(&sent, expected) => Ok(Body::from(bytes)),
        _ => Err(AppError::Forbidden(CSRF_FAILED.to_owned())),
    }
}

fn too_large(state: &AppState) -> AppError {
    AppError::TooLarge(format!(
        "请求过大：一次提交的文件合计不得超过 {} MB",
        state.config.max_request_bytes / (1024 * 1024)
    ))
}

/// A text field of a buffered multipart body.
async fn multipart_field(
    content_type: &str,
    bytes: axum::body::Bytes,
    name: &str,
) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let mut form = multer::Multipart::new(Body::from(bytes).into_data_stream(), boundary);
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

/// Percent-encodes a path for a query value.
pub fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A plain 403 for handlers' ownership checks.
pub fn forbidden() -> AppError {
    AppError::Forbidden("您无权查看或修改其他单位的报告".to_owned())
}

/// The status code pages use for a refused form (its errors shown beside the fields).
pub const FORM_ERROR: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;
