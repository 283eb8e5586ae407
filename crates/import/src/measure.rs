//! Numbers and units of measure as plans write them: `85%`, `5 万架`, `6.5公里/平方公里`,
//! `30 万—50 万`, `Ⅲ类`.

/// Units of measure, longest first within each shared prefix (matching takes the longest).
const BASE_UNITS: &[&str] = &[
    "个百分点",
    "百分点",
    "PFLOPS",
    "EFLOPS",
    "TFLOPS",
    "平方公里",
    "平方米",
    "立方米",
    "千瓦时",
    "千瓦",
    "兆瓦",
    "吉瓦",
    "公里",
    "千米",
    "公顷",
    "公斤",
    "人次",
    "个月",
    "小时",
    "分钟",
    "标准箱",
    "%",
    "‰",
    "kg",
    "km",
    "亩",
    "米",
    "吨",
    "个",
    "家",
    "座",
    "处",
    "项",
    "条",
    "所",
    "张",
    "床",
    "辆",
    "台",
    "套",
    "架",
    "户",
    "人",
    "名",
    "位",
    "年",
    "岁",
    "类",
    "场",
    "次",
    "批",
    "篇",
    "部",
    "件",
    "份",
    "元",
    "倍",
    "天",
    "棵",
    "株",
    "头",
    "只",
    "间",
    "片",
    "支",
    "种",
    "款",
    "栋",
    "根",
    "块",
    "宗",
];

/// Magnitude prefixes that combine with a unit (`万亩`) or stand alone (`30 万`).
const MULTIPLIERS: &[char] = &['万', '亿', '千', '百'];

/// A number as read: value, the char index after it.
pub(crate) fn number(f: &[char], at: usize) -> Option<(f64, usize)> {
    if let Some(class) = roman(f, at) {
        return Some(class);
    }
    let mut end = at;
    while f.get(end).is_some_and(char::is_ascii_digit) {
        end += 1;
    }
    if end == at {
        return None;
    }
    if f.get(end) == Some(&'.') && f.get(end + 1).is_some_and(char::is_ascii_digit) {
        end += 1;
        while f.get(end).is_some_and(char::is_ascii_digit) {
            end += 1;
        }
    }
    let text: String = f.get(at..end)?.iter().collect();
    let value: f64 = text.parse().ok()?;
    value.is_finite().then_some((value, end))
}

/// Ⅰ–Ⅵ, as water-quality classes are written.
pub(crate) fn roman_value(c: char) -> Option<f64> {
    match c {
        'Ⅰ' => Some(1.0),
        'Ⅱ' => Some(2.0),
        'Ⅲ' => Some(3.0),
        'Ⅳ' => Some(4.0),
        'Ⅴ' => Some(5.0),
        'Ⅵ' => Some(6.0),
        _ => None,
    }
}

/// A class written in Roman numerals: `Ⅲ` (one character, as water-quality classes are
/// usually written) or `III`, `IV` in ASCII letters followed by `类`. Returns the value and the
/// index after the numeral.
pub(crate) fn roman(f: &[char], at: usize) -> Option<(f64, usize)> {
    if let Some(v) = f.get(at).and_then(|c| roman_value(*c)) {
        return Some((v, at + 1));
    }
    if at > 0 && f.get(at - 1).is_some_and(char::is_ascii_alphanumeric) {
        return None;
    }
    let letters = f
        .get(at..)?
        .iter()
        .take(5)
        .take_while(|c| matches!(c, 'I' | 'V'))
        .count();
    if letters == 0 || f.get(skip_spaces(f, at + letters)) != Some(&'类') {
        return None;
    }
    let text: String = f.get(at..at + letters)?.iter().collect();
    let value = match text.as_str() {
        "I" => 1.0,
        "II" => 2.0,
        "III" => 3.0,
        "IV" => 4.0,
        "V" => 5.0,
        "VI" => 6.0,
        _ => return None,
    };
    Some((value, at + letters))
}

