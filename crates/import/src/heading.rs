//! Heading markers: `第一部分`, `第一章`, `一、`, `（一）`, `1.`, `（1）`, `①`, `——`.

use crate::chars::{cn_number, is_cn_digit};

/// The numbering style of a heading; headings of one style are siblings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Style {
    /// 第一部分 / 第一篇.
    Part,
    /// 第一章.
    ChapterWord,
    /// 第一节.
    SectionWord,
    /// 第一条.
    ArticleWord,
    /// 一、
    Cn,
    /// （一）
    CnParen,
    /// 1. / 1、 / 1．
    Num,
    /// （1）
    NumParen,
    /// 1）
    NumHalfParen,
    /// ① …
    Circled,
    /// ——
    Dash,
}

/// A heading marker found at the start of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Marker {
    /// The numbering style.
    pub style: Style,
    /// The marker as written (`（一）`, `1.`), without surrounding spaces.
    pub written: String,
    /// The number's value, where it has one (dashes have none).
    pub value: Option<u32>,
    /// Char index where the heading's content starts.
    pub content_start: usize,
}

/// Recognises a heading marker at the start of `folded` (the folded chars of a line).
pub(crate) fn marker(folded: &[char], original: &[char]) -> Option<Marker> {
    let (style, value, end) = scan(folded)?;
    let mut content_start = end;
    while folded.get(content_start).is_some_and(|c| c.is_whitespace()) {
        content_start += 1;
    }
    // A marker must introduce content (a bare `1.` is a table cell or noise).
    folded.get(content_start)?;
    let written: String = original
        .get(..end)
        .or_else(|| folded.get(..end))?
        .iter()
        .collect::<String>()
        .trim()
        .to_owned();
    Some(Marker {
        style,
        written,
        value,
        content_start,
    })
}

fn scan(s: &[char]) -> Option<(Style, Option<u32>, usize)> {
    let first = *s.first()?;
    match first {
        '第' => {
            let n = s.iter().skip(1).take_while(|c| is_cn_digit(**c)).count();
            if n == 0 {
                return None;
            }
            let digits: String = s.get(1..=n)?.iter().collect();
            let value = cn_number(&digits);
            let rest = s.get(1 + n..)?;
            let (style, len) = match rest {
                ['部', '分', ..] => (Style::Part, 2),
                ['篇', ..] => (Style::Part, 1),
                ['章', ..] => (Style::ChapterWord, 1),
                ['节', ..] => (Style::SectionWord, 1),
                ['条', ..] => (Style::ArticleWord, 1),
                _ => return None,
            };
            Some((style, value, 1 + n + len))
        }
        '（' => {
            let inner = s.iter().skip(1).take_while(|c| **c != '）').count();
            if inner == 0 || inner > 4 || s.get(1 + inner) != Some(&'）') {
                return None;
            }
            let digits = s.get(1..=inner)?;
            if digits.iter().all(|c| is_cn_digit(*c)) {
                let text: String = digits.iter().collect();
                Some((Style::CnParen, cn_number(&text), inner + 2))
            } else if digits.iter().all(char::is_ascii_digit) {
                let text: String = digits.iter().collect();
                Some((Style::NumParen, text.parse().ok(), inner + 2))
            } else {
                None
            }
        }
        '—' => {
            let n = s.iter().take_while(|c| **c == '—').count();
            (n >= 2).then_some((Style::Dash, None, n))
        }
        '①'..='⑳' => Some((Style::Circled, Some(first as u32 - '①' as u32 + 1), 1)),
        c if is_cn_digit(c) => {
            let n = s.iter().take_while(|c| is_cn_digit(**c)).count();
            let sep = *s.get(n)?;
            if !matches!(sep, '、' | '.') || n > 3 {
                return None;
            }
            let text: String = s.get(..n)?.iter().collect();
            Some((Style::Cn, cn_number(&text), n + 1))
        }
        c if c.is_ascii_digit() => {
            let n = s.iter().take_while(|c| c.is_ascii_digit()).count();
            if n > 3 {
                return None;
            }
            let value = s.get(..n)?.iter().collect::<String>().parse().ok();
            match *s.get(n)? {
                '、' => Some((Style::Num, value, n + 1)),
                // `1.` but not the decimal `56.94`.
                '.' if !s.get(n + 1).is_some_and(char::is_ascii_digit) => {
                    Some((Style::Num, value, n + 1))
                }
                '）' => Some((Style::NumHalfParen, value, n + 1)),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chars::fold;

    fn m(s: &str) -> Option<(Style, String, Option<u32>, String)> {
        let original: Vec<char> = s.chars().collect();
        let folded: Vec<char> = original.iter().map(|c| fold(*c)).collect();
        marker(&folded, &original).map(|m| {
            let rest: String = original[m.content_start..].iter().collect();
            (m.style, m.written, m.value, rest)
        })
    }

    #[test]
    fn recognises_each_style() {
        assert_eq!(m("十一、实施保障").unwrap().0, Style::Cn);
        assert_eq!(m("十一、实施保障").unwrap().2, Some(11));
        assert_eq!(m("（一）总体要求").unwrap().1, "（一）");
        assert_eq!(
            m("(二) 提升国土空间利用效能").unwrap().3,
            "提升国土空间利用效能"
        );
        assert_eq!(m("(二) 提升").unwrap().1, "(二)");
        assert_eq!(m("1. 总体发展格局。").unwrap().0, Style::Num);
        assert_eq!(m("38．推进").unwrap().2, Some(38));
        assert_eq!(m("2、建立").unwrap().0, Style::Num);
        assert_eq!(m("（3）完成").unwrap().0, Style::NumParen);
        assert_eq!(m("——“一核”包括").unwrap().0, Style::Dash);
        assert_eq!(m("第一部分 总则").unwrap().0, Style::Part);
        assert_eq!(m("第三章 产业").unwrap().0, Style::ChapterWord);
        assert_eq!(m("②推进").unwrap().2, Some(2));
    }

    #[test]
    fn refuses_numbers_that_are_not_headings() {
        assert!(m("56.94 万亩").is_none());
        assert!(m("2030年，比例").is_none());
        assert!(m("5G网络").is_none());
        assert!(m("一是加强").is_none());
        assert!(m("（责任单位：市发展改革委）").is_none());
        assert!(m("1.").is_none());
        assert!(m("第三方评价").is_none());
    }
}
