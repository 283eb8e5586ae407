//! `duban parse FILE`: prints the plan as `duban.plan/1` JSON or as a readable outline.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Output format of `duban parse`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// The `duban.plan/1` interchange format.
    Json,
    /// A readable outline: tree, units, targets, diagnostics.
    Text,
}

/// Language of messages.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Lang {
    /// 中文.
    Zh,
    /// English.
    En,
}

/// Arguments of `duban parse`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan document: .txt (UTF-8, GBK/GB18030 or UTF-16) or .docx.
    file: PathBuf,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "json")]
    format: Format,
}

/// Reads, parses and prints; a file that cannot be read gives one line and exit code 1.
pub fn run(args: &Args, lang: Lang) -> ExitCode {
    let name = args.file.display().to_string();
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("duban: {}", open_error(&name, &e, lang));
            return ExitCode::FAILURE;
        }
    };
    let document = match duban_document::read(&name, &bytes) {
        Ok(d) => d,
        Err(e) => {
            let msg = match lang {
                Lang::Zh => e.to_string(),
                Lang::En => e.message_en(),
            };
            eprintln!("duban: {msg}");
            return ExitCode::FAILURE;
        }
    };
    let plan = duban_import::parse(&document.text);
    let out = match args.format {
        Format::Json => match serde_json::to_string_pretty(&plan) {
            Ok(s) => s + "\n",
            Err(e) => {
                eprintln!("duban: {e}");
                return ExitCode::FAILURE;
            }
        },
        Format::Text => duban_domain::outline::render(&plan),
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(out.as_bytes()).is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// The line for a file that cannot be opened.
pub fn open_error(name: &str, e: &std::io::Error, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("无法打开“{name}”：{}", io_reason_zh(e)),
        Lang::En => format!("cannot open '{name}': {e}"),
    }
}

fn io_reason_zh(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在",
        std::io::ErrorKind::PermissionDenied => "没有读取权限",
        std::io::ErrorKind::IsADirectory => "这是一个目录，不是文件",
        _ => "读取失败",
    }
}
