//! The domain's integration tests, one test binary (`cargo test -p duban-domain --test
//! domain`): `curation`, edits that never panic and keep a plan's structure; `names`, the enums'
//! names as `duban.plan/1` writes them; `revision`, the reference plan matched, diffed and
//! rekeyed against its revisions.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod curation;
mod names;
mod revision;
