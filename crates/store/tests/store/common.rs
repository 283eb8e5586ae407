//! The test harness shared by the storage suites: a fresh database per test on every backend
//! available (SQLite always, PostgreSQL when `DUBAN_TEST_DATABASE_URL` is set).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use duban_domain::Plan;
use duban_domain::supervision::{AccountRole, Date};
use duban_store::{
    Actor, NewRound, NewUser, ReportBody, ReportFilter, ReportRow, RoundScope, Source, Store,
};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh database for one test; dropped (PostgreSQL) or deleted (SQLite) afterwards.
pub struct TestDb {
    pub url: String,
    admin: Option<(String, String)>,
    dir: Option<PathBuf>,
}

impl TestDb {
    pub async fn cleanup(self) {
        if let Some((admin, name)) = self.admin {
            let store = duban_store::connect(&admin).await.unwrap();
            drop(store);
            drop_pg_database(&admin, &name).await;
        }
        if let Some(dir) = self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

async fn drop_pg_database(admin: &str, name: &str) {
    use sqlx::Executor;
    let pool = admin_pool(admin).await;
    pool.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
}

/// The PostgreSQL server to test on: `DUBAN_TEST_DATABASE_URL`. Without it the PostgreSQL half
/// of `test` is skipped and a line on stderr says so (written past the test harness's capture,
/// so a passing run shows it too); with `DUBAN_REQUIRE_POSTGRES=1` (CI) the test fails instead.
fn postgres(test: &str) -> Option<String> {
    use std::io::Write;
    if let Ok(url) = std::env::var("DUBAN_TEST_DATABASE_URL")
        && !url.trim().is_empty()
    {
        return Some(url);
    }
    assert!(
        std::env::var("DUBAN_REQUIRE_POSTGRES").as_deref() != Ok("1"),
        "{test}: DUBAN_REQUIRE_POSTGRES=1 but DUBAN_TEST_DATABASE_URL is not set"
    );
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED on PostgreSQL: DUBAN_TEST_DATABASE_URL is not set ({test})"
    );
    None
}

/// The PostgreSQL server's administrative connection; an unreachable server fails the test.
async fn admin_pool(admin: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(admin)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at DUBAN_TEST_DATABASE_URL is unreachable: {e}"))
}

/// One fresh database per backend available.
pub async fn databases(test: &str) -> Vec<TestDb> {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("duban-store-{}-{test}-{n}", std::process::id()));
    let mut out = vec![TestDb {
        url: format!("sqlite://{}/duban.sqlite", dir.display()),
        admin: None,
        dir: Some(dir),
    }];
    if let Some(admin) = postgres(test) {
        use sqlx::Executor;
        let name = format!(
            "duban_t_{}_{}_{n}",
            std::process::id(),
            test.replace('-', "_")
        );
        let pool = admin_pool(&admin).await;
        pool.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        pool.close().await;
        let (base, _) = admin.rsplit_once('/').unwrap();
        out.push(TestDb {
            url: format!("{base}/{name}"),
            admin: Some((admin.clone(), name)),
            dir: None,
        });
    }
    out
}

pub async fn store(db: &TestDb) -> Arc<dyn Store> {
    let store = duban_store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    store
}

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

pub fn reference() -> (Source, Plan) {
    let text =
        std::fs::read_to_string(fixtures().join("plans/haidong-action-plan-2024.txt")).unwrap();
    (source("haidong.txt", &text), duban_import::parse(&text))
}

pub fn source(name: &str, text: &str) -> Source {
    // A stand-in digest for tests: distinct texts, distinct values.
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    Source {
        name: name.to_owned(),
        sha256: format!("{:016x}", h.finish()),
        format: "UTF-8".to_owned(),
    }
}

/// The reference city's unit registry.
pub fn registry() -> duban_domain::Registry {
    let text = std::fs::read_to_string(fixtures().join("registry/haidong.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A store with the reference plan and the city's registry.
pub async fn seeded(db: &TestDb) -> (Arc<dyn Store>, i64) {
    let s = store(db).await;
    s.load_registry(&duban_store::Actor::cli(), &registry())
        .await
        .unwrap();
    let (source, plan) = reference();
    let imported = s
        .import_plan(&duban_store::Actor::cli(), &source, &plan)
        .await
        .unwrap();
    s.publish_plan(&duban_store::Actor::cli(), imported.plan_id)
        .await
        .unwrap();
    (s, imported.plan_id)
}

pub fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

pub fn round(plan_id: i64, scope: RoundScope) -> NewRound {
    NewRound {
        plan_id,
        title: "2025年3月调度".into(),
        cadence: duban_store::Cadence::Monthly,
        period_start: date("2025-03-01"),
        period_end: date("2025-03-31"),
        due_on: date("2025-04-05"),
        scope,
    }
}

pub fn body(progress: &str, percent: f64) -> ReportBody {
    ReportBody {
        progress: progress.into(),
        percent_complete: Some(percent),
        ..ReportBody::default()
    }
}

pub fn actor(user_id: i64, unit: Option<i64>, role: &str) -> Actor {
    Actor {
        user_id: Some(user_id),
        unit_id: unit,
        role: role.into(),
        addr: Some("127.0.0.1".into()),
    }
}

/// A real account to act as.
pub async fn person(s: &Arc<dyn Store>, name: &str, role: AccountRole, unit: Option<i64>) -> Actor {
    let id = s
        .create_user(
            &Actor::cli(),
            &NewUser {
                username: name.into(),
                display_name: name.into(),
                role,
                unit_id: unit,
                password_hash: "$argon2id$stub".into(),
            },
        )
        .await
        .unwrap();
    actor(id, unit, role.as_str())
}

/// The reports of a round, at most `limit`.
pub async fn round_reports(s: &Arc<dyn Store>, round_id: i64, limit: i64) -> Vec<ReportRow> {
    s.reports(&ReportFilter {
        round_id: Some(round_id),
        limit,
        ..ReportFilter::default()
    })
    .await
    .unwrap()
}
