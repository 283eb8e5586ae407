//! The plan's tree: headings by numbering style, body paragraphs, lead-phrase paragraphs, and
//! the responsibility block each task carries.

use std::collections::HashMap;

use duban_domain::{Diagnostic, NodeKind, Severity, WorkPoint};

use crate::chars::tidy_spaces;
use crate::heading::Style;
use crate::paragraph::Para;
use crate::responsibility::{self, Block};

/// A stretch of one paragraph that belongs to a node.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    /// Index into the paragraph arena.
    pub para: usize,
    /// Char offset where the node's text starts (after marker and title).
    pub start: usize,
    /// Char offset where the text ends (before a responsibility block).
    pub end: usize,
    /// The responsibility block that ends this paragraph, if any.
    pub block: Option<Block>,
    /// A deadline year the context gives (a task table's year column).
    pub year: Option<i32>,
}

/// A node under construction.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub kind: NodeKind,
    pub number: Option<String>,
    pub title: String,
    pub parent: Option<usize>,
    pub line: u32,
    /// Position in document order (paragraph index, or past the end for table rows).
    pub order: usize,
    pub segments: Vec<Segment>,
    /// A dash item or lead-phrase paragraph: later plain paragraphs go to its parent.
    pub sealed: bool,
    pub responsible: Option<Block>,
    pub deadline: Option<String>,
    pub work_plan: Vec<WorkPoint>,
    /// The heading's numbering style and value, for the numbering check.
    pub marker: Option<(Style, u32)>,
}

impl Draft {
    pub fn new(
        kind: NodeKind,
        title: String,
        parent: Option<usize>,
        line: u32,
        order: usize,
    ) -> Self {
        Self {
            kind,
            number: None,
            title,
            parent,
            line,
            order,
            segments: Vec::new(),
            sealed: false,
            responsible: None,
            deadline: None,
            work_plan: Vec::new(),
            marker: None,
        }
    }

    /// Moves the draft's paragraph, parent and order indices by the given offsets (when drafts
    /// built from separate parts of a document are put together).
    pub fn shift(&mut self, paras: usize, drafts: usize) {
        self.parent = self.parent.map(|p| p + drafts);
        self.order += paras;
        for s in &mut self.segments {
            s.para += paras;
        }
    }
}

/// Builds drafts from the body's paragraphs (already in `paras`).
pub(crate) fn build(paras: &[Para], diagnostics: &mut Vec<Diagnostic>) -> Vec<Draft> {
    // Finding each paragraph's block is independent of the rest: done in parallel up front.
    let blocks = crate::parallel::map(paras, responsibility::trailing);
    let mut drafts: Vec<Draft> = Vec::new();
    let mut stack: Vec<(Style, usize)> = Vec::new();
    let mut last_segment: Option<(usize, usize)> = None;
    for ((pi, para), found) in paras.iter().enumerate().zip(blocks) {
        let block_start = found.as_ref().map_or(para.len(), |(at, _)| *at);
        let block = found.map(|(_, b)| b);
        if let Some(b) = &block
            && b.unclosed
        {
            diagnostics.push(Diagnostic::new(
                Some(b.line),
                Severity::Warning,
                "responsibility_unclosed",
                "责任单位段落缺少右括号，已读到段落末尾，请核对",
            ));
        }
        if block_start == 0 {
            let Some(block) = block else { continue };
            attach_standalone(&mut drafts, last_segment, block, diagnostics);
            continue;
        }
        if let Some(m) = para.marker() {
            if let Some(p) = stack.iter().position(|(s, _)| *s == m.style) {
                stack.truncate(p);
            }
            let parent = stack.last().map(|(_, i)| *i);
            let parent_kind = parent.and_then(|i| drafts.get(i)).map(|d| d.kind);
            let kind = kind_of(m.style, parent_kind);
            let (title, body) = title_of(para, m.content_start, block_start);
            let mut draft = Draft::new(kind, title, parent, para.line(), pi);
            draft.number = Some(m.written.clone());
            draft.marker = m.value.map(|v| (m.style, v));
            draft.sealed = m.style == Style::Dash;
            draft.segments.push(Segment {
                para: pi,
                start: body,
                end: block_start,
                block,
                year: None,
            });
            drafts.push(draft);
            let idx = drafts.len() - 1;
            stack.push((m.style, idx));
            last_segment = Some((idx, 0));
            continue;
        }
        let current = stack
            .iter()
            .rev()
            .map(|(_, i)| *i)
            .find(|i| drafts.get(*i).is_some_and(|d| !d.sealed));
        let segment = |start, block| Segment {
            para: pi,
            start,
            end: block_start,
            block,
            year: None,
        };
        let mut lead = lead_phrase(para, block_start);
        if lead.is_some()
            && current.is_some_and(|c| awaits_body(&drafts, c))
            && !series_follows(paras, pi)
        {
            // A heading's only paragraph is its body, even when it opens with a short sentence.
            lead = None;
        }
        match (current, lead) {
            (Some(parent), None) => {
                let Some(d) = drafts.get_mut(parent) else {
                    continue;
                };
                d.segments.push(segment(0, block));
                last_segment = Some((parent, d.segments.len() - 1));
            }
            (parent, lead) => {
                let (title, start) = match lead {
                    Some((title, body)) => (title, body),
                    None => (derived_title(para, 0, block_start), 0),
                };
                let mut draft = Draft::new(NodeKind::Paragraph, title, parent, para.line(), pi);
                draft.sealed = true;
                draft.segments.push(segment(start, block));
                drafts.push(draft);
                last_segment = Some((drafts.len() - 1, 0));
            }
        }
    }
    drafts
}

