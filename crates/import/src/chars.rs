//! Character classes and width folding used for matching.
//!
//! Matching runs on a *folded* copy of the text: full-width digits, letters and `％．／` become
//! ASCII, ASCII parentheses, colons and semicolons become full-width. Folding maps one char to
//! one char, so an index into the folded text is the same index into the original.

/// Folds one character for matching (one char in, one char out).
pub(crate) fn fold(c: char) -> char {
    match c {
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        '％' => '%',
        '．' => '.',
        '／' => '/',
        '＋' => '+',
        '－' | '–' => '-',
        '～' => '~',
        '(' => '（',
        ')' => '）',
        ':' => '：',
        ';' => '；',
        '\u{3000}' | '\u{a0}' | '\t' => ' ',
        _ => c,
    }
}

/// Folds a whole string.
pub(crate) fn fold_str(s: &str) -> String {
    s.chars().map(fold).collect()
}

/// A CJK ideograph.
pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// A Chinese numeral used in headings (`一`…`十`, `百`, `零`, `〇`, `两`).
pub(crate) fn is_cn_digit(c: char) -> bool {
    matches!(
        c,
        '一' | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '零'
            | '〇'
            | '两'
    )
}

/// The value of a Chinese numeral up to 999 (`十一` = 11, `二十` = 20).
pub(crate) fn cn_number(s: &str) -> Option<u32> {
    let digit = |c: char| match c {
        '零' | '〇' => Some(0),
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    };
    let mut total = 0u32;
    let mut current: Option<u32> = None;
    let mut seen = false;
    for c in s.chars() {
        seen = true;
        match c {
            '十' => {
                total += current.unwrap_or(1) * 10;
                current = None;
            }
            '百' => {
                total += current.unwrap_or(1) * 100;
                current = None;
            }
            _ => current = Some(current.unwrap_or(0) * 10 + digit(c)?),
        }
    }
    seen.then(|| total + current.unwrap_or(0))
}

/// Sentence-ending punctuation after which a line is complete.
pub(crate) fn is_terminal(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '：' | '!' | '?')
}

/// Punctuation that separates clauses or sentences.
pub(crate) fn is_clause_break(c: char) -> bool {
    matches!(c, '，' | ',' | '。' | '；' | '：' | '！' | '？')
}

/// Removes all whitespace (PDF extraction puts spaces inside names).
pub(crate) fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect()
}

/// Removes whitespace between two characters when either side is Han (PDF line-fill spaces),
/// keeping spaces between Latin words.
pub(crate) fn tidy_spaces(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            let mut j = i;
            while chars.get(j).is_some_and(|c| c.is_whitespace()) {
                j += 1;
            }
            let before = out.chars().last();
            let after = chars.get(j).copied();
            let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
            if latin(before) && latin(after) {
                out.push(' ');
            }
            i = j;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_is_one_to_one() {
        let s = "（二）２０３０年（Ｂ型）：85％";
        let folded = fold_str(s);
        assert_eq!(folded, "（二）2030年（B型）：85%");
        assert_eq!(s.chars().count(), folded.chars().count());
        assert_eq!(fold_str("(B型):"), "（B型）：");
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(cn_number("一"), Some(1));
        assert_eq!(cn_number("十"), Some(10));
        assert_eq!(cn_number("十一"), Some(11));
        assert_eq!(cn_number("二十三"), Some(23));
        assert_eq!(cn_number("一百零五"), Some(105));
        assert_eq!(cn_number("甲"), None);
        assert_eq!(cn_number(""), None);
    }

    #[test]
    fn spaces_between_han_go_latin_spaces_stay() {
        assert_eq!(tidy_spaces("至 2030 年"), "至2030年");
        assert_eq!(tidy_spaces("都市圈 一体化"), "都市圈一体化");
        assert_eq!(tidy_spaces("Open SDG 指标"), "Open SDG指标");
    }
}
