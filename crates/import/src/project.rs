//! Named projects: `民和至永靖高速公路`, `西宁至成都铁路`, `乐都杨家水库`, `黄河干流防洪二期工程`.

use std::sync::LazyLock;

use crate::chars::{is_han, tidy_spaces};
use crate::measure::{ends_at, starts_at};
use crate::paragraph::Para;

/// Facility words a project's name ends with.
const SUFFIXES: &[&str] = &[
    "高速公路",
    "铁路",
    "高铁",
    "水库",
    "工程",
    "项目",
    "公路",
    "变电站",
    "污水处理厂",
    "隧道",
    "快速路",
    "大桥",
];

/// Generic suffixes: a name before them counts only after a verb of building or carrying out
/// (`实施…项目`, `推进…工程`) or as an item of a list.
const GENERIC_SUFFIXES: &[&str] = &["工程", "项目"];

/// Verbs after which a `…工程` / `…项目` is a named project.
const BUILD_VERBS: &[&str] = &[
    "实施",
    "推进",
    "建设",
    "开工",
    "建成",
    "谋划",
    "启动",
    "完成",
    "加快",
    "开展",
    "落地",
    "争取",
    "配合做好",
];

/// The longest facility word starting at `i`.
fn longest_suffix_at(f: &[char], i: usize) -> Option<&'static str> {
    static WORDS: LazyLock<Vec<(&'static str, Vec<char>)>> =
        LazyLock::new(|| SUFFIXES.iter().map(|w| (*w, w.chars().collect())).collect());
    let rest = f.get(i..)?;
    WORDS
        .iter()
        .filter(|(_, w)| rest.starts_with(w))
        .max_by_key(|(_, w)| w.len())
        .map(|(s, _)| *s)
}

/// The first characters of [`SUFFIXES`] (kept in step by a test). A bit mask of the low
/// six bits turns most characters away in a couple of instructions.
fn starts_suffix(c: char) -> bool {
    const FIRST: [char; 11] = [
        '高', '铁', '水', '工', '项', '公', '变', '污', '隧', '快', '大',
    ];
    const MASK: u64 = {
        let mut m = 0u64;
        let mut rest: &[char] = &FIRST;
        while let [c, tail @ ..] = rest {
            m |= 1 << (*c as u32 & 63);
            rest = tail;
        }
        m
    };
    (MASK >> (c as u32 & 63)) & 1 == 1 && FIRST.contains(&c)
}

/// Words that end a project's name on its left: verbs and prepositions of the sentence.
const LEFT_STOPS: &[&str] = &[
    "加快推进",
    "有序推进",
    "布局",
    "聚焦",
    "一批",
    "引导",
    "保障",
    "坚持",
    "跟着",
    "配置",
    "推进",
    "抓好",
    "持续推进",
    "积极谋划",
    "研究实施",
    "开工建设",
    "协同推进",
    "配合做好",
    "推进",
    "建设",
    "实施",
    "建成",
    "谋划",
    "加快",
    "推动",
    "开工",
    "做好",
    "实现",
    "完成",
    "开展",
    "打造",
    "启动",
    "规划",
    "新建",
    "改造",
    "改建",
    "扩建",
    "提升",
    "加强",
    "重点",
    "深化",
    "落实",
    "支持",
    "鼓励",
    "统筹",
    "探索",
    "争取",
    "完善",
    "优化",
    "依托",
    "围绕",
    "包括",
    "以及",
    "研究",
    "利用",
    "把",
    "将",
    "对",
    "在",
    "的",
];

/// Whether a stop word ends at `k` (words as char slices, made once).
fn left_stop_ends_at(f: &[char], k: usize) -> bool {
    static WORDS: LazyLock<Vec<Vec<char>>> =
        LazyLock::new(|| LEFT_STOPS.iter().map(|w| w.chars().collect()).collect());
    let Some(head) = f.get(..k) else { return false };
    let Some(last) = head.last() else {
        return false;
    };
    WORDS
        .iter()
        .any(|w| w.last() == Some(last) && head.ends_with(w))
}

