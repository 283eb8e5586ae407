//! Load benchmark of the pages and the API: `cargo bench -p duban-web`.
//!
//! Builds a large dataset — 50 plans of 300 tasks each (10 chapters × 3 sections × 10 items, a
//! lead and two co units from a pool of 45, one target and one project per task, ten years of
//! monthly observations per target: 1.8 million rows) — in SQLite,
//! and in PostgreSQL when `DUBAN_BENCH_DATABASE_URL` (or `DUBAN_TEST_DATABASE_URL`) names a
//! server database to create a scratch database from. Then serves it on 127.0.0.1 and runs 32
//! concurrent clients (keep-alive HTTP/1.1 GETs) for a few seconds per route, printing requests
//! per second and p50/p99 latency. Goal (issue "Store and serve"): p99 under 50 ms.

#![allow(clippy::expect_used, clippy::indexing_slicing)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use duban_domain::{
    Assignment, Comparator, Node, NodeId, NodeKind, Plan, Project, ProjectId, Role, Target,
    TargetId, Unit, UnitKind,
};
use duban_store::{Source, Store};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PLANS: usize = 50;
const CLIENTS: usize = 32;
const SECONDS_PER_ROUTE: u64 = 4;

fn unit_name(i: usize) -> String {
    const KINDS: [&str; 5] = [
        "发展改革委",
        "交通运输局",
        "住房建设局",
        "生态环境局",
        "农业农村局",
    ];
    format!("市第{}{}", i / 5 + 1, KINDS[i % 5])
}

/// A plan of 300 tasks.
fn plan(n: usize) -> Plan {
    let mut p = Plan::new(format!("测试市第{n}号专项行动计划"));
    p.doc_number = Some(format!("测政〔2026〕{n}号"));
    p.issuer = Some("测试市人民政府".to_owned());
    p.issued_on = Some("2026-01-15".to_owned());
    p.units = (0..45)
        .map(|i| Unit {
            name: unit_name(i),
            aliases: vec![],
            kind: UnitKind::Department,
        })
        .collect();
    let node =
        |id: String, parent: Option<String>, kind, number: String, title: String, text: String| {
            Node {
                id: NodeId(id),
                parent: parent.map(NodeId),
                kind,
                number: Some(number),
                title,
                text,
                line: 1,
                responsible: vec![],
                responsible_raw: None,
                deadline: None,
                work_plan: vec![],
                supervised: true,
                people: vec![],
                internal: false,
            }
        };
    let mut task = 0usize;
    for c in 1..=10 {
        p.nodes.push(node(
            c.to_string(),
            None,
            NodeKind::Chapter,
            format!("第{c}章"),
            format!("推进第{c}领域高质量发展"),
            String::new(),
        ));
        for s in 1..=3 {
            let sid = format!("{c}.{s}");
            p.nodes.push(node(
                sid.clone(),
                Some(c.to_string()),
                NodeKind::Section,
                format!("（{s}）"),
                format!("加强第{c}领域第{s}方面工作"),
                String::new(),
            ));
            for i in 1..=10 {
                task += 1;
                let id = format!("{sid}.{i}");
                let text = format!(
                    "加快推进第{task}项重点任务，完善基础设施和公共服务，推动污水处理、高速公路、乡村振兴等工作协同开展，至2030年，指标{task}达到{}%。",
                    50 + task % 50
                );
                let mut n = node(
                    id.clone(),
                    Some(sid.clone()),
                    NodeKind::Item,
                    format!("{i}."),
                    format!("实施第{task}项重点任务"),
                    text.clone(),
                );
                n.responsible = vec![
                    Assignment {
                        unit: unit_name(task % 45),
                        role: Role::Lead,
                    },
                    Assignment {
                        unit: unit_name((task + 7) % 45),
                        role: Role::Co,
                    },
                    Assignment {
                        unit: unit_name((task + 19) % 45),
                        role: Role::Co,
                    },
                ];
                n.responsible_raw = Some(format!("责任单位：{}", unit_name(task % 45)));
                p.nodes.push(n);
                p.targets.push(Target {
                    id: TargetId(format!("t{task}")),
                    node: NodeId(id.clone()),
                    indicator: format!("指标{task}"),
                    value: (50 + task % 50) as f64,
                    value_high: None,
                    unit: "%".to_owned(),
                    comparator: Comparator::AtLeast,
                    year: Some(2030),
                    text: format!("指标{task}达到{}%", 50 + task % 50),
                    line: 1,
                    ..Default::default()
                });
                p.projects.push(Project {
                    id: ProjectId(format!("p{task}")),
                    name: format!("第{task}号至第{}号高速公路", task + 1),
                    node: NodeId(id),
                    line: 1,
                });
            }
        }
    }
    p
}

