//! Puts the steps together and turns drafts into the plan's nodes, targets and projects.

use std::collections::HashMap;

use duban_domain::{
    Assignment, Diagnostic, Node, NodeId, Plan, Project, ProjectId, Severity, Target, TargetId,
};

use crate::outline::{self, Draft};
use crate::paragraph::{self, Para};
use crate::registry::Registry;
use crate::source::Line;
use crate::{front, goals, parallel, project, source, table, target};

/// Words in a heading that mark a look back, whose figures are not goals.
const RETROSPECTIVE_TITLES: &[&str] = &[
    "回顾",
    "成效",
    "成就",
    "现状",
    "形势",
    "发展基础",
    "基础条件",
    "进展情况",
];

pub(crate) fn plan(text: &str) -> Plan {
    let mut diagnostics = Vec::new();
    let lines = source::lines(text);
    let mut plan = Plan::new("");
    if lines.is_empty() {
        plan.diagnostics.push(Diagnostic::new(
            None,
            Severity::Error,
            "document_empty",
            "文件没有任何文字内容",
        ));
        return plan;
    }
    let front = front::read(&lines);
    plan.title = front.title.clone().unwrap_or_default();
    plan.issuer = front.issuer.clone();
    plan.doc_number = front.doc_number.clone();
    plan.issued_on = front.issued_on.clone();
    if front.title.is_none() {
        diagnostics.push(Diagnostic::new(
            None,
            Severity::Warning,
            "title_missing",
            "未识别到计划标题",
        ));
    }
    let issued_year: Option<i32> = plan
        .issued_on
        .as_deref()
        .and_then(|d| d.get(..4))
        .and_then(|y| y.parse().ok());
    let body = lines.get(front.body.clone()).unwrap_or_default();
    let (prose, tables) = table::split(body);
    // Parts that start at a top-level heading are independent: paragraphs and drafts are built
    // for each in parallel and then put together, indices shifted.
    let parts = parallel::map_min(&split_at_top_headings(&prose), 1, |lines| {
        let paras = paragraph::assemble(lines);
        let mut diags = Vec::new();
        let mut drafts = outline::build(&paras, &mut diags);
        outline::settle_responsibility(&mut drafts, &paras);
        check_unknown_headings(&paras, &mut diags);
        let mut context = Context::default();
        context.read(&drafts, &paras, issued_year);
        (paras, drafts, diags, context)
    });
    let mut paras: Vec<Para> = Vec::new();
    let mut drafts: Vec<Draft> = Vec::new();
    let mut context = Context::default();
    for (part_paras, part_drafts, part_diags, part_context) in parts {
        let (para_offset, draft_offset) = (paras.len(), drafts.len());
        drafts.extend(part_drafts.into_iter().map(|mut d| {
            d.shift(para_offset, draft_offset);
            d
        }));
        paras.extend(part_paras);
        diagnostics.extend(part_diags);
        context.extend(part_context);
    }
    outline::check_numbering(&drafts, &mut diagnostics);
    let base = paras.len();
    table::attach(tables, &mut drafts, &mut paras, base, &mut diagnostics);
    // Table rows are read with the years of the chapters they were put under.
    context.read(&drafts, &paras, issued_year);
    if !drafts.iter().any(|d| d.number.is_some()) {
        diagnostics.push(Diagnostic::new(
            None,
            Severity::Warning,
            "no_structure",
            "未识别到任何章节标题（如“一、”“（一）”“1.”），全文按段落读入",
        ));
    }

    let mut registry = Registry::default();
    for d in &drafts {
        if let Some(b) = &d.responsible {
            for (u, _) in &b.units {
                registry.add(u, b.line);
            }
        }
    }
    let (units, canonical) = registry.resolve(&mut diagnostics);
    plan.units = units;

    let order = tree_order(&drafts);
    let mut ids: Vec<Option<NodeId>> = vec![None; drafts.len()];
    for (i, id) in &order {
        if let Some(slot) = ids.get_mut(*i) {
            *slot = Some(id.clone());
        }
    }
    let mut seen_projects: std::collections::HashSet<(String, usize)> = Default::default();
    for (idx, _) in &order {
        let Some(Some(id)) = ids.get(*idx) else {
            continue;
        };
        let Some((goals, projects, unread)) = context.found.get_mut(*idx).map(std::mem::take)
        else {
            continue;
        };
        diagnostics.extend(unread);
        for g in goals {
            plan.targets.push(Target {
                id: TargetId(format!("t{}", plan.targets.len() + 1)),
                node: id.clone(),
                indicator: g.indicator,
                value: g.value,
                value_high: g.value_high,
                unit: g.unit,
                comparator: g.comparator,
                year: g.year,
                text: g.text,
                line: g.line,
                kind: g.kind,
                approx: g.approx,
                per_county: g.per_county,
                vision: g.vision,
                ..Default::default()
            });
        }
        for (name, line) in projects {
            if seen_projects.insert((name.clone(), *idx)) {
                plan.projects.push(Project {
                    id: ProjectId(format!("p{}", plan.projects.len() + 1)),
                    name,
                    node: id.clone(),
                    line,
                });
            }
        }
    }
    plan.nodes = parallel::map(&order, |(idx, id)| {
        drafts
            .get(*idx)
            .map(|d| node(d, id, &ids, &paras, &canonical))
    })
    .into_iter()
    .flatten()
    .collect();
    goals::settle(&mut plan, &mut diagnostics);
    diagnostics.sort_by_key(|d| d.line.unwrap_or(0));
    plan.diagnostics = diagnostics;
    // Freeing a large document's working structures takes a while; it need not hold up the plan.
    drop((prose, lines));
    let scratch = (paras, drafts, context);
    if scratch.1.len() > 20_000 {
        std::thread::spawn(move || drop(scratch));
    }
    plan
}

