//! Fair roll-ups over the reference plan, on every backend: a bureau that misses its reports
//! turns itself and the tasks it leads red and nobody else; a unit that never reported is not
//! green; every page counts a unit's and a county's tasks alike.

use std::collections::BTreeSet;

use crate::common::*;
use duban_domain::supervision::Date;
use duban_store::{Actor, Decision, NewUser, ReportBody, ReportFilter, Submission};
use serde_json::{Value, json};

/// The bureau that misses all its reports: sole lead of 5.2.1, 5.2.2 and 5.4.1, co unit of nine
/// other tasks.
const BUREAU: &str = "市水务局";
/// A co unit only (10.1.2, 10.3.1), whose leads report.
const SILENT: &str = "市税务局";

fn admin(w: &World) -> Actor {
    Actor {
        user_id: Some(w.users["admin"]),
        unit_id: None,
        role: "admin".into(),
        addr: None,
    }
}

/// Submits a unit's reports of the world's round at 100 % and approves them.
async fn report_all(w: &World, keep: impl Fn(&str) -> bool) {
    let rows = w
        .store
        .reports(&ReportFilter {
            round_id: Some(w.round_id),
            limit: 100_000,
            ..ReportFilter::default()
        })
        .await
        .unwrap();
    let actor = admin(w);
    for r in rows
        .iter()
        .filter(|r| keep(&r.unit_name) && r.status == duban_store::ReportStatus::Draft)
    {
        let sub = Submission {
            key: format!("k-{}", r.id),
            body: ReportBody {
                progress: "按计划推进".into(),
                percent_complete: Some(100.0),
                ..ReportBody::default()
            },
            evidence: Vec::new(),
        };
        let done = w
            .store
            .submit_report(&actor, r.id, r.row_version, &sub)
            .await
            .unwrap();
        w.store
            .review_report(&actor, r.id, done.row_version, Decision::Approve, "")
            .await
            .unwrap();
    }
}

async fn status(w: &World) -> Value {
    let leader = w.session("leader").await;
    let a = w
        .api(
            "GET",
            &format!("/api/v1/plans/{}/status", w.plan_id),
            &leader,
            json!({}),
        )
        .await;
    assert_eq!(a.status, axum::http::StatusCode::OK, "{}", a.body);
    a.json()
}

fn row<'a>(groups: &'a Value, key: &str) -> &'a Value {
    groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == key)
        .unwrap_or_else(|| panic!("no row {key}"))
}

fn keys_with(groups: &Value, rag: &str) -> BTreeSet<String> {
    groups
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["rag"] == rag)
        .map(|g| g["key"].as_str().unwrap().to_owned())
        .collect()
}

fn total(counts: &Value) -> u64 {
    ["achieved", "green", "amber", "red", "no_data"]
        .iter()
        .map(|k| counts[k].as_u64().unwrap())
        .sum()
}

