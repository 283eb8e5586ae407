//! Right numbers on the reference plan as imported, on every backend: each failure reported in
//! issue "Right numbers" as a test — water classes graded lower-is-better, undated targets due
//! at the plan's horizon (2030, not the vision year 2035), standing thresholds graded for the
//! current year, the 发展目标 targets reported by their data-owner unit, a milestone achieved by
//! an approved report with evidence — and what the public sees before and after the office
//! publishes a round.

use crate::common::*;
use axum::http::StatusCode;
use duban_domain::Plan;
use duban_domain::supervision::{AccountRole, Date};
use duban_store::{Actor, NewUser};
use serde_json::{Value, json};

fn status_of(s: &Value, list: &str, key: &str) -> String {
    s[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["key"] == key)
        .unwrap_or_else(|| panic!("{key} not in {list}"))["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The target the plan states with these words.
fn target<'a>(plan: &'a Plan, indicator: &str, on_task: bool) -> &'a duban_domain::Target {
    plan.targets
        .iter()
        .find(|t| {
            t.indicator == indicator && plan.node(&t.node).is_some_and(|n| n.is_task() == on_task)
        })
        .unwrap_or_else(|| panic!("no target {indicator}"))
}

/// A reporter account of a unit, signed in.
async fn reporter(w: &World, username: &str, unit: &str) -> Session {
    let unit_id = w.store.unit(unit).await.unwrap().unwrap().id;
    let hash = duban_web::auth::hash_password(PASSWORD).unwrap();
    let id = w
        .store
        .create_user(
            &Actor::cli(),
            &NewUser {
                username: username.into(),
                display_name: unit.into(),
                role: AccountRole::Reporter,
                unit_id: Some(unit_id),
                password_hash: hash.clone(),
            },
        )
        .await
        .unwrap();
    w.store
        .set_password(&Actor::cli(), id, &hash, false)
        .await
        .unwrap();
    let session = random_id();
    let csrf = random_id();
    w.store
        .create_session(
            &Actor::cli(),
            id,
            &duban_web::auth::sha256_hex(session.as_bytes()),
            &csrf,
        )
        .await
        .unwrap();
    Session {
        cookie: format!("duban_session={session}"),
        csrf,
    }
}

async fn record(w: &World, office: &Session, key: &str, on: &str, value: f64) {
    let uri = format!("/api/v1/plans/{}/targets/{key}/observations", w.plan_id);
    let a = w
        .api(
            "POST",
            &uri,
            office,
            json!({ "observed_on": on, "value": value, "source": "生态环境监测月报" }),
        )
        .await;
    assert!(a.status.is_success(), "{}", a.body);
}

