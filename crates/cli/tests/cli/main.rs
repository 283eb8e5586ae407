//! The `duban` binary's integration tests, one test binary (`cargo test -p duban --test cli`):
//! `command`, the binary run as a person runs it (outline, JSON, GBK, bad files, `serve` and
//! SIGTERM); `crash`, SIGKILL during concurrent submissions on SQLite and PostgreSQL.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod command;
mod crash;
