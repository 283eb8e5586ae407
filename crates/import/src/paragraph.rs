//! Paragraphs: source lines joined where a page or line break split a sentence.

use crate::chars::{fold, is_han, is_terminal};
use crate::heading;
use crate::source::Line;

/// A logical paragraph, possibly joined from several source lines.
///
/// Only the folded characters are stored; the few characters that folding changed keep their
/// original form on the side, so any stretch of the original text can be given back.
#[derive(Debug, Clone)]
pub(crate) struct Para {
    /// Folded characters for matching.
    pub folded: Vec<char>,
    /// (index, original char) where the original differs from the folded one, in order.
    originals: Vec<(usize, char)>,
    /// Where each joined source line starts: (char offset, 1-based line number).
    starts: Vec<(usize, u32)>,
    /// Opening minus closing parentheses so far.
    open_parens: i64,
    /// The last character that is not a space.
    last: Option<char>,
}

impl Para {
    /// A paragraph of one line.
    pub fn new(text: &str, line: u32) -> Self {
        let mut para = Self {
            folded: Vec::with_capacity(text.len() / 2),
            originals: Vec::new(),
            starts: vec![(0, line)],
            open_parens: 0,
            last: None,
        };
        para.push_str(text);
        para
    }

    fn push_str(&mut self, text: &str) {
        for c in text.chars() {
            // Ideographs are most of a plan and fold to themselves.
            if crate::chars::is_han(c) {
                self.last = Some(c);
                self.folded.push(c);
                continue;
            }
            let f = fold(c);
            if f != c {
                self.originals.push((self.folded.len(), c));
            }
            match f {
                '（' => self.open_parens += 1,
                '）' => self.open_parens -= 1,
                _ => {}
            }
            if !f.is_whitespace() {
                self.last = Some(f);
            }
            self.folded.push(f);
        }
    }

    /// Appends the next source line of the same paragraph.
    fn join(&mut self, text: &str, line: u32) {
        let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if latin(self.folded.last().copied()) && latin(text.chars().next().map(fold)) {
            self.folded.push(' ');
        }
        self.starts.push((self.folded.len(), line));
        self.folded.reserve(text.len() / 2);
        self.push_str(text);
    }

    /// The first source line.
    pub fn line(&self) -> u32 {
        self.starts.first().map_or(0, |s| s.1)
    }

    /// The source line of the char at `offset`.
    pub fn line_at(&self, offset: usize) -> u32 {
        let i = self.starts.partition_point(|s| s.0 <= offset);
        self.starts
            .get(i.saturating_sub(1))
            .map_or(self.line(), |s| s.1)
    }

    /// The original text of `start..end` (clamped).
    pub fn slice(&self, start: usize, end: usize) -> String {
        let end = end.min(self.folded.len());
        let start = start.min(end);
        let mut out = String::with_capacity((end - start) * 3);
        let mut k = self.originals.partition_point(|o| o.0 < start);
        if self.originals.get(k).is_none_or(|o| o.0 >= end) {
            out.extend(self.folded.get(start..end).unwrap_or_default());
            return out;
        }
        for (i, c) in self.folded.iter().enumerate().take(end).skip(start) {
            match self.originals.get(k) {
                Some((at, orig)) if *at == i => {
                    out.push(*orig);
                    k += 1;
                }
                _ => out.push(*c),
            }
        }
        out
    }

    /// The heading marker the paragraph opens with, if any (no allocation).
    pub fn marker(&self) -> Option<heading::Marker> {
        const N: usize = 16;
        let mut head = ['\0'; N];
        let n = self.folded.len().min(N);
        for (slot, c) in head.iter_mut().zip(&self.folded) {
            *slot = *c;
        }
        for (at, c) in self.originals.iter().take_while(|o| o.0 < n) {
            if let Some(slot) = head.get_mut(*at) {
                *slot = *c;
            }
        }
        heading::marker(&self.folded, head.get(..n).unwrap_or_default())
    }

    /// The whole original text.
    #[cfg(test)]
    pub fn text(&self) -> String {
        self.slice(0, self.len())
    }

    /// Number of characters.
    pub fn len(&self) -> usize {
        self.folded.len()
    }
}

