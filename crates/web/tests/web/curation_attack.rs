//! The office's curation, revisions and publication attacked through the router, as an
//! attacker and as a careless office user would: hostile or malformed edits must be refused
//! with a 4xx (never a 5xx, on SQLite and PostgreSQL alike) and every accepted edit must leave
//! every page of the plan loadable and escaped; redirects stay on the site; forms need their
//! CSRF token; revisions cannot be decided twice, stale, or under another plan; and the public
//! sees neither unpublished plans nor internal items.

use crate::common::*;
use axum::http::StatusCode;
use duban_domain::Plan;
use duban_store::{Actor, ImportOutcome, Source};
use serde_json::{Value, json};

async fn edit(w: &World, s: &Session, reason: &str, edit: Value) -> Answer {
    w.api(
        "POST",
        &format!("/api/v1/plans/{}/edits", w.plan_id),
        s,
        json!({ "reason": reason, "edit": edit }),
    )
    .await
}

fn refused(a: &Answer, what: &str) {
    assert!(
        a.status.is_client_error(),
        "{what}: expected a 4xx, got {} {}",
        a.status,
        &a.body[..a.body.len().min(400)]
    );
}

/// Every page and API of the plan answers 200 for the office and (the public ones) for the
/// public, and nothing stored by an edit comes out unescaped.
async fn loadable(w: &World, office: &Session, what: &str) {
    let plan: Plan = w.store.plan(w.plan_id, None).await.unwrap().unwrap();
    let p = w.plan_id;
    let mut uris = vec![
        format!("/plans/{p}"),
        format!("/plans/{p}/tree"),
        format!("/plans/{p}/targets"),
        format!("/plans/{p}/projects"),
        format!("/plans/{p}/status"),
        format!("/plans/{p}/status?view=public"),
        format!("/plans/{p}/curate"),
        format!("/plans/{p}/dashboard"),
        format!("/api/v1/plans/{p}"),
        format!("/api/v1/plans/{p}/status"),
        format!("/api/v1/plans/{p}/nodes?per_page=500"),
        format!("/api/v1/plans/{p}/targets?per_page=500"),
        format!("/api/v1/plans/{p}/units?per_page=500"),
        format!("/api/v1/plans/{p}/edits"),
    ];
    // The plan API is the public's, for the office too: internal items are not in it.
    let public = plan.public_view();
    let mut internal: Vec<String> = Vec::new();
    for n in plan
        .nodes
        .iter()
        .filter(|n| n.id.0.starts_with('x') || n.id.0 == TASK)
    {
        if public.node(&n.id).is_none() {
            internal.push(format!("/api/v1/plans/{p}/nodes/{}", n.id.0));
        }
        uris.push(format!("/plans/{p}/nodes/{}", n.id.0));
        uris.push(format!("/plans/{p}/nodes/{}/edit", n.id.0));
        uris.push(format!("/api/v1/plans/{p}/nodes/{}", n.id.0));
    }
    for t in plan
        .targets
        .iter()
        .filter(|t| t.id.0.starts_with('x') || t.node.0 == TASK)
    {
        if !public.targets.iter().any(|x| x.id == t.id) {
            internal.push(format!("/api/v1/plans/{p}/targets/{}", t.id.0));
        }
        uris.push(format!("/plans/{p}/targets/{}", t.id.0));
        uris.push(format!("/plans/{p}/targets/{}/edit", t.id.0));
        uris.push(format!("/plans/{p}/targets/{}/data.csv", t.id.0));
        uris.push(format!("/api/v1/plans/{p}/targets/{}", t.id.0));
        uris.push(format!("/api/v1/plans/{p}/targets/{}/milestones", t.id.0));
        uris.push(format!("/api/v1/plans/{p}/targets/{}/observations", t.id.0));
    }
    for u in &uris {
        for who in [Some(office), None] {
            let a = w.get(u, who).await;
            let public_only_redirect = (who.is_none() || internal.contains(u))
                && (a.status == StatusCode::SEE_OTHER
                    || a.status == StatusCode::UNAUTHORIZED
                    || a.status == StatusCode::NOT_FOUND);
            assert!(
                a.status == StatusCode::OK || public_only_redirect,
                "{what}: GET {u} as {} → {} {}",
                if who.is_some() { "office" } else { "public" },
                a.status,
                &a.body[..a.body.len().min(300)]
            );
            let ct = a
                .headers
                .get("content-type")
                .map(|v| v.to_str().unwrap_or_default().to_owned())
                .unwrap_or_default();
            if ct.starts_with("text/html") {
                for bad in ["<script>alert", "<img src=x", "<b onmouseover"] {
                    assert!(
                        !a.body.contains(bad),
                        "{what}: GET {u} renders {bad} unescaped"
                    );
                }
            }
        }
    }
}

