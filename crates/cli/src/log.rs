//! Logging: `tracing` events from the library crates (a request's lines carry its id) go to
//! standard error, one line each. `DUBAN_LOG`, else `RUST_LOG`, chooses what is shown with
//! `tracing-subscriber`'s filter directives (`duban_web=debug,sqlx=info`); by default `info`
//! for duban's crates and `warn` for the others. Results and one-line errors the commands print
//! for people are not logging and stay as they are.

use tracing_subscriber::EnvFilter;

/// What is shown when neither variable is set.
const DEFAULT: &str = "warn,duban=info,duban_web=info,duban_store=info,duban_domain=info,\
                       duban_import=info,duban_document=info";

/// Installs the subscriber; a filter that does not parse is reported and the default used.
pub fn init() {
    let chosen = ["DUBAN_LOG", "RUST_LOG"].iter().find_map(|v| {
        std::env::var(v)
            .ok()
            .filter(|s| !s.trim().is_empty())
            .map(|s| (*v, s))
    });
    let filter = match chosen {
        Some((var, directives)) => EnvFilter::try_new(&directives).unwrap_or_else(|e| {
            eprintln!("duban: {var}={directives}: {e}");
            default_filter()
        }),
        None => default_filter(),
    };
    // `try_init`: a second call (tests running `main` twice) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn default_filter() -> EnvFilter {
    EnvFilter::new(DEFAULT)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_filter_parses() {
        assert!(tracing_subscriber::EnvFilter::try_new(super::DEFAULT).is_ok());
    }
}
