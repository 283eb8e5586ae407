//! Responsibility blocks: `（责任单位：…）`, `牵头单位：…；配合单位：…`, `（X牵头负责，Y组织落实）`.

use duban_domain::Role;

use crate::paragraph::{Para, starts_with};
use crate::unit_name::{is_unit_like, split_units};

/// Labels that open a responsibility list, with the role they give (None: first leads).
pub(crate) const LABELS: &[(&str, Option<Role>)] = &[
    ("责任单位", None),
    ("责任部门", None),
    ("推进单位", None),
    ("实施单位", None),
    ("责任主体", None),
    ("主责单位", Some(Role::Lead)),
    ("牵头单位", Some(Role::Lead)),
    ("牵头部门", Some(Role::Lead)),
    ("主办单位", Some(Role::Lead)),
    ("配合单位", Some(Role::Co)),
    ("配合部门", Some(Role::Co)),
    ("参与单位", Some(Role::Co)),
    ("协办单位", Some(Role::Co)),
    ("实施主体", Some(Role::Implementer)),
];

/// Role phrases of the inline style, longest first.
const ROLE_PHRASES: &[&str] = &[
    "按职责分工牵头负责",
    "按职责分工负责落实",
    "按职责分工负责",
    "按职责组织配合",
    "按职责配合",
    "牵头负责",
    "负责落实",
    "组织落实",
    "具体落实",
    "负责实施",
    "牵头",
    "配合",
    "协助",
    "参与",
    "负责",
];

/// A responsibility block as found in the text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Block {
    /// The block's text as written, without the enclosing parentheses.
    pub raw: String,
    /// Unit names as written (spaces removed) with their roles, in order.
    pub units: Vec<(String, Role)>,
    /// 1-based line where the block starts.
    pub line: u32,
    /// The block has no closing parenthesis.
    pub unclosed: bool,
}

/// Finds a responsibility block at the end of the paragraph (or making up all of it).
/// Returns the char offset where the block starts.
pub(crate) fn trailing(para: &Para) -> Option<(usize, Block)> {
    let f = &para.folded;
    let mut end = f.len();
    while end > 0
        && f.get(end - 1)
            .is_some_and(|c| c.is_whitespace() || *c == '。')
    {
        end -= 1;
    }
    if f.get(end.checked_sub(1)?) == Some(&'）') {
        let close = end - 1;
        let open = matching_open(f, close)?;
        let block = parse(para, open + 1, close, false)?;
        return Some((open, block));
    }
    // An unclosed block at the end (the document was cut, or a parenthesis was lost).
    if let Some(open) = last_labelled_open(f) {
        let block = parse(para, open + 1, end, true)?;
        return Some((open, block));
    }
    // A whole paragraph that is a labelled list without parentheses.
    if LABELS.iter().any(|(l, _)| starts_with(f, l)) {
        let block = parse(para, 0, end, false)?;
        return Some((0, block));
    }
    None
}

