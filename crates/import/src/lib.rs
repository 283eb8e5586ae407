//! Reads the text of a Chinese government plan (行动计划, 实施方案, 规划) into a [`Plan`]:
//! its chapters and tasks, the units responsible for each task and their roles, its
//! quantitative targets, its named projects, and diagnostics for whatever a person should check.
//!
//! The importer is pure and total: [`parse`] takes text and always returns a plan, never an
//! error and never a panic, whatever the input. What it cannot place it reports as a
//! [`duban_domain::Diagnostic`] with the source line and a message in Chinese.
//!
//! The pipeline, one module a step:
//! `source` (non-empty lines) → `front` (notice title, number, date; where the body lies) →
//! `table` (task tables split off) → `paragraph` (lines joined across page breaks) →
//! `outline` (the tree, by numbering style; responsibility blocks attached) → `registry`
//! (unit spellings merged) → `target` and `project` (read from each node's text) → `assemble`.
//!
//! Nothing here knows any particular document: no unit, place or plan name is built in.

mod assemble;
mod chars;
mod front;
mod goals;
mod heading;
mod measure;
mod outline;
mod paragraph;
mod parallel;
mod project;
mod registry;
mod responsibility;
mod source;
mod table;
mod target;
mod unit_name;

pub use duban_domain::Plan;

/// Parses a plan document's text. Never fails: problems become diagnostics.
pub fn parse(text: &str) -> Plan {
    assemble::plan(text)
}