fn target_on_task(plan: &Plan) -> String {
    plan.targets
        .iter()
        .find(|t| t.node.0 == TASK)
        .map(|t| t.id.0.clone())
        .unwrap_or_else(|| {
            plan.targets
                .iter()
                .find(|t| {
                    plan.node(&t.node)
                        .is_some_and(|n| !n.responsible.is_empty())
                })
                .unwrap()
                .id
                .0
                .clone()
        })
}

#[tokio::test]
async fn malformed_and_hostile_edits_are_refused_with_a_4xx() {
    for w in World::on_every_backend("cur-refuse").await {
        let office = w.session("reviewer").await;
        let plan = w.store.plan(w.plan_id, None).await.unwrap().unwrap();
        let t = target_on_task(&plan);
        let other = plan
            .targets
            .iter()
            .find(|x| x.id.0 != t)
            .unwrap()
            .id
            .0
            .clone();
        let new_target = |id: &str, node: &str| json!({ "id": id, "node": node, "indicator": "新指标", "value": 1.0, "line": 0, "text": "", "unit": "", "comparator": ">=" });
        let cases: Vec<(&str, &str, Value)> = vec![
            (
                "unknown node",
                "理由",
                json!({ "op": "edit_node", "node": "no-such", "patch": { "title": "x" } }),
            ),
            (
                "unknown target",
                "理由",
                json!({ "op": "edit_target", "target": "no-such", "patch": { "value": 1.0 } }),
            ),
            (
                "empty reason",
                "",
                json!({ "op": "set_horizon", "year": 2030 }),
            ),
            (
                "whitespace reason",
                " \t\u{3000}\n",
                json!({ "op": "set_horizon", "year": 2030 }),
            ),
            (
                "blank title",
                "理由",
                json!({ "op": "edit_node", "node": TASK, "patch": { "title": " \t" } }),
            ),
            (
                "blank indicator",
                "理由",
                json!({ "op": "edit_target", "target": t, "patch": { "indicator": "  " } }),
            ),
            (
                "year out of range",
                "理由",
                json!({ "op": "edit_target", "target": t, "patch": { "year": 99999 } }),
            ),
            (
                "year before 1900",
                "理由",
                json!({ "op": "edit_target", "target": t, "patch": { "year": 1066 } }),
            ),
            (
                "horizon out of range",
                "理由",
                json!({ "op": "set_horizon", "year": -5 }),
            ),
            (
                "value not a number",
                "理由",
                json!({ "op": "edit_target", "target": t, "patch": { "value": "NaN" } }),
            ),
            (
                "duplicate target id",
                "理由",
                json!({ "op": "add_target", "target": new_target(&other, TASK) }),
            ),
            (
                "blank target id",
                "理由",
                json!({ "op": "add_target", "target": new_target(" ", TASK) }),
            ),
            (
                "target on unknown node",
                "理由",
                json!({ "op": "add_target", "target": new_target("x-t1", "no-such") }),
            ),
            (
                "node whose parent is itself",
                "理由",
                json!({ "op": "add_node", "node": { "id": "x-loop", "parent": "x-loop", "kind": "item", "title": "环", "text": "", "line": 0, "work_plan": [], "responsible": [] } }),
            ),
            (
                "node with an existing id",
                "理由",
                json!({ "op": "add_node", "node": { "id": TASK, "parent": null, "kind": "item", "title": "重复", "text": "", "line": 0, "work_plan": [], "responsible": [] } }),
            ),
            (
                "split into one part",
                "理由",
                json!({ "op": "split_target", "target": t, "parts": [new_target("x-a", TASK)] }),
            ),
            (
                "split onto an existing id",
                "理由",
                json!({ "op": "split_target", "target": t, "parts": [new_target("x-a", TASK), new_target(&other, TASK)] }),
            ),
            (
                "merge keeping what it removes",
                "理由",
                json!({ "op": "merge_targets", "keep": t, "remove": [other, t] }),
            ),
            (
                "merge removing nothing",
                "理由",
                json!({ "op": "merge_targets", "keep": t, "remove": [] }),
            ),
            (
                "same unit twice",
                "理由",
                json!({ "op": "set_units", "node": TASK, "units": [{ "unit": LEAD, "role": "lead" }, { "unit": format!(" {LEAD} "), "role": "co" }] }),
            ),
            (
                "people of a unit not responsible",
                "理由",
                json!({ "op": "set_people", "node": TASK, "contact": { "unit": "市教育局", "leader": { "name": "张三", "post": "", "phone": "" } } }),
            ),
            (
                "unknown op",
                "理由",
                json!({ "op": "drop_table", "node": TASK }),
            ),
            (
                "NUL in a title",
                "理由",
                json!({ "op": "edit_node", "node": TASK, "patch": { "title": "标题\u{0}尾" } }),
            ),
            (
                "NUL in a unit",
                "理由",
                json!({ "op": "edit_target", "target": t, "patch": { "unit": "%\u{0}" } }),
            ),
            (
                "NUL in a unit name",
                "理由",
                json!({ "op": "set_units", "node": TASK, "units": [{ "unit": "市\u{0}局", "role": "lead" }] }),
            ),
            (
                "NUL in the reason",
                "理由\u{0}",
                json!({ "op": "set_horizon", "year": 2030 }),
            ),
            (
                "a 1 MB title",
                "理由",
                json!({ "op": "edit_node", "node": TASK, "patch": { "title": "长".repeat(350_000) } }),
            ),
        ];
        for (what, reason, e) in cases {
            let a = edit(&w, &office, reason, e).await;
            refused(&a, what);
            if !["unknown op", "value not a number"].contains(&what) {
                assert!(
                    !a.body.contains("有效的 JSON"),
                    "{what}: the test's JSON is wrong: {}",
                    a.body
                );
            }
        }
        // Through the form as well: NUL and a huge title are a 4xx there too.
        let uri = format!("/plans/{}/edits", w.plan_id);
        for (what, title) in [
            ("form: NUL in a title", "标题\u{0}".to_owned()),
            ("form: a 1 MB title", "长".repeat(400_000)),
        ] {
            let a = w
                .form(
                    &uri,
                    &office,
                    &[
                        ("op", "edit_node"),
                        ("node", TASK),
                        ("title", &title),
                        ("reason", "理由"),
                    ],
                )
                .await;
            refused(&a, what);
        }
        for v in ["1e999", "NaN", "inf", "-inf", "0x10", "１e400"] {
            let a = w
                .form(
                    &uri,
                    &office,
                    &[
                        ("op", "edit_target"),
                        ("target", &t),
                        ("indicator", "指标"),
                        ("value", v),
                        ("reason", "理由"),
                    ],
                )
                .await;
            refused(&a, &format!("form: value {v}"));
        }
        let none = w.store.plan_edits(w.plan_id).await.unwrap();
        assert!(none.is_empty(), "nothing was stored: {none:?}");
        loadable(&w, &office, "after the refusals").await;
        w.cleanup().await;
    }
}

