//! Every route × role × owner, from the router's own route table: anonymous, each role, and a
//! unit reporter naming its own unit's report, a co unit's report on a task it leads, and
//! another unit's report. The test holds its own expectation for every route, so a route added
//! or re-classed without a deliberate change here fails.

use std::collections::HashMap;

use crate::common::*;
use axum::http::StatusCode;
use duban_domain::supervision::Access;
use duban_store::{Actor, NewEvidence, ReportBody, Submission};

/// Who may call each route, written independently of the route table.
fn expected() -> HashMap<(&'static str, &'static str), &'static str> {
    let public = "public";
    let signed = "signed";
    let office = "office";
    let admin = "admin";
    let read = "report_read";
    let write = "report_write";
    let mut m = HashMap::new();
    for p in [
        "/healthz",
        "/static/style.css",
        "/",
        "/search",
        "/plans/{plan}",
        "/plans/{plan}/tree",
        "/plans/{plan}/nodes/{node}",
        "/plans/{plan}/units/{unit}",
        "/plans/{plan}/targets",
        "/plans/{plan}/targets/{target}",
        "/plans/{plan}/projects",
        "/plans/{plan}/status",
        "/login",
        "/api/v1/plans/{plan}/status",
        "/api/v1/plans/{plan}/targets/{target}/milestones",
        "/api/v1/plans/{plan}/targets/{target}/observations",
        "/static/duban.js",
        "/static/vendor/echarts.min.js",
        "/static/map.geojson",
        "/static/licences",
        "/plans/{plan}/targets/{target}/data.csv",
    ] {
        m.insert(("GET", p), public);
    }
    m.insert(("POST", "/login"), public);
    m.insert(("GET", "/plans/{plan}/dashboard"), "oversight");
    m.insert(("GET", "/plans/{plan}/counties/{county}"), "oversight");
    for p in [
        "/workbench",
        "/account",
        "/rounds",
        "/rounds/{round}",
        "/notices",
        "/api/v1/me",
        "/api/v1/rounds",
        "/api/v1/rounds/{round}",
        "/api/v1/reports",
        "/api/v1/notices",
    ] {
        m.insert(("GET", p), signed);
    }
    for p in ["/logout", "/account/password", "/account/tokens"] {
        m.insert(("POST", p), signed);
    }
    for (method, p) in [
        ("POST", "/plans/{plan}/settings"),
        ("POST", "/plans/{plan}/targets/{target}/settings"),
        ("POST", "/plans/{plan}/targets/{target}/observations"),
        ("POST", "/plans/{plan}/nodes/{node}/work-points"),
        ("POST", "/rounds"),
        ("POST", "/rounds/{round}/close"),
        ("GET", "/review"),
        ("POST", "/reports/{report}/review"),
        ("GET", "/admin/audit"),
        ("GET", "/admin/audit.csv"),
        ("POST", "/api/v1/rounds"),
        ("POST", "/api/v1/rounds/{round}/close"),
        ("POST", "/api/v1/reports/{report}/review"),
        ("PUT", "/api/v1/plans/{plan}/targets/{target}/milestones"),
        ("POST", "/api/v1/plans/{plan}/targets/{target}/observations"),
        ("GET", "/api/v1/audit"),
        ("GET", "/plans/{plan}/curate"),
        ("POST", "/plans/{plan}/edits"),
        ("POST", "/plans/{plan}/publish"),
        ("GET", "/plans/{plan}/nodes/{node}/edit"),
        ("GET", "/plans/{plan}/targets/{target}/edit"),
        ("GET", "/plans/{plan}/revisions/{revision}"),
        ("POST", "/plans/{plan}/revisions/{revision}"),
        ("POST", "/rounds/{round}/publish"),
        ("GET", "/api/v1/plans/{plan}/edits"),
        ("POST", "/api/v1/plans/{plan}/edits"),
        ("POST", "/api/v1/plans/{plan}/publish"),
        ("GET", "/api/v1/plans/{plan}/revisions"),
        ("GET", "/api/v1/plans/{plan}/revisions/{revision}"),
        ("POST", "/api/v1/plans/{plan}/revisions/{revision}"),
        ("POST", "/api/v1/rounds/{round}/publish"),
    ] {
        m.insert((method, p), office);
    }
    for (method, p) in [
        ("GET", "/admin/users"),
        ("POST", "/admin/users"),
        ("POST", "/admin/users/{user}/reset"),
        ("POST", "/admin/users/{user}/disable"),
        ("POST", "/admin/users/{user}/enable"),
        ("GET", "/api/v1/audit/verify"),
    ] {
        m.insert((method, p), admin);
    }
    for (method, p) in [
        ("GET", "/reports/{report}"),
        ("GET", "/evidence/{evidence}"),
        ("GET", "/api/v1/reports/{report}"),
    ] {
        m.insert((method, p), read);
    }
    for (method, p) in [
        ("POST", "/reports/{report}"),
        ("PUT", "/api/v1/reports/{report}/draft"),
        ("POST", "/api/v1/reports/{report}/submit"),
    ] {
        m.insert((method, p), write);
    }
    m
}

