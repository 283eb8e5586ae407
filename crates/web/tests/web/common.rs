//! A supervised world for the web tests: the reference plan and registry in a fresh SQLite
//! store, one account per role (sessions made directly, passwords real), a round over every
//! task, and a client that speaks HTTP to the router in process.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use duban_domain::supervision::{AccountRole, Date};
use duban_store::{Actor, NewRound, NewUser, ReportFilter, ReportRow, RoundScope, Source, Store};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const PASSWORD: &str = "Haidong-2025x!";
/// The task the tests report on: 市交通运输局 leads, 市住房建设局 assists.
pub const TASK: &str = "4.1.3";
pub const LEAD: &str = "市交通运输局";
pub const CO: &str = "市住房建设局";

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// Worlds made so far in this process: part of each one's directory and database name.
static WORLDS: AtomicUsize = AtomicUsize::new(0);

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

pub struct World {
    pub app: axum::Router,
    pub store: Arc<dyn Store>,
    pub dir: PathBuf,
    pub plan_id: i64,
    pub round_id: i64,
    /// Username → id.
    pub users: HashMap<String, i64>,
    pub config: duban_web::Config,
    /// A PostgreSQL world's admin URL and database name.
    pub pg: Option<(String, String)>,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }
}

/// A signed-in browser: its session cookie and CSRF token.
#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

pub fn random_id() -> String {
    duban_web::auth::random_hex(32)
}

impl World {
    pub async fn new(test: &str) -> Self {
        Self::with(test, |_| {}).await
    }

    pub async fn with(test: &str, tweak: impl FnOnce(&mut duban_web::Config)) -> Self {
        Self::on(test, None, tweak).await
    }

    /// One world per backend available: SQLite always, PostgreSQL (a fresh database) when
    /// `DUBAN_TEST_DATABASE_URL` is set. Call `cleanup` when done.
    /// Without the variable a line on stderr says the PostgreSQL half was skipped (written past
    /// the test harness's capture); with `DUBAN_REQUIRE_POSTGRES=1` (CI) the test fails instead.
    pub async fn on_every_backend(test: &str) -> Vec<Self> {
        let mut out = vec![Self::on(test, None, |_| {}).await];
        if let Some(admin) = postgres(test) {
            use sqlx::Executor;
            let name = format!(
                "duban_w_{}_{}_{}",
                std::process::id(),
                test.replace('-', "_"),
                WORLDS.fetch_add(1, Ordering::SeqCst)
            );
            let pool = admin_pool(&admin).await;
            pool.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await
                .unwrap();
            pool.execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .unwrap();
            pool.close().await;
            let (base, _) = admin.rsplit_once('/').unwrap();
            let url = format!("{base}/{name}");
            let mut w = Self::on(&format!("{test}-pg"), Some(&url), |_| {}).await;
            w.pg = Some((admin.clone(), name));
            out.push(w);
        }
        out
    }

    /// The database's URL, for tests that reach past the store.
    pub fn database_url(&self) -> String {
        match &self.pg {
            Some((admin, name)) => format!("{}/{name}", admin.rsplit_once('/').unwrap().0),
            None => format!("sqlite://{}/duban.sqlite", self.dir.display()),
        }
    }

