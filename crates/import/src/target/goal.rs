//! One goal: the value and its unit, the indicator before it, the comparator, and further
//! values for the same indicators.

use duban_domain::{Comparator, TargetKind};

use super::words::{
    NEUTRAL, OPENING_VERBS, ORDINAL_SCALES, Wording, clean_start, comparator_at_end,
    ends_with_verb, per_county, resolve,
};
use super::{Chain, Found};
use crate::chars::{is_clause_break, is_han, tidy_spaces};
use crate::measure::{self, Qualifier, ends_at, skip_spaces, starts_at};
use crate::paragraph::Para;

/// Reads the goal whose number starts at `at`, in the clause that starts at `clause`.
/// Returns the goals (several for `分别达到 99%、50%`), the index after them, and the chain.
pub(super) fn goal(
    para: &Para,
    clause: usize,
    at: usize,
    e: usize,
    year: Option<i32>,
    chain: Option<Chain>,
) -> Option<(Vec<Found>, usize, Chain)> {
    let f = &para.folded;
    let (value, after_number) = measure::number(f, at)?;
    let (unit, mut q) = unit_at(para, after_number);
    let mut value_high = None;
    let mut unit = unit;
    // A range: `30 万—50 万`, `1—2家`.
    let dash = skip_spaces(f, q);
    if f.get(dash)
        .is_some_and(|c| matches!(c, '—' | '-' | '~' | '至' | '到'))
    {
        let next = skip_spaces(f, dash + 1);
        let next = if f.get(next) == Some(&'—') {
            next + 1
        } else {
            next
        };
        if let Some((high, after_high)) = measure::number(f, next) {
            let (unit2, q2) = unit_at(para, after_high);
            if unit.is_empty() || unit2.is_empty() || unit == unit2 {
                value_high = Some(high);
                if unit.is_empty() {
                    unit = unit2;
                }
                q = q2;
            }
        }
    }
    let roman = measure::roman(f, at).is_some();
    let has_unit = !unit.is_empty() || roman;
    if roman {
        // Water-quality classes: `Ⅱ类`, `III类`.
        let class = skip_spaces(f, after_number);
        if f.get(class) != Some(&'类') {
            return None;
        }
        unit = "类".to_owned();
        q = class + 1;
    }
    let next = skip_spaces(f, q);
    if !has_unit
        && f.get(next)
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '+' | '号'))
    {
        return None;
    }
    let (qualifier, mut q) = measure::qualifier(f, q);
    let (prefix_start, prefix_end, about_before) = trim_prefix(f, clause, at);
    let about = about_before || qualifier == Some(Qualifier::About);
    let per_county = per_county(f, clause, at);
    let (comparator_word, indicator_end) = comparator_at_end(f, prefix_start, prefix_end);
    // `达到`, `保持在` name a level, no direction: with `左右`/`约` the goal is `approx`.
    let neutral = comparator_word.is_none() || NEUTRAL.iter().any(|w| ends_at(f, prefix_end, w));
    let (ind_start, verb) = clean_start(f, prefix_start, indicator_end);
    let clause_end = is_clause_end(f, skip_spaces(f, q)) || continues_with_value(f, q);
    let indicator = (ind_start, indicator_end);
    let mut verb = verb;
    let base = comparator_word;
    if !clause_end && has_unit {
        // `形成50个以上公园提质增效案例`, `新增50处…场景`: verb, amount, then the object.
        let verb_at_end = ends_with_verb(f, prefix_start, prefix_end);
        let opening_short = verb.is_some()
            && prefix_end.saturating_sub(ind_start) <= 6
            && OPENING_VERBS.iter().any(|v| starts_at(f, ind_start, v));
        let chained = chain.is_some() && prefix_end <= ind_start;
        if base.is_none() && verb_at_end.is_none() && !opening_short && !chained {
            return None;
        }
        if verb.is_none() {
            verb = verb_at_end;
        }
        let after = skip_spaces(f, q);
        let noun_start = if f.get(after) == Some(&'的') {
            after + 1
        } else {
            after
        };
        let noun_end = (noun_start..e)
            .find(|k| f.get(*k).is_some_and(|c| is_clause_break(*c) || *c == '、'))
            .unwrap_or(e);
        let noun = f.get(noun_start..noun_end).unwrap_or_default();
        if noun.iter().filter(|c| is_han(**c)).count() < 2 || noun.iter().any(char::is_ascii_digit)
        {
            return None;
        }
        let text = format!(
            "{}{}",
            slice(para, ind_start, prefix_end),
            slice(para, noun_start, noun_end)
        );
        let verb = verb.or(chain.and_then(|c| c.verb));
        let wording = Wording {
            qualifier,
            about,
            neutral,
            value_high,
        };
        let comparator = resolve(base, verb, wording, &text);
        let found = Found {
            indicator: tidy_spaces(&text).trim_matches(['“', '”']).to_owned(),
            value,
            value_high,
            unit,
            comparator,
            year,
            text: fragment(para, clause, noun_end),
            line: para.line_at(at),
            kind: TargetKind::Numeric,
            approx: about,
            per_county,
            vision: false,
            at,
        };
        return Some((
            vec![found],
            noun_end,
            Chain {
                comparator: Some(comparator),
                verb,
            },
        ));
    }
    if base.is_none() && !(clause_end && has_unit && (verb.is_some() || chain.is_some())) {
        return None;
    }
    if !clause_end {
        return None;
    }
    // More values for the same indicators: `分别达到 99%、50%`, `Ⅱ类和Ⅲ类`.
    let mut values = vec![(value, at)];
    loop {
        let sep = skip_spaces(f, q);
        if !matches!(f.get(sep), Some('、' | '和')) {
            break;
        }
        let start = skip_spaces(f, sep + 1);
        let Some((v, after)) = measure::number(f, start) else {
            break;
        };
        let (_, uq) = if measure::roman(f, start).is_some() {
            let class = skip_spaces(f, after);
            (
                String::new(),
                if f.get(class) == Some(&'类') {
                    class + 1
                } else {
                    after
                },
            )
        } else {
            unit_at(para, after)
        };
        let (_, qq) = measure::qualifier(f, uq);
        if !is_clause_end(f, skip_spaces(f, qq)) {
            break;
        }
        values.push((v, start));
        q = qq;
    }
    let indicator_text = slice(para, indicator.0, indicator.1);
    let inherited = chain
        .and_then(|c| c.comparator)
        .filter(|_| base.is_none() && verb.is_none());
    let wording = Wording {
        qualifier,
        about,
        neutral,
        value_high,
    };
    let mut comparator = match (base, inherited) {
        (Some(b), _) => resolve(Some(b), verb, wording, &indicator_text),
        (None, Some(c)) => resolve(Some(c), None, wording, &indicator_text),
        (None, None) => resolve(None, verb, wording, &indicator_text),
    };
    // A class on a scale where lower is better (水质 Ⅰ–Ⅴ类): `达到Ⅲ类`, `Ⅱ类及以上`,
    // `稳定在Ⅱ类` all mean a class number of at most the value; `Ⅳ类及以下` at least.
    let ordinal = unit == "类" && ORDINAL_SCALES.iter().any(|w| indicator_text.contains(w));
    let kind = if ordinal {
        comparator = if qualifier == Some(Qualifier::AtMost) {
            Comparator::AtLeast
        } else {
            Comparator::AtMost
        };
        TargetKind::Ordinal
    } else {
        TargetKind::Numeric
    };
    let names = split_indicator(&indicator_text, values.len());
    let text = fragment(para, clause, q);
    let found = values
        .iter()
        .zip(names)
        .map(|((v, pos), name)| Found {
            indicator: name,
            value: *v,
            value_high,
            unit: unit.clone(),
            comparator,
            year,
            text: text.clone(),
            line: para.line_at(*pos),
            kind,
            approx: about,
            per_county,
            vision: false,
            at: *pos,
        })
        .collect();
    Some((
        found,
        q,
        Chain {
            comparator: Some(comparator),
            verb,
        },
    ))
}