/// Joins source lines into paragraphs.
pub(crate) fn assemble(lines: &[Line<'_>]) -> Vec<Para> {
    let mut out: Vec<Para> = Vec::new();
    let mut current: Option<Para> = None;
    for line in lines {
        match current.as_mut() {
            Some(para) if continues(para, &line.text) => para.join(&line.text, line.no),
            _ => {
                if let Some(done) = current.take() {
                    out.push(done);
                }
                current = Some(Para::new(&line.text, line.no));
            }
        }
    }
    out.extend(current);
    out
}

/// Whether `next` continues the paragraph `para` (a sentence split by a line or page break).
fn continues(para: &Para, next: &str) -> bool {
    let mut next_chars = ['\0'; 12];
    let mut next_folded = ['\0'; 12];
    let mut n = 0;
    for (slot, c) in next_chars.iter_mut().zip(next.chars()) {
        *slot = c;
        n += 1;
    }
    for (f, c) in next_folded.iter_mut().zip(next_chars.iter()) {
        *f = fold(*c);
    }
    let (next_chars, next_folded) = (
        next_chars.get(..n).unwrap_or_default(),
        next_folded.get(..n).unwrap_or_default(),
    );
    if heading::marker(next_folded, next_chars).is_some() || opens_responsibility(next_folded) {
        return false;
    }
    if para.open_parens > 0 {
        return true;
    }
    let Some(last) = para.last else {
        return false;
    };
    if is_terminal(last) || last == '）' {
        return false;
    }
    if matches!(
        last,
        '，' | ',' | '、' | '“' | '《' | '（' | '—' | '-' | '与' | '和' | '及'
    ) {
        return true;
    }
    if !(is_han(last) || last.is_ascii_alphanumeric() || matches!(last, '”' | '》' | '%')) {
        return false;
    }
    !is_standalone(para)
}

/// A line that is complete without punctuation: a heading without a sentence in it, or a short
/// line without any punctuation (titles, signatures, dates, table cells).
fn is_standalone(para: &Para) -> bool {
    let has = |set: &[char]| para.folded.iter().any(|c| set.contains(c));
    if para.marker().is_some() {
        return !has(&['。', '；']);
    }
    para.len() <= 40 && !has(&['，', '。', '；', '：', '、', ','])
}

/// Whether the text opens with a responsibility block (`（责任单位：`, `牵头单位：`).
pub(crate) fn opens_responsibility(folded: &[char]) -> bool {
    let body = match folded.first() {
        Some('（') => folded.get(1..).unwrap_or_default(),
        _ => folded,
    };
    crate::responsibility::LABELS
        .iter()
        .any(|(label, _)| starts_with(body, label))
}

/// Whether `s` starts with the chars of `prefix`.
pub(crate) fn starts_with(s: &[char], prefix: &str) -> bool {
    let mut it = s.iter();
    prefix.chars().all(|p| it.next() == Some(&p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source;

    fn paras(text: &str) -> Vec<String> {
        assemble(&source::lines(text))
            .iter()
            .map(Para::text)
            .collect()
    }

    #[test]
    fn joins_a_sentence_split_by_a_page_break() {
        let p = paras(
            "1. 强化对外互联互通能力。以“打通大通道、完善大网络”\n\n为核心，推进对外通道建设。\n",
        );
        assert_eq!(
            p,
            ["1. 强化对外互联互通能力。以“打通大通道、完善大网络”为核心，推进对外通道建设。"]
        );
    }

    #[test]
    fn joins_a_split_responsibility_block_and_keeps_line_numbers() {
        let text = "正文。（责任单位：市自\n\n然资源规划局，各县区政府)\n（二）下一节\n";
        let all = assemble(&source::lines(text));
        assert_eq!(all.len(), 2);
        assert_eq!(
            all[0].text(),
            "正文。（责任单位：市自然资源规划局，各县区政府)"
        );
        let at = all[0].text().chars().position(|c| c == '然').unwrap();
        assert_eq!(all[0].line_at(at), 3);
        assert_eq!(all[0].line_at(0), 1);
    }

    #[test]
    fn headings_titles_and_blocks_stand_alone() {
        let p = paras("1. 全力打造全省绿色算力产业海东样板\n落实全省建设要求。\n");
        assert_eq!(p.len(), 2);
        let p = paras(
            "海东市推进西宁—海东都市圈 一体化发展行动计划\n省政府批复实施的规划，将海东市纳入。\n",
        );
        assert_eq!(p.len(), 2);
        let p = paras("提升河流廊道生态稳定性。\n（责任单位：市林草局）\n");
        assert_eq!(p.len(), 2);
    }
}
