//! The status page: the plan's statuses (computed in `duban_domain::supervision`, method in
//! `docs/status.md`) from the dashboard's cache, rendered.

use axum::extract::{Path, State};
use axum::response::Response;
use minijinja::context;

use crate::AppState;
use crate::pages::{PageLang, error_page, load_for, page, plan_ctx, public_audience, ser};

/// `GET /plans/{plan}/status`: targets and tasks by status, rolled up.
pub async fn status(
    State(state): State<AppState>,
    lang: PageLang,
    Path(raw): Path<String>,
) -> Response {
    let (id, plan) = match load_for(&state, &lang, &raw).await {
        Ok(x) => x,
        Err(e) => return error_page(&state, &lang, &e),
    };
    let public = public_audience(&lang);
    let shown = async {
        let d = crate::dashboard::dashboard(&state, id, &plan, public).await?;
        let round = if public {
            state
                .store
                .published_cutoff(id)
                .await?
                .map(|(_, title)| title)
        } else {
            None
        };
        Ok::<_, crate::error::AppError>((d, round))
    };
    match shown.await {
        Ok((d, round)) => page(
            &state,
            &lang,
            "status.html",
            context! { s => ser(&d.status), public, published_round => round, preview => lang.preview, ..plan_ctx(id, &plan) },
        ),
        Err(e) => error_page(&state, &lang, &e),
    }
}
