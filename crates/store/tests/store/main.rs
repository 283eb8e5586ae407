//! The storage suite, one test binary (`cargo test -p duban-store --test store`). Every test
//! runs on a fresh SQLite file and, when `DUBAN_TEST_DATABASE_URL` is set, on a fresh
//! PostgreSQL database (`common::databases`; without the variable the PostgreSQL half is
//! announced as skipped, and `DUBAN_REQUIRE_POSTGRES=1` makes that a failure): `conformance`,
//! migrations, imports and errors; `accounts`, creation rules and lockout; `supervision`,
//! rounds, reports, reviews, notices and the audit chain; `revision`, a revised plan over
//! recorded data.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod accounts;
mod common;
mod conformance;
mod revision;
mod supervision;
