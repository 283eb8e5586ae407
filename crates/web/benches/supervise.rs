//! Supervision benchmark: `cargo bench -p duban-web --bench supervise`.
//!
//! On the reference plan (SQLite, and PostgreSQL when `DUBAN_BENCH_DATABASE_URL` or
//! `DUBAN_TEST_DATABASE_URL` names a server database to create a scratch database from):
//! 1. sustained durable submissions: 32 clients submit reports through the API (token auth,
//!    the route guard, validation, one transaction with its audit event, a durable commit);
//!    prints submissions per second and p50/p99;
//! 2. the office's review list with 100,000 reports stored: 32 clients read the review page
//!    (first and a deep page) and the API's queue; prints p50/p99. Goal: p99 under 50 ms.

#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use duban_domain::supervision::{AccountRole, Date};
use duban_store::{Actor, NewRound, NewUser, ReportFilter, RoundScope, Source, Store};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CLIENTS: usize = 32;
const REPORTS: i64 = 100_000;

fn fixtures() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

async fn exchange(stream: &mut BufReader<TcpStream>, request: &str) -> std::io::Result<u16> {
    stream.get_mut().write_all(request.as_bytes()).await?;
    let mut status_line = String::new();
    stream.read_line(&mut status_line).await?;
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).await?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await?;
    Ok(status)
}

