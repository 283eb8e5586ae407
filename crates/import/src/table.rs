//! Task tables (任务分解表, 重点任务清单, 任务清单) flattened one cell per line, as text
//! extraction and `.docx` reading give them: columns from the header, rows from the serial
//! numbers, merged cells inherited from the row above.

use duban_domain::{Diagnostic, NodeKind, Role, Severity, WorkPoint};

use crate::chars::{fold_str, squeeze, tidy_spaces};
use crate::heading;
use crate::outline::{Draft, Segment};
use crate::paragraph::Para;
use crate::responsibility::Block;
use crate::source::Line;
use crate::unit_name::{is_unit_like, split_units};

/// Endings of a table's title line.
const TITLE_ENDS: &[&str] = &[
    "任务分解表",
    "任务清单",
    "责任分工表",
    "分工表",
    "重点任务表",
    "任务表",
    "工作台账",
    "项目清单",
    "责任清单",
];

/// What a column holds.
#[derive(Debug, Clone, PartialEq)]
enum Column {
    Serial,
    Content,
    Lead,
    Co,
    Responsible,
    Implementer,
    Deadline,
    Year(i32, String),
    Text(String),
}

/// A table found in the body.
#[derive(Debug)]
pub(crate) struct Table<'a> {
    title: String,
    line: u32,
    columns: Vec<Column>,
    /// Cells after the header, in order.
    cells: Vec<Line<'a>>,
}

/// Splits table regions off the body lines: a title line or a `序号` header starts a table,
/// which runs to the end of the body or the next table.
pub(crate) fn split<'a>(lines: &[Line<'a>]) -> (Vec<Line<'a>>, Vec<Table<'a>>) {
    let mut prose = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        if let Some((table, used)) = table_at(lines, i) {
            tables.push(table);
            i += used;
            continue;
        }
        match tables.last_mut() {
            Some(t) => t.cells.push(line.clone()),
            None => prose.push(line.clone()),
        }
        i += 1;
    }
    (prose, tables)
}

/// A table starting at line `i`: returns it (without cells) and the lines its title and header
/// took.
fn table_at<'a>(lines: &[Line<'a>], i: usize) -> Option<(Table<'a>, usize)> {
    let first = lines.get(i)?;
    if first.text.len() > 160 {
        return None;
    }
    let t = first.text.trim_end();
    let titled =
        TITLE_ENDS.iter().any(|e| t.ends_with(e)) && t.chars().count() <= 40 && !t.contains('。');
    let header_from = if titled { i + 1 } else { i };
    let mut columns = Vec::new();
    let mut j = header_from;
    while let Some(c) = lines.get(j).and_then(|l| column(&l.text)) {
        columns.push(c);
        j += 1;
    }
    let usable = columns.first() == Some(&Column::Serial)
        && columns.len() >= 3
        && columns
            .iter()
            .any(|c| matches!(c, Column::Lead | Column::Responsible | Column::Implementer));
    if !usable {
        return None;
    }
    let title = if titled {
        tidy_spaces(&first.text)
    } else {
        "任务表".to_owned()
    };
    Some((
        Table {
            title,
            line: first.no,
            columns,
            cells: Vec::new(),
        },
        j - i,
    ))
}

/// A header cell's column, if the text is a header.
fn column(text: &str) -> Option<Column> {
    if text.len() > 64 {
        return None;
    }
    let t = squeeze(&fold_str(text));
    if t.chars().count() > 14 {
        return None;
    }
    let c = match t.as_str() {
        "序号" | "编号" => Column::Serial,
        "内容" | "任务" | "重点任务" | "工作任务" | "任务内容" | "主要任务" | "具体任务"
        | "工作内容" | "任务名称" | "项目名称" | "工作措施" | "主要内容" => {
            Column::Content
        }
        "牵头部门" | "牵头单位" | "主责单位" | "牵头" => Column::Lead,
        "配合部门" | "配合单位" | "参与单位" | "协办单位" | "配合" => Column::Co,
        "责任单位" | "责任部门" | "责任主体" => Column::Responsible,
        "实施主体" | "实施单位" => Column::Implementer,
        "完成时限" | "完成时间" | "时间节点" | "时限" | "完成期限" => {
            Column::Deadline
        }
        "备注" => Column::Text(t.clone()),
        _ => {
            let year = t.get(..4).and_then(|y| y.parse::<i32>().ok());
            match year {
                Some(y) if t.get(4..).is_some_and(|r| r.starts_with('年')) => {
                    Column::Year(y, t.clone())
                }
                _ if t.ends_with("目标") || t.ends_with("进度") || t.ends_with("计划") => {
                    Column::Text(t.clone())
                }
                _ => return None,
            }
        }
    };
    Some(c)
}

