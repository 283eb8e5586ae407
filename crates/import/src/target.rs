//! Quantitative goals: indicator, value, unit, comparator and deadline year, read sentence by
//! sentence with the year in force carried across clauses, sentences and down the tree.

use duban_domain::Comparator;

use crate::chars::{is_clause_break, is_han, tidy_spaces};
use crate::measure::{self, Qualifier, ends_at, skip_spaces, starts_at};
use crate::paragraph::Para;

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
}

/// Comparator words that end an indicator (`…比例达到` 85%), longest first where they overlap.
const COMPARATORS: &[(&str, Cmp)] = &[
    ("分别达到", Cmp::Fixed(Comparator::AtLeast)),
    ("分别不低于", Cmp::Fixed(Comparator::AtLeast)),
    ("分别为", Cmp::Fixed(Comparator::AtLeast)),
    ("下降至", Cmp::Fixed(Comparator::ReduceTo)),
    ("下降到", Cmp::Fixed(Comparator::ReduceTo)),
    ("降低至", Cmp::Fixed(Comparator::ReduceTo)),
    ("降低到", Cmp::Fixed(Comparator::ReduceTo)),
    ("减少至", Cmp::Fixed(Comparator::ReduceTo)),
    ("减少到", Cmp::Fixed(Comparator::ReduceTo)),
    ("降至", Cmp::Fixed(Comparator::ReduceTo)),
    ("控制在", Cmp::Fixed(Comparator::AtMost)),
    ("稳定保持在", Cmp::Fixed(Comparator::AtLeast)),
    ("保持在", Cmp::Fixed(Comparator::AtLeast)),
    ("稳定在", Cmp::Fixed(Comparator::AtLeast)),
    ("维持在", Cmp::Fixed(Comparator::AtLeast)),
    ("提高到", Cmp::Fixed(Comparator::AtLeast)),
    ("提高至", Cmp::Fixed(Comparator::AtLeast)),
    ("提升到", Cmp::Fixed(Comparator::AtLeast)),
    ("提升至", Cmp::Fixed(Comparator::AtLeast)),
    ("增长到", Cmp::Fixed(Comparator::AtLeast)),
    ("增长至", Cmp::Fixed(Comparator::AtLeast)),
    ("增加到", Cmp::Fixed(Comparator::AtLeast)),
    ("增加至", Cmp::Fixed(Comparator::AtLeast)),
    ("增至", Cmp::Fixed(Comparator::AtLeast)),
    ("不低于", Cmp::Fixed(Comparator::AtLeast)),
    ("不少于", Cmp::Fixed(Comparator::AtLeast)),
    ("不小于", Cmp::Fixed(Comparator::AtLeast)),
    ("不高于", Cmp::Fixed(Comparator::AtMost)),
    ("不超过", Cmp::Fixed(Comparator::AtMost)),
    ("不大于", Cmp::Fixed(Comparator::AtMost)),
    ("不多于", Cmp::Fixed(Comparator::AtMost)),
    ("累计新增", Cmp::Fixed(Comparator::IncreaseBy)),
    ("达到", Cmp::Fixed(Comparator::AtLeast)),
    ("超过", Cmp::Fixed(Comparator::AtLeast)),
    ("高于", Cmp::Fixed(Comparator::AtLeast)),
    ("大于", Cmp::Fixed(Comparator::AtLeast)),
    ("突破", Cmp::Fixed(Comparator::AtLeast)),
    ("至少", Cmp::Fixed(Comparator::AtLeast)),
    ("低于", Cmp::Fixed(Comparator::AtMost)),
    ("少于", Cmp::Fixed(Comparator::AtMost)),
    ("小于", Cmp::Fixed(Comparator::AtMost)),
    ("新增", Cmp::Fixed(Comparator::IncreaseBy)),
    ("增长", Cmp::Fixed(Comparator::IncreaseBy)),
    ("增加", Cmp::Fixed(Comparator::IncreaseBy)),
    ("下降", Cmp::Fixed(Comparator::ReduceBy)),
    ("降低", Cmp::Fixed(Comparator::ReduceBy)),
    ("减少", Cmp::Fixed(Comparator::ReduceBy)),
    ("达", Cmp::Fixed(Comparator::AtLeast)),
];

