//! The `duban` command as a person runs it: the outline and JSON of the reference plan, the
//! same result from a GBK file, and one clear line (Chinese or English) for a bad file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn duban(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(args)
        .env_remove("DUBAN_LANG")
        .output()
        .unwrap()
}

fn reference() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/plans/haidong-action-plan-2024.txt")
}

/// A file in a fresh temporary folder of this test.
fn temp_file(test: &str, name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("duban-cli-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn outline_of_the_reference_plan() {
    let out = duban(&["parse", arg(&reference()), "--format", "text"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("海东市推进西宁—海东都市圈一体化发展行动计划\n"));
    assert!(text.contains("文号：东政〔2024〕18号"));
    assert!(text.contains("有责任单位的任务 107 个"));
    assert!(text.contains("十一、 实施保障"));
    assert!(text.contains("牵头：海东工业园区管委会"));
    assert!(text.contains("目标：乡镇通三级及以上公路比例 >= 85% (2030年)"));
}

#[test]
fn json_is_the_interchange_format() {
    let out = duban(&["parse", arg(&reference())]);
    assert!(out.status.success());
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["format"], "duban.plan/1");
    assert_eq!(plan["doc_number"], "东政〔2024〕18号");
    for key in [
        "title",
        "issuer",
        "issued_on",
        "nodes",
        "targets",
        "units",
        "projects",
        "diagnostics",
    ] {
        assert!(plan.get(key).is_some(), "{key}");
    }
    let node = &plan["nodes"][0];
    for key in [
        "id",
        "parent",
        "kind",
        "number",
        "title",
        "text",
        "line",
        "responsible",
        "responsible_raw",
    ] {
        assert!(node.get(key).is_some(), "node.{key}");
    }
    let target = &plan["targets"][0];
    for key in [
        "id",
        "node",
        "indicator",
        "value",
        "value_high",
        "unit",
        "comparator",
        "year",
        "text",
        "line",
    ] {
        assert!(target.get(key).is_some(), "target.{key}");
    }
}

#[test]
fn a_gbk_file_gives_the_same_plan() {
    let text = std::fs::read_to_string(reference()).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let path = temp_file("gbk", "plan-gbk.txt", &gbk);
    let from_gbk = duban(&["parse", arg(&path)]);
    let from_utf8 = duban(&["parse", arg(&reference())]);
    assert!(from_gbk.status.success(), "{}", stderr(&from_gbk));
    assert_eq!(from_gbk.stdout, from_utf8.stdout);
}

#[test]
fn bad_files_give_one_clear_line_and_a_failure_code() {
    let missing = duban(&["parse", "/nonexistent/计划.txt"]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(
        stderr(&missing),
        "duban: 无法打开“/nonexistent/计划.txt”：文件不存在\n"
    );
    let pdf = temp_file("bad", "plan.pdf", b"%PDF-1.7\n1 0 obj\n");
    let out = duban(&["parse", arg(&pdf)]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("plan.pdf") && err.contains("PDF") && err.lines().count() == 1,
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let en = duban(&["--lang", "en", "parse", arg(&pdf)]);
    assert!(stderr(&en).contains("cannot read") && stderr(&en).contains("plan.pdf"));
    let binary = temp_file(
        "bad",
        "photo.jpg",
        &[
            0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1, 2, 3,
        ],
    );
    let out = duban(&["parse", arg(&binary)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("不是文本文件"));
}

#[test]
fn help_explains_itself() {
    let out = duban(&["--help"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("parse"));
    let out = duban(&["parse", "--help"]);
    assert!(stdout(&out).contains("--format"));
}

/// Runs duban with a data directory of its own.
fn duban_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(args)
        .current_dir(dir)
        .env_remove("DUBAN_LANG")
        .env_remove("DUBAN_DATABASE_URL")
        .env_remove("DUBAN_DATA_DIR")
        .output()
        .unwrap()
}

#[test]
fn import_stores_a_plan_once_and_a_changed_one_as_a_revision_to_approve() {
    let dir = std::env::temp_dir().join(format!("duban-cli-{}-import", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = duban_in(&dir, &["plans"]);
    assert!(stdout(&out).contains("还没有计划"), "{}", stderr(&out));
    let first = duban_in(&dir, &["import", arg(&reference())]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("第 1 版") && stdout(&first).contains("节点 171 个"),
        "{}",
        stdout(&first)
    );
    assert!(
        dir.join("data/duban.sqlite").exists(),
        "the embedded database is created under the data directory"
    );
    let again = duban_in(&dir, &["import", arg(&reference())]);
    assert!(stdout(&again).contains("未重复导入"));
    let text = std::fs::read_to_string(reference())
        .unwrap()
        .replace("比例达到85%", "比例达到90%");
    let changed = temp_file("import", "changed.txt", text.as_bytes());
    let second = duban_in(&dir, &["import", arg(&changed)]);
    assert!(
        stdout(&second).contains("修订 1") && stdout(&second).contains("待批准"),
        "{}",
        stdout(&second)
    );
    // The revision shows the one changed task, and waits for its reason.
    let shown = stdout(&duban_in(&dir, &["revision", "show", "1"]));
    assert!(shown.contains("变化 1 处"), "{shown}");
    assert!(shown.contains("修改"), "{shown}");
    let refused = duban_in(&dir, &["revision", "approve", "1", "--reason", " "]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("请填写批准理由"));
    let approved = duban_in(
        &dir,
        &["revision", "approve", "1", "--reason", "中期评估调整目标"],
    );
    assert!(
        stdout(&approved).contains("现行为第 2 版"),
        "{}",
        stderr(&approved)
    );
    assert!(
        stdout(&duban_in(&dir, &["plans"])).contains("未发布"),
        "a new plan waits for the office"
    );
    let published = duban_in(&dir, &["publish", "1"]);
    assert!(
        stdout(&published).contains("已发布"),
        "{}",
        stderr(&published)
    );
    let list = stdout(&duban_in(&dir, &["plans"]));
    assert_eq!(list.lines().count(), 1);
    assert!(
        list.contains("东政〔2024〕18号") && list.contains("第2版") && list.contains("任务 107"),
        "{list}"
    );
    let empty = temp_file("import", "empty.txt", b"");
    let refused = duban_in(&dir, &["import", arg(&empty)]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("不是可导入的计划")
            && stderr(&refused).contains("未保存任何内容")
    );
    assert_eq!(
        stdout(&duban_in(&dir, &["plans"])).lines().count(),
        1,
        "nothing stored"
    );
    let registry =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/registry/haidong.json");
    let loaded = duban_in(&dir, &["registry", arg(&registry)]);
    assert!(
        stdout(&loaded).contains("单位 6 个，单位组 1 个"),
        "{}",
        stderr(&loaded)
    );
    let not_json = duban_in(&dir, &["registry", arg(&reference())]);
    assert_eq!(not_json.status.code(), Some(1));
    assert!(stderr(&not_json).contains("不是单位名录"));
    let migrate = duban_in(&dir, &["migrate"]);
    assert!(stdout(&migrate).contains("SQLite"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unreachable_database_is_one_line() {
    let out = duban(&[
        "import",
        "--database-url",
        "postgres://duban:secret@127.0.0.1:1/none",
        arg(&reference()),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("无法连接数据库") && !err.contains("secret"),
        "{err}"
    );
}

#[test]
fn serve_shows_the_demo_plan_and_stops_gracefully() {
    use std::io::{BufRead, BufReader, Read, Write};
    let dir = std::env::temp_dir().join(format!("duban-cli-{}-serve", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .current_dir(&dir)
        .env_remove("DUBAN_DATABASE_URL")
        .env_remove("DUBAN_DATA_DIR")
        .env_remove("DUBAN_LANG")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    // A fresh database gets an administrator whose one-time password is printed once.
    let mut admin = String::new();
    out.read_line(&mut admin).unwrap();
    assert!(
        admin.starts_with("已创建管理员账号 admin，一次性密码") && admin.contains("Db-"),
        "{admin}"
    );
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(
        first.starts_with("督办已启动：请在浏览器中打开 http://127.0.0.1:"),
        "{first}"
    );
    let address = first
        .split("http://")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let fetch = |path: &str| {
        let mut s = std::net::TcpStream::connect(&address).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut body = String::new();
        s.read_to_string(&mut body).unwrap();
        body
    };
    assert!(fetch("/healthz").ends_with("ok"));
    let page = fetch("/plans/1");
    assert!(
        page.starts_with("HTTP/1.1 200") && page.contains("东政〔2024〕18号"),
        "{page}"
    );
    // SIGTERM: the server finishes and says so.
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert!(
        status.success() && rest.contains("督办已停止"),
        "{status:?} {rest}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_map_file_without_county_codes_is_refused() {
    let bad = temp_file(
        "map",
        "bad.geojson",
        br#"{"type":"FeatureCollection","features":[{"properties":{"name":"x"}}]}"#,
    );
    let out = duban(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--map-geojson",
        arg(&bad),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("地图文件") && stderr(&out).contains("行政区划代码"),
        "{}",
        stderr(&out)
    );
}
