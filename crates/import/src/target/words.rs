//! The words goals are written with: comparators, verbs of work, fillers; and how they settle
//! a goal's comparator.

use duban_domain::Comparator;

use super::{period_phrase, year_phrase};
use crate::measure::{Qualifier, ends_at, starts_at};

/// Comparator words that end an indicator (`…比例达到` 85%), longest first where they overlap.
pub(super) const COMPARATORS: &[(&str, Comparator)] = &[
    ("分别达到", Comparator::AtLeast),
    ("分别不低于", Comparator::AtLeast),
    ("分别为", Comparator::AtLeast),
    ("下降至", Comparator::ReduceTo),
    ("下降到", Comparator::ReduceTo),
    ("降低至", Comparator::ReduceTo),
    ("降低到", Comparator::ReduceTo),
    ("减少至", Comparator::ReduceTo),
    ("减少到", Comparator::ReduceTo),
    ("降至", Comparator::ReduceTo),
    ("控制在", Comparator::AtMost),
    ("稳定保持在", Comparator::AtLeast),
    ("保持在", Comparator::AtLeast),
    ("稳定在", Comparator::AtLeast),
    ("维持在", Comparator::AtLeast),
    ("提高到", Comparator::AtLeast),
    ("提高至", Comparator::AtLeast),
    ("提升到", Comparator::AtLeast),
    ("提升至", Comparator::AtLeast),
    ("增长到", Comparator::AtLeast),
    ("增长至", Comparator::AtLeast),
    ("增加到", Comparator::AtLeast),
    ("增加至", Comparator::AtLeast),
    ("增至", Comparator::AtLeast),
    ("不低于", Comparator::AtLeast),
    ("不少于", Comparator::AtLeast),
    ("不小于", Comparator::AtLeast),
    ("不高于", Comparator::AtMost),
    ("不超过", Comparator::AtMost),
    ("不大于", Comparator::AtMost),
    ("不多于", Comparator::AtMost),
    ("累计新增", Comparator::IncreaseBy),
    ("达到", Comparator::AtLeast),
    ("超过", Comparator::AtLeast),
    ("高于", Comparator::AtLeast),
    ("大于", Comparator::AtLeast),
    ("突破", Comparator::AtLeast),
    ("至少", Comparator::AtLeast),
    ("低于", Comparator::AtMost),
    ("少于", Comparator::AtMost),
    ("小于", Comparator::AtMost),
    ("新增", Comparator::IncreaseBy),
    ("增长", Comparator::IncreaseBy),
    ("增加", Comparator::IncreaseBy),
    ("下降", Comparator::ReduceBy),
    ("降低", Comparator::ReduceBy),
    ("减少", Comparator::ReduceBy),
    ("达", Comparator::AtLeast),
];

/// Verbs that open a goal stated as an amount of work (`建设高标准农田56.94万亩`,
/// `打造20个…品牌`). `Increase` verbs always mean an increment; `Make` verbs mean one unless a
/// qualifier (`以上`, `不少于`) says otherwise.
pub(super) const VERBS: &[(&str, Verb)] = &[
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
pub(super) const OPENING_VERBS: &[&str] = &[
    "完成", "新增", "新建", "建设", "建成", "打造", "培育", "引进", "创建", "形成",
];

/// Words that open an indicator but are not part of it.
pub(super) const LEADING_FILLERS: &[&str] = &[
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
pub(super) enum Verb {
    Increase,
    Make,
}

/// A comparator word ending the prefix; returns it and where the indicator ends.
pub(super) fn comparator_at_end(
    f: &[char],
    start: usize,
    end: usize,
) -> (Option<Comparator>, usize) {
    for (word, c) in COMPARATORS {
        if ends_at(f, end, word) && end - word.chars().count() >= start {
            return (Some(*c), end - word.chars().count());
        }
    }
    (None, end)
}

/// Skips year phrases and filler words at the start of an indicator; reports an opening verb.
pub(super) fn clean_start(f: &[char], mut start: usize, end: usize) -> (usize, Option<Verb>) {
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
pub(super) fn ends_with_verb(f: &[char], start: usize, end: usize) -> Option<Verb> {
    VERBS
        .iter()
        .find(|(v, _)| ends_at(f, end, v) && end - v.chars().count() >= start)
        .map(|(_, k)| *k)
}

/// Comparator words that name a level without a direction: with `左右` or `约` the goal is
/// `approx` (`达到25%左右`); other words keep their direction (`下降至25%左右`).
pub(super) const NEUTRAL: &[&str] = &["达到", "达", "分别为", "保持在", "稳定在", "维持在"];

/// Words of an indicator measured in classes where a lower class is better (水质 Ⅰ–Ⅴ类),
/// whether written in Roman (`Ⅲ类`, `III类`) or Arabic numerals (`3类`).
pub(super) const ORDINAL_SCALES: &[&str] = &["水质", "水体", "断面", "地表水", "地下水"];

/// How the value is qualified.
#[derive(Debug, Clone, Copy)]
pub(super) struct Wording {
    /// `以上`, `以内`, `左右` after the value.
    pub qualifier: Option<Qualifier>,
    /// `约`/`近` before the value or `左右` after it.
    pub about: bool,
    /// The comparator word is neutral (`达到`) or absent.
    pub neutral: bool,
    /// The upper bound of a range.
    pub value_high: Option<f64>,
}

/// Settles the comparator from the word before the value, the verb, and the qualifier after.
/// `左右`/`约` make a neutral goal `approx`; a goal with a direction keeps it (the target's
/// `approx` flag says it was stated approximately).
pub(super) fn resolve(
    word: Option<Comparator>,
    verb: Option<Verb>,
    wording: Wording,
    indicator: &str,
) -> Comparator {
    let Wording {
        qualifier,
        about,
        neutral,
        value_high,
    } = wording;
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
        _ if about && neutral && (verb.is_none() || word.is_some()) => Comparator::Approx,
        _ if qualifier == Some(Qualifier::AtLeast) => Comparator::AtLeast,
        _ if qualifier == Some(Qualifier::AtMost) => Comparator::AtMost,
        Some(c) => c,
        None if verb == Some(Verb::Make) => Comparator::IncreaseBy,
        None => Comparator::AtLeast,
    }
}

/// Words for the county-level units a goal may be broken down to.
const COUNTIES: &[&str] = &["县（区）", "区（县）", "县市区", "县区", "区县", "县", "区"];

/// Whether the clause before a value breaks it down per county (`每县区至少1个`,
/// `支持各县（区）培育1—2家`); a total over them (`各区共…`, `累计`) is not.
pub(in crate::target) fn per_county(f: &[char], start: usize, end: usize) -> bool {
    let clause = f.get(start..end).unwrap_or_default();
    clause.iter().enumerate().any(|(k, c)| {
        if !matches!(c, '每' | '各') {
            return false;
        }
        let mut j = k + 1;
        if clause.get(j) == Some(&'个') {
            j += 1;
        }
        let Some(word) = COUNTIES.iter().find(|w| starts_at(clause, j, w)) else {
            return false;
        };
        let after = j + word.chars().count();
        if matches!(clause.get(after), Some('域' | '级' | '位' | '间')) {
            return false;
        }
        *c == '每'
            || !clause
                .get(after..)
                .unwrap_or_default()
                .windows(2)
                .any(|w| matches!(w, ['共', _] | ['合', '计'] | ['累', '计'] | ['总', _]))
    })
}