/// Where the unit of measure at `at` (spaces skipped) lies: `start..end`. Compound units
/// (`公里/平方公里`) are read whole. Where there is none, both are `at`.
pub(crate) fn unit(f: &[char], at: usize) -> (usize, usize) {
    let mut i = skip_spaces(f, at);
    let start = i;
    if f.get(i).is_some_and(|c| MULTIPLIERS.contains(c)) {
        i += 1;
    }
    let after_multiplier = i;
    if let Some(len) = base_unit(f, i) {
        i += len;
        if f.get(i) == Some(&'/')
            && let Some(len2) = base_unit(f, i + 1)
        {
            i += 1 + len2;
        }
    } else if after_multiplier == start {
        return (at, at);
    }
    (start, i)
}

fn base_unit(f: &[char], at: usize) -> Option<usize> {
    BASE_UNITS
        .iter()
        .filter(|u| {
            let mut k = at;
            u.chars().all(|c| {
                let ok = f.get(k) == Some(&c);
                k += 1;
                ok
            })
        })
        .map(|u| u.chars().count())
        .max()
}

/// Skips ASCII and ideographic spaces.
pub(crate) fn skip_spaces(f: &[char], mut at: usize) -> usize {
    while f.get(at).is_some_and(|c| *c == ' ') {
        at += 1;
    }
    at
}

/// Qualifiers after a value: `以上`, `及以上`, `以内`, `左右` …
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Qualifier {
    AtLeast,
    AtMost,
    About,
}

/// Reads qualifiers after a value; returns the qualifier and the index after it.
pub(crate) fn qualifier(f: &[char], at: usize) -> (Option<Qualifier>, usize) {
    const WORDS: &[(&str, Qualifier)] = &[
        ("及以上", Qualifier::AtLeast),
        ("以上", Qualifier::AtLeast),
        ("及以下", Qualifier::AtMost),
        ("以下", Qualifier::AtMost),
        ("以内", Qualifier::AtMost),
        ("之内", Qualifier::AtMost),
        ("左右", Qualifier::About),
    ];
    let i = skip_spaces(f, at);
    for (w, q) in WORDS {
        if starts_at(f, i, w) {
            return (Some(*q), i + w.chars().count());
        }
    }
    (None, at)
}

/// Whether `f[at..]` starts with `word`.
pub(crate) fn starts_at(f: &[char], at: usize, word: &str) -> bool {
    let mut k = at;
    word.chars().all(|c| {
        let ok = f.get(k) == Some(&c);
        k += 1;
        ok
    })
}

/// Whether `f[..end]` ends with `word`.
pub(crate) fn ends_at(f: &[char], end: usize, word: &str) -> bool {
    let n = word.chars().count();
    end >= n && starts_at(f, end - n, word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> (String, usize) {
        let c: Vec<char> = s.chars().collect();
        let (a, b) = unit(&c, 0);
        (c[a..b].iter().collect(), b)
    }

    #[test]
    fn units_as_written() {
        assert_eq!(u(" 万架，").0, "万架");
        assert_eq!(u("%、").0, "%");
        assert_eq!(u("公里/平方公里。").0, "公里/平方公里");
        assert_eq!(u("PFLOPS").0, "PFLOPS");
        assert_eq!(u(" 万—50").0, "万");
        assert_eq!(u("亿立方米以内").0, "亿立方米");
        assert_eq!(u("兆瓦光伏").0, "兆瓦");
        assert_eq!(u("号线").0, "");
        assert_eq!(u("kV").0, "");
    }

    #[test]
    fn numbers() {
        let c: Vec<char> = "56.94 万亩".chars().collect();
        assert_eq!(number(&c, 0), Some((56.94, 5)));
        let c: Vec<char> = "Ⅲ类".chars().collect();
        assert_eq!(number(&c, 0), Some((3.0, 1)));
        let c: Vec<char> = "III类".chars().collect();
        assert_eq!(number(&c, 0), Some((3.0, 3)));
        let c: Vec<char> = "IV 类".chars().collect();
        assert_eq!(number(&c, 0), Some((4.0, 2)));
        let c: Vec<char> = "IV号".chars().collect();
        assert_eq!(number(&c, 0), None);
        let c: Vec<char> = "1.继续".chars().collect();
        assert_eq!(number(&c, 0), Some((1.0, 1)));
    }
}
