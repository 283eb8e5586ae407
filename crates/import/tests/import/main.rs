//! The importer's integration tests, one test binary (`cargo test -p duban-import --test
//! import`): `reference_plan`, the reference plan checked against the document; `corpus`, other
//! real plans with reviewed insta snapshots (`snapshots/`); `robustness`, any text returns a
//! plan (proptest); `common`, fixture paths and plan look-ups.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod corpus;
mod reference_plan;
mod robustness;
