//! `duban migrate` and `duban import FILE`: the commands that write to the database.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use duban_store::{ImportOutcome, Source, Store};
use sha2::{Digest, Sha256};

use crate::Lang;

/// Where the database is.
#[derive(Debug, clap::Args)]
pub struct DbArgs {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB (default: an SQLite file in the
    /// data directory).
    #[arg(
        long,
        env = "DUBAN_DATABASE_URL",
        hide_env_values = true,
        global = true
    )]
    pub(crate) database_url: Option<String>,
    /// Data directory for the embedded SQLite database.
    #[arg(long, env = "DUBAN_DATA_DIR", default_value = "data", global = true)]
    pub(crate) data_dir: PathBuf,
}

impl DbArgs {
    fn url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}/duban.sqlite", self.data_dir.display()))
    }
}

/// Arguments of `duban import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The plan document: .txt (UTF-8, GBK/GB18030 or UTF-16) or .docx.
    file: PathBuf,
    #[command(flatten)]
    db: DbArgs,
}

/// Applies pending migrations.
pub fn migrate(args: &DbArgs, lang: Lang) -> ExitCode {
    run(lang, async {
        let store = open(args).await?;
        let applied = store.applied_migrations().await?;
        Ok(match lang {
            Lang::Zh => format!(
                "数据库已是最新结构（{}）：{}",
                store_kind(&store),
                applied.join("、")
            ),
            Lang::En => format!(
                "database is up to date ({}): {}",
                store_kind(&store),
                applied.join(", ")
            ),
        })
    })
}

/// Parses a document and stores it as a plan (or a new version of one).
pub fn import(args: &ImportArgs, lang: Lang) -> ExitCode {
    let name = args.file.display().to_string();
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => return fail(&crate::parse::open_error(&name, &e, lang)),
    };
    let document = match duban_document::read(&name, &bytes) {
        Ok(d) => d,
        Err(e) => {
            return fail(&match lang {
                Lang::Zh => e.to_string(),
                Lang::En => e.message_en(),
            });
        }
    };
    let plan = duban_import::parse(&document.text);
    let source = Source {
        name: args
            .file
            .file_name()
            .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned()),
        sha256: hex(&Sha256::digest(&bytes)),
        format: match document.format {
            duban_document::SourceFormat::Text(encoding) => encoding.to_owned(),
            duban_document::SourceFormat::Docx => "docx".to_owned(),
        },
    };
    run(lang, async {
        let store = open(&args.db).await?;
        let done = store
            .import_plan(&duban_store::Actor::cli(), &source, &plan)
            .await?;
        let warnings = plan.diagnostics.len();
        Ok(match (lang, done.outcome) {
            (Lang::Zh, ImportOutcome::Created) => format!(
                "已导入“{}”（计划 {}，第 {} 版）：节点 {} 个，目标 {} 个，诊断 {} 条；\n\
                 尚未发布：请在浏览器“计划校对”中处理待确认事项后发布，或运行 duban publish {}",
                plan.title,
                done.plan_id,
                done.version,
                plan.nodes.len(),
                plan.targets.len(),
                warnings,
                done.plan_id
            ),
            (Lang::Zh, ImportOutcome::Revision) => format!(
                "文件有变化：已作为“{}”（计划 {}）的修订 {} 记录，待批准；现行第 {} 版不变。\n\
                 请在浏览器中审阅差异后批准，或运行 duban revision show {}",
                plan.title,
                done.plan_id,
                done.revision.unwrap_or_default(),
                done.version,
                done.revision.unwrap_or_default()
            ),
            (Lang::Zh, ImportOutcome::Unchanged) => format!(
                "文件与“{}”第 {} 版相同，未重复导入",
                plan.title, done.version
            ),
            (Lang::En, ImportOutcome::Created) => format!(
                "imported '{}' (plan {}, version {}): {} nodes, {} targets, {} diagnostics;\n\
                 not yet published: review it in the browser and publish, or run duban publish {}",
                plan.title,
                done.plan_id,
                done.version,
                plan.nodes.len(),
                plan.targets.len(),
                warnings,
                done.plan_id
            ),
            (Lang::En, ImportOutcome::Revision) => format!(
                "the document changed: recorded as revision {} of '{}' (plan {}), waiting for approval; \
                 version {} stays in force.\nReview the diff in the browser, or run duban revision show {}",
                done.revision.unwrap_or_default(),
                plan.title,
                done.plan_id,
                done.version,
                done.revision.unwrap_or_default()
            ),
            (Lang::En, ImportOutcome::Unchanged) => {
                format!(
                    "same document as version {} of '{}': nothing imported",
                    done.version, plan.title
                )
            }
        })
    })
}