/// A node's goals, its projects with their lines, and what could not be read.
type Reading = (Vec<target::Found>, Vec<(String, u32)>, Vec<Diagnostic>);

/// What each draft inherits and what was read from it, indexed like the drafts.
#[derive(Default)]
struct Context {
    /// The year a draft's children start from.
    inherited: Vec<Option<i32>>,
    /// Whether the draft or an ancestor looks back (`…回顾`).
    retrospective: Vec<bool>,
    /// Whether the draft or an ancestor is the plan's vision (`远景展望`).
    vision: Vec<bool>,
    /// Goals and projects (with lines) read from each draft.
    found: Vec<Reading>,
}

impl Context {
    /// Reads the drafts not read yet, parents before children (drafts are made in that order).
    fn read(&mut self, drafts: &[Draft], paras: &[Para], issued_year: Option<i32>) {
        for d in drafts.iter().skip(self.found.len()) {
            let parent_year = d
                .parent
                .and_then(|p| self.inherited.get(p).copied())
                .flatten();
            let parent_retro = d.parent.and_then(|p| self.retrospective.get(p).copied());
            let retro = parent_retro.unwrap_or(false)
                || RETROSPECTIVE_TITLES.iter().any(|w| d.title.contains(w));
            let leading = d
                .segments
                .iter()
                .find(|s| s.start < s.end)
                .and_then(|s| paras.get(s.para).and_then(|p| leading_year(p, s.start)));
            let vision = d
                .parent
                .and_then(|p| self.vision.get(p).copied())
                .unwrap_or(false)
                || VISION_WORDS.iter().any(|w| d.title.contains(w));
            self.inherited.push(leading.or(parent_year));
            self.retrospective.push(retro);
            self.vision.push(vision);
            let start = Start {
                year: parent_year,
                retro,
                vision,
            };
            self.found.push(read_node(d, paras, start, issued_year));
        }
    }

    /// Appends the context of the next part of the document.
    fn extend(&mut self, other: Context) {
        self.inherited.extend(other.inherited);
        self.retrospective.extend(other.retrospective);
        self.vision.extend(other.vision);
        self.found.extend(other.found);
    }
}

/// Words of a heading or paragraph opening that mark the plan's vision (远景 / 展望).
const VISION_WORDS: &[&str] = &["远景", "展望"];

/// A long-range paragraph comes at least this many years after the operative goals' year
/// (`至2030年…` then `到2035年…`).
const VISION_GAP: i32 = 5;