#[tokio::test]
async fn accepted_edits_leave_every_page_loadable_and_escaped() {
    for w in World::on_every_backend("cur-accept").await {
        let office = w.session("reviewer").await;
        let plan = w.store.plan(w.plan_id, None).await.unwrap().unwrap();
        let t = target_on_task(&plan);
        let script = "<script>alert(1)</script>";
        let target = |id: &str, extra: Value| {
            let mut v = json!({ "id": id, "node": TASK, "indicator": "<img src=x onerror=alert(2)>", "value": 5.0,
                "line": 0, "text": "", "unit": script, "comparator": ">=" });
            for (k, x) in extra.as_object().unwrap() {
                v[k] = x.clone();
            }
            v
        };
        let cases: Vec<(&str, Value)> = vec![
            (
                "a unit with a script",
                json!({ "op": "set_units", "node": TASK, "units": [
                { "unit": LEAD, "role": "lead" }, { "unit": CO, "role": "co" }, { "unit": script, "role": "co" }] }),
            ),
            (
                "people with a script",
                json!({ "op": "set_people", "node": TASK, "contact": { "unit": script,
                "leader": { "name": script, "post": "<b onmouseover=alert(3)>", "phone": script } } }),
            ),
            (
                "a title, text and deadline with markup",
                json!({ "op": "edit_node", "node": TASK, "patch": {
                "title": format!("标题{script}"), "text": script, "deadline": script } }),
            ),
            (
                "a target's unit and indicator with markup",
                json!({ "op": "edit_target", "target": t, "patch": {
                "unit": script, "indicator": "<img src=x onerror=alert(4)>", "data_owner": script } }),
            ),
            (
                "a huge value",
                json!({ "op": "edit_target", "target": t, "patch": { "value": 1e308, "value_high": 1.7e308 } }),
            ),
            (
                "an inverted range",
                json!({ "op": "add_target", "target": target("x-range", json!({ "comparator": "range", "value": 9.0, "value_high": 1.0 })) }),
            ),
            (
                "a negative tiny value",
                json!({ "op": "add_target", "target": target("x-tiny", json!({ "value": -1e-300, "year": 1900 })) }),
            ),
            (
                "a milestone as range without upper bound",
                json!({ "op": "add_target", "target": target("x-ms", json!({ "kind": "milestone", "comparator": "range", "value": 0.0 })) }),
            ),
            (
                "a node under the task",
                json!({ "op": "add_node", "node": { "id": "x-n1", "parent": TASK, "kind": "item",
                "title": script, "text": script, "line": 0, "work_plan": [], "responsible": [{ "unit": script, "role": "lead" }] } }),
            ),
            (
                "a grandchild",
                json!({ "op": "add_node", "node": { "id": "x-n2", "parent": "x-n1", "kind": "item",
                "title": "孙节点", "text": "", "line": 0, "work_plan": [], "responsible": [] } }),
            ),
            (
                "a target on a unit-less node",
                json!({ "op": "add_target", "target": target("x-orphan", json!({ "node": "x-n2" })) }),
            ),
            (
                "a project with markup",
                json!({ "op": "add_project", "project": { "id": "x-p1", "name": script, "node": "x-n1", "line": 0 } }),
            ),
            (
                "a split",
                json!({ "op": "split_target", "target": "x-range", "parts": [target("ignored", json!({})), target("x-part", json!({ "indicator": "第二部分" }))] }),
            ),
            (
                "a merge",
                json!({ "op": "merge_targets", "keep": "x-part", "remove": ["x-tiny", "x-tiny"] }),
            ),
            (
                "no units at all",
                json!({ "op": "set_units", "node": "x-n1", "units": [] }),
            ),
            (
                "an internal node",
                json!({ "op": "edit_node", "node": "x-n1", "patch": { "internal": true } }),
            ),
            ("no horizon", json!({ "op": "set_horizon", "year": null })),
            (
                "a descriptive task",
                json!({ "op": "edit_node", "node": TASK, "patch": { "supervised": false } }),
            ),
        ];
        for (what, e) in cases {
            let a = edit(&w, &office, script, e).await;
            assert_eq!(a.status, StatusCode::CREATED, "{what}: {}", a.body);
            loadable(&w, &office, what).await;
        }
        w.cleanup().await;
    }
}

