//! Duban's storage: one [`Store`] interface, one SQL implementation that serves both backends
//! through `sqlx::Any`, chosen from the database URL at start-up.
//!
//! - `sqlite://…` — the embedded default: a file created on first start, WAL journal,
//!   `synchronous=FULL` so that an acknowledged write survives a crash, and write transactions
//!   serialised in the process so that concurrent writers wait instead of failing with
//!   "database is locked".
//! - `postgres://…` — production and scale-out (and the route to Kingbase and openGauss).
//!
//! Each backend has its own migrations (`migrations/sqlite`, `migrations/postgres`, the same file
//! names in both), embedded in the binary and applied by [`Store::migrate`].
//!
//! Architecture invariant: SQL is portable (`$1` parameters, `RETURNING`, `ON CONFLICT`) except
//! where a backend must differ; that difference lives in `backend.rs` and the migrations only.

mod backend;
mod error;
mod import;
mod registry;
mod sql;

use std::sync::Arc;

use duban_domain::{Plan, Registry};

pub use backend::Backend;
pub use error::StoreError;

/// Result of store operations.
pub type Result<T> = std::result::Result<T, StoreError>;

/// Where an imported plan came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The file's name as given.
    pub name: String,
    /// SHA-256 of the file's bytes, lowercase hex: the same bytes are the same version.
    pub sha256: String,
    /// The detected format (`UTF-8`, `gb18030`, `docx`, …).
    pub format: String,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    /// A plan not seen before.
    Created,
    /// A changed document of a known plan: stored as its next version.
    NewVersion,
    /// The same document again: nothing stored.
    Unchanged,
}

/// The result of [`Store::import_plan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    /// The plan's id.
    pub plan_id: i64,
    /// The version the document is (new or existing).
    pub version: i64,
    /// What happened.
    pub outcome: ImportOutcome,
}

/// A plan with the counts of its current version.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSummary {
    /// The plan's id.
    pub id: i64,
    /// Title of the current version.
    pub title: String,
    /// Issuing body.
    pub issuer: Option<String>,
    /// Document number.
    pub doc_number: Option<String>,
    /// Date of issue, `YYYY-MM-DD`.
    pub issued_on: Option<String>,
    /// The current version's number (1 for a first import).
    pub version: i64,
    /// Nodes of the current version.
    pub nodes: i64,
    /// Nodes with responsible units (tasks).
    pub tasks: i64,
    /// Quantitative targets.
    pub targets: i64,
    /// Distinct units assigned.
    pub units: i64,
    /// Named projects.
    pub projects: i64,
}

/// A unit of the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRecord {
    /// Registry id.
    pub id: i64,
    /// Canonical name.
    pub name: String,
    /// Kind as in `duban.plan/1` (`department`, `county_government`, …).
    pub kind: String,
    /// Other spellings, sorted.
    pub aliases: Vec<String>,
    /// GB/T 2260 code, for county-level governments.
    pub adcode: Option<String>,
    /// For a group: the names of its members, sorted by code then name.
    pub members: Vec<String>,
}

/// Everything duban keeps. Methods are shaped by tasks, not tables.
#[async_trait::async_trait]
pub trait Store: Send + Sync {
    /// Which backend this is.
    fn backend(&self) -> Backend;

    /// Applies pending migrations.
    async fn migrate(&self) -> Result<()>;

    /// Answers when the database is reachable.
    async fn health(&self) -> Result<()>;

    /// Stores a parsed plan. The same document twice is stored once; a changed document of the
    /// same plan (same document number, or same title where there is none) becomes its next
    /// version. A document that is no plan (no nodes, or an error diagnostic) is refused and
    /// nothing is stored.
    async fn import_plan(&self, source: &Source, plan: &Plan) -> Result<Imported>;

    /// All plans, with the counts of their current versions, in order of first import.
    async fn plans(&self) -> Result<Vec<PlanSummary>>;

    /// A version of a plan (`None`: the current one) exactly as it was imported.
    async fn plan(&self, plan_id: i64, version: Option<i64>) -> Result<Option<Plan>>;

    /// The current version of a plan, if the plan exists (cheap: for caches).
    async fn current_version(&self, plan_id: i64) -> Result<Option<i64>>;

    /// Every plan's id, current version and title, in order of first import (cheap: for caches).
    async fn current_versions(&self) -> Result<Vec<(i64, i64, String)>>;

    /// Loads a city's unit registry: units with codes and spellings, groups with members.
    /// Loading it again changes nothing; units already known are completed, not duplicated.
    async fn load_registry(&self, registry: &Registry) -> Result<()>;

    /// A registered unit by its name or one of its aliases.
    async fn unit(&self, name: &str) -> Result<Option<UnitRecord>>;

    /// Names of the migrations applied, in order.
    async fn applied_migrations(&self) -> Result<Vec<String>>;
}

/// Connects to the database the URL names, creating an SQLite file (and its folder) if needed.
/// Does not migrate: call [`Store::migrate`].
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    let store = sql::SqlStore::connect(url).await?;
    Ok(Arc::new(store))
}
