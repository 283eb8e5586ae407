//! The supervision store on every backend: rounds over the reference plan, drafts, idempotent submission, version checks, review, status facts, notices and the
//! hash-chained audit log.

use crate::common::*;
use duban_domain::supervision::{AccountRole, Baseline, Milestone};
use duban_store::{
    Actor, Decision, NewNotice, NewObservation, ReportBody, ReportFilter, RoundScope, StoreError,
    Submission,
};

#[tokio::test]
async fn rounds_cover_the_chosen_tasks_and_expand_groups() {
    for db in databases("rounds").await {
        let (s, plan_id) = seeded(&db).await;
        let plan = s.plan(plan_id, None).await.unwrap().unwrap();
        let all = s
            .open_round(&Actor::cli(), &round(plan_id, RoundScope::All))
            .await
            .unwrap();
        let r = s.round(all).await.unwrap().unwrap();
        // One report per task and unit; 各县区政府 becomes its six counties; a target's data
        // owner reports on the node that states it.
        let assigned: usize = plan
            .nodes
            .iter()
            .map(|n| {
                let mut units = std::collections::BTreeSet::new();
                for a in &n.responsible {
                    if a.unit == "各县区政府" {
                        units.extend(registry().groups[0].members.iter().cloned());
                    } else {
                        units.insert(a.unit.clone());
                    }
                }
                for t in plan.targets.iter().filter(|t| t.node == n.id) {
                    units.extend(t.data_owner.clone());
                }
                units.len()
            })
            .sum();
        assert_eq!(r.reports as usize, assigned);
        assert!(r.reports > 100, "{r:?}");
        let county = s.unit("乐都区政府").await.unwrap().unwrap();
        let county_reports = s
            .reports(&ReportFilter {
                round_id: Some(all),
                unit_id: Some(county.id),
                limit: 1000,
                ..ReportFilter::default()
            })
            .await
            .unwrap();
        assert!(!county_reports.is_empty());

        // A chapter's round holds only that chapter's tasks.
        let chapter = plan.children(None).nth(2).unwrap();
        let under = s
            .open_round(
                &Actor::cli(),
                &round(plan_id, RoundScope::Under(chapter.id.0.clone())),
            )
            .await
            .unwrap();
        let rows = round_reports(&s, under, 1000).await;
        assert!(!rows.is_empty() && rows.len() < r.reports as usize);
        for row in &rows {
            let mut node = plan.node(&duban_domain::NodeId(row.node_key.clone()));
            let mut inside = false;
            while let Some(n) = node {
                inside |= n.id == chapter.id;
                node = n.parent.as_ref().and_then(|p| plan.node(p));
            }
            assert!(inside, "{} is not under {}", row.node_key, chapter.id);
        }
        // A unit's round holds only its reports.
        let unit = s
            .open_round(
                &Actor::cli(),
                &round(plan_id, RoundScope::Unit("市交通运输局".into())),
            )
            .await
            .unwrap();
        let rows = round_reports(&s, unit, 1000).await;
        assert!(rows.iter().all(|r| r.unit_name == "市交通运输局"));
        assert!(!rows.is_empty());
        // Bad rounds are refused, naming what is wrong.
        let mut bad = round(plan_id, RoundScope::All);
        bad.due_on = date("2025-02-01");
        assert!(matches!(
            s.open_round(&Actor::cli(), &bad).await,
            Err(StoreError::Invalid(m)) if m.contains("截止日期")
        ));
        assert_eq!(s.rounds(Some(plan_id), None).await.unwrap().len(), 3);
        drop(s);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn submission_is_idempotent_versioned_and_reviewed() {
    for db in databases("submit").await {
        let (s, plan_id) = seeded(&db).await;
        let plan = s.plan(plan_id, None).await.unwrap().unwrap();
        let round_id = s
            .open_round(&Actor::cli(), &round(plan_id, RoundScope::All))
            .await
            .unwrap();
        let rows = round_reports(&s, round_id, 5).await;
        let report = &rows[0];
        let me = person(&s, "reporter", AccountRole::Reporter, Some(report.unit_id)).await;
        // A draft, then a stale write is refused and the draft is kept.
        let v = s
            .save_draft(&me, report.id, report.row_version, &body("草稿", 10.0))
            .await
            .unwrap();
        let stale = s
            .save_draft(&me, report.id, report.row_version, &body("旧页面", 5.0))
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict(_))));
        let detail = s.report(report.id).await.unwrap().unwrap();
        assert_eq!(detail.draft.unwrap().progress, "草稿");
        // An observation of an unknown target is refused, naming it.
        let target = &plan.targets[0];
        let mut with_obs = body("完成路网规划", 40.0);
        with_obs.observations.push(NewObservation {
            target_key: "t99999".into(),
            observed_on: date("2025-03-31"),
            value: 1.0,
            source: "台账".into(),
        });
        let sub = |key: &str, b: ReportBody| Submission {
            key: key.into(),
            body: b,
            evidence: Vec::new(),
        };
        let refused = s
            .submit_report(&me, report.id, v, &sub("k1", with_obs.clone()))
            .await;
        assert!(matches!(refused, Err(StoreError::Invalid(m)) if m.contains("t99999")));
        with_obs.observations[0].target_key = target.id.0.clone();
        with_obs.observations[0].value = 70.0;
        let first = s
            .submit_report(&me, report.id, v, &sub("k1", with_obs.clone()))
            .await
            .unwrap();
        assert!(!first.replay);
        assert_eq!(first.version, 1);
        // The same key again (a double click, a retried request) stores nothing new.
        let again = s
            .submit_report(&me, report.id, v, &sub("k1", with_obs.clone()))
            .await
            .unwrap();
        assert!(again.replay);
        assert_eq!(again.version, 1);
        // A submitted report cannot be edited.
        let locked = s
            .save_draft(&me, report.id, first.row_version, &body("改", 1.0))
            .await;
        assert!(matches!(locked, Err(StoreError::Invalid(_))));
        // Pending values do not count.
        let facts = s.plan_facts(plan_id).await.unwrap();
        assert!(facts.targets[&target.id.0].1.is_empty());

        // Returned without a comment: refused; with one: returned.
        let office = person(&s, "office", AccountRole::Reviewer, None).await;
        assert!(
            s.review_report(&office, report.id, first.row_version, Decision::Return, " ")
                .await
                .is_err()
        );
        let rv = s
            .review_report(
                &office,
                report.id,
                first.row_version,
                Decision::Return,
                "请补充佐证",
            )
            .await
            .unwrap();
        // Resubmitted: both versions kept.
        let mut second_body = with_obs.clone();
        second_body.observations[0].value = 72.0;
        let second = s
            .submit_report(&me, report.id, rv, &sub("k2", second_body))
            .await
            .unwrap();
        assert_eq!(second.version, 2);
        // Two reviewers at once: the second is told.
        s.review_report(
            &office,
            report.id,
            second.row_version,
            Decision::Approve,
            "",
        )
        .await
        .unwrap();
        let late = s
            .review_report(
                &office,
                report.id,
                second.row_version,
                Decision::Return,
                "x",
            )
            .await;
        assert!(matches!(late, Err(StoreError::Conflict(_))));
        let detail = s.report(report.id).await.unwrap().unwrap();
        assert_eq!(detail.row.status, duban_store::ReportStatus::Approved);
        assert_eq!(detail.versions.len(), 2);
        assert_eq!(detail.versions[0].reviews[0].decision, "return");
        assert_eq!(detail.versions[0].observations[0].status, "rejected");
        assert_eq!(detail.versions[1].observations[0].status, "approved");
        // Only the approved value counts.
        let facts = s.plan_facts(plan_id).await.unwrap();
        let values: Vec<f64> = facts.targets[&target.id.0]
            .1
            .iter()
            .map(|o| o.value)
            .collect();
        assert_eq!(values, [72.0]);
        let task = &facts.tasks[&report.node_key];
        let mine = task.iter().find(|f| f.unit_id == report.unit_id).unwrap();
        assert_eq!(mine.approved_percent, Some(40.0));
        assert!(mine.first_submitted_at.is_some());

        let audit = s.audit_events(0, 100).await.unwrap();
        let actions: Vec<&str> = audit.iter().rev().map(|e| e.action.as_str()).collect();
        for a in [
            "round.open",
            "report.draft",
            "report.submit",
            "report.return",
            "report.approve",
        ] {
            assert!(actions.contains(&a), "{a} not in {actions:?}");
        }
        assert_eq!(s.verify_audit().await.unwrap().broken, None);
        drop(s);
        db.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_twins_make_one_version() {
    for db in databases("twins").await {
        let (s, plan_id) = seeded(&db).await;
        let round_id = s
            .open_round(&Actor::cli(), &round(plan_id, RoundScope::All))
            .await
            .unwrap();
        let rows = round_reports(&s, round_id, 8).await;
        let mut tasks = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let me = person(
                &s,
                &format!("r{i}"),
                AccountRole::Reporter,
                Some(row.unit_id),
            )
            .await;
            for _twin in 0..3 {
                let s = s.clone();
                let row = row.clone();
                let me = me.clone();
                tasks.push(tokio::spawn(async move {
                    let submission = Submission {
                        key: format!("key-{}", row.id),
                        body: body("同时报送", 50.0),
                        evidence: Vec::new(),
                    };
                    s.submit_report(&me, row.id, row.row_version, &submission)
                        .await
                        .unwrap()
                }));
            }
        }
        let mut fresh = 0;
        for t in tasks {
            let done = t.await.unwrap();
            assert_eq!(done.version, 1);
            fresh += usize::from(!done.replay);
        }
        assert_eq!(
            fresh,
            rows.len(),
            "exactly one stored submission per report"
        );
        for row in &rows {
            assert_eq!(s.report(row.id).await.unwrap().unwrap().versions.len(), 1);
        }
        assert_eq!(s.verify_audit().await.unwrap().broken, None);
        drop(s);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn target_settings_check_versions() {
    for db in databases("targets").await {
        let (s, plan_id) = seeded(&db).await;
        let plan = s.plan(plan_id, None).await.unwrap().unwrap();
        let key = plan.targets[0].id.0.clone();
        let fresh = s.target_settings(plan_id, &key).await.unwrap().unwrap();
        assert_eq!((fresh.row_version, fresh.baseline), (0, None));
        let b = Baseline {
            value: 55.0,
            year: 2023,
        };
        let ms = [
            Milestone {
                year: 2024,
                value: 60.0,
            },
            Milestone {
                year: 2025,
                value: 65.0,
            },
        ];
        let v = s
            .save_target_settings(&Actor::cli(), plan_id, &key, 0, Some(b), &ms, "linear")
            .await
            .unwrap();
        assert_eq!(v, 1);
        let stale = s
            .save_target_settings(&Actor::cli(), plan_id, &key, 0, None, &[], "office")
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict(_))));
        let got = s.target_settings(plan_id, &key).await.unwrap().unwrap();
        assert_eq!(
            (got.baseline, got.milestones.len(), got.row_version),
            (Some(b), 2, 1)
        );
        assert!(
            s.target_settings(plan_id, "t99999")
                .await
                .unwrap()
                .is_none()
        );
        s.record_observation(
            &Actor::cli(),
            plan_id,
            &NewObservation {
                target_key: key.clone(),
                observed_on: date("2024-12-31"),
                value: 61.0,
                source: "统计公报".into(),
            },
        )
        .await
        .unwrap();
        let facts = s.plan_facts(plan_id).await.unwrap();
        assert_eq!(facts.targets[&key].1.len(), 1);
        assert_eq!(facts.targets[&key].0.milestones, ms);
        drop(s);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn notices_are_recorded_once_and_claimed_once() {
    for db in databases("notices").await {
        let (s, plan_id) = seeded(&db).await;
        s.open_round(
            &Actor::cli(),
            &round(plan_id, RoundScope::Unit("市交通运输局".into())),
        )
        .await
        .unwrap();
        let outstanding = s.outstanding_reports().await.unwrap();
        assert!(!outstanding.is_empty());
        let o = &outstanding[0];
        let notice = |channel: &str| NewNotice {
            kind: "chase".into(),
            round_id: o.round_id,
            unit_id: o.unit_id,
            report_id: Some(o.report_id),
            channel: channel.into(),
            body: "请尽快报送".into(),
            dedupe_key: format!("chase/{}/{channel}", o.report_id),
        };
        assert!(s.enqueue_notice(&notice("email")).await.unwrap());
        assert!(!s.enqueue_notice(&notice("email")).await.unwrap());
        assert!(s.enqueue_notice(&notice("app")).await.unwrap());
        let first = s.claim_notices("email", 60, 10).await.unwrap();
        let second = s.claim_notices("email", 60, 10).await.unwrap();
        assert_eq!((first.len(), second.len()), (1, 0));
        s.notice_delivered(first[0].id, Err("connection refused".into()))
            .await
            .unwrap();
        let retry = s.claim_notices("email", 60, 10).await.unwrap();
        assert_eq!(retry.len(), 1);
        s.notice_delivered(retry[0].id, Ok(())).await.unwrap();
        assert!(s.claim_notices("email", 60, 10).await.unwrap().is_empty());
        let inbox = s.notices(Some(o.unit_id), 10).await.unwrap();
        assert_eq!(inbox.len(), 1);
        assert!(inbox[0].sent_at.is_some());
        drop(s);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn the_audit_log_is_append_only_and_tampering_is_found() {
    for db in databases("audit").await {
        let (s, plan_id) = seeded(&db).await;
        for _ in 0..3 {
            s.open_round(&Actor::cli(), &round(plan_id, RoundScope::All))
                .await
                .unwrap();
        }
        // The registry, the import, the publication and the three rounds.
        assert_eq!(s.verify_audit().await.unwrap().events, 6);
        use sqlx::Executor;
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
        // The database itself refuses edits and deletions.
        assert!(
            pool.execute("UPDATE audit_events SET action = 'x' WHERE id = 2")
                .await
                .is_err()
        );
        assert!(
            pool.execute("DELETE FROM audit_events WHERE id = 3")
                .await
                .is_err()
        );
        // Someone with the database's owner rights removes the guard and edits an event.
        let drop_guard = if db.url.starts_with("sqlite") {
            "DROP TRIGGER audit_events_no_update"
        } else {
            "DROP TRIGGER audit_events_no_change ON audit_events"
        };
        pool.execute(drop_guard).await.unwrap();
        pool.execute("UPDATE audit_events SET after_json = '{}' WHERE id = 2")
            .await
            .unwrap();
        pool.close().await;
        let check = s.verify_audit().await.unwrap();
        assert_eq!(check.broken.map(|b| b.0), Some(2));
        drop(s);
        db.cleanup().await;
    }
}
