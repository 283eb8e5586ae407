//! Milestones: goals that are dated events, not numbers (`至2026年，建成…`, `…院区投运`,
//! `签订《…备忘录》`, `申报国家级经济技术开发区`). Read conservatively: a completion verb with a
//! clear, concrete object, and a year in force; a formal act (签订, 申报, 创成, 获批) whose object
//! is named (`《…》`, `“…”`) or ranked (`国家级`, `5A级`) needs no year. Aims (`建成…的…体系`),
//! ongoing work (`加快建成`, `基本建成`) and facilities named in passing (`建成区`) are not
//! milestones.

use duban_domain::{Comparator, TargetKind};

use super::{Found, period_phrase, retrospective, year_phrase};
use crate::chars::tidy_spaces;
use crate::measure::{ends_at, starts_at};
use crate::paragraph::Para;

/// Last characters of the verbs below: a sentence without one is not read.
pub(super) const MARKS: &[char] = &['成', '运', '收', '订', '署', '报', '车', '批', '用', '营'];

/// Whether the character at `i` (one of [`MARKS`]) ends one of the verbs below.
pub(super) fn ends_verb(f: &[char], i: usize) -> bool {
    matches!(
        (i.checked_sub(1).and_then(|k| f.get(k)), f.get(i)),
        (Some('建' | '创'), Some('成'))
            | (Some('投'), Some('运'))
            | (Some('验'), Some('收'))
            | (Some('签'), Some('订' | '署'))
            | (Some('申'), Some('报'))
            | (Some('通'), Some('车'))
            | (Some('获'), Some('批'))
            | (Some('使'), Some('用'))
            | (Some('运'), Some('营'))
    )
}

/// Completion verbs, longest first where they overlap; `true` for formal acts.
const VERBS: &[(&str, bool)] = &[
    ("建成投运", false),
    ("建成投产", false),
    ("建成通车", false),
    ("建成运营", false),
    ("建成使用", false),
    ("投入运营", false),
    ("投入使用", false),
    ("通过验收", false),
    ("建成", false),
    ("投运", false),
    ("通车", false),
    ("签订", true),
    ("签署", true),
    ("创成", true),
    ("获批", true),
    ("申报", true),
];

/// Object endings of something that can be finished and checked: a facility, a project, an
/// agreement.
const CONCRETE: &[&str] = &[
    "工程",
    "项目",
    "公路",
    "高速",
    "铁路",
    "轨道",
    "线",
    "站",
    "场",
    "馆",
    "院",
    "院区",
    "中心",
    "基地",
    "园",
    "园区",
    "景区",
    "厂",
    "库",
    "桥",
    "隧道",
    "机场",
    "港",
    "码头",
    "枢纽",
    "学校",
    "医院",
    "开发区",
    "示范区",
    "试验区",
    "集聚区",
    "集群",
    "协议",
    "备忘录",
    "合同",
    "大道",
    "管廊",
    "平台",
];

/// Ranks that make an object definite (`申报国家级经开区`, `创成5A级景区`).
const RANKS: &[&str] = &["国家级", "省级", "A级"];

/// Words just before a verb that make it an aim or ongoing work, not an event.
const NOT_EVENT_BEFORE: &[&str] = &[
    "围绕", "为", "以", "基本", "初步", "加快", "逐步", "推动", "未", "已", "并", "后",
];

/// Adverbs between a subject and its verb (`…集群全面建成`).
const ADVERBS: &[&str] = &["全面", "顺利", "如期", "正式", "建成并"];

/// Characters that cannot follow a verb in an event (`建成区`, `建成后`, `建成为`).
const NOT_AFTER: &[char] = &[
    '区', '后', '为', '了', '的', '率', '并', '以', '和', '及', '与', '时', '一', '投', '通',
];

/// Reads the events in the sentence `s..e`. `year` is the year in force at `s`.
pub(super) fn scan(
    para: &Para,
    s: usize,
    e: usize,
    year: &mut Option<i32>,
    issued_year: Option<i32>,
) -> Vec<Found> {
    let f = &para.folded;
    let e = e.min(f.len());
    if retrospective(f.get(s..e).unwrap_or_default()) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut cs = s;
    while cs < e {
        let ce = (cs..e)
            .find(|k| {
                f.get(*k)
                    .is_some_and(|c| matches!(c, '，' | '；' | '。' | '：' | '！' | '？' | ','))
            })
            .unwrap_or(e);
        let mut k = cs;
        while k < ce {
            let phrase = year_phrase(f, k).or_else(|| period_phrase(f, k));
            if let Some((y, next)) = phrase {
                *year = Some(y);
                k = next;
            } else {
                k += 1;
            }
        }
        let past = issued_year.is_some_and(|iy| year.is_some_and(|y| y < iy));
        if !past {
            let before = out.len();
            clause(para, cs, ce, *year, &mut out);
            // `创建申报国家级A、…创建申报省级B`: events listed with `、`, read one by one.
            if out.len() == before && f.get(cs..ce).is_some_and(|c| c.contains(&'、')) {
                let mut ps = cs;
                for k in cs..=ce {
                    if k == ce || f.get(k) == Some(&'、') {
                        clause(para, ps, k, *year, &mut out);
                        ps = k + 1;
                    }
                }
            }
        }
        cs = ce + 1;
    }
    out
}