/// Words that make a name generic (`一批重点项目`, `基础设施项目`).
const GENERIC: &[&str] = &[
    "一批",
    "重点",
    "重大",
    "相关",
    "各类",
    "有关",
    "其他",
    "部分",
    "基础设施",
    "配套",
    "产业",
    "示范",
    "试点",
    "民生",
    "建设",
    "这些",
    "该",
    "本",
    "新型",
    "一体化",
    "改造",
    "提升",
    "更新",
    "整治",
    "等",
    "以上",
    "以下",
    "干线",
    "农村",
    "通村",
    "乡村",
    "城乡",
    "国省",
    "县乡",
    "旅游",
    "资源",
    "跨界",
    "特色",
    "星级",
    "既有",
    "现有",
    "主要",
];

/// A project name found in a paragraph, with the char offset of its mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mention {
    pub name: String,
    pub offset: usize,
}

/// Finds project names in `start..end` of the paragraph.
pub(crate) fn scan(para: &Para, start: usize, end: usize) -> Vec<Mention> {
    let f = &para.folded;
    let end = end.min(f.len());
    let mut out: Vec<Mention> = Vec::new();
    let mut i = start;
    while i < end {
        // Most characters start no facility word: jump to the next one that may.
        match f
            .get(i..end)
            .and_then(|rest| rest.iter().position(|c| starts_suffix(*c)))
        {
            Some(skip) => i += skip,
            None => break,
        }
        let Some(suffix) = longest_suffix_at(f, i) else {
            i += 1;
            continue;
        };
        let suffix_end = i + suffix.chars().count();
        if !ends_name(f, suffix_end) {
            i = suffix_end;
            continue;
        }
        // `高速公路网络`, `工程建设` are fine; `项目建设` too; but a suffix inside a longer
        // facility word (`公路` in `高速公路`) was already taken by the longest match.
        let names = names_before(para, start, i, suffix);
        for (name, offset) in names {
            if !out.iter().any(|m| m.name == name) {
                out.push(Mention { name, offset });
            }
        }
        i = suffix_end;
    }
    out
}

/// What may follow a project's name: punctuation, a list word, or the predicate of the sentence.
/// Anything else means the facility word sits inside a longer name or phrase
/// (`西宁至成都铁路引入海东西站工程`, `高速公路网络`).
fn ends_name(f: &[char], at: usize) -> bool {
    const FOLLOWERS: &[&str] = &[
        "等", "、", "和", "及", "与", "建设", "建成", "前期", "实施", "改造", "改建", "扩建",
        "开工", "下闸", "落地", "提质", "扩容", "主体", "主变",
    ];
    match f.get(at) {
        None => true,
        Some(c) if !is_han(*c) && !c.is_ascii_alphanumeric() => true,
        Some(_) => FOLLOWERS.iter().any(|w| starts_at(f, at, w)),
    }
}