    /// Drops a PostgreSQL world's database, removes the files.
    pub async fn cleanup(self) {
        let Self {
            store,
            app,
            pg,
            dir,
            ..
        } = self;
        drop((store, app));
        if let Some((admin, name)) = pg {
            use sqlx::Executor;
            let pool = admin_pool(&admin).await;
            pool.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await
                .unwrap();
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    /// A world on the given database (`None`: a fresh SQLite file).
    pub async fn on(
        test: &str,
        url: Option<&str>,
        tweak: impl FnOnce(&mut duban_web::Config),
    ) -> Self {
        // Unique within the one test process, whatever names the tests give.
        let dir = std::env::temp_dir().join(format!(
            "duban-websup-{}-{test}-{}",
            std::process::id(),
            WORLDS.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let url = url.map_or_else(
            || format!("sqlite://{}/duban.sqlite", dir.display()),
            str::to_owned,
        );
        let store = duban_store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        let registry = std::fs::read_to_string(fixtures().join("registry/haidong.json")).unwrap();
        store
            .load_registry(
                &duban_store::Actor::cli(),
                &serde_json::from_str(&registry).unwrap(),
            )
            .await
            .unwrap();
        let text =
            std::fs::read_to_string(fixtures().join("plans/haidong-action-plan-2024.txt")).unwrap();
        let source = Source {
            name: "haidong.txt".into(),
            sha256: "ref".into(),
            format: "UTF-8".into(),
        };
        let plan_id = store
            .import_plan(
                &duban_store::Actor::cli(),
                &source,
                &duban_import::parse(&text),
            )
            .await
            .unwrap()
            .plan_id;
        store
            .publish_plan(&duban_store::Actor::cli(), plan_id)
            .await
            .unwrap();
        let hash = duban_web::auth::hash_password(PASSWORD).unwrap();
        let mut users = HashMap::new();
        let lead = store.unit(LEAD).await.unwrap().unwrap().id;
        let co = store.unit(CO).await.unwrap().unwrap().id;
        for (name, role, unit) in [
            ("admin", AccountRole::Admin, None),
            ("reviewer", AccountRole::Reviewer, None),
            ("leader", AccountRole::Leader, None),
            ("analyst", AccountRole::Analyst, None),
            ("lead", AccountRole::Reporter, Some(lead)),
            ("co", AccountRole::Reporter, Some(co)),
            ("victim", AccountRole::Leader, None),
        ] {
            let id = store
                .create_user(
                    &Actor::cli(),
                    &NewUser {
                        username: name.into(),
                        display_name: name.into(),
                        role,
                        unit_id: unit,
                        password_hash: hash.clone(),
                    },
                )
                .await
                .unwrap();
            store
                .set_password(&Actor::cli(), id, &hash, false)
                .await
                .unwrap();
            users.insert(name.to_owned(), id);
        }
        let round_id = store
            .open_round(
                &Actor::cli(),
                &NewRound {
                    plan_id,
                    title: "2025年3月调度".into(),
                    cadence: duban_store::Cadence::Monthly,
                    period_start: Date::parse("2025-03-01").unwrap(),
                    period_end: Date::parse("2025-03-31").unwrap(),
                    due_on: Date::parse("2099-04-05").unwrap(),
                    scope: RoundScope::All,
                },
            )
            .await
            .unwrap();
        let mut config = duban_web::Config {
            secure_cookies: false,
            evidence_dir: dir.join("evidence"),
            ..duban_web::Config::default()
        };
        tweak(&mut config);
        let app = duban_web::router(duban_web::AppState::with_config(
            store.clone(),
            config.clone(),
        ));
        Self {
            app,
            store,
            dir,
            plan_id,
            round_id,
            users,
            config,
            pg: None,
        }
    }

    /// A session for an account, made directly (no password round trip).
    pub async fn session(&self, username: &str) -> Session {
        let id = random_id();
        let csrf = random_id();
        let hash = duban_web::auth::sha256_hex(id.as_bytes());
        self.store
            .create_session(&Actor::cli(), self.users[username], &hash, &csrf)
            .await
            .unwrap();
        Session {
            cookie: format!("duban_session={id}"),
            csrf,
        }
    }

    /// The report of a unit on a task in the world's round.
    pub async fn report(&self, task: &str, unit: &str) -> ReportRow {
        let unit_id = self.store.unit(unit).await.unwrap().unwrap().id;
        self.store
            .reports(&ReportFilter {
                round_id: Some(self.round_id),
                unit_id: Some(unit_id),
                limit: 1000,
                ..ReportFilter::default()
            })
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.node_key == task)
            .unwrap_or_else(|| panic!("no report of {unit} on {task}"))
    }

    pub async fn send(
        &self,
        method: &str,
        uri: &str,
        session: Option<&Session>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Answer {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(s) = session {
            req = req.header(header::COOKIE, &s.cookie);
        }
        if let Some(c) = content_type {
            req = req.header(header::CONTENT_TYPE, c);
        }
        let res = self
            .app
            .clone()
            .oneshot(req.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, uri: &str, session: Option<&Session>) -> Answer {
        self.send("GET", uri, session, None, Vec::new()).await
    }

    /// A form post with the session's CSRF token.
    pub async fn form(&self, uri: &str, session: &Session, fields: &[(&str, &str)]) -> Answer {
        let mut all = vec![("csrf", session.csrf.as_str())];
        all.extend_from_slice(fields);
        let body = form_body(&all);
        self.send(
            "POST",
            uri,
            Some(session),
            Some("application/x-www-form-urlencoded"),
            body.into_bytes(),
        )
        .await
    }

    /// An API call with a JSON body and the CSRF header.
    pub async fn api(
        &self,
        method: &str,
        uri: &str,
        session: &Session,
        json: serde_json::Value,
    ) -> Answer {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::COOKIE, &session.cookie)
            .header("x-csrf-token", &session.csrf)
            .header(header::CONTENT_TYPE, "application/json");
        if method == "GET" {
            req = Request::builder()
                .method(method)
                .uri(uri)
                .header(header::COOKIE, &session.cookie);
        }
        let body = if method == "GET" {
            Body::empty()
        } else {
            Body::from(json.to_string())
        };
        let res = self
            .app
            .clone()
            .oneshot(req.body(body).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}

pub fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A multipart body: text fields, then files (field `evidence`).
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----dubanTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
pub const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0,
];
