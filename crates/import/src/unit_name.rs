//! Unit names: splitting lists, distributing shared suffixes, telling what kind a unit is.

use duban_domain::UnitKind;

/// Endings of a responsible body's name.
const ORG_SUFFIXES: &[&str] = &[
    "管委会",
    "委员会",
    "办公室",
    "办公厅",
    "人民政府",
    "政府",
    "公司",
    "集团",
    "中心",
    "支队",
    "总队",
    "大队",
    "管理办",
    "办事处",
    "街道",
    "工商联",
    "银行",
    "处室",
    "部门",
    "单位",
    "局",
    "委",
    "办",
    "厅",
    "部",
    "处",
    "室",
    "署",
    "院",
    "会",
    "所",
    "站",
    "队",
    "社",
];

/// Place endings for a bare place name (`乐都区`, `互助县`).
const PLACE_ENDINGS: &[char] = &['区', '县', '市', '州', '旗', '镇', '乡'];

/// Whether a segment names a responsible body (as opposed to a phrase of a sentence).
pub(crate) fn is_unit_like(name: &str) -> bool {
    let n = name.chars().count();
    (2..=30).contains(&n)
        && (ORG_SUFFIXES.iter().any(|s| name.ends_with(s)) || name.starts_with('各'))
        && !name.contains(['。', '：'])
}

/// A bare place name that borrows the suffix of the next list item (`乐都区` in
/// `乐都区、平安区、互助县政府`).
fn is_bare_place(name: &str) -> bool {
    if name.len() > 6 * 4 || !(name.ends_with(PLACE_ENDINGS) || name.ends_with("街道")) {
        return false;
    }
    let n = name.chars().count();
    (2..=6).contains(&n)
        && !name.starts_with('各')
        && !["局", "委", "办", "政府", "公司", "集团", "管委会", "中心"]
            .iter()
            .any(|w| name.contains(w))
}

/// Splits `place + suffix` (`互助县政府` → (`互助县`, `政府`)) where the place is bare.
fn place_and_suffix(name: &str) -> Option<(&str, &str)> {
    name.char_indices().skip(1).find_map(|(i, c)| {
        let end = i + c.len_utf8();
        let (place, suffix) = (name.get(..end)?, name.get(end..)?);
        (PLACE_ENDINGS.contains(&c) && !suffix.is_empty() && is_bare_place(place))
            .then_some((place, suffix))
    })
}

/// The locality a group name starts with (`各县区政府` → `各县区`).
fn group_locality(name: &str) -> Option<&str> {
    if !name.starts_with('各') {
        return None;
    }
    let suffix = ORG_SUFFIXES.iter().find(|s| name.ends_with(*s))?;
    name.get(..name.len() - suffix.len())
}

/// Splits a list of unit names as written: `、，,；/` separate, `及` joins two bodies, and a run
/// of bare place names shares the suffix of the item that ends it. Names come back folded
/// (full-width parentheses, ASCII digits) without spaces.
pub(crate) fn split_units(text: &str) -> Vec<String> {
    let folded: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(crate::chars::fold)
        .collect();
    let mut out = Vec::new();
    let mut places: Vec<&str> = Vec::new();
    for segment in folded
        .split(['、', '，', ',', '；', ';', '/'])
        .map(|s| s.trim_matches(['。', '：', '”', '“']))
        .filter(|s| !s.is_empty())
    {
        if is_bare_place(segment) {
            places.push(segment);
            continue;
        }
        let (head, tail) = split_and(segment);
        let mut heads = vec![head.to_owned()];
        let mut tails: Vec<String> = tail.iter().map(|t| (*t).to_owned()).collect();
        if let Some((place, suffix)) = place_and_suffix(head) {
            if !places.is_empty() {
                heads = places.iter().map(|p| format!("{p}{suffix}")).collect();
                heads.push(head.to_owned());
                if let Some(t) = tail {
                    tails = places
                        .iter()
                        .chain([&place])
                        .map(|p| format!("{p}{t}"))
                        .collect();
                }
            } else if let Some(t) = tail {
                tails = vec![format!("{place}{t}")];
            }
        } else if let (Some(loc), Some(t)) = (group_locality(head), tail)
            && !t.starts_with('各')
        {
            tails = vec![format!("{loc}{t}")];
        }
        if !places.is_empty() && heads.len() == 1 {
            // Places before an item that is no place-plus-suffix stand as written.
            out.extend(places.iter().map(|p| (*p).to_owned()));
        }
        places.clear();
        out.extend(heads);
        out.extend(tails);
    }
    out.extend(places.iter().map(|p| (*p).to_owned()));
    out
}