/// What a node's reading starts from.
struct Start {
    /// The year in force from its ancestors.
    year: Option<i32>,
    /// It looks back.
    retro: bool,
    /// It belongs to the vision.
    vision: bool,
}

/// A node's goals and named projects (with their lines), reading its segments in order with
/// the year in force carried from one to the next. A paragraph that opens with a vision word or
/// with a year at least [`VISION_GAP`] after the operative year (the first opening year in the
/// node or above) starts the vision: its goals, and those of the paragraphs after it, are
/// vision targets.
fn read_node(d: &Draft, paras: &[Para], start: Start, issued_year: Option<i32>) -> Reading {
    let Start {
        year: start_year,
        retro,
        vision: node_vision,
    } = start;
    let mut goals = Vec::new();
    let mut projects = Vec::new();
    let mut unread = Vec::new();
    let mut year = start_year;
    let mut operative = start_year;
    let mut vision = node_vision;
    for seg in &d.segments {
        let Some(para) = paras.get(seg.para) else {
            continue;
        };
        let (lead, word) = vision_lead(para, seg.start);
        if word {
            vision = true;
        } else if let Some(y) = lead {
            if operative.is_some_and(|o| y >= o + VISION_GAP) {
                vision = true;
            } else {
                vision = node_vision;
                operative.get_or_insert(y);
            }
        }
        let mut seg_year = seg.year.or(year);
        let found = target::scan(para, seg.start, seg.end, &mut seg_year, issued_year);
        if seg.year.is_none() {
            year = seg_year;
        }
        if retro {
            continue;
        }
        goals.extend(found.into_iter().map(|mut g| {
            g.vision = vision;
            g
        }));
        unread.extend(
            target::unreadable(para, seg.start, seg.end)
                .into_iter()
                .map(|(line, text)| {
                    Diagnostic::new(
                        Some(line),
                        Severity::Warning,
                        "number_unreadable",
                        format!("“{text}”中的数值用汉字书写，未能读作目标，请人工录入"),
                    )
                }),
        );
        projects.extend(
            project::scan(para, seg.start, seg.end)
                .into_iter()
                .map(|m| (m.name, para.line_at(m.offset))),
        );
    }
    (goals, projects, unread)
}

/// Splits lines into parts that each start at a heading of the document's top-level style, in
/// about as many parts as there is parallel work to share (one part for ordinary documents).
fn split_at_top_headings<'a, 'b>(lines: &'b [Line<'a>]) -> Vec<&'b [Line<'a>]> {
    const PART_BYTES: usize = 2 * 1024 * 1024;
    let total: usize = lines.iter().map(|l| l.text.len()).sum();
    if total < 2 * PART_BYTES {
        return vec![lines];
    }
    let style_of = |l: &Line<'_>| {
        let chars: Vec<char> = l.text.chars().take(12).collect();
        let folded: Vec<char> = chars.iter().map(|c| crate::chars::fold(*c)).collect();
        crate::heading::marker(&folded, &chars).map(|m| m.style)
    };
    let Some(top) = lines.iter().find_map(style_of) else {
        return vec![lines];
    };
    let mut parts = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, line) in lines.iter().enumerate() {
        if size >= PART_BYTES && i > start && style_of(line) == Some(top) {
            parts.extend(lines.get(start..i));
            start = i;
            size = 0;
        }
        size += line.text.len();
    }
    parts.extend(lines.get(start..));
    parts
}

/// The year a text opens with (`至 2030 年，…`), which then holds for the children below.
fn leading_year(para: &Para, start: usize) -> Option<i32> {
    let f = para.folded.get(start..)?;
    let head: String = f.iter().take(12).filter(|c| !c.is_whitespace()).collect();
    let digits_at = head.find(|c: char| c.is_ascii_digit())?;
    let before = head.get(..digits_at)?;
    if !["", "至", "到", "在", "于", "力争到", "力争至"].contains(&before) {
        return None;
    }
    let year: i32 = head.get(digits_at..digits_at + 4)?.parse().ok()?;
    (head.get(digits_at + 4..)?.starts_with('年')).then_some(year)
}

