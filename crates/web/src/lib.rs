//! Duban's web layer, the only crate that knows HTTP: server-rendered pages (Chinese first, an
//! English switch on every page) and the JSON API under `/api/v1` with its OpenAPI document.
//!
//! Handlers are thin: they load what the store has, shape it with `view` (pure functions over
//! the domain), and render a template or JSON. Errors are one type (`error::AppError`) that
//! answers as a page or as JSON by route family.

mod api;
mod cache;
mod error;
mod i18n;
mod openapi;
mod pages;
mod search;
mod view;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use duban_store::Store;

pub use i18n::Lang;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn Store>,
    templates: Arc<minijinja::Environment<'static>>,
    plans: Arc<cache::PlanCache>,
}

impl AppState {
    /// State over a store, with the built-in templates.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            templates: Arc::new(pages::templates()),
            plans: Arc::default(),
        }
    }
}

/// The application's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(pages::healthz))
        .route("/static/style.css", get(pages::style))
        .route("/", get(pages::home))
        .route("/search", get(pages::search))
        .route("/plans/{plan}", get(pages::overview))
        .route("/plans/{plan}/tree", get(pages::tree))
        .route("/plans/{plan}/nodes/{node}", get(pages::node))
        .route("/plans/{plan}/units/{unit}", get(pages::unit))
        .route("/plans/{plan}/targets", get(pages::targets))
        .route("/plans/{plan}/targets/{target}", get(pages::target))
        .route("/plans/{plan}/projects", get(pages::projects))
        .nest("/api/v1", api::routes())
        .fallback(pages::not_found)
        .with_state(state)
}

impl AppState {
    /// The current version of a plan (from the cache when it is there).
    async fn plan(&self, plan_id: i64) -> duban_store::Result<Option<Arc<cache::Cached>>> {
        self.plans.get(self.store.as_ref(), plan_id).await
    }
}

/// The API paths the router serves (for the OpenAPI check).
pub fn api_paths() -> Vec<&'static str> {
    api::PATHS.to_vec()
}
