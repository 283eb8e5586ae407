//! Duban's web layer, the only crate that knows HTTP: server-rendered pages (Chinese first, an
//! English switch on every page) and the JSON API under `/api/v1` with its OpenAPI document.
//!
//! Handlers are thin: they load what the store has, shape it with `view` (pure functions over
//! the domain), and render a template or JSON. Errors are one type (`error::AppError`) that
//! answers as a page or as JSON by route family.

mod account;
mod api;
mod assets;
pub mod auth;
mod cache;
mod config;
mod csv_export;
mod curate;
mod curate_api;
mod dashboard;
mod error;
mod evidence;
mod i18n;
pub mod notify;
mod office;
mod openapi;
mod pages;
mod report_form;
mod reports;
mod revision_page;
mod rounds;
pub mod routes;
mod search;
mod status_page;
mod supervise_api;
mod target_api;
mod view;

use std::sync::Arc;

use axum::Router;
use duban_store::Store;

pub use assets::map_codes;
pub use config::{Config, SmtpConfig};
pub use i18n::Lang;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn Store>,
    templates: Arc<minijinja::Environment<'static>>,
    plans: Arc<cache::PlanCache>,
    config: Arc<Config>,
    dashboards: Arc<dashboard::DashboardCache>,
}

impl AppState {
    /// State over a store, with the built-in templates and default settings.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self::with_config(store, Config::default())
    }

    /// State over a store with a deployment's settings.
    pub fn with_config(store: Arc<dyn Store>, config: Config) -> Self {
        Self {
            store,
            templates: Arc::new(pages::templates()),
            plans: Arc::default(),
            config: Arc::new(config),
            dashboards: Arc::default(),
        }
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }
}

/// The application's routes: every one behind the guard of its access class (`routes`).
pub fn router(state: AppState) -> Router {
    routes::router(state)
}

impl AppState {
    /// The current version of a plan (from the cache when it is there).
    async fn plan(&self, plan_id: i64) -> duban_store::Result<Option<Arc<cache::Cached>>> {
        self.plans.get(self.store.as_ref(), plan_id).await
    }
}

/// The API paths the router serves (for the OpenAPI check): the plan API's, and the
/// supervision API's from the route table.
pub fn api_paths() -> Vec<&'static str> {
    let mut paths = api::PATHS.to_vec();
    for spec in routes::specs() {
        if let Some(p) = spec.path.strip_prefix("/api/v1")
            && !paths.contains(&p)
        {
            paths.push(p);
        }
    }
    paths
}

/// The API's operations the router serves, `(method, path under /api/v1)`: the plan API's
/// (all GET) and those of the route table.
pub fn api_operations() -> Vec<(&'static str, &'static str)> {
    let mut ops: Vec<(&'static str, &'static str)> =
        api::PATHS.iter().map(|p| ("GET", *p)).collect();
    for spec in routes::specs() {
        if let Some(p) = spec.path.strip_prefix("/api/v1") {
            ops.push((spec.method, p));
        }
    }
    ops
}

/// The OpenAPI document served at `/api/v1/openapi.json`.
pub fn openapi_document() -> serde_json::Value {
    openapi::document().clone()
}