fn matching_open(f: &[char], close: usize) -> Option<usize> {
    let mut depth = 0usize;
    for i in (0..=close).rev() {
        match f.get(i)? {
            '）' => depth += 1,
            '（' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn last_labelled_open(f: &[char]) -> Option<usize> {
    let open = f.iter().rposition(|c| *c == '（')?;
    let rest = f.get(open + 1..)?;
    (LABELS.iter().any(|(l, _)| starts_with(rest, l)) && !rest.contains(&'）')).then_some(open)
}

/// Parses `start..end` of the paragraph as a responsibility list, if it is one.
fn parse(para: &Para, start: usize, end: usize, unclosed: bool) -> Option<Block> {
    let text: String = para
        .folded
        .get(start..end)?
        .iter()
        .filter(|c| !c.is_whitespace())
        .collect();
    let units = if LABELS.iter().any(|(l, _)| text.starts_with(l)) {
        labelled(&text)
    } else {
        inline(&text)?
    };
    if units.is_empty() {
        return None;
    }
    Some(Block {
        raw: para.slice(start, end).trim().to_owned(),
        units,
        line: para.line_at(start),
        unclosed,
    })
}

/// `责任单位：A、B，C` and `牵头单位：A；配合单位：B、C`.
fn labelled(text: &str) -> Vec<(String, Role)> {
    let mut out: Vec<(String, Option<Role>)> = Vec::new();
    let mut role = None;
    for clause in text.split(['；', ';', '。']) {
        let mut body = clause;
        for (label, label_role) in LABELS {
            if let Some(rest) = clause.strip_prefix(label) {
                body = rest.trim_start_matches(['：', ':']);
                role = *label_role;
                break;
            }
        }
        out.extend(split_units(body).into_iter().map(|u| (u, role)));
    }
    settle(out)
}

/// `X牵头负责，Y、Z组织落实`: every unit list ends with the phrase that gives its role.
fn inline(text: &str) -> Option<Vec<(String, Role)>> {
    let has_lead = text.contains("牵头");
    let mut out: Vec<(String, Option<Role>)> = Vec::new();
    let mut rest = text;
    let mut found_phrase = false;
    while !rest.is_empty() {
        let next = ROLE_PHRASES
            .iter()
            .filter_map(|p| rest.find(p).map(|i| (i, *p)))
            .min_by_key(|(i, p)| (*i, usize::MAX - p.len()));
        let Some((at, phrase)) = next else {
            break;
        };
        found_phrase = true;
        let role = phrase_role(phrase, has_lead);
        // `按职责（分工）` qualifies the phrase, not the unit before it.
        let before = rest.get(..at)?;
        let before = before
            .strip_suffix("按职责分工")
            .or_else(|| before.strip_suffix("按职责"))
            .unwrap_or(before);
        let units = split_units(before);
        out.extend(units.into_iter().map(|u| (u, Some(role))));
        rest = rest
            .get(at + phrase.len()..)?
            .trim_start_matches(['，', '、', '；', ',']);
    }
    if !found_phrase {
        return None;
    }
    out.extend(split_units(rest).into_iter().map(|u| (u, None)));
    // Only a list of units is a responsibility block, not a sentence that says 负责.
    out.iter()
        .all(|(u, _)| is_unit_like(u))
        .then(|| settle(out))
}

fn phrase_role(phrase: &str, has_lead: bool) -> Role {
    if phrase.contains("牵头") {
        Role::Lead
    } else if phrase.contains("配合") || phrase.contains("协助") || phrase.contains("参与") {
        Role::Co
    } else if phrase.contains("负责") && !has_lead {
        Role::Lead
    } else {
        Role::Co
    }
}

/// Gives units without an explicit role theirs: the first leads unless another unit was
/// named lead, the rest assist. A list where nobody leads gets its first unit as lead.
fn settle(units: Vec<(String, Option<Role>)>) -> Vec<(String, Role)> {
    let any_lead = units.iter().any(|(_, r)| *r == Some(Role::Lead));
    let any_unset = units.iter().any(|(_, r)| r.is_none());
    let mut lead_given = any_lead;
    let mut units = units;
    if !any_lead
        && !any_unset
        && let Some(first) = units.first_mut()
    {
        first.1 = Some(Role::Lead);
    }
    units
        .into_iter()
        .map(|(u, r)| {
            let role = r.unwrap_or_else(|| {
                if lead_given {
                    Role::Co
                } else {
                    lead_given = true;
                    Role::Lead
                }
            });
            (u, role)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(text: &str) -> Option<Vec<(String, Role)>> {
        trailing(&Para::new(text, 1)).map(|(_, b)| b.units)
    }

    fn names(v: &[(String, Role)], role: Role) -> Vec<&str> {
        v.iter()
            .filter(|(_, r)| *r == role)
            .map(|(u, _)| u.as_str())
            .collect()
    }

    #[test]
    fn first_listed_leads() {
        let u =
            block("正文。（责任单位：市住房建设局、市交通运输局，海东国网供电公司，各县区政府）")
                .unwrap();
        assert_eq!(names(&u, Role::Lead), ["市住房建设局"]);
        assert_eq!(
            names(&u, Role::Co),
            ["市交通运输局", "海东国网供电公司", "各县区政府"]
        );
    }

    #[test]
    fn half_width_and_nested_parentheses() {
        let u = block("正文。(责任单位：市商务局，青海曹家堡保税物流中心(B型)管委会)").unwrap();
        assert_eq!(names(&u, Role::Co), ["青海曹家堡保税物流中心（B型）管委会"]);
    }

    #[test]
    fn shared_suffix_is_distributed() {
        let u = block("（责任单位：海东工业园区管委会，乐都区、平安区、互助县政府）").unwrap();
        assert_eq!(
            names(&u, Role::Co),
            ["乐都区政府", "平安区政府", "互助县政府"]
        );
    }

    #[test]
    fn lead_and_co_labels() {
        let u = block("牵头单位：市发展改革委；配合单位：市财政局、市统计局").unwrap();
        assert_eq!(names(&u, Role::Lead), ["市发展改革委"]);
        assert_eq!(names(&u, Role::Co), ["市财政局", "市统计局"]);
    }

    #[test]
    fn inline_role_phrases() {
        let u = block("正文。（市住房城乡建设管理委、市财政局牵头负责，市民政局按职责组织配合）")
            .unwrap();
        assert_eq!(names(&u, Role::Lead), ["市住房城乡建设管理委", "市财政局"]);
        assert_eq!(names(&u, Role::Co), ["市民政局"]);
        let u =
            block("正文。（市住房城乡建设管理委牵头负责，市司法局、市市场监管局按职责组织落实）")
                .unwrap();
        assert_eq!(names(&u, Role::Co), ["市司法局", "市市场监管局"]);
        let u = block("正文。（市交通委牵头负责、各区政府组织落实）").unwrap();
        assert_eq!(names(&u, Role::Lead), ["市交通委"]);
        assert_eq!(names(&u, Role::Co), ["各区政府"]);
        let u = block("正文。（市应急局、市市场监管局、各区政府组织落实）").unwrap();
        assert_eq!(names(&u, Role::Lead), ["市应急局"]);
        assert_eq!(names(&u, Role::Co), ["市市场监管局", "各区政府"]);
    }

    #[test]
    fn parentheses_that_are_not_blocks() {
        assert!(block("《规划》（以下简称《规划》）").is_none());
        assert!(block("实施中国移动高原绿色算力中心（二期）").is_none());
        assert!(block("市政府负责统筹（具体由各区负责）").is_none());
    }
}