/// A cell that stands for a unit list (`综合规划处`, `委内各相关处室`, `—`).
fn is_unit_cell(text: &str) -> bool {
    let t = squeeze(&fold_str(text));
    if is_none_mark(&t) {
        return true;
    }
    let units = split_units(&t);
    !units.is_empty() && t.chars().count() <= 60 && units.iter().all(|u| is_unit_like(u))
}

fn is_none_mark(t: &str) -> bool {
    matches!(t, "—" | "-" | "——" | "/" | "无" | "－")
}

fn is_serial(text: &str) -> bool {
    let t = squeeze(text);
    !t.is_empty() && t.len() <= 3 && t.chars().all(|c| c.is_ascii_digit())
}

/// The number a cell's numbered list item carries (`2.编制…` → 2).
fn list_number(text: &str) -> Option<u32> {
    let chars: Vec<char> = text.chars().take(8).collect();
    let folded: Vec<char> = chars.iter().map(|c| crate::chars::fold(*c)).collect();
    heading::marker(&folded, &chars)
        .filter(|m| m.style == heading::Style::Num)
        .and_then(|m| m.value)
}

/// Places each table's rows in the tree. A chapter row (`一、…`) that names a chapter of the
/// body puts the rows under that chapter (under its best-matching section, when one matches);
/// otherwise the table becomes a chapter of its own.
pub(crate) fn attach(
    tables: Vec<Table<'_>>,
    drafts: &mut Vec<Draft>,
    paras: &mut Vec<Para>,
    order_base: usize,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut order = order_base;
    for table in tables {
        let mut own_chapter: Option<usize> = None;
        let mut chapter: Option<usize> = None;
        let mut rows = 0usize;
        let mut prev_content: Option<(String, Option<usize>)> = None;
        let mut cells = table.cells.iter().peekable();
        while let Some(cell) = cells.next() {
            let chars: Vec<char> = cell.text.chars().collect();
            let folded: Vec<char> = chars.iter().map(|c| crate::chars::fold(*c)).collect();
            if let Some(m) = heading::marker(&folded, &chars)
                .filter(|m| matches!(m.style, heading::Style::Cn | heading::Style::CnParen))
            {
                let title =
                    tidy_spaces(&cell.text.chars().skip(m.content_start).collect::<String>());
                chapter = Some(find_or_make_chapter(
                    drafts, &title, &m.written, cell.no, &mut order,
                ));
                prev_content = None;
                continue;
            }
            if !is_serial(&cell.text) {
                diagnostics.push(Diagnostic::new(
                    Some(cell.no),
                    Severity::Warning,
                    "table_cell_unplaced",
                    format!(
                        "任务表中的单元格“{}”不属于任何编号行，未能读入",
                        clip(&cell.text)
                    ),
                ));
                continue;
            }
            let mut row: Vec<&Line<'_>> = Vec::new();
            while let Some(next) = cells.peek() {
                if is_serial(&next.text) || is_chapter_row(&next.text) {
                    break;
                }
                row.extend(cells.next());
            }
            let parent = match chapter {
                Some(c) => c,
                None => *own_chapter.get_or_insert_with(|| {
                    order += 1;
                    drafts.push(Draft::new(
                        NodeKind::Chapter,
                        table.title.clone(),
                        None,
                        table.line,
                        order,
                    ));
                    drafts.len() - 1
                }),
            };
            let row_draft = read_row(
                &table,
                cell,
                &row,
                parent,
                &mut prev_content,
                drafts,
                paras,
                &mut order,
            );
            drafts.push(row_draft);
            rows += 1;
        }
        if rows == 0 {
            diagnostics.push(Diagnostic::new(
                Some(table.line),
                Severity::Warning,
                "table_empty",
                format!("任务表“{}”没有读到任何编号行", table.title),
            ));
        }
    }
}