#[tokio::test]
async fn a_deleted_targets_key_is_never_given_to_a_new_one() {
    for w in World::on_every_backend("cur-keys").await {
        let office = w.session("reviewer").await;
        let plan = w.store.plan(w.plan_id, None).await.unwrap().unwrap();
        let t = target_on_task(&plan);
        let obs = w
            .api(
                "POST",
                &format!("/api/v1/plans/{}/targets/{t}/observations", w.plan_id),
                &office,
                json!({ "observed_on": "2025-03-31", "value": 42.0, "source": "月报" }),
            )
            .await;
        assert!(obs.status.is_success(), "{}", obs.body);
        let del = edit(
            &w,
            &office,
            "不是目标",
            json!({ "op": "delete_target", "target": t }),
        )
        .await;
        assert_eq!(del.status, StatusCode::CREATED, "{}", del.body);
        let again = edit(
            &w,
            &office,
            "补录",
            json!({ "op": "add_target", "target": { "id": t, "node": TASK, "indicator": "另一个指标", "value": 1.0, "line": 0, "text": "", "unit": "", "comparator": ">=" } }),
        )
        .await;
        refused(&again, "a new target with a deleted target's key");
        let other = plan
            .targets
            .iter()
            .find(|x| x.id.0 != t)
            .unwrap()
            .id
            .0
            .clone();
        let split = edit(
            &w,
            &office,
            "拆分",
            json!({ "op": "split_target", "target": other, "parts": [
                { "id": "a", "node": TASK, "indicator": "一", "value": 1.0, "line": 0, "text": "", "unit": "", "comparator": ">=" },
                { "id": t, "node": TASK, "indicator": "二", "value": 2.0, "line": 0, "text": "", "unit": "", "comparator": ">=" }] }),
        )
        .await;
        refused(&split, "a split part with a deleted target's key");
        w.cleanup().await;
    }
}

