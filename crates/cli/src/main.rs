//! The `duban` command: turns a government action plan into a supervised plan.
//!
//! Subcommands are thin: they read files and flags, call the library crates, and print.

mod db;
mod log;
mod parse;
mod revise;
mod serve;
mod supervise;

pub use parse::Lang;

/// mimalloc: parsing allocates many small strings, across threads; glibc's allocator costs
/// about a fifth of the importer's time there (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Duban (督办): read, store and supervise government action plans.
#[derive(Debug, Parser)]
#[command(name = "duban", version, about, long_about = None)]
struct Cli {
    /// Language of messages: zh (中文, default) or en.
    #[arg(long, global = true, env = "DUBAN_LANG", default_value = "zh")]
    lang: Lang,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web pages and the API (an empty database gets the demo plan).
    Serve(serve::ServeArgs),
    /// Parse a plan document (.txt or .docx) and print it; touches no database.
    Parse(parse::Args),
    /// Parse a plan document and store it (a changed document becomes a revision to approve).
    Import(db::ImportArgs),
    /// Publish a plan for supervision (rounds may open; the public sees it).
    Publish(revise::PublishArgs),
    /// A plan's revisions: list, show, approve, reject.
    Revision(revise::RevisionArgs),
    /// Apply pending database migrations.
    Migrate(db::DbArgs),
    /// List the stored plans.
    Plans(db::DbArgs),
    /// Load a city's unit registry (duban.registry/1 JSON): codes, spellings, groups.
    Registry(db::RegistryArgs),
    /// Manage accounts: add (prints a one-time password), reset, list.
    User(supervise::UserArgs),
    /// Create an API token for an account (printed once).
    Token(supervise::TokenArgs),
    /// Check the audit log: `duban audit verify`.
    Audit(supervise::AuditArgs),
    /// Check the database's integrity and the audit chain.
    Check(db::DbArgs),
    /// Record and send the reminders, chases and supervision notices due now.
    Remind(supervise::RemindArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    log::init();
    match cli.command {
        Command::Serve(args) => serve::serve(&args, cli.lang),
        Command::Parse(args) => parse::run(&args, cli.lang),
        Command::Import(args) => db::import(&args, cli.lang),
        Command::Publish(args) => revise::publish(&args, cli.lang),
        Command::Revision(args) => revise::revision(&args, cli.lang),
        Command::Migrate(args) => db::migrate(&args, cli.lang),
        Command::Plans(args) => db::plans(&args, cli.lang),
        Command::Registry(args) => db::registry(&args, cli.lang),
        Command::User(args) => supervise::user(&args, cli.lang),
        Command::Token(args) => supervise::token(&args, cli.lang),
        Command::Audit(args) => supervise::audit(&args, cli.lang),
        Command::Check(args) => supervise::check(&args, cli.lang),
        Command::Remind(args) => supervise::remind(&args, cli.lang),
    }
}