/// Whether `who` (a username, or "" for anonymous) relating to the record as `owner` may.
fn may(class: &str, who: &str, owner: &str) -> bool {
    match class {
        "public" => true,
        "signed" => !who.is_empty(),
        "office" => matches!(who, "admin" | "reviewer"),
        "oversight" => matches!(who, "admin" | "reviewer" | "leader" | "analyst"),
        "admin" => who == "admin",
        "report_read" => match who {
            "admin" | "reviewer" | "leader" | "analyst" => true,
            "lead" => matches!(owner, "own" | "lead_of"),
            _ => false,
        },
        "report_write" => who == "lead" && owner == "own",
        other => panic!("unknown class {other}"),
    }
}

fn class_of(access: Access) -> &'static str {
    match access {
        Access::Public => "public",
        Access::Signed | Access::SignedFiltered => "signed",
        Access::Office => "office",
        Access::Admin => "admin",
        Access::ReportRead => "report_read",
        Access::ReportWrite => "report_write",
        Access::Oversight => "oversight",
        Access::Export => "unused",
    }
}

#[tokio::test]
async fn every_route_role_and_owner() {
    let w = World::new("authz").await;
    let plan = w.store.plan(w.plan_id, None).await.unwrap().unwrap();
    let target = plan
        .targets
        .iter()
        .find(|t| t.node.0 == TASK)
        .unwrap()
        .id
        .0
        .clone();
    // Another unit's report, on a task the lead unit has nothing to do with.
    let other_task = plan
        .assigned_nodes()
        .find(|n| {
            n.responsible.iter().any(|a| a.unit == "市水务局")
                && !n
                    .responsible
                    .iter()
                    .any(|a| a.unit == LEAD || a.unit == "各县区政府")
        })
        .unwrap();
    let reports = HashMap::from([
        ("own", w.report(TASK, LEAD).await),
        ("lead_of", w.report(TASK, CO).await),
        ("other", w.report(&other_task.id.0, "市水务局").await),
    ]);
    // Each report submitted with one evidence file, stored where the server reads it.
    let mut evidence = HashMap::new();
    for (owner, row) in &reports {
        let sha = duban_web::auth::sha256_hex(format!("{PDF:?}{owner}").as_bytes());
        let folder = w.config.evidence_dir.join(&sha[..2]);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(&sha), PDF).unwrap();
        let actor = Actor {
            user_id: Some(w.users["lead"]),
            unit_id: Some(row.unit_id),
            role: "reporter".into(),
            addr: None,
        };
        let submission = Submission {
            key: format!("authz-{owner}"),
            body: ReportBody {
                progress: "进展".into(),
                ..ReportBody::default()
            },
            evidence: vec![NewEvidence {
                sha256: sha,
                file_name: "佐证.pdf".into(),
                media_type: "application/pdf".into(),
                size_bytes: PDF.len() as i64,
            }],
        };
        w.store
            .submit_report(&actor, row.id, row.row_version, &submission)
            .await
            .unwrap();
        let detail = w.store.report(row.id).await.unwrap().unwrap();
        evidence.insert(*owner, detail.versions[0].evidence[0].id);
    }
    let expectations = expected();
    let specs = duban_web::routes::specs();
    // The test knows every route, and agrees with its declared class.
    let mut unexpected = Vec::new();
    for spec in &specs {
        match expectations.get(&(spec.method, spec.path)) {
            None => unexpected.push(format!("no expectation for {} {}", spec.method, spec.path)),
            Some(class) if *class != class_of(spec.access) => unexpected.push(format!(
                "{} {} is declared {:?}, expected {class}",
                spec.method, spec.path, spec.access
            )),
            _ => {}
        }
    }
    assert_eq!(specs.len(), expectations.len(), "routes and expectations");

    let mut sessions = HashMap::new();
    for who in ["admin", "reviewer", "leader", "analyst", "lead"] {
        sessions.insert(who, w.session(who).await);
    }
    let mut checked = 0;
    for spec in &specs {
        let class = expectations[&(spec.method, spec.path)];
        let owned = spec.path.contains("{report}") || spec.path.contains("{evidence}");
        let owners: &[&str] = if owned {
            &["own", "lead_of", "other"]
        } else {
            &["none"]
        };
        for who in ["", "admin", "reviewer", "leader", "analyst", "lead"] {
            for owner in owners {
                let (report_id, evidence_id) = match *owner {
                    "none" => (0, 0),
                    o => (reports[o].id, evidence[o]),
                };
                let uri = spec
                    .path
                    .replace("{plan}", &w.plan_id.to_string())
                    .replace("{node}", TASK)
                    .replace("{unit}", &enc(LEAD))
                    .replace("{target}", &target)
                    .replace("{round}", &w.round_id.to_string())
                    .replace("{user}", &w.users["victim"].to_string())
                    .replace("{county}", "630202")
                    .replace("{revision}", "1")
                    .replace("{report}", &report_id.to_string())
                    .replace("{evidence}", &evidence_id.to_string());
                // Logging out ends a session: use a throwaway one.
                let throwaway;
                let session = if who.is_empty() {
                    None
                } else if spec.path == "/logout" {
                    throwaway = w.session(who).await;
                    Some(&throwaway)
                } else {
                    Some(&sessions[who])
                };
                let answer = if spec.method == "GET" {
                    w.get(&uri, session).await
                } else if uri.starts_with("/api/") {
                    match session {
                        Some(s) => w.api(spec.method, &uri, s, serde_json::json!({})).await,
                        None => {
                            w.send(
                                spec.method,
                                &uri,
                                None,
                                Some("application/json"),
                                b"{}".to_vec(),
                            )
                            .await
                        }
                    }
                } else if spec.path == "/reports/{report}" {
                    let csrf = session.map(|s| s.csrf.clone()).unwrap_or_default();
                    let (ct, body) = multipart(
                        &[("csrf", &csrf), ("action", "save"), ("row_version", "1")],
                        &[],
                    );
                    w.send("POST", &uri, session, Some(&ct), body).await
                } else {
                    let csrf = session.map(|s| s.csrf.clone()).unwrap_or_default();
                    w.send(
                        spec.method,
                        &uri,
                        session,
                        Some("application/x-www-form-urlencoded"),
                        form_body(&[("csrf", &csrf)]).into_bytes(),
                    )
                    .await
                };
                let to_login = answer.status == StatusCode::SEE_OTHER
                    && answer.location().starts_with("/login");
                let denied = to_login
                    || answer.status == StatusCode::FORBIDDEN
                    || (answer.status == StatusCode::UNAUTHORIZED && spec.path != "/login");
                let allowed = may(class, who, owner);
                if allowed == denied {
                    unexpected.push(format!(
                        "{} {uri} as {} ({owner}): {} ({})",
                        spec.method,
                        if who.is_empty() { "anonymous" } else { who },
                        answer.status,
                        if allowed {
                            "should be allowed"
                        } else {
                            "should be refused"
                        }
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(
        unexpected.is_empty(),
        "{} unexpected of {checked}:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(checked > 350, "{checked}");
}