fn quantiles(mut all: Vec<Duration>) -> (Duration, Duration) {
    all.sort_unstable();
    let pick = |q: f64| {
        all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    (pick(0.5), pick(0.99))
}

async fn connect(address: &str) -> BufReader<TcpStream> {
    let tcp = TcpStream::connect(address).await.expect("connect");
    tcp.set_nodelay(true).expect("nodelay");
    BufReader::new(tcp)
}

async fn setup(url: &str) -> (Arc<dyn Store>, i64, HashMap<i64, String>, i64) {
    let store = duban_store::connect(url).await.expect("store");
    store.migrate().await.expect("migrate");
    let registry =
        std::fs::read_to_string(fixtures().join("registry/haidong.json")).expect("registry");
    store
        .load_registry(
            &duban_store::Actor::cli(),
            &serde_json::from_str(&registry).expect("registry json"),
        )
        .await
        .expect("load registry");
    let text = std::fs::read_to_string(fixtures().join("plans/haidong-action-plan-2024.txt"))
        .expect("plan");
    let source = Source {
        name: "haidong.txt".into(),
        sha256: "bench".into(),
        format: "UTF-8".into(),
    };
    let plan_id = store
        .import_plan(
            &duban_store::Actor::cli(),
            &source,
            &duban_import::parse(&text),
        )
        .await
        .expect("import")
        .plan_id;
    store
        .publish_plan(&Actor::cli(), plan_id)
        .await
        .expect("publish");
    let office = store
        .create_user(
            &Actor::cli(),
            &NewUser {
                username: "office".into(),
                display_name: "office".into(),
                role: AccountRole::Reviewer,
                unit_id: None,
                password_hash: "-".into(),
            },
        )
        .await
        .expect("office");
    store
        .set_password(&Actor::cli(), office, "-", false)
        .await
        .expect("office password");
    // A reporter with a token for every unit that reports.
    let round = open(&store, plan_id, "seed").await;
    let rows = store
        .reports(&ReportFilter {
            round_id: Some(round),
            limit: 1000,
            ..ReportFilter::default()
        })
        .await
        .expect("reports");
    let mut tokens = HashMap::new();
    for row in rows {
        if tokens.contains_key(&row.unit_id) {
            continue;
        }
        let name = format!("unit{}", row.unit_id);
        let id = store
            .create_user(
                &Actor::cli(),
                &NewUser {
                    username: name.clone(),
                    display_name: name,
                    role: AccountRole::Reporter,
                    unit_id: Some(row.unit_id),
                    password_hash: "-".into(),
                },
            )
            .await
            .expect("reporter");
        let token = format!("dbn_bench_{}", row.unit_id);
        store
            .create_token(
                &Actor::cli(),
                id,
                "bench",
                &duban_web::auth::sha256_hex(token.as_bytes()),
            )
            .await
            .expect("token");
        tokens.insert(row.unit_id, token);
    }
    (store, plan_id, tokens, office)
}

async fn open(store: &Arc<dyn Store>, plan_id: i64, title: &str) -> i64 {
    store
        .open_round(
            &Actor::cli(),
            &NewRound {
                plan_id,
                title: title.into(),
                cadence: duban_store::Cadence::Monthly,
                period_start: Date::parse("2025-03-01").unwrap(),
                period_end: Date::parse("2025-03-31").unwrap(),
                due_on: Date::parse("2099-04-05").unwrap(),
                scope: RoundScope::All,
            },
        )
        .await
        .expect("round")
}

async fn submissions(
    store: &Arc<dyn Store>,
    plan_id: i64,
    tokens: &HashMap<i64, String>,
    address: &str,
) {
    let mut jobs = Vec::new();
    for k in 0..6 {
        let round = open(store, plan_id, &format!("throughput {k}")).await;
        for row in store
            .reports(&ReportFilter {
                round_id: Some(round),
                limit: 1000,
                ..ReportFilter::default()
            })
            .await
            .expect("reports")
        {
            jobs.push((row.id, row.row_version, tokens[&row.unit_id].clone()));
        }
    }
    let total = jobs.len();
    let queue = Arc::new(tokio::sync::Mutex::new(jobs));
    let started = Instant::now();
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let (queue, address) = (queue.clone(), address.to_owned());
        clients.push(tokio::spawn(async move {
            let mut stream = connect(&address).await;
            let mut times = Vec::new();
            loop {
                let next = queue.lock().await.pop();
                let Some((id, version, token)) = next else { break };
                let body = format!(
                    r#"{{"row_version":{version},"submission_key":"bench-{id}","body":{{"progress":"按计划推进，完成阶段任务","percent_complete":50,"problems":"","next_steps":"","coordination":""}}}}"#
                );
                let request = format!(
                    "POST /api/v1/reports/{id}/submit HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                let t = Instant::now();
                let status = exchange(&mut stream, &request).await.expect("submit");
                assert_eq!(status, 201, "submission of report {id}");
                times.push(t.elapsed());
            }
            times
        }));
    }
    let mut all = Vec::new();
    for c in clients {
        all.extend(c.await.expect("client"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (p50, p99) = quantiles(all);
    println!(
        "  durable submissions: {total} in {elapsed:.1} s = {:.0}/s (32 clients; p50 {:.1} ms, p99 {:.1} ms)",
        total as f64 / elapsed,
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3
    );
}

/// Copies the first round's reports into new rounds until `REPORTS` are stored, a third of
/// them waiting for review (written straight into the tables: the point is the read path).
async fn fill(url: &str, plan_id: i64) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.expect("pool");
    let count = |pool: sqlx::AnyPool| async move {
        let row = sqlx::query("SELECT COUNT(*) FROM reports")
            .fetch_one(&pool)
            .await
            .expect("count");
        sqlx::Row::try_get::<i64, _>(&row, 0).expect("count")
    };
    let base: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT MIN(id) FROM rounds")
            .fetch_one(&pool)
            .await
            .expect("base"),
        0,
    )
    .expect("base");
    let mut n = count(pool.clone()).await;
    let mut k = 0;
    while n < REPORTS {
        k += 1;
        let round: i64 = sqlx::Row::try_get(
            &sqlx::query(
                "INSERT INTO rounds (plan_id, title, cadence, period_start, period_end, due_on, opened_at)
                 VALUES ($1, $2, 'monthly', '2025-03-01', '2025-03-31', '2099-04-05', 0) RETURNING id",
            )
            .bind(plan_id)
            .bind(format!("历史调度 {k}"))
            .fetch_one(&pool)
            .await
            .expect("round"),
            0,
        )
        .expect("round id");
        sqlx::query(
            "INSERT INTO reports (round_id, node_id, unit_id, role, status, row_version, current_version, updated_at)
             SELECT $1, node_id, unit_id, role, CASE WHEN id % 3 = 0 THEN 'submitted' ELSE 'approved' END, 1, 1, $2 + id
             FROM reports WHERE round_id = $3",
        )
        .bind(round)
        .bind(k * 1000)
        .bind(base)
        .execute(&pool)
        .await
        .expect("reports");
        n = count(pool.clone()).await;
    }
    if url.starts_with("postgres") {
        sqlx::query("VACUUM ANALYZE reports")
            .execute(&pool)
            .await
            .expect("vacuum");
    }
    pool.close().await;
    n
}

async fn read_load(address: &str, label: &str, path: &str, header: &str) {
    let deadline = Instant::now() + Duration::from_secs(4);
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let (address, request) = (
            address.to_owned(),
            format!("GET {path} HTTP/1.1\r\nHost: bench\r\n{header}\r\n\r\n"),
        );
        clients.push(tokio::spawn(async move {
            let mut stream = connect(&address).await;
            let mut times = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                let status = exchange(&mut stream, &request).await.expect("get");
                assert_eq!(status, 200);
                times.push(t.elapsed());
            }
            times
        }));
    }
    let started = Instant::now();
    let mut all = Vec::new();
    for c in clients {
        all.extend(c.await.expect("client"));
    }
    let rate = all.len() as f64 / started.elapsed().as_secs_f64();
    let (p50, p99) = quantiles(all);
    println!(
        "  {label:<28} {rate:>7.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3
    );
}

