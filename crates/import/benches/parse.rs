//! Parsing speed, as figures a person reads: `cargo bench -p duban-import`.
//!
//! Prints the reference plan's parse time (median of many runs) and throughput in MB/s on a
//! large input made of the reference plan and the corpus repeated to about 50 MB. Targets
//! (issue "Import"): the reference plan well under 10 ms, at least 50 MB/s on the large input.

// The allocator of the `duban` binary, so that the figures are those users get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(fixtures().join(rel)).unwrap_or_default()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn main() {
    let reference = read("plans/haidong-action-plan-2024.txt");
    // Warm up, then time single parses of the reference plan.
    for _ in 0..5 {
        black_box(duban_import::parse(&reference));
    }
    // `DUBAN_BENCH_RUNS` sets how many times the reference plan is parsed (for profiling).
    let runs: usize = std::env::var("DUBAN_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(101);
    let times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let t = Instant::now();
            black_box(duban_import::parse(black_box(&reference)));
            t.elapsed()
        })
        .collect();
    let ref_median = median(times);
    println!(
        "reference plan ({} KB): median {:.2} ms per parse",
        reference.len() / 1024,
        ref_median.as_secs_f64() * 1e3
    );

    if std::env::var_os("DUBAN_BENCH_REFERENCE_ONLY").is_some() {
        return;
    }
    let mut corpus = String::new();
    let dir = fixtures().join("corpus");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    names.sort();
    // A task table runs to the end of its document, so plans with tables go in once, last.
    let mut tables = String::new();
    for path in names
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
    {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if text.contains("序号") {
            tables.push_str(&text);
            continue;
        }
        corpus.push_str(&text);
        corpus.push('\n');
    }
    // The distribution list (抄送…) ends a document's body: leave it out of the copies, so that
    // every copy is parsed as body text.
    let body = reference
        .split("是否宜公开")
        .next()
        .unwrap_or(&reference)
        .to_owned();
    let target = 50 * 1024 * 1024;
    let mut large = String::with_capacity(target + reference.len() + corpus.len());
    while large.len() < target {
        large.push_str(&body);
        large.push('\n');
        large.push_str(&corpus);
        large.push('\n');
    }
    large.push_str(&tables);
    let mb = large.len() as f64 / (1024.0 * 1024.0);
    // Best of five: this machine is a shared VM whose steal time varies from run to run; the
    // median is printed too.
    let mut times = Vec::new();
    let (mut nodes, mut targets) = (0, 0);
    for _ in 0..5 {
        let t = Instant::now();
        let plan = black_box(duban_import::parse(black_box(&large)));
        times.push(t.elapsed());
        nodes = plan.nodes.len();
        targets = plan.targets.len();
    }
    let best = times.iter().min().copied().unwrap_or_default();
    let middle = median(times);
    println!(
        "large input ({mb:.1} MB, {nodes} nodes, {targets} targets): best of 5 {:.2} s, {:.1} MB/s (median {:.1} MB/s)",
        best.as_secs_f64(),
        mb / best.as_secs_f64(),
        mb / middle.as_secs_f64()
    );
}
