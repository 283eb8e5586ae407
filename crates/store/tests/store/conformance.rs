//! One storage suite over every backend: SQLite always, PostgreSQL when
//! `DUBAN_TEST_DATABASE_URL` is set (CI sets it). Each test gets a fresh database.

use std::path::PathBuf;

use crate::common::*;
use duban_store::{Backend, ImportOutcome, StoreError};

#[tokio::test]
async fn migrations_apply_once_and_match_across_backends() {
    let names = |backend: &str| {
        let mut v: Vec<String> = std::fs::read_dir(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(backend),
        )
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
        v.sort();
        v
    };
    assert_eq!(
        names("sqlite"),
        names("postgres"),
        "the same migration files for both backends"
    );
    for db in databases("migrations").await {
        let s = store(&db).await;
        s.migrate().await.unwrap();
        assert_eq!(
            s.applied_migrations().await.unwrap(),
            [
                "plans",
                "supervision",
                "sessions settings audit",
                "curation revisions publication"
            ]
        );
        s.health().await.unwrap();
        drop(s);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_plan_is_stored_once_and_read_back_exactly() {
    let (src, plan) = reference();
    for db in databases("import").await {
        let s = store(&db).await;
        let first = s
            .import_plan(&duban_store::Actor::cli(), &src, &plan)
            .await
            .unwrap();
        assert_eq!((first.version, first.outcome), (1, ImportOutcome::Created));
        let again = s
            .import_plan(&duban_store::Actor::cli(), &src, &plan)
            .await
            .unwrap();
        assert_eq!(
            (again.plan_id, again.version, again.outcome),
            (first.plan_id, 1, ImportOutcome::Unchanged)
        );
        let plans = s.plans().await.unwrap();
        assert_eq!(plans.len(), 1);
        let p = &plans[0];
        assert_eq!(p.doc_number.as_deref(), Some("东政〔2024〕18号"));
        assert_eq!(p.nodes, plan.nodes.len() as i64);
        assert_eq!(p.tasks, 107);
        assert_eq!(p.targets, plan.targets.len() as i64);
        assert_eq!(p.projects, plan.projects.len() as i64);
        assert_eq!(p.units, plan.units.len() as i64);
        assert_eq!(
            s.plan(first.plan_id, None).await.unwrap().as_ref(),
            Some(&plan)
        );
        assert_eq!(s.plan(first.plan_id + 100, None).await.unwrap(), None);
        // The registry keeps the spellings a plan merged.
        let culture = s.unit("市文化旅游广电局").await.unwrap().unwrap();
        assert_eq!(culture.name, "市文体旅游广电局");
        assert_eq!(culture.aliases, ["市文体广电旅游局", "市文化旅游广电局"]);
        assert_eq!(s.unit("各县区政府").await.unwrap().unwrap().kind, "group");
        drop(s);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_changed_document_becomes_a_new_version() {
    let text =
        std::fs::read_to_string(fixtures().join("plans/haidong-action-plan-2024.txt")).unwrap();
    let changed_text = text.replace("比例达到85%", "比例达到90%");
    assert_ne!(text, changed_text);
    let (original, changed) = (
        duban_import::parse(&text),
        duban_import::parse(&changed_text),
    );
    for db in databases("versions").await {
        let s = store(&db).await;
        let v1 = s
            .import_plan(
                &duban_store::Actor::cli(),
                &source("a.txt", &text),
                &original,
            )
            .await
            .unwrap();
        let v2 = s
            .import_plan(
                &duban_store::Actor::cli(),
                &source("b.txt", &changed_text),
                &changed,
            )
            .await
            .unwrap();
        // A changed document waits for the office: the version in force stays.
        assert_eq!(
            (v2.plan_id, v2.version, v2.outcome),
            (v1.plan_id, 1, ImportOutcome::Revision)
        );
        assert_eq!(s.plans().await.unwrap()[0].version, 1);
        assert_eq!(s.plans().await.unwrap()[0].pending_revisions, 1);
        let rev = s.revision(v2.revision.unwrap()).await.unwrap().unwrap();
        assert_eq!(rev.matching.uncertain().count(), 0);
        // The same bytes again find the same revision.
        let again = s
            .import_plan(
                &duban_store::Actor::cli(),
                &source("b.txt", &changed_text),
                &changed,
            )
            .await
            .unwrap();
        assert_eq!(again.revision, v2.revision);
        let version = s
            .approve_revision(
                &duban_store::Actor::cli(),
                rev.id,
                rev.row_version,
                "目标值调整",
            )
            .await
            .unwrap();
        assert_eq!(version, 2);
        assert_eq!(s.plans().await.unwrap()[0].version, 2);
        assert_eq!(
            s.plan(v1.plan_id, None).await.unwrap().as_ref(),
            Some(&changed)
        );
        assert_eq!(
            s.plan(v1.plan_id, Some(1)).await.unwrap().as_ref(),
            Some(&original)
        );
        drop(s);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_file_that_is_no_plan_stores_nothing() {
    for db in databases("not-a-plan").await {
        let s = store(&db).await;
        for text in ["", "\u{0}\u{1}\u{2}"] {
            let err = s
                .import_plan(
                    &duban_store::Actor::cli(),
                    &source("x.txt", text),
                    &duban_import::parse(text),
                )
                .await
                .unwrap_err();
            assert!(matches!(err, StoreError::NotAPlan(_)), "{err}");
            assert!(err.to_string().contains("未保存"), "{err}");
        }
        assert!(s.plans().await.unwrap().is_empty());
        drop(s);
        db.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_imports_all_succeed() {
    let text =
        std::fs::read_to_string(fixtures().join("plans/haidong-action-plan-2024.txt")).unwrap();
    for db in databases("concurrent").await {
        let s = store(&db).await;
        let mut tasks = Vec::new();
        for i in 0..8 {
            let s = s.clone();
            let t = text.replace("东政〔2024〕18号", &format!("东政〔2024〕{}号", 100 + i));
            tasks.push(tokio::spawn(async move {
                let plan = duban_import::parse(&t);
                s.import_plan(&duban_store::Actor::cli(), &source("p.txt", &t), &plan)
                    .await
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap().outcome, ImportOutcome::Created);
        }
        assert_eq!(s.plans().await.unwrap().len(), 8);
        drop(s);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn an_unreachable_database_is_one_clear_line() {
    let err = match duban_store::connect("postgres://duban:secret@127.0.0.1:1/none").await {
        Err(e) => e,
        Ok(_) => panic!("connected to nothing"),
    };
    let msg = err.to_string();
    assert!(msg.starts_with("无法连接数据库"), "{msg}");
    assert!(!msg.contains("secret") && msg.contains("***"), "{msg}");
    assert_eq!(msg.lines().count(), 1);
    assert!(matches!(
        duban_store::connect("mysql://x/y").await,
        Err(StoreError::UnsupportedUrl { .. })
    ));
    assert_eq!(Backend::from_url("sqlite://x.db").unwrap(), Backend::Sqlite);
}

#[tokio::test]
async fn the_registry_names_counties_and_expands_groups() {
    let (src, plan) = reference();
    for db in databases("registry").await {
        let s = store(&db).await;
        s.import_plan(&duban_store::Actor::cli(), &src, &plan)
            .await
            .unwrap();
        s.load_registry(&duban_store::Actor::cli(), &registry())
            .await
            .unwrap();
        s.load_registry(&duban_store::Actor::cli(), &registry())
            .await
            .unwrap();
        let counties = s.unit("各县区政府").await.unwrap().unwrap();
        assert_eq!(counties.kind, "group");
        assert_eq!(
            counties.members,
            [
                "乐都区政府",
                "平安区政府",
                "民和县政府",
                "互助县政府",
                "化隆县政府",
                "循化县政府"
            ]
        );
        let minhe = s.unit("民和回族土族自治县人民政府").await.unwrap().unwrap();
        assert_eq!(
            (minhe.name.as_str(), minhe.adcode.as_deref()),
            ("民和县政府", Some("630222"))
        );
        assert_eq!(minhe.kind, "county_government");
        assert_eq!(
            s.unit("各县（区）政府").await.unwrap().unwrap().name,
            "各县区政府"
        );
        // The plan's units and the registry's are the same rows.
        assert_eq!(s.plans().await.unwrap()[0].units, plan.units.len() as i64);
        let mut bad = registry();
        bad.groups[0].members.push("不存在的单位".to_owned());
        let err = s
            .load_registry(&duban_store::Actor::cli(), &bad)
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::InvalidRegistry(_))
                && err.to_string().contains("不存在的单位")
        );
        assert!(
            s.unit("不存在的单位").await.unwrap().is_none(),
            "nothing stored"
        );
        drop(s);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn current_versions_are_cheap_to_ask() {
    let (src, plan) = reference();
    for db in databases("versions-list").await {
        let s = store(&db).await;
        assert!(s.current_versions().await.unwrap().is_empty());
        let id = s
            .import_plan(&duban_store::Actor::cli(), &src, &plan)
            .await
            .unwrap()
            .plan_id;
        assert_eq!(
            s.current_versions().await.unwrap(),
            [duban_store::PlanStamp {
                plan_id: id,
                version: 1,
                edits: 0,
                title: plan.title.clone(),
                published: false,
            }]
        );
        assert_eq!(s.current_version(id).await.unwrap(), Some(1));
        assert_eq!(s.current_version(id + 1).await.unwrap(), None);
        drop(s);
        db.cleanup().await;
    }
}

/// The supervision tables (filled by the next issues) keep their promises on both backends: one
/// report per round, task and unit; a submission stored once however often it is retried; one
/// notification per kind, round, unit and channel; an audit hash never repeated.
#[tokio::test]
async fn supervision_tables_enforce_their_keys() {
    use sqlx::Row;
    let (src, plan) = reference();
    for db in databases("supervision").await {
        let s = store(&db).await;
        let plan_id = s
            .import_plan(&duban_store::Actor::cli(), &src, &plan)
            .await
            .unwrap()
            .plan_id;
        drop(s);
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
        let one = |sql: &'static str| sqlx::query(sql);
        let node: i64 =
            one("SELECT id FROM nodes WHERE responsible_raw IS NOT NULL ORDER BY id LIMIT 1")
                .fetch_one(&pool)
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
        let unit: i64 = one("SELECT id FROM units ORDER BY id LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        let round: i64 = one("INSERT INTO rounds (plan_id, title, cadence, period_start, period_end, due_on, opened_at)
             VALUES ($1, '2026年11月调度', 'monthly', '2026-11-01', '2026-11-30', '2026-12-05', 0) RETURNING id")
            .bind(plan_id).fetch_one(&pool).await.unwrap().try_get(0).unwrap();
        let report = "INSERT INTO reports (round_id, node_id, unit_id, status, updated_at) VALUES ($1, $2, $3, 'draft', 0) RETURNING id";
        let report_id: i64 = sqlx::query(report)
            .bind(round)
            .bind(node)
            .bind(unit)
            .fetch_one(&pool)
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert!(
            sqlx::query(report)
                .bind(round)
                .bind(node)
                .bind(unit)
                .fetch_one(&pool)
                .await
                .is_err(),
            "one report per round, task, unit"
        );
        let version = "INSERT INTO report_versions (report_id, version, progress, problems, next_steps, coordination, submission_key, submitted_at)
             VALUES ($1, $2, '进展', '', '', '', $3, 0)";
        sqlx::query(version)
            .bind(report_id)
            .bind(1_i64)
            .bind("key-1")
            .execute(&pool)
            .await
            .unwrap();
        assert!(
            sqlx::query(version)
                .bind(report_id)
                .bind(2_i64)
                .bind("key-1")
                .execute(&pool)
                .await
                .is_err(),
            "a retried submission is stored once"
        );
        let notify = "INSERT INTO notifications (kind, round_id, unit_id, channel, scheduled_for, dedupe_key) VALUES ('chase', $1, $2, 'email', 0, $3)";
        sqlx::query(notify)
            .bind(round)
            .bind(unit)
            .bind("chase:1:1:email")
            .execute(&pool)
            .await
            .unwrap();
        assert!(
            sqlx::query(notify)
                .bind(round)
                .bind(unit)
                .bind("chase:1:1:email")
                .execute(&pool)
                .await
                .is_err()
        );
        let audit = "INSERT INTO audit_events (id, at, action, entity, entity_id, prev_hash, hash) VALUES ($1, 0, 'create', 'round', '1', '', $2)";
        sqlx::query(audit)
            .bind(1_000_000_i64)
            .bind("h1")
            .execute(&pool)
            .await
            .unwrap();
        assert!(
            sqlx::query(audit)
                .bind(1_000_001_i64)
                .bind("h1")
                .execute(&pool)
                .await
                .is_err()
        );
        pool.close().await;
        db.cleanup().await;
    }
}