/// Arguments of `duban registry`.
#[derive(Debug, clap::Args)]
pub struct RegistryArgs {
    /// A `duban.registry/1` JSON file: the city's units, their codes and spellings, and groups.
    file: PathBuf,
    #[command(flatten)]
    db: DbArgs,
}

/// Loads a city's unit registry.
pub fn registry(args: &RegistryArgs, lang: Lang) -> ExitCode {
    let name = args.file.display().to_string();
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => return fail(&crate::parse::open_error(&name, &e, lang)),
    };
    let registry: duban_domain::Registry = match serde_json::from_str(&text) {
        Ok(r) => r,
        Err(e) => {
            return fail(&match lang {
                Lang::Zh => format!(
                    "“{name}”不是单位名录（duban.registry/1）：第 {} 行：{e}",
                    e.line()
                ),
                Lang::En => format!(
                    "'{name}' is no unit registry (duban.registry/1): line {}: {e}",
                    e.line()
                ),
            });
        }
    };
    run(lang, async {
        let store = open(&args.db).await?;
        store
            .load_registry(&duban_store::Actor::cli(), &registry)
            .await?;
        Ok(match lang {
            Lang::Zh => format!(
                "已载入{}单位名录：单位 {} 个，单位组 {} 个",
                registry.city,
                registry.units.len(),
                registry.groups.len()
            ),
            Lang::En => format!(
                "loaded the unit registry of {}: {} units, {} groups",
                registry.city,
                registry.units.len(),
                registry.groups.len()
            ),
        })
    })
}

/// Lists the stored plans with the counts of their current versions.
pub fn plans(args: &DbArgs, lang: Lang) -> ExitCode {
    run(lang, async {
        let store = open(args).await?;
        let plans = store.plans().await?;
        if plans.is_empty() {
            return Ok(match lang {
                Lang::Zh => "数据库中还没有计划；用 duban import 文件 导入".to_owned(),
                Lang::En => "no plans yet; import one with duban import FILE".to_owned(),
            });
        }
        let lines: Vec<String> = plans
            .iter()
            .map(|p| {
                let number = p.doc_number.as_deref().unwrap_or("-");
                match lang {
                    Lang::Zh => format!(
                        "{}  {}  {}  第{}版  节点 {}  任务 {}  目标 {}  单位 {}  项目 {}  {}{}",
                        p.id,
                        number,
                        p.title,
                        p.version,
                        p.nodes,
                        p.tasks,
                        p.targets,
                        p.units,
                        p.projects,
                        if p.published_at.is_some() { "已发布" } else { "未发布" },
                        if p.pending_revisions > 0 {
                            format!("  待批准修订 {}", p.pending_revisions)
                        } else {
                            String::new()
                        }
                    ),
                    Lang::En => format!(
                        "{}  {}  {}  v{}  nodes {}  tasks {}  targets {}  units {}  projects {}  {}{}",
                        p.id,
                        number,
                        p.title,
                        p.version,
                        p.nodes,
                        p.tasks,
                        p.targets,
                        p.units,
                        p.projects,
                        if p.published_at.is_some() { "published" } else { "unpublished" },
                        if p.pending_revisions > 0 {
                            format!("  revisions pending {}", p.pending_revisions)
                        } else {
                            String::new()
                        }
                    ),
                }
            })
            .collect();
        Ok(lines.join("\n"))
    })
}

/// Connects and applies pending migrations (every command that writes starts so).
pub(crate) async fn open(args: &DbArgs) -> duban_store::Result<Arc<dyn Store>> {
    let store = duban_store::connect(&args.url()).await?;
    store.migrate().await?;
    Ok(store)
}

fn store_kind(store: &Arc<dyn Store>) -> &'static str {
    match store.backend() {
        duban_store::Backend::Sqlite => "SQLite",
        duban_store::Backend::Postgres => "PostgreSQL",
    }
}

/// Runs a database command on a runtime, printing its line or its error.
pub(crate) fn run(
    lang: Lang,
    work: impl std::future::Future<Output = duban_store::Result<String>>,
) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&e.to_string()),
    };
    match runtime.block_on(work) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&match lang {
            Lang::Zh => e.to_string(),
            Lang::En => e.message_en(),
        }),
    }
}

pub(crate) fn fail(message: &str) -> ExitCode {
    eprintln!("duban: {message}");
    ExitCode::FAILURE
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
