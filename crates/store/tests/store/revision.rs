//! A revised plan over recorded data (动态调整), on every backend: the office records baselines,
//! milestones, values, work points, people and edits on the reference plan and a round runs;
//! then a revised document (a sentence with a new target inserted near the top, a task deleted,
//! one moved, one reworded) is imported, reviewed and approved. Every fact must stay on the same
//! indicator and task — asserted by their words, never by their keys — the withdrawn task keeps
//! its history, and the diff shows exactly the four changes.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::*;
use duban_domain::curation::{Edit, NodePatch, TargetPatch};
use duban_domain::revision::{ChangeKind, ItemKind};
use duban_domain::supervision::{AccountRole, Baseline, Milestone};
use duban_domain::{Contact, Person, Plan};
use duban_store::{Decision, ImportOutcome, NewObservation, ReportFilter, RoundScope, Submission};

const DELETED: &str = "推进公共交通设施便利化";
const MOVED: &str = "建设宜居宜业和美乡村";
const INSERTED: &str = "村庄规划编制覆盖比例";

/// A target's words: what it measures and the goal as written.
fn words(t: &duban_domain::Target) -> (String, String) {
    (t.indicator.clone(), t.text.clone())
}

fn task_by_title<'a>(plan: &'a Plan, title: &str) -> &'a duban_domain::Node {
    plan.nodes
        .iter()
        .find(|n| n.title == title)
        .unwrap_or_else(|| panic!("no task {title}"))
}

