//! What the targets say as a whole: the plan's operative horizon and its vision targets, the
//! same indicator stated twice (the goals listed up front and again in a chapter), and who
//! reports a target whose node names no unit.

use std::collections::HashMap;

use duban_domain::{Comparator, Diagnostic, Plan, Severity, Target};

/// Indicators at least this similar (Dice coefficient of character bigrams, after
/// normalising) are the same indicator.
const SAME_INDICATOR: f64 = 0.8;

/// Above this many distinct indicators only equal normalised forms are compared.
const FUZZY_LIMIT: usize = 2000;

/// Fills `plan.horizon`, target `vision` flags from the title's period, `data_owner`, and the
/// diagnostics `target_duplicate`, `target_conflict`, `target_unowned`.
pub(crate) fn settle(plan: &mut Plan, diagnostics: &mut Vec<Diagnostic>) {
    if let Some(end) = title_period(&plan.title) {
        plan.horizon = Some(end);
        for t in &mut plan.targets {
            t.vision = t.year.is_some_and(|y| y > end);
        }
    } else {
        plan.horizon = plan
            .targets
            .iter()
            .filter(|t| !t.vision)
            .filter_map(|t| t.year)
            .max();
    }
    let pairs = same_indicators(&plan.targets);
    for &(a, b) in &pairs {
        let (Some(ta), Some(tb)) = (plan.targets.get(a), plan.targets.get(b)) else {
            continue;
        };
        diagnostics.push(if differ(ta, tb) {
            Diagnostic::new(
                Some(tb.line),
                Severity::Warning,
                "target_conflict",
                format!(
                    "指标“{}”（{}，第{}行：{}）与“{}”（{}，第{}行：{}）的数值、单位或比较方式不一致，请核对",
                    ta.indicator,
                    ta.id,
                    ta.line,
                    describe(ta),
                    tb.indicator,
                    tb.id,
                    tb.line,
                    describe(tb)
                ),
            )
        } else {
            Diagnostic::new(
                Some(tb.line),
                Severity::Info,
                "target_duplicate",
                format!(
                    "指标“{}”（{}，第{}行）与“{}”（{}，第{}行）重复",
                    ta.indicator, ta.id, ta.line, tb.indicator, tb.id, tb.line
                ),
            )
        });
    }
    owners(plan, &pairs, diagnostics);
}

/// The end year of a period in the title: `（2024—2030年）`, `2026-2030`, `“十五五”` → 2030.
fn title_period(title: &str) -> Option<i32> {
    let f: Vec<char> = title.chars().map(crate::chars::fold).collect();
    let year_at = |k: usize| -> Option<i32> {
        if k > 0 && f.get(k - 1).is_some_and(char::is_ascii_digit) {
            return None;
        }
        let digits: String = f.get(k..k + 4)?.iter().collect();
        if !digits.chars().all(|c| c.is_ascii_digit())
            || f.get(k + 4).is_some_and(char::is_ascii_digit)
        {
            return None;
        }
        digits.parse().ok().filter(|y| (1949..=2199).contains(y))
    };
    for k in 0..f.len() {
        let Some(start) = year_at(k) else { continue };
        let mut j = k + 4;
        if f.get(j) == Some(&'年') {
            j += 1;
        }
        if !f
            .get(j)
            .is_some_and(|c| matches!(c, '—' | '–' | '-' | '~' | '～' | '至' | '到'))
        {
            continue;
        }
        j += 1;
        if f.get(j) == Some(&'—') {
            j += 1;
        }
        if let Some(end) = year_at(j).filter(|e| *e > start && *e - start <= 30) {
            return Some(end);
        }
    }
    // `“十五五”规划`, `第十五个五年规划`: the last year of a five-year-plan period.
    let period = |n: &char| -> Option<i32> {
        let n = crate::chars::cn_number(&n.to_string())?;
        let n = i32::try_from(n).ok().filter(|n| (1..=9).contains(n))?;
        Some(1955 + 5 * (10 + n))
    };
    f.windows(3)
        .find_map(|w| match w {
            ['十', n, '五'] => period(n),
            _ => None,
        })
        .or_else(|| {
            f.windows(6).find_map(|w| match w {
                ['第', '十', n, '个', '五', '年'] => period(n),
                _ => None,
            })
        })
}

/// An indicator's normalised form: generic qualifiers of scope (`全市`, `本区`) and `总`
/// dropped, spaces and quotes gone.
fn normalise(indicator: &str) -> Vec<char> {
    let mut s: &str = indicator.trim();
    for prefix in [
        "全市", "全区", "全县", "全省", "全域", "本市", "本区", "本县", "全", "其中",
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest;
            break;
        }
    }
    s.replace("分别", "")
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '总' | '“' | '”' | '"'))
        .collect()
}

fn bigrams(chars: &[char]) -> Vec<(char, char)> {
    let mut b: Vec<(char, char)> = chars
        .windows(2)
        .map(|w| match w {
            [a, b] => (*a, *b),
            _ => (' ', ' '),
        })
        .collect();
    b.sort_unstable();
    b.dedup();
    b
}

