//! Crash safety: units submit reports concurrently while the server is killed with SIGKILL at
//! random moments, many times, on SQLite and (when `DUBAN_TEST_DATABASE_URL` is set)
//! PostgreSQL. After every restart each acknowledged submission is present exactly once (a
//! retry with its key is answered as a replay), `duban check` passes (integrity, foreign keys,
//! report versions, the audit chain), and retrying the unacknowledged ones completes the round.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const UNITS: [&str; 4] = ["市交通运输局", "市住房建设局", "市水务局", "市发展改革委"];

struct Target {
    args: Vec<String>,
    dir: PathBuf,
}

impl Target {
    fn duban(&self, extra: &[&str]) -> String {
        let mut args: Vec<&str> = extra.to_vec();
        args.extend(self.args.iter().map(String::as_str));
        let out = Command::new(env!("CARGO_BIN_EXE_duban"))
            .args(&args)
            .current_dir(&self.dir)
            .env_remove("DUBAN_LANG")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "duban {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    #[allow(
        clippy::zombie_processes,
        reason = "the caller kills and waits for the server"
    )]
    fn start(&self) -> (Child, String) {
        let mut args = vec![
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--no-demo",
            "--reminder-interval",
            "0",
            "--insecure-cookies",
        ];
        args.extend(self.args.iter().map(String::as_str));
        let mut child = Command::new(env!("CARGO_BIN_EXE_duban"))
            .args(&args)
            .current_dir(&self.dir)
            .env_remove("DUBAN_LANG")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        loop {
            let mut line = String::new();
            assert!(
                out.read_line(&mut line).unwrap() > 0,
                "server ended before listening"
            );
            if let Some(rest) = line.split("http://").nth(1) {
                let address = rest.split('/').next().unwrap().to_owned();
                std::thread::spawn(move || for _ in out.lines() {});
                return (child, address);
            }
        }
    }
}