/// `A及B` where both sides name bodies.
fn split_and(segment: &str) -> (&str, Option<&str>) {
    if let Some(i) = segment.find('及') {
        let (a, b) = (&segment[..i], &segment[i + '及'.len_utf8()..]);
        if is_unit_like(a) && is_unit_like(b) {
            return (a, Some(b));
        }
    }
    (segment, None)
}

/// What kind of body a unit name denotes.
pub(crate) fn unit_kind(name: &str) -> UnitKind {
    let group_words = ["各", "相关", "有关"];
    if group_words.iter().any(|w| name.starts_with(w)) || name.contains("各相关") {
        return UnitKind::Group;
    }
    if name.contains("管委会") || name.ends_with("园区") {
        return UnitKind::Park;
    }
    if ["公司", "集团", "银行", "企业"]
        .iter()
        .any(|s| name.ends_with(s))
    {
        return UnitKind::Enterprise;
    }
    if let Some(rest) = name
        .strip_suffix("人民政府")
        .or_else(|| name.strip_suffix("政府"))
    {
        let county = rest.ends_with(['区', '县', '旗'])
            || (rest.ends_with('市') && rest.chars().count() > 1);
        return if county && !rest.is_empty() {
            UnitKind::CountyGovernment
        } else {
            UnitKind::Other
        };
    }
    let departmental = [
        "局",
        "委",
        "办",
        "厅",
        "部",
        "处",
        "室",
        "署",
        "委员会",
        "办公室",
        "中心",
    ];
    if departmental.iter().any(|s| name.ends_with(s)) {
        return UnitKind::Department;
    }
    UnitKind::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_distributes() {
        assert_eq!(
            split_units("乐都区、民和县、互助县、化隆县、循化县政府及园区管委会"),
            [
                "乐都区政府",
                "民和县政府",
                "互助县政府",
                "化隆县政府",
                "循化县政府",
                "乐都区园区管委会",
                "民和县园区管委会",
                "互助县园区管委会",
                "化隆县园区管委会",
                "循化县园区管委会"
            ]
        );
        assert_eq!(
            split_units("各县区政府及园区管委会"),
            ["各县区政府", "各县区园区管委会"]
        );
        assert_eq!(
            split_units("市交通运 输局，平安区政府"),
            ["市交通运输局", "平安区政府"]
        );
        assert_eq!(
            split_units("平安区政府、互助县政府"),
            ["平安区政府", "互助县政府"]
        );
    }

    #[test]
    fn kinds() {
        assert_eq!(unit_kind("市发展改革委"), UnitKind::Department);
        assert_eq!(unit_kind("乐都区政府"), UnitKind::CountyGovernment);
        assert_eq!(unit_kind("各县区政府"), UnitKind::Group);
        assert_eq!(unit_kind("海东工业园区管委会"), UnitKind::Park);
        assert_eq!(unit_kind("国网海东供电公司"), UnitKind::Enterprise);
        assert_eq!(unit_kind("市水务集团"), UnitKind::Enterprise);
        assert_eq!(unit_kind("委内各相关处室"), UnitKind::Group);
        assert_eq!(unit_kind("综合规划处"), UnitKind::Department);
        assert_eq!(unit_kind("海东消防救援支队"), UnitKind::Other);
    }
}
