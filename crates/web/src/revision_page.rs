//! The office reviews a revised document (动态调整) in the browser: the diff of the plan as served
//! before and after approval, the edits the new document supersedes, the pairings to decide, and
//! approval or rejection with a reason.

use std::collections::HashMap;

use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use duban_domain::revision::{ChangeKind, ItemKind};
use duban_domain::{Comparator, Plan};
use minijinja::context;

use crate::AppState;
use crate::auth::Viewer;
use crate::curate::{describe, field, opt};
use crate::error::AppError;
use crate::pages::{PageLang, error_page, load, page, plan_ctx, ser};

type FormMap = Form<HashMap<String, String>>;

/// `GET /plans/{plan}/revisions/{revision}`: the diff against the version in force, the
/// pairings to decide, and approval.
pub async fn revision_page(
    State(state): State<AppState>,
    lang: PageLang,
    Path((raw, rev)): Path<(String, String)>,
) -> Response {
    let result = async {
        let (id, plan) = load(&state, &raw).await?;
        let rev_id: i64 = rev.parse().map_err(|_| AppError::NotFound)?;
        let preview = state
            .store
            .revision_preview(rev_id)
            .await?
            .filter(|p| p.revision.plan_id == id)
            .ok_or(AppError::NotFound)?;
        let (rev, base, after) = (&preview.revision, &preview.before, &preview.after);
        let changes = &preview.changes;
        let superseded: Vec<_> = preview
            .superseded
            .iter()
            .map(|e| context! { what => describe(&e.edit), reason => e.reason.clone(), who => e.actor_name.clone() })
            .collect();
        let uncertain: Vec<_> = rev
            .matching
            .uncertain()
            .map(|p| {
                context! {
                    kind => ser(&p.kind), new => p.new.clone(), old => p.old.clone(), score => format!("{:.2}", p.score),
                    new_text => item_text(&rev.document, p.kind, &p.new),
                    old_text => p.old.as_deref().map(|o| item_text(base, p.kind, o)),
                }
            })
            .collect();
        let changes: Vec<_> = changes
            .iter()
            .map(|c| {
                let kind = match c.kind {
                    ChangeKind::Added => "added",
                    ChangeKind::Removed => "removed",
                    ChangeKind::Changed => "changed",
                    ChangeKind::Moved => "moved",
                };
                let named = |keys: &[String], doc: &Plan| -> Vec<String> {
                    keys.iter()
                        .map(|k| item_text(doc, ItemKind::Target, k))
                        .collect()
                };
                context! {
                    kind, old => c.old.clone(), new => c.new.clone(), title => c.title.clone(),
                    fields => c.fields.clone(), texts => c.texts.iter().map(|(f, o, n)| text_change(f, o, n)).collect::<Vec<_>>(), uncertain => c.uncertain,
                    targets_added => named(&c.targets_added, after),
                    targets_removed => named(&c.targets_removed, base),
                    targets_changed => named(&c.targets_changed, after),
                    projects_added => c.projects_added.iter().map(|k| item_text(after, ItemKind::Project, k)).collect::<Vec<_>>(),
                    projects_removed => c.projects_removed.iter().map(|k| item_text(base, ItemKind::Project, k)).collect::<Vec<_>>(),
                }
            })
            .collect();
        Ok::<_, AppError>(context! {
            ..plan_ctx(id, &plan),
            ..context! {
                revision => ser(rev), changes, uncertain, superseded,
                at => crate::view::local_time(rev.created_at, state.config.utc_offset_hours),
                decided_at => rev.decided_at.map(|t| crate::view::local_time(t, state.config.utc_offset_hours)),
            }
        })
    }
    .await;
    match result {
        Ok(ctx) => page(&state, &lang, "revision.html", ctx),
        Err(e) => error_page(&state, &lang, &e),
    }
}

