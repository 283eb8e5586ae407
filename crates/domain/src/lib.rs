//! Duban's domain model: the plan a government publishes, as duban supervises it.
//!
//! A [`Plan`] is a tree of [`Node`]s (chapters, sections, items, …) whose tasks carry
//! [`Assignment`]s of responsible [`Unit`]s, quantitative [`Target`]s and named [`Project`]s,
//! plus the [`Diagnostic`]s the importer raised while reading the document.
//!
//! This crate does no I/O and knows nothing of files, databases or HTTP. Its types serialise to
//! the `duban.plan/1` interchange format documented in `docs/plan-format.md`.

pub mod curation;
mod diagnostic;
mod node;
pub mod outline;
mod plan;
mod project;
mod registry;
pub mod revision;
pub mod supervision;
mod target;
mod unit;

pub use diagnostic::{Diagnostic, Severity};
pub use node::{Assignment, Contact, Node, NodeId, NodeKind, Person, Role, WorkPoint};
pub use plan::{FORMAT, Plan};
pub use project::{Project, ProjectId};
pub use registry::{REGISTRY_FORMAT, Registry, RegistryGroup, RegistryUnit};
pub use target::{Comparator, Target, TargetId, TargetKind};
pub use unit::{Unit, UnitKind};
