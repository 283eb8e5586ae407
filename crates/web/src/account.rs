//! Signing in and out, the own account: first-login password change, API tokens.

use std::collections::HashMap;

use axum::extract::{Form, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use duban_domain::supervision::{PolicyViolation, SecurityPolicy};
use duban_store::{UserRecord, now};
use minijinja::context;

use crate::auth::{self, SESSION_COOKIE, Viewer};
use crate::error::AppError;
use crate::pages::{PageLang, error_page, render};
use crate::{AppState, Lang};

/// Whether the account must set a new password before anything else.
pub fn must_change(user: &UserRecord, policy: &SecurityPolicy) -> bool {
    user.must_change_password
        || (policy.password_max_age_days > 0
            && user
                .password_changed_at
                .is_some_and(|t| now() - t > policy.password_max_age_days * 86_400))
}

/// A local path to go back to after login (never another site).
fn local(next: Option<&String>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.clone(),
        _ => "/".to_owned(),
    }
}

/// `GET /login`.
pub async fn login_page(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if viewer.user.is_some() {
        return Redirect::to(&local(q.get("next"))).into_response();
    }
    render(
        &state,
        &lang,
        "login.html",
        context! { next => local(q.get("next")), error => None::<String> },
        StatusCode::OK,
    )
}

fn cookie(state: &AppState, value: &str, max_age: Option<i64>) -> Option<HeaderValue> {
    auth::set_cookie(
        SESSION_COOKIE,
        value,
        cookie::SameSite::Strict,
        state.config.secure_cookies,
        max_age,
    )
}

/// `POST /login`: a new session (new id) on success; failures count towards the lockout.
pub async fn login(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let next = local(form.get("next"));
    let username = form
        .get("username")
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let refuse = |message: String, status: StatusCode| {
        render(
            &state,
            &lang,
            "login.html",
            context! { next => next.clone(), error => message, username => username.clone() },
            status,
        )
    };
    let wrong = match lang.lang {
        Lang::Zh => "账号或密码错误".to_owned(),
        Lang::En => "wrong user name or password".to_owned(),
    };
    let user = match state.store.user_by_name(&username).await {
        Ok(u) => u,
        Err(e) => return error_page(&state, &lang, &AppError::Store(e)),
    };
    let Some(user) = user.filter(|u| u.disabled_at.is_none()) else {
        // The same work as a real check: a wrong name is not told apart by its timing.
        let _ = check(password, auth::dummy_hash().to_owned()).await;
        return refuse(wrong, StatusCode::UNAUTHORIZED);
    };
    let policy = state.config.security;
    if let Some(until) = user.locked_until.filter(|&t| t > now()) {
        let minutes = (until - now() + 59) / 60;
        let message = match lang.lang {
            Lang::Zh => {
                format!("连续登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试或联系管理员解锁")
            }
            Lang::En => format!(
                "too many failed logins: the account is locked for {minutes} more minutes, or ask an administrator"
            ),
        };
        return refuse(message, StatusCode::FORBIDDEN);
    }
    let actor = duban_store::Actor {
        user_id: Some(user.id),
        unit_id: user.unit_id,
        role: user.role.as_str().to_owned(),
        addr: viewer.addr.clone(),
    };
    if !check(password, user.password_hash.clone()).await {
        if let Err(e) = state
            .store
            .record_login(&actor, user.id, false, &policy)
            .await
        {
            return error_page(&state, &lang, &AppError::Store(e));
        }
        return refuse(wrong, StatusCode::UNAUTHORIZED);
    }
    let id = auth::random_hex(32);
    let csrf = auth::random_hex(32);
    let started = async {
        state
            .store
            .record_login(&actor, user.id, true, &policy)
            .await?;
        if let Some(old) = &viewer.session_hash {
            state.store.end_session(&actor, old).await?;
        }
        state
            .store
            .create_session(&actor, user.id, &auth::sha256_hex(id.as_bytes()), &csrf)
            .await
    };
    if let Err(e) = started.await {
        return error_page(&state, &lang, &AppError::Store(e));
    }
    let to = if must_change(&user, &policy) {
        "/account?first=1".to_owned()
    } else {
        next
    };
    let mut response = Redirect::to(&to).into_response();
    if let Some(c) = cookie(&state, &id, None) {
        response.headers_mut().insert(header::SET_COOKIE, c);
    }
    response
}