fn dice(a: &[(char, char)], b: &[(char, char)]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// Pairs (earlier, later) of targets stating the same indicator for the same year; each later
/// statement is paired with the first. Vision targets and fragments that state several
/// indicators at once are left out.
fn same_indicators(targets: &[Target]) -> Vec<(usize, usize)> {
    struct First {
        index: usize,
        year: Option<i32>,
        grams: Vec<(char, char)>,
    }
    let mut exact: HashMap<(Vec<char>, Option<i32>), usize> = HashMap::new();
    let mut firsts: Vec<First> = Vec::new();
    let mut pairs = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        if t.vision {
            continue;
        }
        let norm = normalise(&t.indicator);
        if norm.len() < 4 {
            continue;
        }
        let key = (norm, t.year);
        let earlier = exact.get(&key).copied().or_else(|| {
            if firsts.len() > FUZZY_LIMIT {
                return None;
            }
            let grams = bigrams(&key.0);
            firsts
                .iter()
                .filter(|f| f.year == t.year)
                .find(|f| dice(&f.grams, &grams) >= SAME_INDICATOR)
                .map(|f| f.index)
        });
        match earlier {
            Some(e) => {
                // Within one node the indicators are different ones (`第二年…`, `第三年…`);
                // amounts of work of different sizes are for different spans (a year's share).
                let apart = targets.get(e).is_some_and(|a| {
                    a.node != t.node
                        && !(a.comparator == Comparator::IncreaseBy
                            && t.comparator == Comparator::IncreaseBy
                            && differ(a, t))
                });
                if apart {
                    pairs.push((e, i));
                }
            }
            None => {
                if firsts.len() <= FUZZY_LIMIT {
                    firsts.push(First {
                        index: i,
                        year: t.year,
                        grams: bigrams(&key.0),
                    });
                }
                exact.insert(key, i);
            }
        }
    }
    pairs
}

fn differ(a: &Target, b: &Target) -> bool {
    (a.value - b.value).abs() > 1e-9
        || a.value_high != b.value_high
        || a.unit.trim() != b.unit.trim()
        || a.comparator != b.comparator
}

fn describe(t: &Target) -> String {
    let value = match t.value_high {
        Some(h) => format!("{}—{}", t.value, h),
        None => t.value.to_string(),
    };
    format!("{} {}{}", t.comparator.symbol(), value, t.unit)
}

/// A target whose node names no unit takes the lead unit of the node where the same indicator
/// is stated with units; else a `target_unowned` warning asks for one.
fn owners(plan: &mut Plan, pairs: &[(usize, usize)], diagnostics: &mut Vec<Diagnostic>) {
    let lead: HashMap<&str, &str> = plan
        .nodes
        .iter()
        .filter_map(|n| {
            let unit = n
                .leads()
                .next()
                .or(n.responsible.first().map(|a| a.unit.as_str()))?;
            Some((n.id.0.as_str(), unit))
        })
        .collect();
    let owner_of = |t: &Target| lead.get(t.node.0.as_str()).map(|u| (*u).to_owned());
    let mut owners: Vec<Option<String>> = vec![None; plan.targets.len()];
    for &(a, b) in pairs {
        let (Some(ta), Some(tb)) = (plan.targets.get(a), plan.targets.get(b)) else {
            continue;
        };
        for (me, mine, other) in [(a, ta, tb), (b, tb, ta)] {
            if owner_of(mine).is_none()
                && let Some(slot) = owners.get_mut(me)
                && slot.is_none()
            {
                *slot = owner_of(other);
            }
        }
    }
    let has_units = !plan.units.is_empty();
    let mut unowned = 0usize;
    for (t, owner) in plan.targets.iter_mut().zip(owners) {
        if t.vision || lead.contains_key(t.node.0.as_str()) {
            continue;
        }
        match owner {
            Some(o) => t.data_owner = Some(o),
            None if has_units => diagnostics.push(Diagnostic::new(
                Some(t.line),
                Severity::Warning,
                "target_unowned",
                format!(
                    "指标“{}”（{}）无责任单位，请指定数据来源单位",
                    t.indicator, t.id
                ),
            )),
            None => unowned += 1,
        }
    }
    if unowned > 0 {
        diagnostics.push(Diagnostic::new(
            None,
            Severity::Warning,
            "target_unowned",
            format!("计划未列责任单位，{unowned}项指标无责任单位，请指定数据来源单位"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_in_titles() {
        assert_eq!(title_period("某市行动计划（2024—2030年）"), Some(2030));
        assert_eq!(title_period("国土空间近期规划（2026-2030）"), Some(2030));
        assert_eq!(title_period("某区“十五五”规划"), Some(2030));
        assert_eq!(
            title_period("某区国民经济和社会发展第十五个五年规划纲要"),
            Some(2030)
        );
        assert_eq!(title_period("某市2025年工作要点"), None);
    }

    #[test]
    fn similar_indicators() {
        let g = |s: &str| bigrams(&normalise(s));
        assert!(dice(&g("算力总规模"), &g("算力规模")) >= SAME_INDICATOR);
        assert!(dice(&g("全市地区生产总值"), &g("地区生产总值")) >= SAME_INDICATOR);
        assert!(dice(&g("黄河干流出省断面水质"), &g("湟水河出省断面水质")) < SAME_INDICATOR);
        assert!(dice(&g("受污染耕地安全利用率"), &g("重点建设用地安全利用率")) < SAME_INDICATOR);
    }
}