/// The unit of measure after a number, as written, and the index after it.
fn unit_at(para: &Para, at: usize) -> (String, usize) {
    let (start, end) = measure::unit(&para.folded, at);
    (para.slice(start, end), end)
}

/// The prefix of a clause without trailing spaces, quotes and `约`/`近` (which mean about).
fn trim_prefix(f: &[char], clause: usize, at: usize) -> (usize, usize, bool) {
    let mut end = at;
    let mut about = false;
    while end > clause {
        match f.get(end - 1) {
            Some(' ' | '“' | '"') => end -= 1,
            Some('约' | '近') => {
                about = true;
                end -= 1;
            }
            _ => break,
        }
    }
    (clause, end, about)
}

/// `和Ⅲ类`, `、50%`: another value for the same list of indicators follows.
fn continues_with_value(f: &[char], q: usize) -> bool {
    let sep = skip_spaces(f, q);
    matches!(f.get(sep), Some('、' | '和')) && measure::number(f, skip_spaces(f, sep + 1)).is_some()
}

fn is_clause_end(f: &[char], at: usize) -> bool {
    match f.get(at) {
        None => true,
        Some(c) => is_clause_break(*c) || matches!(c, '、' | '）' | '”'),
    }
}

/// Splits `A、B` into `n` indicators for `n` values; keeps the whole otherwise.
fn split_indicator(text: &str, n: usize) -> Vec<String> {
    let whole = tidy_spaces(text);
    if n <= 1 {
        return vec![whole];
    }
    let first_sep = whole
        .char_indices()
        .find(|(_, c)| matches!(c, '、' | '和'))
        .map(|(_, c)| c);
    if let Some(sep) = first_sep {
        let parts: Vec<String> = whole.split(sep).map(str::to_owned).collect();
        if parts.len() == n && parts.iter().all(|p| !p.is_empty()) {
            return parts;
        }
    }
    vec![whole; n]
}

fn slice(para: &Para, start: usize, end: usize) -> String {
    para.slice(start, end)
}

/// The exact source fragment of a goal, from its clause start to its end.
fn fragment(para: &Para, clause: usize, end: usize) -> String {
    let f = &para.folded;
    let mut start = clause;
    while f
        .get(start)
        .is_some_and(|c| matches!(c, '、' | ' ' | '和' | '，'))
        && start < end
    {
        start += 1;
    }
    para.slice(start, end).trim().to_owned()
}