/// Verbs that open a goal stated as an amount of work (`建设高标准农田56.94万亩`,
/// `打造20个…品牌`). `Increase` verbs always mean an increment; `Make` verbs mean one unless a
/// qualifier (`以上`, `不少于`) says otherwise.
const VERBS: &[(&str, Verb)] = &[
    ("累计新增", Verb::Increase),
    ("累计完成", Verb::Increase),
    ("累计引进", Verb::Increase),
    ("累计落实", Verb::Increase),
    ("累计建成", Verb::Increase),
    ("累计培育", Verb::Increase),
    ("新增", Verb::Increase),
    ("新建", Verb::Increase),
    ("新认定", Verb::Increase),
    ("新开", Verb::Increase),
    ("增加", Verb::Increase),
    ("开工建设", Verb::Make),
    ("联动开展", Verb::Make),
    ("试点推动", Verb::Make),
    ("建设", Verb::Make),
    ("建成", Verb::Make),
    ("打造", Verb::Make),
    ("培育", Verb::Make),
    ("引进", Verb::Make),
    ("创建", Verb::Make),
    ("形成", Verb::Make),
    ("完成", Verb::Make),
    ("修复", Verb::Make),
    ("开展", Verb::Make),
    ("推动", Verb::Make),
    ("推进", Verb::Make),
    ("改造", Verb::Make),
    ("认定", Verb::Make),
    ("举办", Verb::Make),
    ("争创", Verb::Make),
    ("组建", Verb::Make),
    ("培养", Verb::Make),
    ("培训", Verb::Make),
    ("吸引", Verb::Make),
    ("招引", Verb::Make),
    ("开放", Verb::Make),
    ("布设", Verb::Make),
    ("配备", Verb::Make),
    ("做强", Verb::Make),
    ("创成", Verb::Make),
    ("开通", Verb::Make),
    ("选育", Verb::Make),
    ("储备", Verb::Make),
];

/// Verbs that may open a goal whose object sits between verb and number (`完成本市118万户…`).
const OPENING_VERBS: &[&str] = &[
    "完成", "新增", "新建", "建设", "建成", "打造", "培育", "引进", "创建", "形成",
];

/// Words that open an indicator but are not part of it.
const LEADING_FILLERS: &[&str] = &[
    "确保",
    "力争",
    "努力",
    "争取",
    "其中",
    "同时",
    "基本",
    "全面",
    "逐步",
    "进一步",
    "积极",
    "加快",
    "大力",
    "有序",
    "全力",
    "持续",
    "探索",
    "落实",
    "实现",
    "共计",
    "计划",
    "以及",
    "并且",
    "要",
    "使",
    "将",
    "共",
    "并",
    "且",
    "和",
    "及",
    "、",
    "，",
    "：",
    " ",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Fixed(Comparator),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Increase,
    Make,
}