fn clip(text: &str) -> String {
    let clipped: String = text.chars().take(20).collect();
    if clipped.len() < text.len() {
        format!("{clipped}…")
    } else {
        clipped
    }
}

fn is_chapter_row(text: &str) -> bool {
    let chars: Vec<char> = text.chars().take(8).collect();
    let folded: Vec<char> = chars.iter().map(|c| crate::chars::fold(*c)).collect();
    heading::marker(&folded, &chars)
        .is_some_and(|m| matches!(m.style, heading::Style::Cn | heading::Style::CnParen))
}

fn find_or_make_chapter(
    drafts: &mut Vec<Draft>,
    title: &str,
    written: &str,
    line: u32,
    order: &mut usize,
) -> usize {
    let key = squeeze(&fold_str(title));
    let found = drafts
        .iter()
        .position(|d| d.parent.is_none() && squeeze(&fold_str(&d.title)) == key);
    found.unwrap_or_else(|| {
        *order += 1;
        let mut d = Draft::new(NodeKind::Chapter, title.to_owned(), None, line, *order);
        d.number = Some(written.to_owned());
        drafts.push(d);
        drafts.len() - 1
    })
}

/// Reads one row's cells into a draft under `chapter` (or under its best-matching section).
#[allow(clippy::too_many_arguments)]
fn read_row(
    table: &Table,
    serial: &Line<'_>,
    cells: &[&Line<'_>],
    chapter: usize,
    prev_content: &mut Option<(String, Option<usize>)>,
    drafts: &[Draft],
    paras: &mut Vec<Para>,
    order: &mut usize,
) -> Draft {
    let mut content: Option<String> = None;
    let mut content_line: Option<Line<'_>> = None;
    let mut units: Vec<(String, Role)> = Vec::new();
    let mut raw: Vec<String> = Vec::new();
    let mut deadline = None;
    let mut work: Vec<(Option<i32>, String, Vec<&Line<'_>>)> = Vec::new();
    let mut k = 0usize;
    let columns = table.columns.get(1..).unwrap_or_default();
    for (ci, col) in columns.iter().enumerate() {
        let next_is_units = columns.get(ci + 1).is_some_and(|c| {
            matches!(
                c,
                Column::Lead | Column::Responsible | Column::Co | Column::Implementer
            )
        });
        match col {
            Column::Content => {
                let cell = cells.get(k);
                let merged = cell.is_none_or(|c| next_is_units && is_unit_cell(&c.text));
                if !merged {
                    content = cell.map(|c| tidy_spaces(&c.text));
                    content_line = cell.map(|c| (*c).clone());
                    k += 1;
                }
            }
            Column::Lead | Column::Responsible | Column::Implementer | Column::Co => {
                let many = matches!(col, Column::Co);
                let mut taken = 0;
                while let Some(cell) = cells.get(k).filter(|c| is_unit_cell(&c.text)) {
                    k += 1;
                    let t = squeeze(&fold_str(&cell.text));
                    if !is_none_mark(&t) {
                        raw.push(cell.text.to_string());
                        for u in split_units(&t) {
                            let has_lead = units.iter().any(|(_, r)| *r == Role::Lead);
                            let role = match col {
                                Column::Lead => Role::Lead,
                                Column::Implementer => Role::Implementer,
                                Column::Responsible if !has_lead => Role::Lead,
                                _ => Role::Co,
                            };
                            units.push((u, role));
                        }
                    }
                    taken += 1;
                    if !many && taken == 1 {
                        break;
                    }
                }
            }
            Column::Deadline => {
                if let Some(cell) = cells.get(k) {
                    deadline = Some(tidy_spaces(&cell.text));
                    k += 1;
                }
            }
            Column::Year(y, label) => {
                work.push((Some(*y), label.clone(), take_cell(cells, &mut k)))
            }
            Column::Text(label) => work.push((None, label.clone(), take_cell(cells, &mut k))),
            Column::Serial => {}
        }
    }
    if let Some(last) = work.last_mut() {
        last.2
            .extend(cells.get(k..).unwrap_or_default().iter().copied());
    }
    let (title, section) = match content {
        Some(c) => {
            let section = best_section(drafts, chapter, &c);
            *prev_content = Some((c.clone(), section));
            (c, section)
        }
        None => prev_content
            .clone()
            .unwrap_or_else(|| (clip_first(&work), None)),
    };
    *order += 1;
    let mut draft = Draft::new(
        NodeKind::Item,
        title,
        Some(section.unwrap_or(chapter)),
        serial.no,
        *order,
    );
    draft.kind = if section.is_some() {
        NodeKind::Subitem
    } else {
        NodeKind::Item
    };
    draft.number = Some(squeeze(&serial.text));
    draft.deadline = deadline;
    if !units.is_empty() {
        draft.responsible = Some(Block {
            raw: raw.join("；"),
            units,
            line: serial.no,
            unclosed: false,
        });
    }
    // The content cell is read like body text (its goals, its projects).
    if let Some(line) = content_line {
        push_cell(&mut draft, paras, &line, None);
    }
    for (year, label, lines) in work {
        if lines.is_empty() {
            continue;
        }
        let text: Vec<&str> = lines.iter().map(|l| l.text.as_ref()).collect();
        draft.work_plan.push(WorkPoint {
            year,
            label,
            text: text.join("\n"),
        });
        for line in lines {
            push_cell(&mut draft, paras, line, year);
        }
    }
    draft
}

/// Makes a cell a paragraph of the row's node, read with the column's year.
fn push_cell(draft: &mut Draft, paras: &mut Vec<Para>, cell: &Line<'_>, year: Option<i32>) {
    let para = Para::new(&cell.text, cell.no);
    let end = para.len();
    paras.push(para);
    draft.segments.push(Segment {
        para: paras.len() - 1,
        start: 0,
        end,
        block: None,
        year,
    });
}

/// A cell and the numbered-list cells that continue it (`1.…`, `2.…`, `3.…`).
fn take_cell<'a, 'b>(cells: &[&'b Line<'a>], k: &mut usize) -> Vec<&'b Line<'a>> {
    let mut out = Vec::new();
    let Some(first) = cells.get(*k) else {
        return out;
    };
    out.push(*first);
    *k += 1;
    let mut last = list_number(&first.text);
    while let (Some(n), Some(next)) = (last, cells.get(*k)) {
        if list_number(&next.text) != Some(n + 1) {
            break;
        }
        out.push(*next);
        *k += 1;
        last = Some(n + 1);
    }
    out
}

fn clip_first(work: &[(Option<i32>, String, Vec<&Line<'_>>)]) -> String {
    work.iter()
        .find_map(|(_, _, l)| l.first())
        .map(|l| clip(&l.text))
        .unwrap_or_default()
}

/// The section of `chapter` whose title best matches a row's content (bigram overlap).
fn best_section(drafts: &[Draft], chapter: usize, content: &str) -> Option<usize> {
    let row = bigrams(content);
    drafts
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            d.parent == Some(chapter) && d.number.is_some() && d.kind == NodeKind::Section
        })
        .map(|(i, d)| (i, dice(&row, &bigrams(&d.title))))
        .filter(|(_, s)| *s >= 0.3)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

fn bigrams(s: &str) -> Vec<(char, char)> {
    let c: Vec<char> = squeeze(&fold_str(s)).chars().collect();
    let mut v: Vec<(char, char)> = c
        .windows(2)
        .filter_map(|w| Some((*w.first()?, *w.get(1)?)))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn dice(a: &[(char, char)], b: &[(char, char)]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let common = a.iter().filter(|x| b.binary_search(x).is_ok()).count();
    (2 * common) as f64 / (a.len() + b.len()) as f64
}
