//! What pages and the API show, computed from a plan: pure functions, no HTTP.

use duban_domain::{Node, Plan, Project, Role, Target, Unit};
use serde::Serialize;

/// A node as listed (tree rows, search hits, a unit's tasks).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NodeRow {
    /// Dotted id.
    pub key: String,
    /// Numbering as written.
    pub number: Option<String>,
    /// Title.
    pub title: String,
    /// Kind (`chapter`, …).
    pub kind: String,
    /// Depth in the tree (0 for chapters).
    pub depth: usize,
    /// Lead units.
    pub leads: Vec<String>,
}

impl NodeRow {
    /// The row of a node.
    pub fn of(node: &Node) -> Self {
        Self {
            key: node.id.0.clone(),
            number: node.number.clone(),
            title: node.title.clone(),
            kind: node.kind.as_str().to_owned(),
            depth: node.id.0.matches('.').count(),
            leads: node.leads().map(str::to_owned).collect(),
        }
    }
}

/// A target with the ids a page links to.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TargetRow {
    /// `t12`.
    pub key: String,
    /// Its node's dotted id.
    pub node: String,
    /// Indicator.
    pub indicator: String,
    /// `>= 85%` style summary.
    pub goal: String,
    /// Deadline year.
    pub year: Option<i32>,
}

impl TargetRow {
    /// The row of a target.
    pub fn of(t: &Target) -> Self {
        let value = match t.value_high {
            Some(h) => format!("{}—{}", t.value, h),
            None => t.value.to_string(),
        };
        let comparator = match t.comparator.symbol() {
            ">=" => "≥",
            "<=" => "≤",
            "approx" => "≈",
            "increase_by" => "+",
            "reduce_to" => "↓",
            "reduce_by" => "−",
            _ => "",
        };
        Self {
            key: t.id.0.clone(),
            node: t.node.0.clone(),
            indicator: t.indicator.clone(),
            goal: format!("{comparator} {value}{}", t.unit).trim().to_owned(),
            year: t.year,
        }
    }
}

/// A unit with how many tasks it leads and assists.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitRow {
    /// Canonical name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Other spellings.
    pub aliases: Vec<String>,
    /// Tasks it leads.
    pub leads: usize,
    /// Tasks it assists or carries out.
    pub assists: usize,
}

impl UnitRow {
    /// The row of a unit of `plan`.
    pub fn of(plan: &Plan, unit: &Unit) -> Self {
        let count = |lead: bool| {
            plan.nodes
                .iter()
                .filter(|n| {
                    n.responsible
                        .iter()
                        .any(|a| a.unit == unit.name && (a.role == Role::Lead) == lead)
                })
                .count()
        };
        Self {
            name: unit.name.clone(),
            kind: unit.kind.as_str().to_owned(),
            aliases: unit.aliases.clone(),
            leads: count(true),
            assists: count(false),
        }
    }
}

/// The whole tree in document order.
pub fn tree(plan: &Plan) -> Vec<NodeRow> {
    plan.nodes.iter().map(NodeRow::of).collect()
}

/// The top-level nodes.
pub fn chapters(plan: &Plan) -> Vec<NodeRow> {
    plan.children(None).map(NodeRow::of).collect()
}

/// The path from the top to a node (its ancestors, then itself).
pub fn breadcrumbs(plan: &Plan, node: &Node) -> Vec<NodeRow> {
    let mut out = vec![NodeRow::of(node)];
    let mut parent = node.parent.clone();
    while let Some(id) = parent {
        let Some(p) = plan.node(&id) else { break };
        out.push(NodeRow::of(p));
        parent = p.parent.clone();
    }
    out.reverse();
    out
}

/// Targets of a node.
pub fn node_targets(plan: &Plan, node: &Node) -> Vec<TargetRow> {
    plan.targets
        .iter()
        .filter(|t| t.node == node.id)
        .map(TargetRow::of)
        .collect()
}

/// Projects of a node.
pub fn node_projects<'a>(plan: &'a Plan, node: &Node) -> Vec<&'a Project> {
    plan.projects.iter().filter(|p| p.node == node.id).collect()
}

/// Tasks where a unit has the given role (lead, or any other).
pub fn unit_tasks(plan: &Plan, unit: &str, lead: bool) -> Vec<NodeRow> {
    plan.nodes
        .iter()
        .filter(|n| {
            n.responsible
                .iter()
                .any(|a| a.unit == unit && (a.role == Role::Lead) == lead)
        })
        .map(NodeRow::of)
        .collect()
}

/// Targets of the tasks a unit leads.
pub fn unit_targets(plan: &Plan, unit: &str) -> Vec<TargetRow> {
    plan.targets
        .iter()
        .filter(|t| {
            plan.node(&t.node)
                .is_some_and(|n| n.leads().any(|l| l == unit))
        })
        .map(TargetRow::of)
        .collect()
}

/// A project as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProjectRow {
    /// Name.
    pub name: String,
    /// Its node's dotted id.
    pub node: String,
    /// Source line.
    pub line: u32,
}

impl ProjectRow {
    /// The row of a project.
    pub fn of(p: &Project) -> Self {
        Self {
            name: p.name.clone(),
            node: p.node.0.clone(),
            line: p.line,
        }
    }
}

/// A unix time as a local date and time (`2026-11-30 14:05`) at the office's UTC offset.
pub fn local_time(seconds: i64, offset_hours: i64) -> String {
    let local = seconds.saturating_add(offset_hours.saturating_mul(3600));
    let date = duban_domain::supervision::Date::from_unix(seconds, offset_hours);
    let of_day = local.rem_euclid(86_400);
    format!("{date} {:02}:{:02}", of_day / 3600, of_day % 3600 / 60)
}