/// What the previous goal of the sentence was, for clauses that continue it (`、科技孵化器4个`).
#[derive(Debug, Clone, Copy)]
struct Chain {
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
        for (i, c) in f.iter().enumerate().take(end).skip(s) {
            if matches!(c, '。' | '；' | '！' | '？') {
                e = i + 1;
                break;
            }
            numeric |= c.is_ascii_digit() || *c == '十' || measure::roman_value(*c).is_some();
        }
        if numeric {
            sentence(para, s, e, year, issued_year, &mut out);
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
    let retrospective = || {
        sentence.windows(2).any(|w| {
            matches!(
                w,
                ['截', '至'] | ['截', '止'] | ['已', '经' | '达' | '建' | '完' | '累']
            )
        })
    };
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
        let starts_number = c.is_ascii_digit() || measure::roman_value(c).is_some();
        let attached = i > s
            && f.get(i - 1).is_some_and(|p| {
                p.is_ascii_alphanumeric() || matches!(p, '.' | '第' | '满' | '-' | '+')
            });
        if !starts_number || attached || brackets > 0 || condition_end.is_some_and(|b| i < b) {
            i += 1;
            continue;
        }
        let past = issued_year.is_some_and(|iy| year.is_some_and(|y| y < iy));
        match goal(para, clause_start, i, e, *year, chain) {
            Some((found, next, link)) => {
                if !(past || retrospective()) {
                    out.extend(found);
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

/// `2030年`, `2030 年` → 2030 (a 4-digit year followed by 年).
fn year_phrase(f: &[char], i: usize) -> Option<(i32, usize)> {
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
fn period_phrase(f: &[char], i: usize) -> Option<(i32, usize)> {
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

/// Reads the goal whose number starts at `at`, in the clause that starts at `clause`.
/// Returns the goals (several for `分别达到 99%、50%`), the index after them, and the chain.
fn goal(
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
    let has_unit = !unit.is_empty() || measure::roman_value(*f.get(at)?).is_some();
    if measure::roman_value(*f.get(at)?).is_some() {
        // Water-quality classes: `Ⅱ类`.
        if f.get(after_number) != Some(&'类') {
            return None;
        }
        unit = "类".to_owned();
        q = after_number + 1;
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
    let (comparator_word, indicator_end) = comparator_at_end(f, prefix_start, prefix_end);
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
        let comparator = resolve(base, verb, qualifier, about_before, value_high, &text);
        let found = Found {
            indicator: tidy_spaces(&text).trim_matches(['“', '”']).to_owned(),
            value,
            value_high,
            unit,
            comparator,
            year,
            text: fragment(para, clause, noun_end),
            line: para.line_at(at),
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
        let (_, uq) = if measure::roman_value(*f.get(start).unwrap_or(&' ')).is_some() {
            (
                String::new(),
                after + usize::from(f.get(after) == Some(&'类')),
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
    let comparator = match (base, inherited) {
        (Some(b), _) => resolve(
            Some(b),
            verb,
            qualifier,
            about_before,
            value_high,
            &indicator_text,
        ),
        (None, Some(c)) => resolve(
            Some(c),
            None,
            qualifier,
            about_before,
            value_high,
            &indicator_text,
        ),
        (None, None) => resolve(
            None,
            verb,
            qualifier,
            about_before,
            value_high,
            &indicator_text,
        ),
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

/// A comparator word ending the prefix; returns it and where the indicator ends.
fn comparator_at_end(f: &[char], start: usize, end: usize) -> (Option<Comparator>, usize) {
    for (word, Cmp::Fixed(c)) in COMPARATORS {
        if ends_at(f, end, word) && end - word.chars().count() >= start {
            return (Some(*c), end - word.chars().count());
        }
    }
    (None, end)
}

/// Skips year phrases and filler words at the start of an indicator; reports an opening verb.
fn clean_start(f: &[char], mut start: usize, end: usize) -> (usize, Option<Verb>) {
    loop {
        let before = start;
        for w in LEADING_FILLERS {
            if starts_at(f, start, w) && start + w.chars().count() <= end {
                start += w.chars().count();
            }
        }
        for prep in ["至", "到", "在", "于"] {
            if starts_at(f, start, prep) && year_phrase(f, start + 1).is_some() {
                start += 1;
            }
        }
        if matches!(f.get(start), Some('“' | '"')) && period_phrase(f, start + 1).is_some() {
            start += 1;
        }
        if let Some((_, next)) = period_phrase(f, start) {
            start = next;
        }
        if let Some((_, next)) = year_phrase(f, start) {
            start = next;
            while f
                .get(start)
                .is_some_and(|c| matches!(c, '底' | '末' | '内' | '前' | '年' | '-' | '—' | '起'))
            {
                start += 1;
                if let Some((_, n)) = year_phrase(f, start) {
                    start = n;
                }
            }
        }
        if start == before {
            break;
        }
    }
    let verb = VERBS
        .iter()
        .find(|(v, _)| starts_at(f, start, v))
        .map(|(_, k)| *k);
    (start.min(end), verb)
}

/// A goal verb ending the prefix (`…试点推动` 30座公园).
fn ends_with_verb(f: &[char], start: usize, end: usize) -> Option<Verb> {
    VERBS
        .iter()
        .find(|(v, _)| ends_at(f, end, v) && end - v.chars().count() >= start)
        .map(|(_, k)| *k)
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

/// Settles the comparator from the word before the value, the verb, and the qualifier after.
fn resolve(
    word: Option<Comparator>,
    verb: Option<Verb>,
    qualifier: Option<Qualifier>,
    about: bool,
    value_high: Option<f64>,
    indicator: &str,
) -> Comparator {
    if value_high.is_some() {
        return Comparator::Range;
    }
    let increase = indicator.starts_with("新增") || indicator.starts_with("累计新增");
    let base = match (word, verb) {
        (Some(w), _) => Some(w),
        (None, Some(Verb::Increase)) => Some(Comparator::IncreaseBy),
        _ => None,
    };
    let base = if increase && base != Some(Comparator::ReduceTo) {
        Some(Comparator::IncreaseBy)
    } else {
        base
    };
    match base {
        Some(c @ (Comparator::IncreaseBy | Comparator::ReduceTo | Comparator::ReduceBy)) => c,
        _ if qualifier == Some(Qualifier::About) || about => Comparator::Approx,
        _ if qualifier == Some(Qualifier::AtLeast) => Comparator::AtLeast,
        _ if qualifier == Some(Qualifier::AtMost) => Comparator::AtMost,
        Some(c) => c,
        None if verb == Some(Verb::Make) => Comparator::IncreaseBy,
        None => Comparator::AtLeast,
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

#[cfg(test)]
mod tests {
    use super::*;

    type Goal = (String, f64, Option<f64>, String, &'static str, Option<i32>);

    fn goals(text: &str) -> Vec<Goal> {
        let para = Para::new(text, 1);
        let mut year = None;
        scan(&para, 0, para.len(), &mut year, Some(2024))
            .into_iter()
            .map(|g| {
                (
                    g.indicator,
                    g.value,
                    g.value_high,
                    g.unit,
                    g.comparator.symbol(),
                    g.year,
                )
            })
            .collect()
    }

    fn one(text: &str) -> (String, f64, String, &'static str, Option<i32>) {
        let g = goals(text);
        assert_eq!(g.len(), 1, "{text}: {g:?}");
        let (i, v, _, u, c, y) = g.into_iter().next().unwrap();
        (i, v, u, c, y)
    }

    #[test]
    fn a_year_stated_once_governs_several_goals() {
        let g = goals(
            "至2030年，乡镇通三级及以上公路比例达到85%，城市（县城）公共供水管网漏损率低于9%、生活污水集中收集率达到70%、燃气普及率超过95%。",
        );
        assert_eq!(g.len(), 4, "{g:?}");
        assert_eq!(
            g[0],
            (
                "乡镇通三级及以上公路比例".into(),
                85.0,
                None,
                "%".into(),
                ">=",
                Some(2030)
            )
        );
        assert_eq!(
            g[1],
            (
                "城市（县城）公共供水管网漏损率".into(),
                9.0,
                None,
                "%".into(),
                "<=",
                Some(2030)
            )
        );
        assert_eq!(g[2].0, "生活污水集中收集率");
        assert_eq!(g[3].0, "燃气普及率");
        assert_eq!(g[3].4, ">=");
    }

    #[test]
    fn comparators() {
        assert_eq!(
            one("至2030年，全市工矿用地占城乡建设用地比重下降至25%左右。").3,
            "reduce_to"
        );
        assert_eq!(
            one("至 2025 年，用水总量控制在 5.63 亿立方米以内。").2,
            "亿立方米"
        );
        assert_eq!(
            one("至 2025 年，用水总量控制在 5.63 亿立方米以内。").3,
            "<="
        );
        assert_eq!(
            one("至2025年本市建筑领域碳排放量控制在4500万吨左右。").3,
            "approx"
        );
        assert_eq!(
            one("至2030年底，算力规模增长10000PFLOPS。").3,
            "increase_by"
        );
        assert_eq!(one("城市空气质量优良天数比例保持在92%及以上。").3, ">=");
        assert_eq!(one("能耗强度下降15%。").3, "reduce_by");
    }

    #[test]
    fn ranges_classes_and_units() {
        let g = goals("到 2035 年，城区常住人口达到 30 万—50 万，力争成为中等城市。");
        assert_eq!(
            g,
            [(
                "城区常住人口".into(),
                30.0,
                Some(50.0),
                "万".into(),
                "range",
                Some(2035)
            )]
        );
        let g = goals("黄河干流出省断面水质、湟水河出省断面水质分别达到Ⅱ类和Ⅲ类。");
        assert_eq!(g.len(), 2);
        assert_eq!(
            (g[0].0.as_str(), g[0].1, g[0].3.as_str()),
            ("黄河干流出省断面水质", 2.0, "类")
        );
        assert_eq!((g[1].0.as_str(), g[1].1), ("湟水河出省断面水质", 3.0));
        assert_eq!(
            one("至2030年，建成区路网密度达到6.5公里/平方公里。").2,
            "公里/平方公里"
        );
        assert_eq!(one("农业灌溉水有效利用系数达到 0.52。").2, "");
    }

    #[test]
    fn amounts_of_work() {
        let g = goals(
            "至 2030 年，打造国家级现代农业产业园 1 个、新认定省级现代农业产业园 2 个、农业产业强镇 3 个。",
        );
        assert_eq!(g.len(), 3, "{g:?}");
        assert!(g.iter().all(|g| g.4 == "increase_by"));
        assert_eq!(g[2].0, "农业产业强镇");
        let g = goals("到2028年底，形成50个以上公园提质增效案例。");
        assert_eq!(
            g,
            [(
                "形成公园提质增效案例".into(),
                50.0,
                None,
                "个".into(),
                ">=",
                Some(2028)
            )]
        );
        assert_eq!(goals("“十四五”期间完成1000公里老化燃气管道改造，40万户立管改造，市政地下燃气管道泄漏自查发现率达80%以上。").len(), 3);
        assert_eq!(
            goals("“十四五”期间完成1000公里老化燃气管道改造。")[0].5,
            Some(2025)
        );
    }

    #[test]
    fn numbers_that_are_not_goals() {
        assert!(
            goals("加快实施特润新能源 80 兆瓦光伏、海东市物联产业园综合加能站等项目。").is_empty()
        );
        assert!(goals("将平安区平西门站、一号桥头既设 DN300 阀门井作为接驳点。").is_empty());
        assert!(goals("学习宁波相关经验，探索推动 9610 海关业务监管场所建设。").is_empty());
        assert!(goals("为居住满6个月以上的流动人口建立居民健康档案。").is_empty());
        assert!(
            goals("落实《“飞地经济”项目共建共享战略合作框架协议》（东政〔2024〕18号）。")
                .is_empty()
        );
        assert!(goals("截至2020年12月，全市累计建成绿色建筑2.33亿平方米。").is_empty());
        assert!(goals("2020年，全市绿色建筑达到2.33亿平方米。").is_empty());
        assert!(
            goals("对餐饮企业存放气瓶总重量超过60kg但未设置专用气瓶间的，要依法责令限期改正。")
                .is_empty()
        );
        assert!(goals("有序推进城市、县城和重点乡镇 5G 全覆盖。").is_empty());
        assert!(goals("在6座市属公园先行启动试点工作。").is_empty());
        assert!(goals("加快推进轨道交通19号线工可调整。").is_empty());
        assert!(goals("用3个月左右时间开展集中攻坚。").is_empty());
    }
}
