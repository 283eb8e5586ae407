//! `duban publish PLAN` and `duban revision list|show|approve|reject`: confirming a plan for
//! supervision and deciding on a changed document (动态调整) from the command line, for offices
//! that script their imports. The browser offers the same with the diff side by side.

use std::process::ExitCode;

use duban_domain::revision::ChangeKind;
use duban_store::{Actor, StoreError};

use crate::Lang;
use crate::db::{DbArgs, open, run};

/// `duban publish`.
#[derive(Debug, clap::Args)]
pub struct PublishArgs {
    /// The plan's id (`duban plans` lists them).
    plan: i64,
    #[command(flatten)]
    db: DbArgs,
}

/// Publishes a plan for supervision.
pub fn publish(args: &PublishArgs, lang: Lang) -> ExitCode {
    run(lang, async {
        let store = open(&args.db).await?;
        store.publish_plan(&Actor::cli(), args.plan).await?;
        Ok(match lang {
            Lang::Zh => format!("计划 {} 已发布：可开启调度，公众可见", args.plan),
            Lang::En => format!(
                "plan {} published: rounds may open, the public sees it",
                args.plan
            ),
        })
    })
}

/// `duban revision`.
#[derive(Debug, clap::Args)]
pub struct RevisionArgs {
    #[command(subcommand)]
    action: RevisionAction,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Debug, clap::Subcommand)]
enum RevisionAction {
    /// A plan's revisions.
    List {
        /// The plan's id.
        plan: i64,
    },
    /// A revision's changes and the pairings still to decide.
    Show {
        /// The revision's id.
        revision: i64,
    },
    /// Approve a revision: it becomes the plan's next version.
    Approve {
        /// The revision's id.
        revision: i64,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: String,
    },
    /// Reject a revision (it is kept).
    Reject {
        /// The revision's id.
        revision: i64,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: String,
    },
}

/// Runs `duban revision …`.
pub fn revision(args: &RevisionArgs, lang: Lang) -> ExitCode {
    run(lang, async {
        let store = open(&args.db).await?;
        let not_found = |id: i64| StoreError::NotFound(format!("修订 {id}"));
        match &args.action {
            RevisionAction::List { plan } => {
                let mut lines = Vec::new();
                for r in store.revisions(*plan).await? {
                    lines.push(format!(
                        "{}\t{}\t{}\t{}",
                        r.id,
                        r.status.as_str(),
                        r.source_name,
                        r.version.map_or_else(String::new, |v| v.to_string())
                    ));
                }
                if lines.is_empty() {
                    lines.push(match lang {
                        Lang::Zh => "没有修订".to_owned(),
                        Lang::En => "no revisions".to_owned(),
                    });
                }
                Ok(lines.join("\n"))
            }
            RevisionAction::Show { revision: id } => {
                let p = store
                    .revision_preview(*id)
                    .await?
                    .ok_or_else(|| not_found(*id))?;
                let (rev, changes) = (&p.revision, &p.changes);
                let mut lines = vec![match lang {
                    Lang::Zh => format!(
                        "修订 {}（{}），基于第 {} 版：变化 {} 处，待确认匹配 {} 项",
                        rev.id,
                        rev.status.as_str(),
                        rev.base_version,
                        changes.len(),
                        rev.matching.uncertain().count()
                    ),
                    Lang::En => format!(
                        "revision {} ({}), against version {}: {} changes, {} pairings to decide",
                        rev.id,
                        rev.status.as_str(),
                        rev.base_version,
                        changes.len(),
                        rev.matching.uncertain().count()
                    ),
                }];
                for c in changes {
                    let kind = match (lang, c.kind) {
                        (Lang::Zh, ChangeKind::Added) => "新增",
                        (Lang::Zh, ChangeKind::Removed) => "删除",
                        (Lang::Zh, ChangeKind::Changed) => "修改",
                        (Lang::Zh, ChangeKind::Moved) => "移动",
                        (Lang::En, ChangeKind::Added) => "added",
                        (Lang::En, ChangeKind::Removed) => "removed",
                        (Lang::En, ChangeKind::Changed) => "changed",
                        (Lang::En, ChangeKind::Moved) => "moved",
                    };
                    lines.push(format!(
                        "{kind}\t{}\t{}\t{}",
                        c.old.as_deref().unwrap_or("-"),
                        c.new.as_deref().unwrap_or("-"),
                        c.title
                    ));
                }
                for e in &p.superseded {
                    lines.push(match lang {
                        Lang::Zh => format!("被新文稿取代的修改 {}：{}", e.id, e.reason),
                        Lang::En => format!("edit {} superseded: {}", e.id, e.reason),
                    });
                }
                Ok(lines.join("\n"))
            }
            RevisionAction::Approve {
                revision: id,
                reason,
            } => {
                let rev = store.revision(*id).await?.ok_or_else(|| not_found(*id))?;
                let version = store
                    .approve_revision(&Actor::cli(), *id, rev.row_version, reason)
                    .await?;
                Ok(match lang {
                    Lang::Zh => format!("修订 {id} 已批准：现行为第 {version} 版"),
                    Lang::En => format!("revision {id} approved: version {version} is in force"),
                })
            }
            RevisionAction::Reject {
                revision: id,
                reason,
            } => {
                let rev = store.revision(*id).await?.ok_or_else(|| not_found(*id))?;
                store
                    .reject_revision(&Actor::cli(), *id, rev.row_version, reason)
                    .await?;
                Ok(match lang {
                    Lang::Zh => format!("修订 {id} 已退回"),
                    Lang::En => format!("revision {id} rejected"),
                })
            }
        }
    })
}
