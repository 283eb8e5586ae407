//! The web crate's integration tests, one test binary (`cargo test -p duban-web --test web`),
//! all in process (`router.oneshot`). `common` builds a supervised world on SQLite and, for
//! `World::on_every_backend`, on PostgreSQL when `DUBAN_TEST_DATABASE_URL` is set (announced as
//! skipped otherwise; a failure with `DUBAN_REQUIRE_POSTGRES=1`).
//!
//! `authorization`: every route × role × owner; `curation_attack`: the office's curation, revisions
//! and publication attacked through the router; `cycle`: the supervision cycle through the API;
//! `forms`: bad input, tampered and replayed forms, lockout; `notify`: notices by SMTP and webhook,
//! two jobs at once; `numbers`: the reference plan graded by its own rules; `rollup`: roll-ups that
//! count the same tasks everywhere; `routes`: every page and API route over a real store; `see`:
//! dashboard, county pages, workbench, charts.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod authorization;
mod common;
mod curation_attack;
mod cycle;
mod forms;
mod notify;
mod numbers;
mod rollup;
mod routes;
mod see;