#[tokio::test]
async fn the_plans_own_rules_grade_its_targets() {
    for w in World::on_every_backend("numbers").await {
        let office = w.session("reviewer").await;
        let plan = w.store.plan(w.plan_id, None).await.unwrap().unwrap();
        let status_uri = format!("/api/v1/plans/{}/status", w.plan_id);
        let status = || async { w.get(&status_uri, Some(&office)).await.json() };

        // Water classes: lower is better. Ⅴ类 against a Ⅲ类 goal is behind; Ⅰ类 achieved.
        let water = target(&plan, "湟水河出省断面水质", true);
        record(&w, &office, &water.id.0, "2025-03-31", 5.0).await;
        assert_eq!(status_of(&status().await, "targets", &water.id.0), "behind");
        record(&w, &office, &water.id.0, "2025-06-30", 1.0).await;
        assert_eq!(
            status_of(&status().await, "targets", &water.id.0),
            "achieved"
        );

        // An undated target is due at the plan's horizon, 2030 — not the vision year 2035.
        let undated = plan
            .targets
            .iter()
            .find(|t| t.year.is_none() && t.kind == duban_domain::TargetKind::Numeric)
            .unwrap();
        assert_eq!(plan.operative_horizon(), Some(2030));
        let m = w
            .get(
                &format!(
                    "/api/v1/plans/{}/targets/{}/milestones",
                    w.plan_id, undated.id.0
                ),
                Some(&office),
            )
            .await
            .json();
        let years: Vec<i64> = m["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["year"].as_i64().unwrap())
            .collect();
        assert_eq!(years.last(), Some(&2030), "{m}");

        // A standing threshold (培训合格率不低于90%) holds every year: graded on this year's value.
        let this_year = Date::from_unix(duban_store::now(), 8).year();
        let floor = target(&plan, "培训合格率", true);
        assert_eq!(floor.kind, duban_domain::TargetKind::Threshold);
        record(
            &w,
            &office,
            &floor.id.0,
            &format!("{}-06-30", this_year - 1),
            95.0,
        )
        .await;
        assert_eq!(
            status_of(&status().await, "targets", &floor.id.0),
            "no_data",
            "last year's value says nothing of this year"
        );
        record(
            &w,
            &office,
            &floor.id.0,
            &format!("{this_year}-01-01"),
            93.0,
        )
        .await;
        assert_eq!(
            status_of(&status().await, "targets", &floor.id.0),
            "on_track"
        );
        record(
            &w,
            &office,
            &floor.id.0,
            &format!("{this_year}-01-01"),
            85.0,
        )
        .await;
        assert_eq!(status_of(&status().await, "targets", &floor.id.0), "behind");
        w.cleanup().await;
    }
}

#[tokio::test]
async fn goals_of_the_plan_are_reported_by_their_data_owner() {
    for w in World::on_every_backend("owner").await {
        let office = w.session("reviewer").await;
        let plan = w.store.plan(w.plan_id, None).await.unwrap().unwrap();
        // The 发展目标 list names no unit; the importer gave the water goal the lead of the task
        // that states it again, so the round asks that unit for it.
        let goal = target(&plan, "黄河干流出省断面水质", false);
        let owner = goal
            .data_owner
            .clone()
            .expect("a data owner from the importer");
        let row = w.report(&goal.node.0, &owner).await;
        let me = reporter(&w, "owner", &owner).await;
        let page = w.get(&format!("/reports/{}", row.id), Some(&me)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(&goal.indicator), "the form asks for it");
        let submit = json!({ "row_version": row.row_version, "submission_key": "g1", "body": {
            "progress": "监测达标", "percent_complete": null, "problems": "", "next_steps": "", "coordination": "",
            "observations": [{ "target_key": goal.id.0, "observed_on": "2025-03-31", "value": 2.0, "source": "断面监测" }] } });
        let a = w
            .api(
                "POST",
                &format!("/api/v1/reports/{}/submit", row.id),
                &me,
                submit,
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        let r = w
            .api(
                "POST",
                &format!("/api/v1/reports/{}/review", row.id),
                &office,
                json!({ "row_version": a.json()["submitted"]["row_version"], "decision": "approve" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let s = w
            .get(
                &format!("/api/v1/plans/{}/status", w.plan_id),
                Some(&office),
            )
            .await
            .json();
        assert_eq!(status_of(&s, "targets", &goal.id.0), "achieved");

        // A goal no importer can place: the office names its data owner, and the next round
        // asks that unit; a milestone reported done needs evidence, and is achieved once
        // approved.
        let milestone = target(&plan, "省级区域医疗中心投运", false);
        assert!(milestone.data_owner.is_none());
        let edit = w
            .api(
                "POST",
                &format!("/api/v1/plans/{}/edits", w.plan_id),
                &office,
                json!({ "reason": "由卫生健康部门报送", "edit": { "op": "edit_target", "target": milestone.id.0,
                    "patch": { "data_owner": "市卫生健康委" } } }),
            )
            .await;
        assert_eq!(edit.status, StatusCode::CREATED, "{}", edit.body);
        let opened = w
            .api(
                "POST",
                "/api/v1/rounds",
                &office,
                json!({ "plan_id": w.plan_id, "title": "2025年二季度调度", "cadence": "quarterly",
                    "period_start": "2025-04-01", "period_end": "2025-06-30", "due_on": "2099-07-10",
                    "scope": { "kind": "all" } }),
            )
            .await;
        assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
        let round = opened.json()["round"]["id"].as_i64().unwrap();
        let health = w.store.unit("市卫生健康委").await.unwrap().unwrap();
        let row = w
            .store
            .reports(&duban_store::ReportFilter {
                round_id: Some(round),
                unit_id: Some(health.id),
                limit: 1000,
                ..duban_store::ReportFilter::default()
            })
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.node_key == milestone.node.0)
            .expect("the data owner is asked for the goal");
        let me = reporter(&w, "health", "市卫生健康委").await;
        let report = json!({ "row_version": row.row_version, "submission_key": "m1", "body": {
            "progress": "医疗中心已投入运营", "percent_complete": null, "problems": "", "next_steps": "", "coordination": "",
            "observations": [{ "target_key": milestone.id.0, "observed_on": "2025-06-30", "value": 1.0, "source": "投运批复" }] } });
        let uri = format!("/api/v1/reports/{}/submit", row.id);
        let bare = w.api("POST", &uri, &me, report.clone()).await;
        assert_eq!(
            bare.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            bare.body
        );
        assert!(
            bare.json()["error"]["fields"][format!("obs_value_{}", milestone.id.0)]
                .as_str()
                .unwrap()
                .contains("佐证")
        );
        let text = report.to_string();
        let (ct, body) = multipart(
            &[("csrf", me.csrf.as_str()), ("report", text.as_str())],
            &[("投运批复.pdf", PDF)],
        );
        let with = w.send("POST", &uri, Some(&me), Some(&ct), body).await;
        assert_eq!(with.status, StatusCode::CREATED, "{}", with.body);
        let r = w
            .api(
                "POST",
                &format!("/api/v1/reports/{}/review", row.id),
                &office,
                json!({ "row_version": with.json()["submitted"]["row_version"], "decision": "approve" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let s = w
            .get(
                &format!("/api/v1/plans/{}/status", w.plan_id),
                Some(&office),
            )
            .await
            .json();
        assert_eq!(status_of(&s, "targets", &milestone.id.0), "achieved");
        w.cleanup().await;
    }
}

#[tokio::test]
async fn the_public_sees_only_what_the_office_published() {
    for w in World::on_every_backend("public").await {
        let office = w.session("reviewer").await;
        let plan = w.store.plan(w.plan_id, None).await.unwrap().unwrap();
        let water = target(&plan, "湟水河出省断面水质", true);
        // A unit's report in the world's round, approved, with a value.
        let lead = w.session("lead").await;
        let row = w.report(TASK, LEAD).await;
        let a = w
            .api(
                "POST",
                &format!("/api/v1/reports/{}/submit", row.id),
                &lead,
                json!({ "row_version": row.row_version, "submission_key": "p1", "body": {
                    "progress": "推进中", "percent_complete": 40.0, "problems": "", "next_steps": "", "coordination": "" } }),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        w.api(
            "POST",
            &format!("/api/v1/reports/{}/review", row.id),
            &office,
            json!({ "row_version": a.json()["submitted"]["row_version"], "decision": "approve" }),
        )
        .await;
        record(&w, &office, &water.id.0, "2025-03-31", 5.0).await;
        let status_uri = format!("/api/v1/plans/{}/status", w.plan_id);
        let values_uri = format!(
            "/api/v1/plans/{}/targets/{}/observations",
            w.plan_id, water.id.0
        );

        // Before any publication: no status, value or ranking for anyone not signed in.
        let before = w.get(&status_uri, None).await.json();
        for list in ["targets", "tasks"] {
            assert!(
                before[list]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|x| x["status"] == "no_data"),
                "{list} before publication"
            );
        }
        assert!(before.get("units").is_none() && before.get("counties").is_none());
        assert_eq!(w.get(&values_uri, None).await.json()["items"], json!([]));
        let page = w
            .get(&format!("/plans/{}/status", w.plan_id), None)
            .await
            .body;
        assert!(page.contains("调度结果尚未发布") && !page.contains("id=\"by-unit\""));
        assert_eq!(
            w.get(&format!("/plans/{}/dashboard", w.plan_id), None)
                .await
                .status,
            StatusCode::SEE_OTHER,
            "the dashboard is behind login"
        );
        // The office sees everything, and can preview what the public will see.
        let inside = w.get(&status_uri, Some(&office)).await.json();
        assert_eq!(status_of(&inside, "targets", &water.id.0), "behind");
        let preview = w
            .get(
                &format!("/plans/{}/status?view=public", w.plan_id),
                Some(&office),
            )
            .await
            .body;
        assert!(preview.contains("调度结果尚未发布"));

        // Published: exactly what stood at that moment.
        let p = w
            .api(
                "POST",
                &format!("/api/v1/rounds/{}/publish", w.round_id),
                &office,
                json!({}),
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        let after = w.get(&status_uri, None).await.json();
        assert_eq!(status_of(&after, "targets", &water.id.0), "behind");
        assert_ne!(status_of(&after, "tasks", TASK), "no_data");
        assert_eq!(after["published_round"], "2025年3月调度");
        assert!(after.get("units").is_none());
        let values = w.get(&values_uri, None).await.json();
        assert_eq!(values["items"].as_array().unwrap().len(), 1);
        // A value recorded after publication waits for the next one (times are in seconds:
        // wait for the next second).
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        record(&w, &office, &water.id.0, "2025-03-31", 1.0).await;
        let later = w.get(&status_uri, None).await.json();
        assert_eq!(status_of(&later, "targets", &water.id.0), "behind");
        assert_eq!(
            w.get(&values_uri, None).await.json()["items"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        let inside = w.get(&status_uri, Some(&office)).await.json();
        assert_eq!(status_of(&inside, "targets", &water.id.0), "achieved");

        // An item marked internal leaves the public pages.
        let e = w
            .api(
                "POST",
                &format!("/api/v1/plans/{}/edits", w.plan_id),
                &office,
                json!({ "reason": "内部考核指标", "edit": { "op": "edit_target", "target": water.id.0, "patch": { "internal": true } } }),
            )
            .await;
        assert_eq!(e.status, StatusCode::CREATED, "{}", e.body);
        let hidden = w.get(&status_uri, None).await.json();
        assert!(
            !hidden["targets"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["key"] == water.id.0)
        );
        assert_eq!(
            w.get(
                &format!("/plans/{}/targets/{}", w.plan_id, water.id.0),
                None
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            w.get(
                &format!("/plans/{}/targets/{}", w.plan_id, water.id.0),
                Some(&office)
            )
            .await
            .status,
            StatusCode::OK
        );
        w.cleanup().await;
    }
}

#[tokio::test]
async fn confirming_one_finding_leaves_the_others_on_its_line() {
    let w = World::new("findings").await;
    let office = w.session("reviewer").await;
    let plan = w.store.plan(w.plan_id, None).await.unwrap().unwrap();
    // Two findings of one kind on one line (the 发展目标 list states several goals a line).
    let (first, second) = plan
        .diagnostics
        .iter()
        .enumerate()
        .find_map(|(i, d)| {
            plan.diagnostics
                .iter()
                .skip(i + 1)
                .find(|e| e.code == d.code && e.line == d.line)
                .map(|e| (d.clone(), e.clone()))
        })
        .expect("two findings of one code on one line");
    let line = first.line.map(|l| l.to_string()).unwrap_or_default();
    let a = w
        .form(
            &format!("/plans/{}/edits", w.plan_id),
            &office,
            &[
                ("op", "resolve_diagnostic"),
                ("code", &first.code),
                ("line", &line),
                ("message", &first.message),
                ("reason", "已核对原文"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let after = w.store.plan(w.plan_id, None).await.unwrap().unwrap();
    assert!(!after.diagnostics.contains(&first));
    assert!(
        after.diagnostics.contains(&second),
        "only the one confirmed"
    );
    w.cleanup().await;
}

#[tokio::test]
async fn a_milestone_is_achieved_by_an_approved_report_with_evidence() {
    for w in World::on_every_backend("milestone").await {
        let office = w.session("reviewer").await;
        let plan = w.store.plan(w.plan_id, None).await.unwrap().unwrap();
        // As imported, no edit: 申报国家级经济技术开发区 is a milestone of a task.
        let m = target(&plan, "申报国家级经济技术开发区", true);
        assert_eq!(m.kind, duban_domain::TargetKind::Milestone);
        let lead = plan
            .node(&m.node)
            .unwrap()
            .leads()
            .next()
            .unwrap()
            .to_owned();
        let row = w.report(&m.node.0, &lead).await;
        let me = reporter(&w, "zone", &lead).await;
        let uri = format!("/api/v1/reports/{}/submit", row.id);
        let report = json!({ "row_version": row.row_version, "submission_key": "z1", "body": {
            "progress": "已向国家部委报送申报材料", "percent_complete": 100.0, "problems": "", "next_steps": "", "coordination": "",
            "observations": [{ "target_key": m.id.0, "observed_on": "2025-03-31", "value": 1.0, "source": "申报文件" }] } });
        let bare = w.api("POST", &uri, &me, report.clone()).await;
        assert_eq!(
            bare.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            bare.body
        );
        let text = report.to_string();
        let (ct, body) = multipart(
            &[("csrf", me.csrf.as_str()), ("report", text.as_str())],
            &[("申报文件.pdf", PDF)],
        );
        let with = w.send("POST", &uri, Some(&me), Some(&ct), body).await;
        assert_eq!(with.status, StatusCode::CREATED, "{}", with.body);
        let status_uri = format!("/api/v1/plans/{}/status", w.plan_id);
        let before = w.get(&status_uri, Some(&office)).await.json();
        assert_ne!(
            status_of(&before, "targets", &m.id.0),
            "achieved",
            "not before the office approves"
        );
        let r = w
            .api(
                "POST",
                &format!("/api/v1/reports/{}/review", row.id),
                &office,
                json!({ "row_version": with.json()["submitted"]["row_version"], "decision": "approve" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let after = w.get(&status_uri, Some(&office)).await.json();
        assert_eq!(status_of(&after, "targets", &m.id.0), "achieved");
        w.cleanup().await;
    }
}
