//! A plain-text outline of a plan for a person to read: the tree with units, targets and
//! projects under each node, then the units and the diagnostics.

use std::fmt::Write;

use crate::{Node, NodeId, Plan, Role, Severity, Target};

/// Renders the outline.
pub fn render(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        if plan.title.is_empty() {
            "（无标题）"
        } else {
            &plan.title
        }
    );
    let meta = [
        ("发文机关", plan.issuer.as_deref()),
        ("文号", plan.doc_number.as_deref()),
        ("成文日期", plan.issued_on.as_deref()),
    ];
    for (label, value) in meta {
        if let Some(v) = value {
            let _ = writeln!(out, "{label}：{v}");
        }
    }
    let tasks = plan.assigned_nodes().count();
    let _ = writeln!(
        out,
        "节点 {} 个，有责任单位的任务 {} 个，目标 {} 个，单位 {} 个，项目 {} 个，诊断 {} 条",
        plan.nodes.len(),
        tasks,
        plan.targets.len(),
        plan.units.len(),
        plan.projects.len(),
        plan.diagnostics.len()
    );
    out.push('\n');
    for node in &plan.nodes {
        render_node(&mut out, plan, node);
    }
    if !plan.units.is_empty() {
        out.push_str("\n单位\n");
        for u in &plan.units {
            let kind = serde_plain(&u.kind);
            let _ = write!(out, "  {}［{kind}］", u.name);
            if !u.aliases.is_empty() {
                let _ = write!(out, " 又作：{}", u.aliases.join("、"));
            }
            out.push('\n');
        }
    }
    if !plan.diagnostics.is_empty() {
        out.push_str("\n诊断\n");
        for d in &plan.diagnostics {
            let level = match d.severity {
                Severity::Info => "提示",
                Severity::Warning => "警告",
                Severity::Error => "错误",
            };
            let line = d
                .line
                .map_or_else(|| "全文".to_owned(), |l| format!("第{l}行"));
            let _ = writeln!(out, "  [{level}] {line}：{}", d.message);
        }
    }
    out
}

fn depth(id: &NodeId) -> usize {
    id.0.matches('.').count()
}

fn render_node(out: &mut String, plan: &Plan, node: &Node) {
    let indent = "  ".repeat(depth(&node.id));
    let number = node.number.as_deref().unwrap_or("¶");
    let _ = writeln!(out, "{indent}{number} {}  (L{})", node.title, node.line);
    let lead: Vec<&str> = node.units_with(Role::Lead).collect();
    let co: Vec<&str> = node.units_with(Role::Co).collect();
    let implementer: Vec<&str> = node.units_with(Role::Implementer).collect();
    for (label, list) in [("牵头", lead), ("配合", co), ("实施", implementer)] {
        if !list.is_empty() {
            let _ = writeln!(out, "{indent}    {label}：{}", list.join("、"));
        }
    }
    for t in plan.targets.iter().filter(|t| t.node == node.id) {
        let _ = writeln!(out, "{indent}    目标：{}", target_line(t));
    }
    for p in plan.projects.iter().filter(|p| p.node == node.id) {
        let _ = writeln!(out, "{indent}    项目：{}", p.name);
    }
    for w in &node.work_plan {
        let first = w.text.lines().next().unwrap_or_default();
        let _ = writeln!(out, "{indent}    {}：{first}", w.label);
    }
    if let Some(d) = &node.deadline {
        let _ = writeln!(out, "{indent}    完成时限：{d}");
    }
}

fn target_line(t: &Target) -> String {
    let value = match t.value_high {
        Some(high) => format!("{}—{}", t.value, high),
        None => t.value.to_string(),
    };
    let year = t.year.map_or_else(String::new, |y| format!(" ({y}年)"));
    format!(
        "{} {} {}{}{year}",
        t.indicator,
        t.comparator.symbol(),
        value,
        t.unit
    )
}

fn serde_plain(kind: &crate::UnitKind) -> &'static str {
    use crate::UnitKind::*;
    match kind {
        Department => "部门",
        CountyGovernment => "县区政府",
        Park => "园区",
        Enterprise => "企业",
        Group => "单位组",
        Other => "其他",
    }
}