struct Route {
    label: &'static str,
    path: String,
    /// A `Cookie:` header line for routes that need a signed-in leader.
    cookie: Option<String>,
}

async fn fetch(
    stream: &mut BufReader<TcpStream>,
    path: &str,
    cookie: Option<&str>,
) -> std::io::Result<(u16, usize)> {
    let extra = cookie
        .map(|c| format!("Cookie: {c}\r\n"))
        .unwrap_or_default();
    let request = format!("GET {path} HTTP/1.1\r\nHost: bench\r\n{extra}\r\n");
    stream.get_mut().write_all(request.as_bytes()).await?;
    let mut status_line = String::new();
    stream.read_line(&mut status_line).await?;
    let status: u16 = status_line
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
    Ok((status, length))
}

async fn load(address: &str, route: &Route) -> (f64, Duration, Duration, usize) {
    let deadline = Instant::now() + Duration::from_secs(SECONDS_PER_ROUTE);
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (address, path, cookie) =
            (address.to_owned(), route.path.clone(), route.cookie.clone());
        tasks.push(tokio::spawn(async move {
            let tcp = TcpStream::connect(&address).await.expect("connect");
            tcp.set_nodelay(true).expect("nodelay");
            let mut stream = BufReader::new(tcp);
            let mut times = Vec::new();
            let mut bad = 0usize;
            while Instant::now() < deadline {
                let t = Instant::now();
                match fetch(&mut stream, &path, cookie.as_deref()).await {
                    Ok((200, _)) => times.push(t.elapsed()),
                    _ => bad += 1,
                }
            }
            (times, bad)
        }));
    }
    let started = Instant::now();
    let mut all = Vec::new();
    let mut bad = 0;
    for t in tasks {
        let (times, b) = t.await.expect("client");
        all.extend(times);
        bad += b;
    }
    let elapsed = started.elapsed().as_secs_f64().max(1e-9);
    all.sort_unstable();
    let pick = |q: f64| {
        all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    (all.len() as f64 / elapsed, pick(0.50), pick(0.99), bad)
}

/// Ten years of monthly approved observations for every target (written straight into the
/// `observations` table: the reporting workflow that fills it arrives with issue "Supervise").
async fn observations(url: &str) -> usize {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url)
        .await
        .expect("observations pool");
    let ids: Vec<i64> = sqlx::query("SELECT id FROM targets ORDER BY id")
        .fetch_all(&pool)
        .await
        .expect("targets")
        .iter()
        .map(|r| sqlx::Row::try_get(r, 0).expect("id"))
        .collect();
    let months: Vec<String> = (2017..=2026)
        .flat_map(|y| (1..=12).map(move |m| format!("{y}-{m:02}-01")))
        .collect();
    const ROWS: usize = 500;
    let rows: Vec<(i64, &String, f64)> = ids
        .iter()
        .flat_map(|t| {
            months
                .iter()
                .enumerate()
                .map(move |(k, m)| (*t, m, 20.0 + k as f64 * 0.5))
        })
        .collect();
    let mut tx = pool.begin().await.expect("begin");
    for chunk in rows.chunks(ROWS) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                format!(
                    "(${}, ${}, ${}, '月度调度', 'approved', 0)",
                    3 * i + 1,
                    3 * i + 2,
                    3 * i + 3
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO observations (target_id, observed_on, value, source, status, recorded_at) VALUES {}",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (t, m, v) in chunk {
            q = q.bind(*t).bind((*m).clone()).bind(*v);
        }
        q.persistent(false)
            .execute(&mut *tx)
            .await
            .expect("insert observations");
    }
    tx.commit().await.expect("commit");
    pool.close().await;
    rows.len()
}