async fn run(label: &str, url: &str) {
    let started = Instant::now();
    let (store, plan_id, tokens, office) = setup(url).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address").to_string();
    let config = duban_web::Config {
        evidence_dir: std::env::temp_dir().join("duban-bench-evidence"),
        ..duban_web::Config::default()
    };
    let app = duban_web::router(duban_web::AppState::with_config(store.clone(), config));
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!(
        "\n{label}: reference plan, {} reporting units, ready in {:.1} s",
        tokens.len(),
        started.elapsed().as_secs_f64()
    );
    submissions(&store, plan_id, &tokens, &address).await;
    let n = fill(url, plan_id).await;
    let waiting = store
        .count_reports(&ReportFilter {
            status: Some(duban_store::ReportStatus::Submitted),
            ..ReportFilter::default()
        })
        .await
        .expect("count");
    println!("  {n} reports stored, a third waiting for review (counted up to {waiting})");
    let session = duban_web::auth::random_hex(32);
    store
        .create_session(
            &Actor::cli(),
            office,
            &duban_web::auth::sha256_hex(session.as_bytes()),
            "csrf",
        )
        .await
        .expect("session");
    let cookie = format!("Cookie: duban_session={session}");
    let deep = 100;
    let token = tokens.values().next().expect("a token").clone();
    read_load(&address, "page  review queue p.1", "/review", &cookie).await;
    read_load(
        &address,
        &format!("page  review queue p.{deep}"),
        &format!("/review?page={deep}"),
        &cookie,
    )
    .await;
    read_load(
        &address,
        "api   submitted reports",
        "/api/v1/reports?status=submitted&per_page=50",
        &cookie,
    )
    .await;
    read_load(
        &address,
        "api   a unit's reports (token)",
        "/api/v1/reports?per_page=50",
        &format!("Authorization: Bearer {token}"),
    )
    .await;
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let dir =
            std::env::temp_dir().join(format!("duban-supervise-bench-{}", std::process::id()));
        run(
            "SQLite",
            &format!("sqlite://{}/duban.sqlite", dir.display()),
        )
        .await;
        let _ = std::fs::remove_dir_all(&dir);
        let admin = std::env::var("DUBAN_BENCH_DATABASE_URL")
            .or_else(|_| std::env::var("DUBAN_TEST_DATABASE_URL"));
        if let Ok(admin) = admin {
            use sqlx::Executor;
            sqlx::any::install_default_drivers();
            let name = format!("duban_supervise_{}", std::process::id());
            let pool = sqlx::AnyPool::connect(&admin).await.expect("postgres");
            pool.execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create database");
            let (base, _) = admin.rsplit_once('/').expect("database url");
            run("PostgreSQL", &format!("{base}/{name}")).await;
            let _ = pool
                .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await;
        } else {
            println!(
                "\nPostgreSQL: skipped (set DUBAN_BENCH_DATABASE_URL or DUBAN_TEST_DATABASE_URL)"
            );
        }
    });
}