/// A changed text as the office reads it: the words around the change, what went and what came.
/// Long texts that differ in a few characters (`85%` → `90%`) show only those, with some context.
fn text_change(field: &str, old: &str, new: &str) -> minijinja::Value {
    const CONTEXT: usize = 30;
    let (a, b): (Vec<char>, Vec<char>) = (old.chars().collect(), new.chars().collect());
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let rest = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(rest)
        .take_while(|(x, y)| x == y)
        .count();
    let s = |v: &[char], from: usize, to: usize| -> String {
        v.get(from..to).unwrap_or_default().iter().collect()
    };
    let before_from = prefix.saturating_sub(CONTEXT);
    let after_to = (a.len() - suffix + CONTEXT).min(a.len());
    context! {
        field,
        lead => before_from > 0,
        before => s(&a, before_from, prefix),
        old => s(&a, prefix, a.len() - suffix),
        new => s(&b, prefix, b.len() - suffix),
        after => s(&a, a.len() - suffix, after_to),
        trail => after_to < a.len(),
    }
}

/// An item's words: a node's number and title, a target's indicator and goal, a project's name.
pub(crate) fn item_text(plan: &Plan, kind: ItemKind, key: &str) -> String {
    match kind {
        ItemKind::Node => plan
            .nodes
            .iter()
            .find(|n| n.id.0 == key)
            .map(|n| format!("{}{}", n.number.clone().unwrap_or_default(), n.title)),
        ItemKind::Target => plan.targets.iter().find(|t| t.id.0 == key).map(|t| {
            let words = match t.comparator {
                Comparator::AtLeast => "不低于",
                Comparator::AtMost => "不高于",
                Comparator::Approx => "约",
                Comparator::IncreaseBy => "增加",
                Comparator::ReduceTo => "下降至",
                Comparator::ReduceBy => "下降",
                Comparator::Range => "介于",
            };
            format!(
                "{} {words} {}{}{}{}",
                t.indicator,
                t.value,
                t.value_high.map_or_else(String::new, |h| format!("—{h}")),
                t.unit,
                t.year.map_or_else(String::new, |y| format!("（{y}年）"))
            )
        }),
        ItemKind::Project => plan
            .projects
            .iter()
            .find(|p| p.id.0 == key)
            .map(|p| p.name.clone()),
    }
    .unwrap_or_else(|| key.to_owned())
}

fn item_kind(raw: &str) -> Result<ItemKind, AppError> {
    match raw {
        "node" => Ok(ItemKind::Node),
        "target" => Ok(ItemKind::Target),
        "project" => Ok(ItemKind::Project),
        other => Err(AppError::BadRequest(format!("条目类型“{other}”无法识别"))),
    }
}

fn row_version(form: &HashMap<String, String>) -> Result<i64, AppError> {
    field(form, "row_version")
        .parse()
        .map_err(|_| AppError::BadRequest("表单缺少版本号".to_owned()))
}

/// `POST /plans/{plan}/revisions/{revision}`: decide a pairing, approve or reject (`action`).
pub async fn decide_revision(
    State(state): State<AppState>,
    lang: PageLang,
    viewer: Viewer,
    Path((raw, rev)): Path<(String, String)>,
    Form(form): FormMap,
) -> Response {
    let result = async {
        let id: i64 = raw.parse().map_err(|_| AppError::NotFound)?;
        let rev_id: i64 = rev.parse().map_err(|_| AppError::NotFound)?;
        state
            .store
            .revision(rev_id)
            .await?
            .filter(|r| r.plan_id == id)
            .ok_or(AppError::NotFound)?;
        let actor = viewer.actor();
        let version = row_version(&form)?;
        match field(&form, "action").as_str() {
            "match" => {
                let old = opt(&form, "old");
                state
                    .store
                    .decide_revision_match(
                        &actor,
                        rev_id,
                        version,
                        item_kind(&field(&form, "kind"))?,
                        &field(&form, "new"),
                        old.as_deref(),
                    )
                    .await?;
            }
            "approve" => {
                state
                    .store
                    .approve_revision(&actor, rev_id, version, &field(&form, "reason"))
                    .await?;
            }
            "reject" => {
                state
                    .store
                    .reject_revision(&actor, rev_id, version, &field(&form, "reason"))
                    .await?;
            }
            other => return Err(AppError::BadRequest(format!("未知操作“{other}”"))),
        }
        Ok::<_, AppError>(format!("/plans/{id}/revisions/{rev_id}"))
    }
    .await;
    match result {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => error_page(&state, &lang, &e),
    }
}
