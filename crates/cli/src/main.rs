//! The `duban` command: turns a government action plan into a supervised plan.
//!
//! Subcommands are thin: they read files and flags, call the library crates, and print.

mod parse;

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
    lang: parse::Lang,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse a plan document (.txt or .docx) and print it; touches no database.
    Parse(parse::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Parse(args) => parse::run(&args, cli.lang),
    }
}
