//! Quantitative goals: indicator, value, unit, comparator and deadline year, read sentence by
//! sentence with the year in force carried across clauses, sentences and down the tree.

use duban_domain::{Comparator, TargetKind};

use crate::measure::{self, skip_spaces, starts_at};
use crate::paragraph::Para;

mod event;
mod goal;
mod words;

#[cfg(test)]
mod tests;

use words::Verb;

/// A goal found in a paragraph.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    pub indicator: String,
    pub value: f64,
    pub value_high: Option<f64>,
    pub unit: String,
    pub comparator: Comparator,
    pub year: Option<i32>,
    pub text: String,
    pub line: u32,
    pub kind: TargetKind,
    /// Stated with `左右` or `约`.
    pub approx: bool,
    /// Broken down per county (`每县区至少1个`).
    pub per_county: bool,
    /// Read from the plan's vision (set by the caller).
    pub vision: bool,
    /// Char index of the value in the paragraph, for document order.
    pub at: usize,
}

/// Words that state a bound (`培训合格率不低于90%`), as opposed to an amount of work.
const BOUNDS: &[&str] = &[
    "不低于",
    "不高于",
    "不少于",
    "不超过",
    "不大于",
    "不小于",
    "控制在",
];

/// Words before a floor or ceiling that holds every year rather than by a deadline.
const STEADY: &[&str] = &["保持", "稳定", "确保", "始终", "维持"];

/// What the previous goal of the sentence was, for clauses that continue it (`、科技孵化器4个`).
#[derive(Debug, Clone, Copy)]
pub(super) struct Chain {
    comparator: Option<Comparator>,
    verb: Option<Verb>,
}

/// Reads goals in `start..end` of a paragraph. `year` is the year in force at `start` and is
/// updated by year phrases; goals dated before `issued_year` are retrospective and skipped.
pub(crate) fn scan(
    para: &Para,
    start: usize,
    end: usize,
    year: &mut Option<i32>,
    issued_year: Option<i32>,
) -> Vec<Found> {
    let f = &para.folded;
    let end = end.min(f.len());
    let mut out = Vec::new();
    let mut s = start;
    while s < end {
        // One pass finds the sentence's end and whether it holds a number at all.
        let mut e = end;
        let mut numeric = false;
        let mut eventish = false;
        for (i, c) in f.iter().enumerate().take(end).skip(s) {
            if matches!(c, '。' | '；' | '！' | '？') {
                e = i + 1;
                break;
            }
            numeric |= c.is_ascii_digit()
                || matches!(c, '十' | 'I' | 'V')
                || measure::roman_value(*c).is_some();
            eventish |= event::MARKS.contains(c) && i > s && event::ends_verb(f, i);
        }
        let before = out.len();
        let year_at_start = *year;
        if numeric {
            sentence(para, s, e, year, issued_year, &mut out);
        }
        if eventish {
            let mut event_year = year_at_start;
            let events = event::scan(para, s, e, &mut event_year, issued_year);
            if !events.is_empty() {
                out.extend(events);
                if let Some(tail) = out.get_mut(before..) {
                    tail.sort_by_key(|g| g.at);
                }
            }
        }
        s = e;
    }
    out
}

fn sentence(
    para: &Para,
    s: usize,
    e: usize,
    year: &mut Option<i32>,
    issued_year: Option<i32>,
    out: &mut Vec<Found>,
) {
    let f = &para.folded;
    let sentence = f.get(s..e).unwrap_or_default();
    // A sentence that reports what was done (`截至…`, `已…`) states no goal; asked only once a
    // goal is found, since most sentences have none.
    let retrospective = || retrospective(sentence);
    // `对…的，要…`: the numbers before `的，` are conditions of a rule, not goals.
    let condition_end = if f.get(s) == Some(&'对') {
        sentence
            .windows(2)
            .rposition(|w| w == ['的', '，'])
            .map(|b| s + b)
    } else {
        None
    };
    let mut clause_start = s;
    let mut chain: Option<Chain> = None;
    let mut brackets = 0i32;
    let mut i = s;
    while i < e {
        let Some(&c) = f.get(i) else { break };
        // The common case: an ideograph that opens nothing.
        if crate::chars::is_han(c) && c != '十' {
            i += 1;
            continue;
        }
        match c {
            '《' | '〔' | '【' => brackets += 1,
            '》' | '〕' | '】' => brackets -= 1,
            _ => {}
        }
        if matches!(c, '，' | '：' | ',') {
            clause_start = i + 1;
            i += 1;
            continue;
        }
        if let Some((y, next)) = year_phrase(f, i) {
            *year = Some(y);
            i = next;
            continue;
        }
        if let Some((y, next)) = period_phrase(f, i) {
            *year = Some(y);
            i = next;
            continue;
        }
        let starts_number = c.is_ascii_digit() || measure::roman(f, i).is_some();
        let attached = i > s
            && f.get(i - 1).is_some_and(|p| {
                p.is_ascii_alphanumeric() || matches!(p, '.' | '第' | '满' | '-' | '+')
            });
        if !starts_number || attached || brackets > 0 || condition_end.is_some_and(|b| i < b) {
            i += 1;
            continue;
        }
        let past = issued_year.is_some_and(|iy| year.is_some_and(|y| y < iy));
        match goal::goal(para, clause_start, i, e, *year, chain) {
            Some((found, next, link)) => {
                if !(past || retrospective()) {
                    // A floor or ceiling with no year in force, held (`确保…不低于90%`):
                    // it holds every year.
                    let steady = year.is_none()
                        && STEADY.iter().any(|w| {
                            f.get(s..i)
                                .is_some_and(|p| p.windows(2).any(|x| starts_at(x, 0, w)))
                        });
                    out.extend(found.into_iter().map(|mut g| {
                        // An amount of work (`完成…3万户以上`) is done once, not held.
                        let work = words::VERBS.iter().any(|(v, _)| g.indicator.starts_with(v))
                            && !BOUNDS.iter().any(|b| g.text.contains(b));
                        if steady
                            && !work
                            && g.kind == TargetKind::Numeric
                            && matches!(g.comparator, Comparator::AtLeast | Comparator::AtMost)
                        {
                            g.kind = TargetKind::Threshold;
                        }
                        g
                    }));
                }
                chain = Some(link);
                clause_start = next;
                i = next.max(i + 1);
            }
            None => {
                // Skip the rest of this number.
                i += 1;
                while f.get(i).is_some_and(|c| c.is_ascii_digit() || *c == '.') {
                    i += 1;
                }
            }
        }
    }
}