/// One HTTP/1.1 exchange: status and body, or None if the connection failed.
fn http(address: &str, method: &str, path: &str, token: &str, body: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .ok()?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n")?.1.to_owned();
    Some((status, body))
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// A small deterministic generator for kill moments (xorshift).
struct Rng(u64);
impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

struct Job {
    token: String,
    report: i64,
    version: i64,
    key: String,
}

fn submit(address: &str, job: &Job) -> Option<(u16, serde_json::Value)> {
    let body = serde_json::json!({ "row_version": job.version, "submission_key": job.key,
        "body": { "progress": format!("第{}号报告：按计划推进", job.report), "percent_complete": 50.0,
                  "problems": "", "next_steps": "", "coordination": "" } });
    let (status, text) = http(
        address,
        "POST",
        &format!("/api/v1/reports/{}/submit", job.report),
        &job.token,
        &body.to_string(),
    )?;
    Some((
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    ))
}

fn crash_cycles(target: &Target, iterations: usize, seed: u64) {
    target.duban(&[
        "registry",
        fixture("registry/haidong.json").to_str().unwrap(),
    ]);
    target.duban(&[
        "import",
        fixture("plans/haidong-action-plan-2024.txt")
            .to_str()
            .unwrap(),
    ]);
    target.duban(&["publish", "1"]);
    target.duban(&["user", "add", "office", "--role", "reviewer"]);
    let office = target.duban(&["token", "office"]).trim().to_owned();
    let mut tokens = HashMap::new();
    for (i, unit) in UNITS.iter().enumerate() {
        let name = format!("unit{i}");
        target.duban(&["user", "add", &name, "--role", "reporter", "--unit", unit]);
        tokens.insert(
            name.clone(),
            target.duban(&["token", &name]).trim().to_owned(),
        );
    }
    let mut rng = Rng(seed);
    let (mut server, mut address) = target.start();
    let mut acknowledged: Vec<(String, i64, String)> = Vec::new();
    let mut interrupted = 0;
    for iteration in 0..iterations {
        // A fresh round: every reporter has reports to submit.
        let round = serde_json::json!({ "plan_id": 1, "title": format!("第{iteration}轮"), "cadence": "ad_hoc",
            "period_start": "2025-03-01", "period_end": "2025-03-31", "due_on": "2099-04-05", "scope": { "kind": "all" } });
        let (status, body) = http(
            &address,
            "POST",
            "/api/v1/rounds",
            &office,
            &round.to_string(),
        )
        .unwrap();
        assert_eq!(status, 201, "{body}");
        let round_id = json(&body)["round"]["id"].as_i64().unwrap();
        let mut jobs = Vec::new();
        for token in tokens.values() {
            let (_, body) = http(
                &address,
                "GET",
                &format!("/api/v1/reports?round={round_id}&per_page=500"),
                token,
                "",
            )
            .unwrap();
            for r in json(&body)["items"].as_array().unwrap() {
                let id = r["id"].as_i64().unwrap();
                jobs.push(Job {
                    token: token.clone(),
                    report: id,
                    version: r["row_version"].as_i64().unwrap(),
                    key: format!("crash-{id}"),
                });
            }
        }
        assert!(jobs.len() > 20, "{}", jobs.len());
        let queue = Arc::new(Mutex::new(jobs));
        let acked = Arc::new(Mutex::new(Vec::new()));
        let workers: Vec<_> = (0..8)
            .map(|_| {
                let (queue, acked, address) = (queue.clone(), acked.clone(), address.clone());
                std::thread::spawn(move || {
                    let mut left = Vec::new();
                    loop {
                        let Some(job) = queue.lock().unwrap().pop() else {
                            break;
                        };
                        match submit(&address, &job) {
                            Some((s, v)) if s == 201 || s == 200 => {
                                assert_eq!(v["submitted"]["version"], 1, "{v}");
                                acked.lock().unwrap().push((
                                    job.token.clone(),
                                    job.report,
                                    job.key.clone(),
                                ));
                            }
                            Some((s, v)) => panic!("submission refused: {s} {v}"),
                            None => left.push(job),
                        }
                    }
                    left
                })
            })
            .collect();
        // Kill at a random point of the stream, measured in acknowledged submissions rather
        // than time (a fast machine must not finish before the kill): most cycles cut
        // submissions off; every third lets them run a little longer.
        let total = queue.lock().unwrap().len() + acked.lock().unwrap().len();
        let at = if iteration % 3 == 2 {
            total
        } else {
            1 + rng.next(total as u64 / 2) as usize
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while acked.lock().unwrap().len() < at.min(total) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(rng.next(3)));
        server.kill().unwrap(); // SIGKILL
        server.wait().unwrap();
        let mut unacked: Vec<Job> = Vec::new();
        for w in workers {
            unacked.extend(w.join().unwrap());
        }
        unacked.extend(queue.lock().unwrap().drain(..));
        acknowledged.extend(acked.lock().unwrap().drain(..));
        eprintln!(
            "iteration {iteration}: {} acknowledged so far, {} cut off by the kill",
            acknowledged.len(),
            unacked.len()
        );
        interrupted += usize::from(!unacked.is_empty());

        target.duban(&["check"]);
        (server, address) = target.start();
        // Every acknowledged submission is there exactly once: one version, and its key replays.
        for (token, report, _) in &acknowledged {
            let (status, body) = http(
                &address,
                "GET",
                &format!("/api/v1/reports/{report}"),
                token,
                "",
            )
            .unwrap();
            assert_eq!(status, 200, "{body}");
            assert_eq!(
                json(&body)["report"]["versions"].as_array().unwrap().len(),
                1,
                "report {report}"
            );
        }
        // The rest are retried with their keys: stored once, whether or not the crash had
        // committed them.
        for job in &unacked {
            let (status, v) = submit(&address, job).unwrap();
            assert!(status == 201 || status == 200, "{status} {v}");
            assert_eq!(v["submitted"]["version"], 1);
        }
        let seen: HashSet<i64> = acknowledged.iter().map(|a| a.1).collect();
        assert_eq!(
            seen.len(),
            acknowledged.len(),
            "no report acknowledged twice"
        );
    }
    for (token, report, key) in acknowledged.iter().take(20) {
        let job = Job {
            token: token.clone(),
            report: *report,
            version: 1,
            key: key.clone(),
        };
        let (status, v) = submit(&address, &job).unwrap();
        assert_eq!(
            (status, &v["submitted"]["replay"]),
            (200, &serde_json::Value::Bool(true)),
            "{v}"
        );
    }
    server.kill().unwrap();
    server.wait().unwrap();
    target.duban(&["check"]);
    assert!(
        interrupted >= 2 && acknowledged.len() > 40,
        "the kill cut submissions off in {interrupted} of {iterations} cycles"
    );
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("duban-crash-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn sigkill_during_submissions_on_sqlite() {
    let dir = temp("sqlite");
    let target = Target {
        args: vec!["--data-dir".into(), dir.join("data").display().to_string()],
        dir: dir.clone(),
    };
    crash_cycles(&target, 8, 0x9e37_79b9_7f4a_7c15);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn sigkill_during_submissions_on_postgres() {
    let Some(admin) = std::env::var("DUBAN_TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
    else {
        // Said past the test harness's capture, so a passing run shows it; CI refuses the skip.
        use std::io::Write;
        assert!(
            std::env::var("DUBAN_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "DUBAN_REQUIRE_POSTGRES=1 but DUBAN_TEST_DATABASE_URL is not set"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED on PostgreSQL: DUBAN_TEST_DATABASE_URL is not set (crash test)"
        );
        return;
    };
    let name = format!("duban_crash_{}", std::process::id());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let exec = |sql: String| {
        runtime.block_on(async {
            use sqlx::Executor;
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(&admin).await.unwrap_or_else(|e| {
                panic!("PostgreSQL at DUBAN_TEST_DATABASE_URL is unreachable: {e}")
            });
            pool.execute(sql.as_str()).await.unwrap();
            pool.close().await;
        });
    };
    exec(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    exec(format!("CREATE DATABASE {name}"));
    let (base, _) = admin.rsplit_once('/').unwrap();
    let dir = temp("postgres");
    let target = Target {
        args: vec![
            "--database-url".into(),
            format!("{base}/{name}"),
            "--data-dir".into(),
            dir.join("data").display().to_string(),
        ],
        dir: dir.clone(),
    };
    crash_cycles(&target, 5, 0x2545_f491_4f6c_dd1d);
    exec(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    let _ = std::fs::remove_dir_all(dir);
}
