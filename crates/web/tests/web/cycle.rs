//! The supervision cycle through the API and the pages, in process: reports filled, returned,
//! resubmitted and approved, statuses following; the audit chain intact at the end.

use crate::common::*;
use axum::http::StatusCode;
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
    let before = w.get(&status_uri, Some(&office)).await.json();
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
    let during = w.get(&status_uri, Some(&office)).await.json();
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
    let after = w.get(&status_uri, Some(&office)).await.json();
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
    let last = w.get(&status_uri, Some(&office)).await.json();
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
