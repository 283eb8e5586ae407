//! Every page and API route, in process (`router.oneshot`), over a real SQLite store holding the
//! reference plan and its city's registry.

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use duban_store::{Source, Store};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// The `(METHOD, path)` of every operation an OpenAPI document lists.
fn documented_operations(doc: &serde_json::Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                out.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

async fn app(test: &str) -> (axum::Router, Arc<dyn Store>) {
    let dir = std::env::temp_dir().join(format!("duban-web-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = duban_store::connect(&format!("sqlite://{}/duban.sqlite", dir.display()))
        .await
        .unwrap();
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
    (
        duban_web::router(duban_web::AppState::new(store.clone())),
        store,
    )
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn get(app: &axum::Router, uri: &str, cookie: Option<&str>) -> Answer {
    let mut req = Request::builder().uri(uri);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

fn enc(s: &str) -> String {
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

#[tokio::test]
async fn pages_show_the_plan() {
    let (app, _) = app("pages").await;
    let home = get(&app, "/", None).await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.headers[header::LOCATION], "/plans/1");

    let overview = get(&app, "/plans/1", None).await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(
        overview
            .body
            .contains("海东市推进西宁—海东都市圈一体化发展行动计划")
    );
    assert!(overview.body.contains("东政〔2024〕18号"));
    assert!(overview.body.contains("<strong>107</strong> 任务"));
    assert!(overview.body.contains("十一、实施保障"));

    let tree = get(&app, "/plans/1/tree", None).await;
    assert!(tree.body.contains("depth-2") && tree.body.contains("总体发展格局"));

    // A task: text, lead and co units, targets, the source line.
    let task = get(&app, "/plans/1/nodes/2.3.2", None).await;
    assert_eq!(task.status, StatusCode::OK, "{}", task.body);
    assert!(task.body.contains("推动城乡公共资源均衡配置"));
    assert!(task.body.contains("市住房建设局") && task.body.contains("牵头单位"));
    assert!(task.body.contains("乡镇通三级及以上公路比例") && task.body.contains("≥ 85%"));
    assert!(task.body.contains("第101行"), "source line");

    // A unit: tasks it leads and assists; a group with its members from the registry.
    let unit = get(
        &app,
        &format!("/plans/1/units/{}", enc("市交通运输局")),
        None,
    )
    .await;
    assert_eq!(unit.status, StatusCode::OK);
    assert!(unit.body.contains("牵头的任务") && unit.body.contains("完善提升乡村路网通达水平"));
    let group = get(&app, &format!("/plans/1/units/{}", enc("各县区政府")), None).await;
    assert!(group.body.contains("包含单位") && group.body.contains("循化县政府"));
    let alias = get(
        &app,
        &format!("/plans/1/units/{}", enc("市文化旅游广电局")),
        None,
    )
    .await;
    assert!(
        alias.body.contains("市文体旅游广电局"),
        "an alias finds its unit"
    );

    let targets = get(&app, "/plans/1/targets", None).await;
    assert!(
        targets.body.contains("城市（县城）公共供水管网漏损率") && targets.body.contains("≤ 9%")
    );
    let target = get(&app, "/plans/1/targets/t1", None).await;
    assert!(target.body.contains("全市地区生产总值占全省比重") && target.body.contains("2030"));
    let projects = get(&app, "/plans/1/projects", None).await;
    assert!(projects.body.contains("民和至永靖高速公路"));
}

#[tokio::test]
async fn chinese_search_finds_what_it_should() {
    let (app, _) = app("search").await;
    let roads = get(&app, &format!("/search?q={}", enc("高速公路")), None).await;
    assert_eq!(roads.status, StatusCode::OK);
    assert!(
        roads.body.contains("强化对外互联互通能力"),
        "a task whose text names 高速公路"
    );
    assert!(roads.body.contains("民和至永靖高速公路"), "a project");
    let sewage = get(&app, &format!("/search?q={}", enc("污水")), None).await;
    assert!(sewage.body.contains("落实“厂网一体”污水处理设施建设"));
    assert!(sewage.body.contains("生活污水集中收集率"), "a target");
    let both = get(
        &app,
        &format!("/search?q={}+{}", enc("污水"), enc("乡村")),
        None,
    )
    .await;
    assert!(both.body.contains("建设宜居宜业和美乡村") && !both.body.contains("落实“厂网一体”"));
    let api = get(&app, &format!("/api/v1/search?q={}", enc("水库")), None).await;
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert!(
        v["results"][0]["projects"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["title"] == "乐都杨家水库")
    );
    let nothing = get(&app, &format!("/search?q={}", enc("量子计算机")), None).await;
    assert!(nothing.body.contains("没有找到"));
}

#[tokio::test]
async fn english_switch_is_remembered() {
    let (app, _) = app("lang").await;
    let en = get(&app, "/plans/1?lang=en", None).await;
    assert!(
        en.body.contains("<html lang=\"en\">")
            && en.body.contains("Tasks")
            && en.body.contains("Chapters")
    );
    let cookie = en.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("duban_lang=en") && cookie.contains("HttpOnly"));
    let again = get(&app, "/plans/1/targets", Some("duban_lang=en")).await;
    assert!(again.body.contains("Indicator"));
    let zh = get(&app, "/plans/1", None).await;
    assert!(zh.body.contains("<html lang=\"zh-CN\">") && zh.body.contains("章节"));
}

#[tokio::test]
async fn unknown_pages_and_bad_requests() {
    let (app, _) = app("errors").await;
    for uri in [
        "/nothing",
        "/plans/99",
        "/plans/x",
        "/plans/1/nodes/9.9.9",
        "/plans/1/targets/t999",
    ] {
        let page = get(&app, uri, None).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            page.body.contains("页面不存在") && page.body.contains("<html"),
            "{uri}: a real page"
        );
    }
    let api = get(&app, "/api/v1/plans/99", None).await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(v["error"]["code"], "not_found");
    for uri in [
        "/api/v1/plans?per_page=0",
        "/api/v1/plans?page=x",
        "/api/v1/plans/1/nodes?per_page=9999",
        "/api/v1/plans/abc",
        "/api/v1/search",
    ] {
        let bad = get(&app, uri, None).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{uri}");
        let v: serde_json::Value = serde_json::from_str(&bad.body).unwrap();
        assert_eq!(v["error"]["code"], "bad_request", "{uri}");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| c as u32 > 0x4e00),
            "a Chinese message"
        );
    }
    let unknown_api = get(&app, "/api/v1/nothing", None).await;
    assert_eq!(unknown_api.status, StatusCode::NOT_FOUND);
    assert!(unknown_api.body.contains("not_found"));
}

#[tokio::test]
async fn api_pages_and_the_openapi_document_agree() {
    let (app, _) = app("api").await;
    let doc = get(&app, "/api/v1/openapi.json", None).await;
    let doc: serde_json::Value = serde_json::from_str(&doc.body).unwrap();
    // The document lists exactly the operations the router serves under /api/v1: the plan
    // API's and the route table's, each with its method.
    let mut documented: Vec<(String, String)> = documented_operations(&doc);
    documented.sort();
    let mut ops: Vec<(String, String)> = duban_web::api_operations()
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    ops.sort();
    assert_eq!(documented, ops);
    let ops: Vec<(String, String)> = duban_web::routes::specs()
        .iter()
        .filter_map(|s| {
            Some((
                s.method.to_owned(),
                s.path.strip_prefix("/api/v1")?.to_owned(),
            ))
        })
        .collect();
    let supervision: Vec<&str> = ops.iter().map(|(_, p)| p.as_str()).collect();
    for path in duban_web::api_paths()
        .into_iter()
        .filter(|p| !supervision.contains(p))
    {
        let uri = format!(
            "/api/v1{}",
            path.replace("{plan}", "1")
                .replace("{node}", "2.1")
                .replace("{unit}", &enc("市水务局"))
                .replace("{target}", "t3")
        );
        let uri = if path == "/search" {
            format!("{uri}?q={}", enc("水"))
        } else {
            uri
        };
        let res = get(&app, &uri, None).await;
        assert_eq!(res.status, StatusCode::OK, "{uri}: {}", res.body);
        let _: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    }
    let page: serde_json::Value = serde_json::from_str(
        &get(&app, "/api/v1/plans/1/nodes?page=2&per_page=50", None)
            .await
            .body,
    )
    .unwrap();
    assert_eq!(
        (page["page"].as_u64(), page["total"].as_u64()),
        (Some(2), Some(171))
    );
    assert_eq!(page["items"].as_array().unwrap().len(), 50);
    let text =
        std::fs::read_to_string(fixtures().join("plans/haidong-action-plan-2024.txt")).unwrap();
    let plan = duban_import::parse(&text);
    assert_eq!(
        page["items"][0]["id"],
        plan.nodes[50].id.0.as_str(),
        "the 51st node in document order"
    );
    let tasks: serde_json::Value = serde_json::from_str(
        &get(&app, "/api/v1/plans/1/tasks?per_page=500", None)
            .await
            .body,
    )
    .unwrap();
    assert_eq!(tasks["total"], 107);
    let unit: serde_json::Value = serde_json::from_str(
        &get(
            &app,
            &format!("/api/v1/plans/1/units/{}", enc("乐都区人民政府")),
            None,
        )
        .await
        .body,
    )
    .unwrap();
    assert_eq!(unit["adcode"], "630202");
}

#[tokio::test]
async fn health_answers() {
    let (app, store) = app("health").await;
    let ok = get(&app, "/healthz", None).await;
    assert_eq!((ok.status, ok.body.as_str()), (StatusCode::OK, "ok"));
    drop(store);
}

#[test]
fn every_word_a_template_uses_exists_in_both_languages() {
    let i18n =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/i18n.rs"))
            .unwrap();
    let mut missing = Vec::new();
    for entry in
        std::fs::read_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates")).unwrap()
    {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        // `t.key` and `t["key"]` (prefixed keys like t["st_" ~ x] are listed in full in i18n.rs).
        let mut rest = text.as_str();
        while let Some(i) = rest.find("t.") {
            let before = rest[..i].chars().last();
            rest = &rest[i + 2..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let key: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !key.is_empty()
                && !i18n.contains(&format!("(\"{key}\","))
                && !i18n.contains(&format!("\"{key}\",\n"))
            {
                missing.push(format!("{}: {key}", path.display()));
            }
        }
    }
    assert!(missing.is_empty(), "{missing:?}");
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let (app, _) = app("request-id").await;
    let id = |a: &Answer| a.headers["x-request-id"].to_str().unwrap().to_owned();
    let first = get(&app, "/plans/1", None).await;
    let second = get(&app, "/nothing", None).await;
    assert_eq!(second.status, StatusCode::NOT_FOUND);
    let (a, b) = (id(&first), id(&second));
    assert!(a.len() == 36 && a.matches('-').count() == 4, "{a}");
    assert_ne!(a, b);
    // An id the client (or a proxy in front) sent is kept, so its lines can be followed.
    let res = app
        .clone()
        .oneshot(
            Request::builder()
                .uri("/api/v1/plans")
                .header("x-request-id", "proxy-42")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "proxy-42");
    // The language cookie keeps its attributes.
    let en = get(&app, "/plans/1?lang=en", None).await;
    let cookie = en.headers[header::SET_COOKIE].to_str().unwrap();
    for part in [
        "duban_lang=en",
        "Path=/",
        "Max-Age=31536000",
        "SameSite=Lax",
        "HttpOnly",
    ] {
        assert!(cookie.split("; ").any(|p| p == part), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "{cookie}");
}

/// The declared schema of an operation's answer with this status, as a JSON Schema whose
/// references resolve inside the document.
fn declared_schema(
    doc: &serde_json::Value,
    method: &str,
    path: &str,
    status: u16,
) -> serde_json::Value {
    let op = &doc["paths"][path][method.to_lowercase()];
    assert!(op.is_object(), "{method} {path} is documented");
    let mut response = op["responses"][status.to_string()].clone();
    if let Some(r) = response["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        response = doc["components"]["responses"][name].clone();
    }
    let schema = response["content"]["application/json"]["schema"].clone();
    assert!(
        schema.is_object(),
        "{method} {path} declares a JSON answer for {status}"
    );
    // The whole document is the root, so `#/components/schemas/…` resolves.
    let mut root = doc.clone();
    root["allOf"] = serde_json::json!([schema]);
    root
}

/// Every operation of the API, called with a representative request, answers with a status it
/// declares and a body its declared schema accepts.
#[tokio::test]
async fn every_api_answer_matches_the_openapi_document() {
    use crate::common::{LEAD, TASK, World};
    use serde_json::json;

    let w = World::new("openapi-answers").await;
    let doc: serde_json::Value =
        serde_json::from_str(&w.get("/api/v1/openapi.json", None).await.body).unwrap();
    let strict = jsonschema::validator_for(&declared_schema(&doc, "GET", "/me", 200)).unwrap();
    assert!(
        !strict.is_valid(&json!({ "user": { "id": "one" } })),
        "the declared schemas are enforced, not ignored"
    );
    let admin = w.session("admin").await;
    let lead = w.session("lead").await;
    let p = w.plan_id;
    let round = w.round_id;
    let report = w.report(TASK, LEAD).await;
    let revised = std::fs::read_to_string(
        crate::common::fixtures().join("plans/haidong-action-plan-2024.txt"),
    )
    .unwrap()
    .replace("引导过境交通合理分流", "引导过境交通科学分流");
    let revision = w
        .store
        .import_plan(
            &duban_store::Actor::cli(),
            &duban_store::Source {
                name: "revised.txt".into(),
                sha256: "revised".into(),
                format: "UTF-8".into(),
            },
            &duban_import::parse(&revised),
        )
        .await
        .unwrap()
        .revision
        .unwrap();
    let mut checked: Vec<(String, String)> = Vec::new();
    let mut check = |method: &str, path: &str, answer: &crate::common::Answer, expect: u16| {
        let status = answer.status.as_u16();
        assert_eq!(status, expect, "{method} {path}: {}", answer.body);
        let body: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
        let schema = declared_schema(&doc, method, path, status);
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {path} ({status}) disagrees with its schema: {errors:#?}"
        );
        checked.push((method.to_owned(), path.to_owned()));
    };
    let anon = |uri: String| {
        let w = &w;
        async move { w.get(&format!("/api/v1{uri}"), None).await }
    };
    let as_admin = |method: &'static str, uri: String, body: serde_json::Value| {
        let (w, admin) = (&w, &admin);
        async move { w.api(method, &format!("/api/v1{uri}"), admin, body).await }
    };

    // The plan API (the public's).
    for (path, uri) in [
        ("/plans", "/plans".to_owned()),
        ("/plans/{plan}", format!("/plans/{p}")),
        (
            "/plans/{plan}/nodes",
            format!("/plans/{p}/nodes?per_page=500"),
        ),
        (
            "/plans/{plan}/nodes/{node}",
            format!("/plans/{p}/nodes/2.1"),
        ),
        ("/plans/{plan}/tasks", format!("/plans/{p}/tasks")),
        ("/plans/{plan}/units", format!("/plans/{p}/units")),
        (
            "/plans/{plan}/units/{unit}",
            format!("/plans/{p}/units/{}", enc(LEAD)),
        ),
        (
            "/plans/{plan}/targets",
            format!("/plans/{p}/targets?per_page=500"),
        ),
        (
            "/plans/{plan}/targets/{target}",
            format!("/plans/{p}/targets/t3"),
        ),
        ("/plans/{plan}/projects", format!("/plans/{p}/projects")),
        ("/search", format!("/search?q={}", enc("交通"))),
        ("/openapi.json", "/openapi.json".to_owned()),
    ] {
        check("GET", path, &anon(uri).await, 200);
    }
    check("GET", "/plans/{plan}", &anon("/plans/x".into()).await, 400);
    check(
        "GET",
        "/plans/{plan}/nodes/{node}",
        &anon(format!("/plans/{p}/nodes/9.9.9")).await,
        404,
    );
    check("GET", "/me", &anon("/me".into()).await, 401);

    // Supervision: a round, a report drafted, submitted and approved, targets' settings.
    check(
        "GET",
        "/me",
        &as_admin("GET", "/me".into(), json!(null)).await,
        200,
    );
    check(
        "GET",
        "/rounds",
        &as_admin("GET", "/rounds".into(), json!(null)).await,
        200,
    );
    let opened = as_admin(
        "POST",
        "/rounds".into(),
        json!({ "plan_id": p, "title": "2025年4月调度", "cadence": "monthly",
                "period_start": "2025-04-01", "period_end": "2025-04-30", "due_on": "2099-05-05",
                "scope": { "kind": "unit", "value": LEAD } }),
    )
    .await;
    check("POST", "/rounds", &opened, 201);
    let second = opened.json()["round"]["id"].as_i64().unwrap();
    let bad_round = as_admin(
        "POST",
        "/rounds".into(),
        json!({ "plan_id": p, "title": "", "cadence": "yearly", "period_start": "2025-04-01",
                "period_end": "2025-03-01", "due_on": "2099-05-05", "scope": { "kind": "all" } }),
    )
    .await;
    check("POST", "/rounds", &bad_round, 422);
    check(
        "GET",
        "/rounds/{round}",
        &as_admin("GET", format!("/rounds/{round}"), json!(null)).await,
        200,
    );
    check(
        "GET",
        "/reports",
        &as_admin("GET", format!("/reports?round={round}"), json!(null)).await,
        200,
    );
    let body = json!({ "progress": "已完成路线方案", "percent_complete": 40.0, "problems": "",
                       "next_steps": "", "coordination": "", "project_stage": null,
                       "investment": null, "observations": [] });
    let drafted = w
        .api(
            "PUT",
            &format!("/api/v1/reports/{}/draft", report.id),
            &lead,
            json!({ "row_version": report.row_version, "body": body }),
        )
        .await;
    check("PUT", "/reports/{report}/draft", &drafted, 200);
    let row_version = drafted.json()["row_version"].as_i64().unwrap();
    let submitted = w
        .api(
            "POST",
            &format!("/api/v1/reports/{}/submit", report.id),
            &lead,
            json!({ "row_version": row_version, "submission_key": "openapi-1", "body": body }),
        )
        .await;
    check("POST", "/reports/{report}/submit", &submitted, 201);
    let row_version = submitted.json()["submitted"]["row_version"]
        .as_i64()
        .unwrap();
    let stale = as_admin(
        "POST",
        format!("/reports/{}/review", report.id),
        json!({ "row_version": row_version + 7, "decision": "approve" }),
    )
    .await;
    check("POST", "/reports/{report}/review", &stale, 409);
    let reviewed = as_admin(
        "POST",
        format!("/reports/{}/review", report.id),
        json!({ "row_version": row_version, "decision": "approve", "comment": "" }),
    )
    .await;
    check("POST", "/reports/{report}/review", &reviewed, 200);
    check(
        "GET",
        "/reports/{report}",
        &as_admin("GET", format!("/reports/{}", report.id), json!(null)).await,
        200,
    );
    let milestones = format!("/plans/{p}/targets/t3/milestones");
    let saved = as_admin(
        "PUT",
        milestones.clone(),
        json!({ "row_version": 0, "baseline": { "value": 10.0, "year": 2023 }, "milestones": null }),
    )
    .await;
    check(
        "PUT",
        "/plans/{plan}/targets/{target}/milestones",
        &saved,
        200,
    );
    let absurd = as_admin(
        "PUT",
        milestones.clone(),
        json!({ "row_version": 1, "baseline": { "value": 10.0, "year": -2147483648 }, "milestones": null }),
    )
    .await;
    check(
        "PUT",
        "/plans/{plan}/targets/{target}/milestones",
        &absurd,
        422,
    );
    check(
        "GET",
        "/plans/{plan}/targets/{target}/milestones",
        &as_admin("GET", milestones.clone(), json!(null)).await,
        200,
    );
    let observations = format!("/plans/{p}/targets/t3/observations");
    let recorded = as_admin(
        "POST",
        observations.clone(),
        json!({ "observed_on": "2025-03-31", "value": 12.5, "source": "统计公报" }),
    )
    .await;
    check(
        "POST",
        "/plans/{plan}/targets/{target}/observations",
        &recorded,
        201,
    );
    check(
        "GET",
        "/plans/{plan}/targets/{target}/observations",
        &as_admin("GET", observations.clone(), json!(null)).await,
        200,
    );
    check(
        "GET",
        "/plans/{plan}/targets/{target}/observations",
        &anon(observations).await,
        200,
    );
    check(
        "GET",
        "/plans/{plan}/status",
        &as_admin("GET", format!("/plans/{p}/status"), json!(null)).await,
        200,
    );
    check(
        "GET",
        "/plans/{plan}/status",
        &anon(format!("/plans/{p}/status")).await,
        200,
    );
    check(
        "GET",
        "/plans/{plan}/targets/{target}/milestones",
        &anon(milestones).await,
        200,
    );
    check(
        "GET",
        "/notices",
        &as_admin("GET", "/notices".into(), json!(null)).await,
        200,
    );
    check(
        "GET",
        "/audit",
        &as_admin("GET", "/audit?per_page=5".into(), json!(null)).await,
        200,
    );
    check(
        "GET",
        "/audit/verify",
        &as_admin("GET", "/audit/verify".into(), json!(null)).await,
        200,
    );

    // Curation, revisions, publication.
    let edited = as_admin(
        "POST",
        format!("/plans/{p}/edits"),
        json!({ "edit": { "op": "set_horizon", "year": 2031 }, "reason": "规划期延至2031年" }),
    )
    .await;
    check("POST", "/plans/{plan}/edits", &edited, 201);
    check(
        "GET",
        "/plans/{plan}/edits",
        &as_admin("GET", format!("/plans/{p}/edits"), json!(null)).await,
        200,
    );
    check(
        "GET",
        "/plans/{plan}/revisions",
        &as_admin("GET", format!("/plans/{p}/revisions"), json!(null)).await,
        200,
    );
    let shown = as_admin(
        "GET",
        format!("/plans/{p}/revisions/{revision}"),
        json!(null),
    )
    .await;
    check("GET", "/plans/{plan}/revisions/{revision}", &shown, 200);
    let rv = shown.json()["revision"]["row_version"].as_i64().unwrap();
    let rejected = as_admin(
        "POST",
        format!("/plans/{p}/revisions/{revision}"),
        json!({ "action": "reject", "row_version": rv, "reason": "措辞待定" }),
    )
    .await;
    check("POST", "/plans/{plan}/revisions/{revision}", &rejected, 200);
    check(
        "POST",
        "/plans/{plan}/publish",
        &as_admin("POST", format!("/plans/{p}/publish"), json!({})).await,
        422,
    );
    let other = w
        .store
        .import_plan(
            &duban_store::Actor::cli(),
            &duban_store::Source {
                name: "other.txt".into(),
                sha256: "other".into(),
                format: "UTF-8".into(),
            },
            &duban_import::parse(
                &revised
                    .replace("东政〔2024〕18号", "东政〔2024〕99号")
                    .replace("海东市推进", "乙市推进"),
            ),
        )
        .await
        .unwrap()
        .plan_id;
    check(
        "POST",
        "/plans/{plan}/publish",
        &as_admin("POST", format!("/plans/{other}/publish"), json!({})).await,
        200,
    );
    check(
        "POST",
        "/rounds/{round}/close",
        &as_admin("POST", format!("/rounds/{second}/close"), json!({})).await,
        200,
    );
    check(
        "POST",
        "/rounds/{round}/publish",
        &as_admin("POST", format!("/rounds/{second}/publish"), json!({})).await,
        200,
    );

    // Every documented operation was called.
    checked.sort();
    checked.dedup();
    let mut documented = documented_operations(&doc);
    documented.sort();
    assert_eq!(checked, documented);
    w.cleanup().await;
}
