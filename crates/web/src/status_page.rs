//! The status page: the plan's statuses (computed in `duban_domain::supervision`, method in
//! `docs/status.md`) from the dashboard's cache, rendered.

use axum::extract::{Path, State};
use axum::response::Response;
use minijinja::context;

use crate::AppState;
use crate::pages::{PageLang, error_page, load, page, plan_ctx, ser};

/// `GET /plans/{plan}/status`: targets and tasks by status, rolled up.
pub async fn status(
    State(state): State<AppState>,
    lang: PageLang,
    Path(raw): Path<String>,
) -> Response {
    let (id, plan) = match load(&state, &raw).await {
        Ok(x) => x,
        Err(e) => return error_page(&state, &lang, &e),
    };
    match crate::dashboard::dashboard(&state, id, &plan).await {
        Ok(d) => page(
            &state,
            &lang,
            "status.html",
            context! { s => ser(&d.status), ..plan_ctx(id, &plan) },
        ),
        Err(e) => error_page(&state, &lang, &e),
    }
}
