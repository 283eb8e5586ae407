//! What people send that must be refused, in process: bad values field by field with the rest
//! of the form kept, oversize and disguised files, tampered and replayed forms, stale drafts;
//! logins, lockout and the first password change.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

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
