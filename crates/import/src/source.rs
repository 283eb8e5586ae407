//! Source lines: the document's non-empty lines, trimmed, with their 1-based numbers.

/// One non-empty line of the source.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    /// The line's text, trimmed, without Markdown bold markers or heading hashes.
    pub text: String,
    /// 1-based line number in the source.
    pub no: u32,
}

/// Splits the text into non-empty lines. Bold markers (`**`) and Markdown heading hashes that
/// text extraction leaves behind are formatting, not content, and are dropped.
pub(crate) fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let mut t = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if t.starts_with('#') {
            let rest = t.trim_start_matches('#');
            if rest.starts_with(' ') {
                t = rest.trim_start();
            }
        }
        let t = if t.contains("**") {
            t.replace("**", "")
        } else {
            t.to_owned()
        };
        let t = t.trim();
        if t.is_empty() {
            continue;
        }
        out.push(Line {
            text: t.to_owned(),
            no: u32::try_from(i + 1).unwrap_or(u32::MAX),
        });
    }
    out
}
