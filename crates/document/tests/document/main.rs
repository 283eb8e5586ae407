//! The document reader's integration tests, one test binary (`cargo test -p duban-document
//! --test document`): `read`, Word documents as Word writes them, damaged archives, other
//! formats and arbitrary bytes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod read;