/// The year a paragraph opens with, and whether it opens with a vision word (`展望2035年`).
fn vision_lead(para: &Para, start: usize) -> (Option<i32>, bool) {
    let head: String = para
        .folded
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take(6)
        .filter(|c| !c.is_whitespace())
        .collect();
    let word = VISION_WORDS.iter().any(|w| head.starts_with(w));
    (leading_year(para, start), word)
}

/// Document order with dotted ids: children sorted by their position in the source.
fn tree_order(drafts: &[Draft]) -> Vec<(usize, NodeId)> {
    // children[0]: top level; children[p + 1]: the children of draft p.
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); drafts.len() + 1];
    for (i, d) in drafts.iter().enumerate() {
        if let Some(list) = children.get_mut(d.parent.map_or(0, |p| p + 1)) {
            list.push(i);
        }
    }
    for list in &mut children {
        list.sort_by_key(|i| drafts.get(*i).map_or(0, |d| d.order));
    }
    let mut out = Vec::with_capacity(drafts.len());
    let mut stack: Vec<(usize, String)> = Vec::new();
    let push_children = |stack: &mut Vec<(usize, String)>, parent: Option<usize>, prefix: &str| {
        if let Some(list) = children.get(parent.map_or(0, |p| p + 1)) {
            for (n, i) in list.iter().enumerate().rev() {
                let id = if prefix.is_empty() {
                    format!("{}", n + 1)
                } else {
                    format!("{prefix}.{}", n + 1)
                };
                stack.push((*i, id));
            }
        }
    };
    push_children(&mut stack, None, "");
    while let Some((i, id)) = stack.pop() {
        push_children(&mut stack, Some(i), &id);
        out.push((i, NodeId(id)));
    }
    out
}

fn node(
    d: &Draft,
    id: &NodeId,
    ids: &[Option<NodeId>],
    paras: &[Para],
    canonical: &HashMap<String, String>,
) -> Node {
    let mut text = String::new();
    for s in &d.segments {
        let Some(p) = paras.get(s.para) else { continue };
        let part = p.slice(s.start, s.end);
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(part);
    }
    let mut responsible: Vec<Assignment> = Vec::new();
    if let Some(b) = &d.responsible {
        for (u, role) in &b.units {
            let unit = canonical.get(u).cloned().unwrap_or_else(|| u.clone());
            if !responsible.iter().any(|a| a.unit == unit) {
                responsible.push(Assignment { unit, role: *role });
            }
        }
    }
    Node {
        id: id.clone(),
        parent: d.parent.and_then(|p| ids.get(p).cloned().flatten()),
        kind: d.kind,
        number: d.number.clone(),
        title: d.title.clone(),
        text,
        line: d.line,
        responsible,
        responsible_raw: d.responsible.as_ref().map(|b| b.raw.clone()),
        deadline: d.deadline.clone(),
        work_plan: d.work_plan.clone(),
        supervised: true,
        people: vec![],
        internal: false,
    }
}

/// Short lines that look numbered but in no style duban knows (`A.`, `一）`, `(a)`).
fn check_unknown_headings(paras: &[Para], diagnostics: &mut Vec<Diagnostic>) {
    for p in paras {
        let f = &p.folded;
        if f.len() > 60 || f.contains(&'。') || p.marker().is_some() {
            continue;
        }
        let lead = f
            .iter()
            .take_while(|c| c.is_ascii_alphabetic() || crate::chars::is_cn_digit(**c))
            .count();
        let sep = f.get(lead).copied();
        let opened = f.first() == Some(&'（') && f.get(1).is_some_and(char::is_ascii_alphabetic);
        if (lead > 0
            && lead <= 3
            && matches!(sep, Some('）' | '.' | '、'))
            && f.get(lead + 1).is_some())
            || opened
        {
            diagnostics.push(Diagnostic::new(
                Some(p.line()),
                Severity::Warning,
                "unknown_heading",
                format!(
                    "“{}”像是标题，但编号样式无法识别，已按正文读入",
                    p.slice(0, 20)
                ),
            ));
        }
    }
}