async fn run(label: &str, url: &str) {
    let store: Arc<dyn Store> = duban_store::connect(url).await.expect("store");
    store.migrate().await.expect("migrate");
    let started = Instant::now();
    if store.plans().await.expect("plans").len() < PLANS {
        for n in 1..=PLANS {
            let p = plan(n);
            let source = Source {
                name: format!("plan-{n}.txt"),
                sha256: format!("bench-{n}"),
                format: "UTF-8".into(),
            };
            let done = store
                .import_plan(&duban_store::Actor::cli(), &source, &p)
                .await
                .expect("import");
            store
                .publish_plan(&duban_store::Actor::cli(), done.plan_id)
                .await
                .expect("publish");
        }
    }
    let observed = observations(url).await;
    println!(
        "\n{label}: {PLANS} plans × 300 tasks, {observed} observations, ready in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address").to_string();
    // A leader's session for the dashboard.
    let leader = store
        .create_user(
            &duban_store::Actor::cli(),
            &duban_store::NewUser {
                username: format!("leader-{}", std::process::id()),
                display_name: "leader".into(),
                role: duban_domain::supervision::AccountRole::Leader,
                unit_id: None,
                password_hash: "-".into(),
            },
        )
        .await
        .expect("leader");
    store
        .set_password(&duban_store::Actor::cli(), leader, "-", false)
        .await
        .expect("leader password");
    let session = duban_web::auth::random_hex(32);
    store
        .create_session(
            &duban_store::Actor::cli(),
            leader,
            &duban_web::auth::sha256_hex(session.as_bytes()),
            "csrf",
        )
        .await
        .expect("session");
    let cookie = Some(format!("duban_session={session}"));
    let app = duban_web::router(duban_web::AppState::new(store));
    // As `duban serve` does.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    let unit = "%E5%B8%82%E7%AC%AC3%E4%BD%8F%E6%88%BF%E5%BB%BA%E8%AE%BE%E5%B1%80"; // 市第3住房建设局
    let q = "%E6%B1%A1%E6%B0%B4"; // 污水
    let routes = [
        Route {
            label: "page  overview",
            path: "/plans/25".into(),
            cookie: None,
        },
        Route {
            label: "page  task",
            path: "/plans/25/nodes/5.2.7".into(),
            cookie: None,
        },
        Route {
            label: "page  unit",
            path: format!("/plans/25/units/{unit}"),
            cookie: None,
        },
        Route {
            label: "page  search (one plan)",
            path: format!("/search?q={q}&plan=25"),
            cookie: None,
        },
        Route {
            label: "page  search (all plans)",
            path: format!("/search?q={q}"),
            cookie: None,
        },
        Route {
            label: "api   plan",
            path: "/api/v1/plans/25".into(),
            cookie: None,
        },
        Route {
            label: "api   node",
            path: "/api/v1/plans/25/nodes/5.2.7".into(),
            cookie: None,
        },
        Route {
            label: "api   unit",
            path: format!("/api/v1/plans/25/units/{unit}"),
            cookie: None,
        },
        Route {
            label: "page  dashboard",
            path: "/plans/25/dashboard".into(),
            cookie: cookie.clone(),
        },
        Route {
            label: "page  status",
            path: "/plans/25/status".into(),
            cookie: None,
        },
        Route {
            label: "api   status",
            path: "/api/v1/plans/25/status".into(),
            cookie: None,
        },
        Route {
            label: "api   search (all plans)",
            path: format!("/api/v1/search?q={q}"),
            cookie: None,
        },
    ];
    // `DUBAN_LOAD_ROUTES=search` keeps only the routes whose label holds the text.
    let only = std::env::var("DUBAN_LOAD_ROUTES").unwrap_or_default();
    let routes: Vec<Route> = routes
        .into_iter()
        .filter(|r| r.label.contains(only.as_str()))
        .collect();
    // Warm up: the first request of a plan fills the web layer's cache.
    for route in &routes {
        let mut stream = BufReader::new(TcpStream::connect(&address).await.expect("connect"));
        let _ = fetch(&mut stream, &route.path, route.cookie.as_deref()).await;
    }
    println!(
        "{:<28} {:>10} {:>10} {:>10} {:>6}",
        "route", "req/s", "p50 ms", "p99 ms", "errors"
    );
    for route in &routes {
        let (rate, p50, p99, bad) = load(&address, route).await;
        println!(
            "{:<28} {:>10.0} {:>10.1} {:>10.1} {:>6}",
            route.label,
            rate,
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            bad
        );
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let dir = std::env::temp_dir().join(format!("duban-load-{}", std::process::id()));
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
            let name = format!("duban_load_{}", std::process::id());
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