/// A heading whose line has no body and that has no paragraph or child yet (it is the last
/// draft made, so nothing can hang below it).
fn awaits_body(drafts: &[Draft], idx: usize) -> bool {
    let Some(d) = drafts.get(idx) else {
        return false;
    };
    d.number.is_some()
        && d.segments.len() == 1
        && d.segments.iter().all(|s| s.start >= s.end)
        && idx + 1 == drafts.len()
}

/// Whether the next paragraph (past a block paragraph) opens with a lead phrase too: a series of
/// topics (`新能源产业。…` `新材料产业。…`) rather than one heading's body.
fn series_follows(paras: &[Para], pi: usize) -> bool {
    paras
        .iter()
        .skip(pi + 1)
        .find(|p| responsibility::trailing(p).is_none_or(|(at, _)| at > 0))
        .is_some_and(|p| {
            let end = responsibility::trailing(p).map_or(p.len(), |(at, _)| at);
            p.marker().is_none() && lead_phrase(p, end).is_some()
        })
}

/// A `（责任单位：…）` paragraph of its own belongs to the paragraph just before it.
fn attach_standalone(
    drafts: &mut [Draft],
    last: Option<(usize, usize)>,
    block: Block,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let slot = last.and_then(|(d, s)| drafts.get_mut(d)?.segments.get_mut(s));
    match slot {
        Some(seg) if seg.block.is_none() => seg.block = Some(block),
        _ => diagnostics.push(Diagnostic::new(
            Some(block.line),
            Severity::Warning,
            "responsibility_unplaced",
            format!("责任单位“{}”前没有可归属的任务，未能挂接", block.raw),
        )),
    }
}

/// Last number seen per (parent, style) and per style across the document.
#[derive(Default)]
struct Numbering {
    siblings: HashMap<(Option<usize>, Style), u32>,
    global: HashMap<Style, u32>,
}

impl Numbering {
    /// Numbering that skips (（三） after （一）) may mean a heading was not recognised.
    /// Numbering that continues across chapters (27. after 26. in the chapter before) is fine.
    fn check(&mut self, parent: Option<usize>, draft: &Draft, diagnostics: &mut Vec<Diagnostic>) {
        let Some((style, value)) = draft.marker else {
            return;
        };
        let follows = |last: Option<&u32>| last.is_some_and(|l| l + 1 == value);
        let ok = value == 1
            || follows(self.siblings.get(&(parent, style)))
            || follows(self.global.get(&style));
        if !ok {
            diagnostics.push(Diagnostic::new(
                Some(draft.line),
                Severity::Info,
                "numbering_gap",
                format!(
                    "编号“{}”与前一同级编号不连续，请检查是否有未识别的标题",
                    draft.number.as_deref().unwrap_or_default()
                ),
            ));
        }
        self.siblings.insert((parent, style), value);
        self.global.insert(style, value);
    }
}

/// Reports numbering gaps over the headings of the whole document, in order.
pub(crate) fn check_numbering(drafts: &[Draft], diagnostics: &mut Vec<Diagnostic>) {
    let mut numbering = Numbering::default();
    for d in drafts {
        numbering.check(d.parent, d, diagnostics);
    }
}

/// The kind of a heading: by its own word (第一章) or one level below its parent.
fn kind_of(style: Style, parent: Option<NodeKind>) -> NodeKind {
    match style {
        Style::Part => NodeKind::Part,
        Style::ChapterWord => NodeKind::Chapter,
        Style::SectionWord => NodeKind::Section,
        _ => match parent {
            None | Some(NodeKind::Part) => NodeKind::Chapter,
            Some(NodeKind::Chapter) => NodeKind::Section,
            Some(NodeKind::Section) => NodeKind::Item,
            Some(_) => NodeKind::Subitem,
        },
    }
}