#[tokio::test]
async fn redirects_stay_on_the_site_and_forms_need_their_token() {
    let w = World::new("cur-next").await;
    let office = w.session("admin").await;
    let p = w.plan_id;
    let uri = format!("/plans/{p}/edits");
    let nexts = [
        "//evil.example",
        "https://evil.example/",
        "/plans/1/../..//evil.example",
        "/plans/1/..\\..\\evil.example",
        "\\\\evil.example",
        "/\\evil.example",
        "/plans/1/\t/evil.example",
        "/plans/1/curate\r\nSet-Cookie: x=1",
        "/plans/1/curate\nx",
        "/plans/12/curate",
        "javascript:alert(1)",
        "/plans/1/%0d%0aSet-Cookie:x",
    ];
    for (i, next) in nexts.iter().enumerate() {
        // Each a real change (the plan's horizon is 2030; an edit that changes nothing is refused).
        let year = (2031 + i).to_string();
        let a = w
            .form(
                &uri,
                &office,
                &[
                    ("op", "set_horizon"),
                    ("horizon", &year),
                    ("reason", "规划期"),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "next {next:?}: {}", a.body);
        let to = a.location();
        assert!(
            to.starts_with(&format!("/plans/{p}/"))
                && !to.starts_with("//")
                && !to.contains("//")
                && !to.contains('\\')
                && !to.chars().any(char::is_control),
            "next {next:?} redirects to {to:?}"
        );
    }
    // Without the token: refused, nothing stored.
    let before = w.store.plan_edits(p).await.unwrap().len();
    let body = form_body(&[("op", "set_horizon"), ("horizon", "2031"), ("reason", "x")]);
    let a = w
        .send(
            "POST",
            &uri,
            Some(&office),
            Some("application/x-www-form-urlencoded"),
            body.into_bytes(),
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    let bad = form_body(&[
        ("csrf", "0000"),
        ("op", "set_horizon"),
        ("horizon", "2031"),
        ("reason", "x"),
    ]);
    let a = w
        .send(
            "POST",
            &uri,
            Some(&office),
            Some("application/x-www-form-urlencoded"),
            bad.into_bytes(),
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    for path in [
        format!("/plans/{p}/publish"),
        format!("/plans/{p}/revisions/1"),
        format!("/rounds/{}/publish", w.round_id),
    ] {
        let a = w
            .send(
                "POST",
                &path,
                Some(&office),
                Some("application/x-www-form-urlencoded"),
                b"action=approve&row_version=0&reason=x".to_vec(),
            )
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{path}: {}", a.body);
    }
    let a = w
        .send(
            "POST",
            &format!("/api/v1/plans/{p}/edits"),
            Some(&office),
            Some("application/json"),
            json!({ "reason": "x", "edit": { "op": "set_horizon", "year": 2031 } })
                .to_string()
                .into_bytes(),
        )
        .await;
    assert_eq!(
        a.status,
        StatusCode::FORBIDDEN,
        "API without the header: {}",
        a.body
    );
    assert_eq!(w.store.plan_edits(p).await.unwrap().len(), before);

    // Nobody outside the office edits, publishes or decides.
    for who in ["lead", "co", "leader", "analyst"] {
        let s = w.session(who).await;
        let a = edit(&w, &s, "x", json!({ "op": "set_horizon", "year": 2031 })).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{who}: {}", a.body);
        let a = w
            .form(
                &uri,
                &s,
                &[("op", "set_horizon"), ("horizon", "2031"), ("reason", "x")],
            )
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{who} form: {}", a.body);
        let a = w
            .api(
                "POST",
                &format!("/api/v1/rounds/{}/publish", w.round_id),
                &s,
                json!({}),
            )
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{who} publish: {}", a.body);
    }
    let anon = w
        .send(
            "POST",
            &format!("/api/v1/plans/{p}/edits"),
            None,
            Some("application/json"),
            json!({ "reason": "x", "edit": { "op": "set_horizon", "year": 2031 } })
                .to_string()
                .into_bytes(),
        )
        .await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED, "{}", anon.body);
    assert_eq!(w.store.plan_edits(p).await.unwrap().len(), before);
    w.cleanup().await;
}

/// A second plan: the reference text under another 文号 and title.
fn other_plan_text() -> String {
    std::fs::read_to_string(fixtures().join("plans/haidong-action-plan-2024.txt"))
        .unwrap()
        .replace("东政〔2024〕18号", "东政〔2024〕99号")
        .replace("海东市推进", "乙市推进")
}

async fn import(w: &World, name: &str, text: &str) -> duban_store::Imported {
    w.store
        .import_plan(
            &Actor::cli(),
            &Source {
                name: name.into(),
                sha256: format!("sha-{name}"),
                format: "UTF-8".into(),
            },
            &duban_import::parse(text),
        )
        .await
        .unwrap()
}

async fn decide(w: &World, s: &Session, plan: i64, rev: i64, body: Value) -> Answer {
    w.api(
        "POST",
        &format!("/api/v1/plans/{plan}/revisions/{rev}"),
        s,
        body,
    )
    .await
}

async fn row_version(w: &World, rev: i64) -> i64 {
    w.store.revision(rev).await.unwrap().unwrap().row_version
}

#[tokio::test]
async fn revisions_cannot_be_decided_twice_stale_or_elsewhere() {
    let revised =
        std::fs::read_to_string(fixtures().join("plans/haidong-action-plan-2024-revised.txt"))
            .unwrap();
    let reworded = revised.replace("引导过境交通合理分流", "引导过境交通科学分流");
    for w in World::on_every_backend("cur-rev").await {
        let office = w.session("reviewer").await;
        let p = w.plan_id;
        let b = import(&w, "other.txt", &other_plan_text()).await;
        assert_eq!(b.outcome, ImportOutcome::Created);
        let r1 = import(&w, "revised.txt", &revised).await;
        assert_eq!(r1.outcome, ImportOutcome::Revision);
        let r1 = r1.revision.unwrap();
        let r2 = import(&w, "reworded.txt", &reworded)
            .await
            .revision
            .unwrap();
        let r3 = import(&w, "reworded2.txt", &format!("{reworded}\n"))
            .await
            .revision
            .unwrap();

        // Plan A's revision under plan B's URL: not found, pages and API, read and write.
        let rv = row_version(&w, r1).await;
        for (m, u) in [
            ("GET", format!("/plans/{}/revisions/{r1}", b.plan_id)),
            ("GET", format!("/api/v1/plans/{}/revisions/{r1}", b.plan_id)),
        ] {
            assert_eq!(
                w.api(m, &u, &office, json!({})).await.status,
                StatusCode::NOT_FOUND,
                "{u}"
            );
        }
        let a = decide(
            &w,
            &office,
            b.plan_id,
            r1,
            json!({ "action": "reject", "row_version": rv, "reason": "x" }),
        )
        .await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.body);
        let rv_s = rv.to_string();
        let a = w
            .form(
                &format!("/plans/{}/revisions/{r1}", b.plan_id),
                &office,
                &[
                    ("action", "reject"),
                    ("row_version", &rv_s),
                    ("reason", "x"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.body);
        let listed = w
            .api(
                "GET",
                &format!("/api/v1/plans/{}/revisions", b.plan_id),
                &office,
                json!({}),
            )
            .await
            .json();
        assert_eq!(
            listed["revisions"],
            json!([]),
            "plan B lists no revision of plan A"
        );
        assert!(
            w.store.revision(r1).await.unwrap().unwrap().status
                == duban_store::RevisionStatus::Pending
        );

        // Pairings that name nothing, or nothing of the version in force.
        let rev = w.store.revision(r1).await.unwrap().unwrap();
        let pair = rev
            .matching
            .pairs
            .iter()
            .find(|x| x.old.is_some())
            .unwrap()
            .clone();
        let kind = serde_json::to_value(pair.kind).unwrap();
        let bad_old = decide(
            &w,
            &office,
            p,
            r1,
            json!({ "action": "match", "row_version": rv,
            "kind": kind, "new": pair.new, "old": "no-such-key" }),
        )
        .await;
        refused(&bad_old, "a pairing with an old key that does not exist");
        let bad_new = decide(
            &w,
            &office,
            p,
            r1,
            json!({ "action": "match", "row_version": rv,
            "kind": kind, "new": "no-such-key", "old": null }),
        )
        .await;
        refused(&bad_new, "a pairing of a new key that does not exist");
        let nul = decide(
            &w,
            &office,
            p,
            r1,
            json!({ "action": "match", "row_version": rv,
            "kind": kind, "new": "a\u{0}", "old": "b\u{0}" }),
        )
        .await;
        refused(&nul, "a pairing with NUL keys");
        let bad_kind = decide(
            &w,
            &office,
            p,
            r1,
            json!({ "action": "match", "row_version": rv,
            "kind": "planet", "new": pair.new }),
        )
        .await;
        refused(&bad_kind, "a pairing of an unknown kind");
        for reason in ["", "  \n", "理由\u{0}"] {
            let a = decide(
                &w,
                &office,
                p,
                r1,
                json!({ "action": "approve", "row_version": rv, "reason": reason }),
            )
            .await;
            refused(&a, &format!("approval with reason {reason:?}"));
            let a = decide(
                &w,
                &office,
                p,
                r1,
                json!({ "action": "reject", "row_version": rv, "reason": reason }),
            )
            .await;
            refused(&a, &format!("rejection with reason {reason:?}"));
        }
        // A stale row version.
        let a = decide(
            &w,
            &office,
            p,
            r1,
            json!({ "action": "approve", "row_version": rv + 7, "reason": "批准" }),
        )
        .await;
        assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
        // A pairing taken from another: the other pair loses it, keys stay unique.
        let taken = rev
            .matching
            .pairs
            .iter()
            .find(|x| x.kind == pair.kind && x.old.is_some() && x.new != pair.new)
            .unwrap()
            .clone();
        let a = decide(
            &w,
            &office,
            p,
            r1,
            json!({ "action": "match", "row_version": rv,
            "kind": kind, "new": pair.new, "old": taken.old }),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let back = decide(
            &w,
            &office,
            p,
            r1,
            json!({ "action": "match", "row_version": row_version(&w, r1).await,
            "kind": kind, "new": pair.new, "old": pair.old }),
        )
        .await;
        assert_eq!(back.status, StatusCode::OK, "{}", back.body);
        let back = decide(
            &w,
            &office,
            p,
            r1,
            json!({ "action": "match", "row_version": row_version(&w, r1).await,
            "kind": kind, "new": taken.new, "old": taken.old }),
        )
        .await;
        assert_eq!(back.status, StatusCode::OK, "{}", back.body);

        // Approve; approve again; approve a revision whose base moved on; reject then approve.
        let rv = row_version(&w, r1).await;
        let ok = decide(
            &w,
            &office,
            p,
            r1,
            json!({ "action": "approve", "row_version": rv, "reason": "动态调整" }),
        )
        .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        let rv = row_version(&w, r1).await;
        let twice = decide(
            &w,
            &office,
            p,
            r1,
            json!({ "action": "approve", "row_version": rv, "reason": "再次" }),
        )
        .await;
        refused(&twice, "approving twice");
        let undo = decide(
            &w,
            &office,
            p,
            r1,
            json!({ "action": "reject", "row_version": rv, "reason": "撤回" }),
        )
        .await;
        refused(&undo, "rejecting an approved revision");
        let moved = decide(&w, &office, p, r2, json!({ "action": "approve", "row_version": row_version(&w, r2).await, "reason": "批准" })).await;
        assert_eq!(moved.status, StatusCode::CONFLICT, "{}", moved.body);
        let rv3 = row_version(&w, r3).await;
        let rej = decide(
            &w,
            &office,
            p,
            r3,
            json!({ "action": "reject", "row_version": rv3, "reason": "不采纳" }),
        )
        .await;
        assert_eq!(rej.status, StatusCode::OK, "{}", rej.body);
        let after = decide(&w, &office, p, r3, json!({ "action": "approve", "row_version": row_version(&w, r3).await, "reason": "又采纳" })).await;
        refused(&after, "approving a rejected revision");
        assert_eq!(w.store.current_version(p).await.unwrap(), Some(2));
        for r in [r1, r2, r3] {
            let page = w
                .get(&format!("/plans/{p}/revisions/{r}"), Some(&office))
                .await;
            assert_eq!(page.status, StatusCode::OK, "revision {r}: {}", page.body);
        }
        loadable(&w, &office, "after the revision").await;
        w.cleanup().await;
    }
}

#[tokio::test]
async fn the_public_sees_no_unpublished_plan_and_no_internal_item() {
    for w in World::on_every_backend("cur-public").await {
        let office = w.session("reviewer").await;
        let b = import(&w, "other.txt", &other_plan_text()).await.plan_id;
        let plan_b = w.store.plan(b, None).await.unwrap().unwrap();
        let tb = plan_b.targets.first().unwrap().id.0.clone();
        let nb = TASK;
        for u in [
            format!("/plans/{b}"),
            format!("/plans/{b}/tree"),
            format!("/plans/{b}/nodes/{nb}"),
            format!("/plans/{b}/targets"),
            format!("/plans/{b}/targets/{tb}"),
            format!("/plans/{b}/targets/{tb}/data.csv"),
            format!("/plans/{b}/projects"),
            format!("/plans/{b}/status"),
            format!("/plans/{b}/units/{}", enc(LEAD)),
            format!("/api/v1/plans/{b}"),
            format!("/api/v1/plans/{b}/nodes"),
            format!("/api/v1/plans/{b}/nodes/{nb}"),
            format!("/api/v1/plans/{b}/tasks"),
            format!("/api/v1/plans/{b}/units"),
            format!("/api/v1/plans/{b}/targets"),
            format!("/api/v1/plans/{b}/targets/{tb}"),
            format!("/api/v1/plans/{b}/projects"),
            format!("/api/v1/plans/{b}/status"),
            format!("/api/v1/plans/{b}/targets/{tb}/observations"),
            format!("/api/v1/plans/{b}/targets/{tb}/milestones"),
        ] {
            let a = w.get(&u, None).await;
            assert_eq!(
                a.status,
                StatusCode::NOT_FOUND,
                "public GET {u}: {}",
                &a.body[..a.body.len().min(300)]
            );
        }
        let plans = w.get("/api/v1/plans", None).await.json();
        assert!(
            !plans["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["id"] == b),
            "{plans}"
        );
        let search = w
            .get(&format!("/api/v1/search?q={}", enc("乙市推进")), None)
            .await;
        assert!(
            !search.body.contains(&format!("\"plan_id\":{b}")),
            "{}",
            search.body
        );
        let home = w.get("/", None).await;
        assert!(
            !home.body.contains("乙市推进"),
            "the home page lists the unpublished plan"
        );
        let page = w.get(&format!("/search?q={}", enc("乙市推进")), None).await;
        assert!(
            !page.body.contains(&format!("/plans/{b}/")),
            "public search page"
        );

        // An internal node: neither it nor anything under it is public.
        let p = w.plan_id;
        let plan = w.store.plan(p, None).await.unwrap().unwrap();
        let parent = plan
            .node(&duban_domain::NodeId(TASK.into()))
            .unwrap()
            .parent
            .clone()
            .unwrap();
        let mut hidden_nodes: Vec<String> = vec![parent.0.clone()];
        for n in &plan.nodes {
            if n.parent
                .as_ref()
                .is_some_and(|x| hidden_nodes.contains(&x.0))
            {
                hidden_nodes.push(n.id.0.clone());
            }
        }
        let hidden_targets: Vec<String> = plan
            .targets
            .iter()
            .filter(|t| hidden_nodes.contains(&t.node.0))
            .map(|t| t.id.0.clone())
            .collect();
        assert!(!hidden_targets.is_empty());
        let words = plan.node(&parent).unwrap().title.clone();
        let a = edit(
            &w,
            &office,
            "内部",
            json!({ "op": "edit_node", "node": parent.0, "patch": { "internal": true } }),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        let mut internal_target = plan
            .targets
            .iter()
            .find(|t| !hidden_nodes.contains(&t.node.0))
            .unwrap()
            .clone();
        let a = edit(&w, &office, "内部", json!({ "op": "edit_target", "target": internal_target.id.0, "patch": { "internal": true } })).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        internal_target.internal = true;
        let mut hidden_t = hidden_targets.clone();
        hidden_t.push(internal_target.id.0.clone());

        let lists = [
            format!("/api/v1/plans/{p}/nodes?per_page=500"),
            format!("/api/v1/plans/{p}/tasks?per_page=500"),
            format!("/api/v1/plans/{p}/targets?per_page=500"),
            format!("/api/v1/plans/{p}/projects?per_page=500"),
        ];
        for u in &lists {
            let v = w.get(u, None).await.json();
            for x in v["items"].as_array().unwrap() {
                let id = x["id"].as_str().unwrap_or_default().to_owned();
                let node = x["node"].as_str().unwrap_or_default().to_owned();
                assert!(
                    !hidden_nodes.contains(&id)
                        && !hidden_t.contains(&id)
                        && !hidden_nodes.contains(&node),
                    "{u} lists {x}"
                );
            }
        }
        let status = w
            .get(&format!("/api/v1/plans/{p}/status"), None)
            .await
            .json();
        for list in ["targets", "tasks"] {
            for x in status[list].as_array().unwrap() {
                let k = x["key"].as_str().unwrap().to_owned();
                assert!(
                    !hidden_nodes.contains(&k) && !hidden_t.contains(&k),
                    "status {list}: {k}"
                );
            }
        }
        let status_page = w.get(&format!("/plans/{p}/status"), None).await.body;
        for k in hidden_nodes.iter().chain(&hidden_t) {
            assert!(
                !status_page.contains(&format!("data-key=\"{k}\"")),
                "status page shows {k}"
            );
            for u in [
                format!("/plans/{p}/nodes/{k}"),
                format!("/plans/{p}/targets/{k}"),
                format!("/plans/{p}/targets/{k}/data.csv"),
                format!("/api/v1/plans/{p}/nodes/{k}"),
                format!("/api/v1/plans/{p}/targets/{k}"),
                format!("/api/v1/plans/{p}/targets/{k}/observations"),
                format!("/api/v1/plans/{p}/targets/{k}/milestones"),
            ] {
                if (u.contains("/nodes/") && !hidden_nodes.contains(k))
                    || (u.contains("/targets/") && !hidden_t.contains(k))
                {
                    continue;
                }
                let a = w.get(&u, None).await;
                assert_eq!(a.status, StatusCode::NOT_FOUND, "public GET {u}");
            }
        }
        for q in [words.as_str(), internal_target.indicator.as_str()] {
            let v = w
                .get(&format!("/api/v1/search?q={}&plan={p}", enc(q)), None)
                .await;
            for k in hidden_nodes.iter().chain(&hidden_t) {
                assert!(
                    !v.body.contains(&format!("\"key\":\"{k}\""))
                        && !v.body.contains(&format!("\"id\":\"{k}\"")),
                    "public search for {q} shows {k}: {}",
                    v.body
                );
            }
        }
        // The office still sees them.
        let inside = w
            .get(&format!("/api/v1/plans/{p}/status"), Some(&office))
            .await
            .json();
        assert!(
            inside["targets"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["key"] == internal_target.id.0)
        );
        w.cleanup().await;
    }
}

#[tokio::test]
async fn the_people_named_for_a_task_are_not_published() {
    let w = World::new("cur-people").await;
    let office = w.session("reviewer").await;
    let a = edit(
        &w,
        &office,
        "责任人",
        json!({ "op": "set_people", "node": TASK, "contact": { "unit": LEAD,
            "leader": { "name": "王副局长", "post": "副局长", "phone": "13900001111" },
            "liaison": { "name": "李联络", "post": "科员", "phone": "13900002222" } } }),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let p = w.plan_id;
    for u in [
        format!("/plans/{p}/nodes/{TASK}"),
        format!("/api/v1/plans/{p}/nodes/{TASK}"),
        format!("/api/v1/plans/{p}/nodes?per_page=500"),
        format!("/api/v1/plans/{p}/tasks?per_page=500"),
        format!("/api/v1/search?q={}", enc("交通")),
    ] {
        let a = w.get(&u, None).await;
        assert_eq!(a.status, StatusCode::OK, "{u}");
        for secret in ["13900001111", "13900002222", "李联络"] {
            assert!(!a.body.contains(secret), "public GET {u} shows {secret}");
        }
    }
    // The office sees them on its editor.
    let inside = w
        .get(&format!("/plans/{p}/nodes/{TASK}/edit"), Some(&office))
        .await;
    assert!(inside.body.contains("13900002222"));
    w.cleanup().await;
}