/// The events of one clause.
fn clause(para: &Para, cs: usize, ce: usize, year: Option<i32>, out: &mut Vec<Found>) {
    let f = &para.folded;
    let mut ce = ce;
    while ce > cs && f.get(ce - 1) == Some(&' ') {
        ce -= 1;
    }
    let Some((v, word, formal)) = (cs..ce).find_map(|k| {
        if !matches!(
            f.get(k),
            Some('建' | '投' | '通' | '签' | '创' | '获' | '申')
        ) {
            return None;
        }
        VERBS
            .iter()
            .find(|(w, _)| starts_at(f, k, w))
            .map(|(w, formal)| (k, *w, *formal))
    }) else {
        return;
    };
    let verb_end = v + word.chars().count();
    if NOT_EVENT_BEFORE.iter().any(|w| ends_at(f, v, w)) {
        return;
    }
    let found = |indicator: String, at: usize| Found {
        indicator,
        value: 1.0,
        value_high: None,
        unit: String::new(),
        comparator: Comparator::AtLeast,
        year,
        text: para.slice(cs, ce).trim().to_owned(),
        line: para.line_at(at),
        kind: TargetKind::Milestone,
        approx: false,
        per_county: false,
        vision: false,
        at,
    };
    if verb_end >= ce {
        // `…院区投运`: the subject before the verb.
        if formal || year.is_none() {
            return;
        }
        let mut subject_end = v;
        for a in ADVERBS {
            if ends_at(f, subject_end, a) {
                subject_end -= a.chars().count();
            }
        }
        let subject_start = super::words::clean_start(f, cs, subject_end).0;
        let subject = f.get(subject_start..subject_end).unwrap_or_default();
        if !clear(subject) || !ends_concrete(subject) {
            return;
        }
        let parts: Vec<&[char]> = subject.split(|c| *c == '、').collect();
        if parts.len() > 1 && parts.iter().all(|p| clear(p) && ends_concrete(p)) {
            let verb = para.slice(subject_end, verb_end);
            let mut start = subject_start;
            for p in parts {
                let name = para.slice(start, start + p.len());
                out.push(found(tidy_spaces(&format!("{name}{verb}")), start));
                start += p.len() + 1;
            }
        } else {
            out.push(found(
                tidy_spaces(&para.slice(subject_start, verb_end)),
                subject_start,
            ));
        }
        return;
    }
    // `建成X`: the object after the verb.
    if f.get(verb_end).is_some_and(|c| NOT_AFTER.contains(c)) {
        return;
    }
    let object = f.get(verb_end..ce).unwrap_or_default();
    if !clear(object) {
        return;
    }
    let named = object
        .first()
        .is_some_and(|c| matches!(c, '《' | '“' | '"'))
        || RANKS.iter().any(|r| contains(object, r));
    let ok = if formal {
        named || (year.is_some() && ends_concrete(object))
    } else {
        year.is_some() && ends_concrete(object)
    };
    if ok {
        out.push(found(tidy_spaces(&para.slice(v, ce)), v));
    }
}

/// Short, without figures (numbers are read as numeric goals; a rank such as `5A级` is kept)
/// and without a descriptive `的` outside quotes and title marks.
fn clear(text: &[char]) -> bool {
    if !(2..=30).contains(&text.len()) {
        return false;
    }
    let mut depth = 0i32;
    for (k, c) in text.iter().enumerate() {
        match c {
            '《' | '“' => depth += 1,
            '》' | '”' => depth -= 1,
            '的' if depth <= 0 => return false,
            d if d.is_ascii_digit() && text.get(k + 1) != Some(&'A') => return false,
            _ => {}
        }
    }
    true
}

fn ends_concrete(text: &[char]) -> bool {
    let text: Vec<char> = text
        .iter()
        .copied()
        .filter(|c| !matches!(c, '》' | '”' | '"'))
        .collect();
    CONCRETE.iter().any(|w| ends_at(&text, text.len(), w))
}

fn contains(text: &[char], word: &str) -> bool {
    (0..text.len()).any(|k| starts_at(text, k, word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paragraph;
    use crate::source;

    fn events(text: &str, year: Option<i32>) -> Vec<(String, Option<i32>)> {
        let lines = source::lines(text);
        let paras = paragraph::assemble(&lines);
        let mut out = Vec::new();
        for p in &paras {
            let mut y = year;
            out.extend(
                scan(p, 0, p.folded.len(), &mut y, Some(2024))
                    .into_iter()
                    .map(|g| (g.indicator, g.year)),
            );
        }
        out
    }

    #[test]
    fn dated_events() {
        assert_eq!(
            events("至2026年，建成市级综合物流枢纽。", None),
            [("建成市级综合物流枢纽".to_owned(), Some(2026))]
        );
        assert_eq!(
            events(
                "中职教育基地建成，区域医疗中心、中医院新院区投运。",
                Some(2030)
            ),
            [
                ("中职教育基地建成".to_owned(), Some(2030)),
                ("区域医疗中心投运".to_owned(), Some(2030)),
                ("中医院新院区投运".to_owned(), Some(2030)),
            ]
        );
        assert_eq!(
            events("积极推进与邻市签订《应急救援联动合作备忘录》。", None),
            [("签订《应急救援联动合作备忘录》".to_owned(), None)]
        );
        assert_eq!(
            events("适时推动工业园区创建申报国家级经济技术开发区。", None).len(),
            1
        );
    }

    #[test]
    fn aims_and_work_are_not_events() {
        for text in [
            "至2030年，建成具有地方特色的现代化经济体系。",
            "至2030年，建成区路网密度达到6.5公里/平方公里。",
            "至2030年，基本建成现代物流枢纽。",
            "加快建成物流枢纽。",
            "建成物流枢纽。",
            "截至2023年，已建成物流枢纽。",
            "至2030年，建成2个物流枢纽。",
            "积极申报污水处理相关专项资金。",
        ] {
            assert!(events(text, None).is_empty(), "{text}");
        }
    }
}