async fn check(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// `POST /logout`.
pub async fn logout(State(state): State<AppState>, lang: PageLang, viewer: Viewer) -> Response {
    if let Some(hash) = &viewer.session_hash
        && let Err(e) = state.store.end_session(&viewer.actor(), hash).await
    {
        return error_page(&state, &lang, &AppError::Store(e));
    }
    let mut response = Redirect::to("/").into_response();
    if let Some(c) = cookie(&state, "", Some(0)) {
        response.headers_mut().insert(header::SET_COOKIE, c);
    }
    response
}

fn account_view(
    state: &AppState,
    lang: &PageLang,
    viewer: &Viewer,
    extra: minijinja::Value,
    status: StatusCode,
) -> Response {
    let Some(user) = &viewer.user else {
        return error_page(state, lang, &AppError::Unauthorized);
    };
    let policy = state.config.security;
    let ctx = context! {
        user => crate::pages::ser(user),
        forced => must_change(user, &policy),
        min_length => policy.password.min_length, min_classes => policy.password.min_classes,
        ..extra
    };
    render(state, lang, "account.html", ctx, status)
}

/// `GET /account`: the own account; on first login, the password change it requires.
pub async fn account_page(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
) -> Response {
    account_view(&state, &lang, &viewer, context! {}, StatusCode::OK)
}

/// `POST /account/password`: current password, new one twice, checked against the policy.
pub async fn change_password(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let Some(user) = viewer.user.clone() else {
        return error_page(&state, &lang, &AppError::Unauthorized);
    };
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let (current, new, confirm) = (field("current"), field("new"), field("confirm"));
    let en = lang.lang == Lang::En;
    let problem = if !check(current.clone(), user.password_hash.clone()).await {
        Some((
            "current",
            if en {
                "the current password is wrong".to_owned()
            } else {
                "当前密码不正确".to_owned()
            },
        ))
    } else if new != confirm {
        Some((
            "confirm",
            if en {
                "the two new passwords differ".to_owned()
            } else {
                "两次输入的新密码不一致".to_owned()
            },
        ))
    } else if new == current {
        Some(("new", msg(&PolicyViolation::Unchanged, en)))
    } else {
        state
            .config
            .security
            .password
            .check(&new, &user.username)
            .err()
            .map(|v| ("new", msg(&v, en)))
    };
    if let Some((name, message)) = problem {
        return account_view(
            &state,
            &lang,
            &viewer,
            context! { errors => HashMap::from([(name, message)]) },
            crate::routes::FORM_ERROR,
        );
    }
    let hash = match tokio::task::spawn_blocking(move || auth::hash_password(&new)).await {
        Ok(Ok(h)) => h,
        _ => {
            return error_page(
                &state,
                &lang,
                &AppError::Unprocessable("无法处理该密码".to_owned()),
            );
        }
    };
    if let Err(e) = state
        .store
        .set_password(&viewer.actor(), user.id, &hash, false)
        .await
    {
        return error_page(&state, &lang, &e.into());
    }
    Redirect::to("/account?changed=1").into_response()
}

fn msg(v: &PolicyViolation, en: bool) -> String {
    if en { v.message_en() } else { v.message() }
}

/// `POST /account/tokens`: a new API token, shown once.
pub async fn create_token(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let Some(user) = &viewer.user else {
        return error_page(&state, &lang, &AppError::Unauthorized);
    };
    let name = form
        .get("name")
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "api".to_owned());
    let token = format!("dbn_{}", auth::random_hex(32));
    if let Err(e) = state
        .store
        .create_token(
            &viewer.actor(),
            user.id,
            &name,
            &auth::sha256_hex(token.as_bytes()),
        )
        .await
    {
        return error_page(&state, &lang, &e.into());
    }
    account_view(
        &state,
        &lang,
        &viewer,
        context! { token, token_name => name },
        StatusCode::OK,
    )
}