/// Moves the round's due date before today and every submission before it, as if the round
/// had closed on time; then writes once through the store so cached statuses are recomputed.
async fn after_the_due_date(w: &World) {
    use sqlx::Executor;
    sqlx::any::install_default_drivers();
    let today = Date::from_unix(duban_store::now(), w.config.utc_offset_hours);
    let due = today.plus_days(-2);
    let submitted = duban_store::now() - 10 * 86_400;
    let pool = sqlx::AnyPool::connect(&w.database_url()).await.unwrap();
    pool.execute(
        format!(
            "UPDATE rounds SET due_on = '{due}', period_start = '{}', period_end = '{}' WHERE id = {}",
            today.plus_days(-40),
            today.plus_days(-10),
            w.round_id
        )
        .as_str(),
    )
    .await
    .unwrap();
    pool.execute(format!("UPDATE report_versions SET submitted_at = {submitted}").as_str())
        .await
        .unwrap();
    pool.close().await;
    w.store
        .create_user(
            &Actor::cli(),
            &NewUser {
                username: "bump".into(),
                display_name: "bump".into(),
                role: duban_domain::supervision::AccountRole::Leader,
                unit_id: None,
                password_hash: "$argon2id$stub".into(),
            },
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn only_the_bureau_that_missed_its_reports_goes_red() {
    for w in World::on_every_backend("rollup").await {
        let plan = w.store.plan(w.plan_id, None).await.unwrap().unwrap();
        let led: BTreeSet<String> = plan
            .tasks()
            .filter(|n| n.leads().any(|l| l == BUREAU))
            .map(|n| n.id.0.clone())
            .collect();
        assert_eq!(
            led,
            BTreeSet::from(["5.2.1".into(), "5.2.2".into(), "5.4.1".into()])
        );

        // Everyone but the bureau and the silent unit reports; the round is still open.
        report_all(&w, |u| u != BUREAU && u != SILENT).await;
        let s = status(&w).await;
        let silent = row(&s["units"], SILENT);
        assert_eq!(
            silent["rag"], "no_data",
            "a unit that never reported is not green: {silent}"
        );
        assert_eq!(silent["tasks"]["no_data"], 2, "{silent}");
        assert_eq!(row(&s["units"], BUREAU)["rag"], "no_data");

        // The silent unit reports too; the due date passes with the bureau's reports missing.
        report_all(&w, |u| u == SILENT).await;
        after_the_due_date(&w).await;
        let s = status(&w).await;
        assert_eq!(
            keys_with(&s["units"], "red"),
            BTreeSet::from([BUREAU.to_owned()]),
            "only the bureau is red: {}",
            s["units"]
        );
        let bureau = row(&s["units"], BUREAU);
        assert_eq!(bureau["tasks"]["red"], 12, "{bureau}");
        assert!(
            keys_with(&s["counties"], "red").is_empty(),
            "{}",
            s["counties"]
        );
        let red_tasks: BTreeSet<String> = s["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["rag"] == "red")
            .map(|t| t["key"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(red_tasks, led, "only the tasks it leads are red");
        // Its task-mates on the tasks it leads answer for their own part only.
        for mate in [
            "市水务集团",
            "市住房建设局",
            "市农业农村局",
            "海东消防救援支队",
        ] {
            let r = row(&s["units"], mate);
            assert_eq!(r["tasks"]["red"], 0, "{mate}: {r}");
        }
        assert_ne!(row(&s["units"], SILENT)["rag"], "red");
        w.cleanup().await;
    }
}

/// Rows of a table (`<tr data-key=`) on a page.
fn table_rows(body: &str, id: &str) -> usize {
    let Some(start) = body.find(&format!("id=\"{id}\"")) else {
        return 0;
    };
    let rest = &body[start..];
    let end = rest.find("</table>").unwrap_or(rest.len());
    rest[..end].matches("<tr data-key=").count()
}

/// The `data-tasks` of a table's row with the given key.
fn row_tasks(body: &str, table: &str, key: &str) -> Option<u64> {
    let start = body.find(&format!("id=\"{table}\""))?;
    let rest = &body[start..];
    let rest = &rest[..rest.find("</table>").unwrap_or(rest.len())];
    let at = rest.find(&format!("data-key=\"{key}\""))?;
    let tail = &rest[at..];
    let tail = &tail[..tail.find("</tr>").unwrap_or(tail.len())];
    let n = tail.find("data-tasks=\"")? + "data-tasks=\"".len();
    tail[n..].split('"').next()?.parse().ok()
}

#[tokio::test]
async fn every_page_counts_a_unit_and_a_county_alike() {
    let w = World::new("agree").await;
    let leader = w.session("leader").await;
    let plan = w.store.plan(w.plan_id, None).await.unwrap().unwrap();
    // 乐都区政府 owes the tasks it is named on and those of 各县区政府, its group.
    let county_tasks = plan
        .tasks()
        .filter(|n| {
            n.responsible
                .iter()
                .any(|a| a.unit == "乐都区政府" || a.unit == "各县区政府")
        })
        .count() as u64;
    let lead_tasks = plan
        .tasks()
        .filter(|n| n.responsible.iter().any(|a| a.unit == LEAD))
        .count() as u64;
    let s = status(&w).await;
    let county = row(&s["counties"], "630202");
    let government = row(&s["units"], "乐都区政府");
    assert_eq!(total(&county["tasks"]), county_tasks, "county table");
    assert_eq!(total(&government["tasks"]), county_tasks, "unit table");
    assert_eq!(total(&row(&s["units"], LEAD)["tasks"]), lead_tasks);

    // The status page, the dashboard, the county page and the workbench say the same.
    let page = w
        .get(&format!("/plans/{}/status", w.plan_id), Some(&leader))
        .await;
    assert_eq!(
        row_tasks(&page.body, "by-unit", "乐都区政府"),
        Some(county_tasks)
    );
    assert_eq!(
        row_tasks(&page.body, "by-county", "630202"),
        Some(county_tasks)
    );
    assert_eq!(row_tasks(&page.body, "by-unit", LEAD), Some(lead_tasks));
    // Each table says what it counts.
    for table in ["by-unit", "by-county", "by-chapter"] {
        let at = page
            .body
            .find(&format!("id=\"{table}\"><caption"))
            .unwrap_or_else(|| panic!("{table}"));
        assert!(
            page.body[at..].contains("评判"),
            "{table} says how it judges"
        );
    }
    let dash = w
        .get(&format!("/plans/{}/dashboard", w.plan_id), Some(&leader))
        .await;
    assert_eq!(
        row_tasks(&dash.body, "dash-units", "乐都区政府"),
        Some(county_tasks)
    );
    assert_eq!(
        row_tasks(&dash.body, "by-county", "630202"),
        Some(county_tasks)
    );
    let page = w
        .get(
            &format!("/plans/{}/counties/630202", w.plan_id),
            Some(&leader),
        )
        .await;
    assert_eq!(table_rows(&page.body, "county-tasks") as u64, county_tasks);
    for (unit, n) in [("乐都区政府", county_tasks), (LEAD, lead_tasks)] {
        let id = w.store.unit(unit).await.unwrap().unwrap().id;
        let bench = w.get(&format!("/workbench?unit={id}"), Some(&leader)).await;
        assert_eq!(
            table_rows(&bench.body, "wb-tasks") as u64,
            n,
            "workbench of {unit}"
        );
    }
}