/// The name (or names, for `乐都杨家、民和满坪水库`) ending at `at` with `suffix`.
fn names_before(para: &Para, floor: usize, at: usize, suffix: &str) -> Vec<(String, usize)> {
    let f = &para.folded;
    let mut left = left_edge(f, floor, at);
    // `改建和民小公路…工程`: a conjunction after the verb joins two objects.
    let joined = matches!(f.get(left), Some('和' | '及' | '与')) && at > left + 3;
    if joined {
        left += 1;
    }
    let generic = GENERIC_SUFFIXES.contains(&suffix);
    if generic {
        let after_verb = joined
            || BUILD_VERBS.iter().any(|v| ends_at(f, left, v))
            || matches!(f.get(left.wrapping_sub(1)), Some('、'));
        if !after_verb {
            return Vec::new();
        }
    }
    let mut out = Vec::new();
    // `加定至西海、瞿昙至化隆等高速公路`: a list before 等 shares the suffix.
    let (stem_end, listed) = if at > left && f.get(at - 1) == Some(&'等') {
        (at - 1, true)
    } else {
        (at, false)
    };
    if left >= stem_end {
        return out;
    }
    let first = left;
    let mut parts: Vec<(usize, usize)> = Vec::new();
    let mut s = first;
    for k in first..stem_end {
        if f.get(k) == Some(&'、') {
            parts.push((s, k));
            s = k + 1;
        }
    }
    parts.push((s, stem_end));
    let distribute = !generic
        && parts.len() > 1
        && parts.iter().take(parts.len() - 1).all(|(a, b)| {
            let seg = f.get(*a..*b).unwrap_or_default();
            seg.len() <= 10 && !SUFFIXES.iter().any(|x| ends_at(seg, seg.len(), x))
        });
    let chosen: Vec<(usize, usize)> = if distribute || listed {
        parts
    } else {
        parts.last().copied().into_iter().collect()
    };
    for (a, b) in chosen {
        let stem_text = tidy_spaces(&para.slice(a, b));
        // `乐化高速、…连接工程等项目`: the items of a generic list are the names as written.
        let whole = if listed && generic {
            stem_text.clone()
        } else {
            format!("{stem_text}{suffix}")
        };
        if is_name(&stem_text) && whole.chars().count() >= 4 {
            out.push((whole, a));
        }
    }
    out
}

/// Walks left from `at` over the name's characters, stopping at punctuation or a verb.
fn left_edge(f: &[char], floor: usize, at: usize) -> usize {
    let mut k = at;
    while k > floor {
        let Some(&c) = f.get(k - 1) else { break };
        let name_char = is_han(c)
            || c.is_ascii_alphanumeric()
            || matches!(c, '（' | '）' | '·' | '—' | '、' | ' ' | '-');
        if !name_char {
            break;
        }
        // A verb or preposition before the name ends it (not one right before the suffix:
        // `改造工程` keeps its `改造`).
        if k < at && left_stop_ends_at(f, k) {
            break;
        }
        k -= 1;
    }
    // Unbalanced parentheses at the left edge belong to the sentence.
    while f.get(k).is_some_and(|c| matches!(c, '）' | '、' | ' ')) && k < at {
        k += 1;
    }
    k
}

fn is_name(stem: &str) -> bool {
    let n = stem.chars().count();
    if !(2..=30).contains(&n)
        || stem.starts_with(['（', '）', '、', '—'])
        || stem.starts_with(|c: char| c.is_ascii_digit())
    {
        return false;
    }
    !(GENERIC.iter().any(|g| stem.starts_with(g))
        || stem.contains(['等', '的', '，', '在', '向', '对', '从', '为', '以']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        let p = Para::new(text, 1);
        scan(&p, 0, p.len()).into_iter().map(|m| m.name).collect()
    }

    #[test]
    fn suffix_first_characters_are_known() {
        for s in SUFFIXES {
            assert!(starts_suffix(s.chars().next().unwrap()), "{s}");
        }
    }

    #[test]
    fn named_projects() {
        assert_eq!(
            names("加快推进民和至永靖高速公路等重点项目建设。"),
            ["民和至永靖高速公路"]
        );
        assert_eq!(
            names("协同西宁市加快推进西宁至成都铁路建设。"),
            ["西宁至成都铁路"]
        );
        assert_eq!(
            names("实现乐都杨家、民和满坪、循化夕昌、互助柏木峡水库下闸蓄水。"),
            [
                "乐都杨家水库",
                "民和满坪水库",
                "循化夕昌水库",
                "互助柏木峡水库"
            ]
        );
        assert_eq!(
            names("建成加定至西海、瞿昙至化隆等高速公路。"),
            ["加定至西海高速公路", "瞿昙至化隆高速公路"]
        );
    }

    #[test]
    fn generic_mentions_are_not_projects() {
        assert!(names("积极谋划布局一批源网荷储一体化项目。").is_empty());
        assert!(names("引导特色种养业向园区集聚，推进重点项目。").is_empty());
        assert!(names("统筹实施一批道路、电网、供排水等基础设施项目。").is_empty());
    }
}