/// A heading's title and where its body starts: the lead sentence if short, the whole line if
/// it is a heading without a sentence, else its opening clause (and the body is everything).
pub(crate) fn title_of(para: &Para, start: usize, end: usize) -> (String, usize) {
    let f = para.folded.get(start..end).unwrap_or_default();
    if let Some(k) = f.iter().position(|c| *c == '。') {
        let lead = f.get(..k).unwrap_or_default();
        if k <= 40 && !lead.iter().any(|c| matches!(c, '，' | '；')) {
            return (tidy_spaces(&para.slice(start, start + k)), start + k + 1);
        }
    } else if !f.contains(&'；') && f.len() <= 60 {
        let title = tidy_spaces(&para.slice(start, end));
        return (title.trim_end_matches(['：', '。']).to_owned(), end);
    }
    (derived_title(para, start, end), start)
}

/// A paragraph that opens with a short lead phrase ending in `。` and goes on after it.
fn lead_phrase(para: &Para, end: usize) -> Option<(String, usize)> {
    let f = para.folded.get(..end)?;
    let k = f.iter().take(32).position(|c| *c == '。')?;
    let lead = f.get(..k)?;
    let plain = !lead
        .iter()
        .any(|c| matches!(c, '，' | '；' | '：' | '、') || c.is_ascii_digit());
    (k >= 2 && plain && k + 1 < f.len()).then(|| (tidy_spaces(&para.slice(0, k)), k + 1))
}

/// A title for a paragraph without one: its opening clause, shortened.
fn derived_title(para: &Para, start: usize, end: usize) -> String {
    const MAX: usize = 30;
    let f = para.folded.get(start..end).unwrap_or_default();
    let stop = f
        .iter()
        .position(|c| matches!(c, '，' | ',' | '。' | '；' | '：'))
        .unwrap_or(f.len());
    let clause = tidy_spaces(&para.slice(start, start + stop.min(MAX)));
    if stop > MAX {
        format!("{clause}…")
    } else {
        clause
    }
}

/// Gives each draft its responsibility. A node whose paragraphs carry several blocks holds
/// several tasks: each block with the paragraphs before it becomes a paragraph node of its own
/// (the heading's own block, if its line has one, stays with the heading).
pub(crate) fn settle_responsibility(drafts: &mut Vec<Draft>, paras: &[Para]) {
    let count = drafts.len();
    for idx in 0..count {
        let Some(draft) = drafts.get_mut(idx) else {
            continue;
        };
        let blocks = draft.segments.iter().filter(|s| s.block.is_some()).count();
        if blocks <= 1 {
            draft.responsible = draft.segments.iter().find_map(|s| s.block.clone());
            continue;
        }
        let heading_has_body = draft.number.is_some()
            && draft
                .segments
                .first()
                .is_some_and(|s| s.start < s.end && s.block.is_some());
        let segments = std::mem::take(&mut draft.segments);
        let mut keep: Vec<Segment> = Vec::new();
        let mut chunk: Vec<Segment> = Vec::new();
        let mut new_drafts: Vec<Draft> = Vec::new();
        for (i, seg) in segments.into_iter().enumerate() {
            let has_block = seg.block.is_some();
            chunk.push(seg);
            if !has_block {
                continue;
            }
            if i == 0 && heading_has_body {
                keep.append(&mut chunk);
                continue;
            }
            let first = chunk.iter().find(|s| s.start < s.end);
            let Some(first) = first.or(chunk.first()) else {
                continue;
            };
            let Some(para) = paras.get(first.para) else {
                continue;
            };
            let mut child = Draft::new(
                NodeKind::Paragraph,
                derived_title(para, first.start, first.end),
                Some(idx),
                para.line_at(first.start),
                first.para,
            );
            if let Some((title, start)) = lead_phrase(para, first.end)
                && first.start == 0
            {
                child.title = title;
                if let Some(s) = chunk.first_mut() {
                    s.start = start;
                }
            }
            child.sealed = true;
            child.responsible = chunk.iter().rev().find_map(|s| s.block.clone());
            // The heading line itself (title only) stays with its node.
            if chunk
                .first()
                .is_some_and(|s| s.start >= s.end && s.block.is_none())
            {
                keep.push(chunk.remove(0));
            }
            child.segments = std::mem::take(&mut chunk);
            new_drafts.push(child);
        }
        keep.append(&mut chunk);
        if let Some(draft) = drafts.get_mut(idx) {
            draft.responsible = keep.iter().find_map(|s| s.block.clone());
            draft.segments = keep;
        }
        drafts.extend(new_drafts);
    }
}