/// A sentence that reports what was done (`截至…`, `已建成…`).
pub(super) fn retrospective(sentence: &[char]) -> bool {
    sentence.windows(2).any(|w| {
        matches!(
            w,
            ['截', '至'] | ['截', '止'] | ['已', '经' | '达' | '建' | '完' | '累']
        )
    })
}

/// `2030年`, `2030 年` → 2030 (a 4-digit year followed by 年).
pub(super) fn year_phrase(f: &[char], i: usize) -> Option<(i32, usize)> {
    if !f.get(i).is_some_and(char::is_ascii_digit)
        || (i > 0 && f.get(i - 1).is_some_and(char::is_ascii_digit))
    {
        return None;
    }
    let mut y = 0i32;
    for k in i..i + 4 {
        let d = f.get(k)?.to_digit(10)?;
        y = y * 10 + i32::try_from(d).ok()?;
    }
    if f.get(i + 4).is_some_and(char::is_ascii_digit) {
        return None;
    }
    let after = skip_spaces(f, i + 4);
    ((1949..=2199).contains(&y) && f.get(after) == Some(&'年')).then_some((y, after + 1))
}

/// `“十四五”期间`, `十四五时期` → 2025, the last year of the five-year-plan period. A plan's
/// name (`“十五五”规划`) is no date.
pub(super) fn period_phrase(f: &[char], i: usize) -> Option<(i32, usize)> {
    if f.get(i) != Some(&'十') || f.get(i + 2) != Some(&'五') {
        return None;
    }
    let n = crate::chars::cn_number(&f.get(i + 1)?.to_string())?;
    if !(1..=9).contains(&n) {
        return None;
    }
    let mut end = i + 3;
    if matches!(f.get(end), Some('”' | '"' | '’')) {
        end += 1;
    }
    let word = ["期间", "时期", "末"]
        .iter()
        .find(|w| starts_at(f, end, w))?;
    let n = i32::try_from(n).ok()?;
    Some((1955 + 5 * (10 + n), end + word.chars().count()))
}

/// Comparator words after which a number written in characters (`达到百分之八十五`,
/// `提高两个百分点`) is a goal duban cannot read.
const UNREADABLE_AFTER: &[&str] = &[
    "达到",
    "不低于",
    "不少于",
    "超过",
    "低于",
    "不高于",
    "控制在",
    "下降至",
    "下降到",
    "提高到",
    "提升至",
    "保持在",
    "稳定在",
    "提高",
    "增长",
    "新增",
];

/// Goals whose value is written in Chinese numerals: the line and the fragment, for a person to
/// enter by hand.
pub(crate) fn unreadable(para: &Para, start: usize, end: usize) -> Vec<(u32, String)> {
    let f = &para.folded;
    let end = end.min(f.len());
    let mut out = Vec::new();
    let mut i = start;
    // Numerals are rarer than the words before them: find a numeral, then look back for a word.
    while let Some(at) = f
        .get(i..end)
        .and_then(|rest| rest.iter().position(|c| crate::chars::is_cn_digit(*c)))
        .map(|k| k + i)
    {
        i = at + 1;
        let percent = starts_at(f, at, "百分之");
        let word_end = at;
        let word_end = if word_end > 0 && f.get(word_end - 1) == Some(&'约') {
            word_end - 1
        } else {
            word_end
        };
        let Some(word) = UNREADABLE_AFTER
            .iter()
            .find(|w| measure::ends_at(f, word_end, w))
        else {
            continue;
        };
        let first_digit = if percent { at + 3 } else { at };
        let digits = (first_digit..end)
            .take_while(|k| {
                f.get(*k).is_some_and(|c| {
                    crate::chars::is_cn_digit(*c) || matches!(c, '千' | '万' | '半')
                })
            })
            .count();
        let readable_unit = {
            let (u0, u1) = measure::unit(f, first_digit + digits);
            digits > 0 && (u1 > u0 || f.get(first_digit + digits) == Some(&'成'))
        };
        if (percent && digits > 0) || readable_unit {
            let from = word_end - word.chars().count();
            let stop = (at..end)
                .find(|k| f.get(*k).is_some_and(|c| crate::chars::is_clause_break(*c)))
                .unwrap_or(end)
                .min(at + 10);
            out.push((para.line_at(from), para.slice(from, stop)));
            i = stop.max(i);
        }
    }
    out
}