#[tokio::test]
async fn a_revised_plan_keeps_every_fact_on_its_indicator() {
    let revised_text =
        std::fs::read_to_string(fixtures().join("plans/haidong-action-plan-2024-revised.txt"))
            .unwrap();
    let revised = duban_import::parse(&revised_text);
    for db in databases("revision").await {
        let (s, plan_id) = seeded(&db).await;
        let office = person(&s, "office", AccountRole::Reviewer, None).await;
        let v1 = s.plan(plan_id, None).await.unwrap().unwrap();

        // Facts on every target: a baseline (its position), a value (position + 0.5); saved
        // milestones on every third.
        let mut baseline_of: BTreeMap<(String, String), f64> = BTreeMap::new();
        let mut value_of: BTreeMap<(String, String), f64> = BTreeMap::new();
        let mut milestones_of: BTreeMap<(String, String), Vec<Milestone>> = BTreeMap::new();
        for (i, t) in v1.targets.iter().enumerate() {
            let b = i as f64 + 1.0;
            let ms = if i % 3 == 0 {
                vec![
                    Milestone {
                        year: 2025,
                        value: b + 1.0,
                    },
                    Milestone {
                        year: 2030,
                        value: b + 6.0,
                    },
                ]
            } else {
                Vec::new()
            };
            s.save_target_settings(
                &office,
                plan_id,
                &t.id.0,
                0,
                Some(Baseline {
                    value: b,
                    year: 2023,
                }),
                &ms,
                if ms.is_empty() { "linear" } else { "office" },
            )
            .await
            .unwrap();
            s.record_observation(
                &office,
                plan_id,
                &NewObservation {
                    target_key: t.id.0.clone(),
                    observed_on: date("2025-06-30"),
                    value: b + 0.5,
                    source: "统计台账".into(),
                },
            )
            .await
            .unwrap();
            // Indicators stated twice carry the facts of their last statement in the maps; the
            // assertions below compare per statement (indicator and source text).
            baseline_of.insert(words(t), b);
            value_of.insert(words(t), b + 0.5);
            if !ms.is_empty() {
                milestones_of.insert(words(t), ms);
            }
        }
        // A work point on every task.
        let tasks: Vec<_> = v1.tasks().cloned().collect();
        for n in &tasks {
            s.set_work_point(
                &office,
                plan_id,
                &n.id.0,
                2025,
                &format!("要点：{}", n.title),
            )
            .await
            .unwrap();
        }
        // People, a deadline and a role on the moved and the reworded tasks; a target edited.
        let moved = task_by_title(&v1, MOVED).clone();
        let reworded = v1.nodes.iter().find(|n| n.id.0 == "4.1.3").unwrap().clone();
        for n in [&moved, &reworded] {
            let unit = n.responsible[0].unit.clone();
            s.edit_plan(
                &office,
                plan_id,
                &Edit::SetPeople {
                    node: n.id.clone(),
                    contact: Contact {
                        unit: unit.clone(),
                        leader: Some(Person {
                            name: "王副局长".into(),
                            post: "副局长".into(),
                            phone: "0972-8612345".into(),
                        }),
                        responsible: None,
                        liaison: None,
                    },
                },
                "报送责任人名单",
            )
            .await
            .unwrap();
            s.edit_plan(
                &office,
                plan_id,
                &Edit::EditNode {
                    node: n.id.clone(),
                    patch: NodePatch {
                        deadline: Some(Some("2027年底".into())),
                        ..NodePatch::default()
                    },
                },
                "按年度计划明确完成时限",
            )
            .await
            .unwrap();
        }
        // The office also rewrote 4.1.3's text; the revised document rewords it anew, so that
        // edit gives way while the deadline and the people stay.
        s.edit_plan(
            &office,
            plan_id,
            &Edit::EditNode {
                node: reworded.id.clone(),
                patch: NodePatch {
                    text: Some("办公室改写的正文".into()),
                    ..NodePatch::default()
                },
            },
            "原文表述不清",
        )
        .await
        .unwrap();
        let edited_target = v1.targets.iter().find(|t| t.node.0 == "4.1.3").cloned();
        if let Some(t) = &edited_target {
            s.edit_plan(
                &office,
                plan_id,
                &Edit::EditTarget {
                    target: t.id.clone(),
                    patch: TargetPatch {
                        approx: Some(true),
                        ..TargetPatch::default()
                    },
                },
                "原文为约数",
            )
            .await
            .unwrap();
        }
        // People named for the task the revision will delete: that edit will no longer apply.
        let doomed = task_by_title(&v1, DELETED).clone();
        s.edit_plan(
            &office,
            plan_id,
            &Edit::SetPeople {
                node: doomed.id.clone(),
                contact: Contact {
                    unit: doomed.responsible[0].unit.clone(),
                    leader: None,
                    responsible: Some(Person {
                        name: "张科长".into(),
                        post: "科长".into(),
                        phone: String::new(),
                    }),
                    liaison: None,
                },
            },
            "公交站点改造责任人",
        )
        .await
        .unwrap();
        assert!(s.skipped_edits(plan_id).await.unwrap().is_empty());
        // A round in which the task to be deleted is reported and approved.
        let round_id = s
            .open_round(&office, &round(plan_id, RoundScope::All))
            .await
            .unwrap();
        let deleted = task_by_title(&v1, DELETED).clone();
        let lead_unit = s.unit(&deleted.responsible[0].unit).await.unwrap().unwrap();
        let report = s
            .reports(&ReportFilter {
                round_id: Some(round_id),
                unit_id: Some(lead_unit.id),
                limit: 1000,
                ..ReportFilter::default()
            })
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.node_key == deleted.id.0)
            .unwrap();
        let reporter = person(&s, "jtj", AccountRole::Reporter, Some(lead_unit.id)).await;
        let done = s
            .submit_report(
                &reporter,
                report.id,
                report.row_version,
                &Submission {
                    key: "deleted-task".into(),
                    body: body("公交站点改造完成", 60.0),
                    evidence: Vec::new(),
                },
            )
            .await
            .unwrap();
        s.review_report(&office, report.id, done.row_version, Decision::Approve, "")
            .await
            .unwrap();

        // The revised document: a revision to review, the version in force unchanged.
        let imported = s
            .import_plan(
                &office,
                &source("haidong-revised.txt", &revised_text),
                &revised,
            )
            .await
            .unwrap();
        assert_eq!(imported.outcome, ImportOutcome::Revision);
        assert_eq!(s.current_version(plan_id).await.unwrap(), Some(1));
        let rev = s
            .revision(imported.revision.unwrap())
            .await
            .unwrap()
            .unwrap();
        let preview = s.revision_preview(rev.id).await.unwrap().unwrap();
        let changes = preview.changes.clone();
        assert_eq!(
            preview
                .superseded
                .iter()
                .map(|e| e.reason.as_str())
                .collect::<Vec<_>>(),
            ["原文表述不清"],
            "only the text edit gives way to the new document"
        );
        assert_eq!(changes.len(), 4, "{changes:#?}");
        let of = |title: &str| changes.iter().find(|c| c.title == title).unwrap();
        assert_eq!(of(DELETED).kind, ChangeKind::Removed);
        assert_eq!(of(MOVED).kind, ChangeKind::Moved);
        assert_eq!(of(&reworded.title).kind, ChangeKind::Changed);
        assert!(of(&reworded.title).fields.contains(&"text".to_owned()));
        let inserted = changes
            .iter()
            .find(|c| c.targets_added.len() == 1)
            .expect("the node that gained a target");
        assert_eq!(inserted.kind, ChangeKind::Changed);
        assert_eq!(rev.matching.uncertain().count(), 0, "{:?}", rev.matching);

        // Approval needs a reason, then the revision is in force.
        assert!(
            s.approve_revision(&office, rev.id, rev.row_version, "  ")
                .await
                .is_err()
        );
        let version = s
            .approve_revision(&office, rev.id, rev.row_version, "中期评估后动态调整")
            .await
            .unwrap();
        assert_eq!(version, 2);
        let v2 = s.plan(plan_id, None).await.unwrap().unwrap();
        assert_eq!(
            s.plan(plan_id, Some(1)).await.unwrap().unwrap(),
            v1_with_edits(&s, plan_id).await
        );

        // Every target's facts are on the statement they were recorded for.
        let facts = s.plan_facts(plan_id).await.unwrap();
        let old_keys: BTreeSet<&str> = v1.targets.iter().map(|t| t.id.0.as_str()).collect();
        let mut checked = 0;
        for t in &v2.targets {
            let w = words(t);
            let Some(b) = baseline_of.get(&w) else {
                assert!(t.indicator.contains(INSERTED), "new target {t:?}");
                assert!(!old_keys.contains(t.id.0.as_str()), "a new key for {t:?}");
                let (settings, obs) = &facts.targets[&t.id.0];
                assert!(settings.baseline.is_none() && obs.is_empty());
                continue;
            };
            let (settings, obs) = &facts.targets[&t.id.0];
            assert_eq!(
                settings.baseline.map(|b| b.value),
                Some(*b),
                "baseline of {w:?}"
            );
            assert_eq!(
                obs.iter().map(|o| o.value).collect::<Vec<_>>(),
                vec![value_of[&w]],
                "values of {w:?}"
            );
            if let Some(ms) = milestones_of.get(&w) {
                assert_eq!(&settings.milestones, ms, "milestones of {w:?}");
            }
            checked += 1;
        }
        assert!(checked >= v1.targets.len() - 2, "{checked}");
        // Every task's work point and the office's edits are on the task of the same title.
        for n in v2.tasks() {
            let points = s.work_points(plan_id, &n.id.0).await.unwrap();
            assert_eq!(
                points,
                vec![(2025, format!("要点：{}", n.title))],
                "{}",
                n.title
            );
        }
        let now = task_by_title(&v2, &reworded.title);
        assert!(
            now.text.contains("有效缓解过境路段的交通拥堵"),
            "{}",
            now.text
        );
        assert!(
            s.plan_edits(plan_id)
                .await
                .unwrap()
                .iter()
                .any(|e| e.reason == "原文表述不清" && e.superseded_in == Some(2))
        );
        for title in [MOVED, reworded.title.as_str()] {
            let n = task_by_title(&v2, title);
            assert_eq!(n.deadline.as_deref(), Some("2027年底"), "{title}");
            assert_eq!(
                n.people[0].leader.as_ref().unwrap().name,
                "王副局长",
                "{title}"
            );
        }
        assert_ne!(
            task_by_title(&v2, MOVED).parent,
            moved.parent,
            "moved to another section"
        );
        if let Some(t) = &edited_target {
            let now = v2.targets.iter().find(|x| x.id == t.id).unwrap();
            assert!(now.approx && now.indicator == t.indicator);
        }
        // The edit of the deleted task stays on record and is listed as no longer applying.
        let skipped = s.skipped_edits(plan_id).await.unwrap();
        assert_eq!(
            skipped
                .iter()
                .map(|e| e.edit.reason.as_str())
                .collect::<Vec<_>>(),
            ["公交站点改造责任人"],
            "{skipped:?}"
        );
        // The deleted task is withdrawn with its history.
        assert!(!v2.nodes.iter().any(|n| n.title == DELETED));
        let withdrawn = s.withdrawn(plan_id).await.unwrap();
        assert!(
            withdrawn
                .iter()
                .any(|w| w.kind == ItemKind::Node && w.key == deleted.id.0 && w.title == DELETED),
            "{withdrawn:?}"
        );
        let history = s.report(report.id).await.unwrap().unwrap();
        assert_eq!(history.row.node_key, deleted.id.0);
        assert_eq!(history.versions.len(), 1);
        assert_eq!(history.row.status, duban_store::ReportStatus::Approved);
        // No key of the deleted task was given to another item.
        assert!(!v2.nodes.iter().any(|n| n.id.0 == deleted.id.0));
        // The audit trail says who approved and why.
        let trail = s.audit_events(0, 20).await.unwrap();
        assert!(trail.iter().any(|e| {
            e.action == "plan.revision.approve"
                && e.after_json
                    .as_deref()
                    .unwrap_or("")
                    .contains("中期评估后动态调整")
        }));
        // A second approval of the same revision is refused.
        assert!(
            s.approve_revision(&office, rev.id, rev.row_version + 1, "再次批准")
                .await
                .is_err()
        );
        drop(s);
        db.cleanup().await;
    }
}

/// Version 1 as served now: its document with the office's edits (they apply to it still).
async fn v1_with_edits(s: &std::sync::Arc<dyn duban_store::Store>, plan_id: i64) -> Plan {
    let doc = s.plan_document(plan_id, Some(1)).await.unwrap().unwrap();
    let edits: Vec<Edit> = s
        .plan_edits(plan_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.superseded_in.is_none())
        .map(|e| e.edit)
        .collect();
    duban_domain::curation::apply(&doc, &edits).0
}
