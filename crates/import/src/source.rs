//! Source lines: the document's non-empty lines, trimmed, with their 1-based numbers.

use std::borrow::Cow;

/// One non-empty line of the source, borrowed from it unless markers had to be removed.
#[derive(Debug, Clone)]
pub(crate) struct Line<'a> {
    /// The line's text, trimmed, without Markdown bold markers or heading hashes.
    pub text: Cow<'a, str>,
    /// 1-based line number in the source.
    pub no: u32,
}

/// Splits the text into non-empty lines. Bold markers (`**`) and Markdown heading hashes that
/// text extraction leaves behind are formatting, not content, and are dropped. A large text is
/// cut at line ends into pieces read in parallel.
pub(crate) fn lines(text: &str) -> Vec<Line<'_>> {
    const PIECE: usize = 4 * 1024 * 1024;
    if text.len() < 2 * PIECE {
        return lines_from(text, 0);
    }
    let mut pieces: Vec<(&str, usize)> = Vec::new();
    let (mut rest, mut first_line) = (text, 0usize);
    while !rest.is_empty() {
        let cut = rest
            .get(PIECE.min(rest.len())..)
            .and_then(|tail| tail.find('\n'))
            .map_or(rest.len(), |i| PIECE.min(rest.len()) + i + 1);
        let (piece, tail) = rest.split_at(cut);
        pieces.push((piece, first_line));
        first_line += piece.bytes().filter(|b| *b == b'\n').count();
        rest = tail;
    }
    crate::parallel::map_min(&pieces, 1, |(piece, first)| lines_from(piece, *first))
        .into_iter()
        .flatten()
        .collect()
}

/// The non-empty lines of `text`, whose first line is the document's line `first + 1`.
fn lines_from(text: &str, first: usize) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let i = i + first;
        let mut t = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if t.starts_with('#') {
            let rest = t.trim_start_matches('#');
            if rest.starts_with(' ') {
                t = rest.trim_start();
            }
        }
        let t: Cow<'_, str> = if t.contains("**") {
            Cow::Owned(t.replace("**", "").trim().to_owned())
        } else {
            Cow::Borrowed(t)
        };
        if t.is_empty() {
            continue;
        }
        out.push(Line {
            text: t,
            no: u32::try_from(i + 1).unwrap_or(u32::MAX),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_texts_keep_their_line_numbers() {
        let text = "一、总体要求\n\n**正文**。\n".repeat(1_000_000);
        let all = lines(&text);
        assert_eq!(all.len(), 2_000_000);
        assert_eq!(all[1].text, "正文。");
        let last = all.last().unwrap();
        assert_eq!((last.no, last.text.as_ref()), (3_000_000, "正文。"));
        assert_eq!(all[2].no, 4);
    }
}
