//! The front matter and end matter of a 公文: notice title, document number, issuer, date;
//! where the plan's body starts and where the distribution list (抄送) begins.

use std::ops::Range;

use crate::chars::{fold_str, is_han, squeeze, tidy_spaces};
use crate::heading::{self, Style};
use crate::source::Line;

/// What the document says about itself, and where its body lies.
#[derive(Debug, Default)]
pub(crate) struct Front {
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub doc_number: Option<String>,
    pub issued_on: Option<String>,
    /// Indices of the body's lines.
    pub body: Range<usize>,
}

/// Words a plan's title ends with.
const PLAN_WORDS: &[&str] = &[
    "行动计划",
    "实施方案",
    "工作方案",
    "行动方案",
    "规划",
    "计划",
    "方案",
    "纲要",
    "意见",
    "措施",
    "要点",
    "办法",
    "细则",
];

/// Lines that open the end matter.
const END_MARKERS: &[&str] = &[
    "抄送",
    "是否宜公开",
    "主题词",
    "（此件",
    "(此件",
    "公开方式",
];

/// Reads the front matter and finds the body.
pub(crate) fn read(lines: &[Line<'_>]) -> Front {
    let start = body_start(lines);
    let end = lines
        .iter()
        .enumerate()
        .skip(start)
        .find(|(_, l)| is_end_marker(&l.text))
        .map_or(lines.len(), |(i, _)| i);
    let preamble = lines.get(..start).unwrap_or_default();
    let mut front = Front {
        body: start..end,
        ..Front::default()
    };
    front.doc_number = preamble.iter().find_map(|l| doc_number(&l.text));
    let date_at = preamble.iter().position(|l| date(&l.text).is_some());
    front.issued_on = date_at
        .and_then(|i| preamble.get(i))
        .and_then(|l| date(&l.text))
        .or_else(|| {
            lines
                .get(end..)
                .unwrap_or_default()
                .iter()
                .find_map(|l| issued_in_colophon(&l.text))
        });
    if let Some((title, issuer)) = preamble.iter().find_map(|l| notice(&l.text)) {
        front.title = Some(title);
        front.issuer = issuer;
    }
    if front.title.is_none() {
        front.title = preamble
            .iter()
            .rev()
            .map(|l| tidy_spaces(&l.text))
            .find(|t| looks_like_title(t));
    }
    if front.issuer.is_none() {
        front.issuer = date_at.and_then(|i| signature(preamble.get(..i).unwrap_or_default()));
    }
    if front.title.is_none() && start == 0 {
        // A plan without front matter whose first line is its title.
        if let Some(first) = lines
            .first()
            .filter(|l| looks_like_title(&tidy_spaces(&l.text)))
        {
            front.title = Some(tidy_spaces(&first.text));
            front.body = 1.min(end)..end;
        }
    }
    front
}

/// The first top-level heading, else the first heading of any style, else the start.
fn body_start(lines: &[Line<'_>]) -> usize {
    let style_at = |l: &Line<'_>| {
        let chars: Vec<char> = l.text.chars().take(16).collect();
        let folded: Vec<char> = chars.iter().map(|c| crate::chars::fold(*c)).collect();
        heading::marker(&folded, &chars).map(|m| m.style)
    };
    let top = |s: Style| matches!(s, Style::Cn | Style::Part | Style::ChapterWord);
    lines
        .iter()
        .position(|l| style_at(l).is_some_and(top))
        .or_else(|| lines.iter().position(|l| style_at(l).is_some()))
        .unwrap_or(0)
}

fn is_end_marker(text: &str) -> bool {
    // Only the start and the end of a line matter; long lines are body text.
    if text.len() > 240 {
        return false;
    }
    let t = text.trim();
    if END_MARKERS.iter().any(|m| t.starts_with(m)) {
        return true;
    }
    if !t.ends_with("印发") {
        return false;
    }
    let t = squeeze(t);
    END_MARKERS.iter().any(|m| t.starts_with(m))
        || date_prefix(&t).is_some()
        || issued_in_colophon(&t).is_some()
}

fn looks_like_title(t: &str) -> bool {
    let n = t.chars().count();
    (4..=80).contains(&n)
        && PLAN_WORDS.iter().any(|w| t.ends_with(w))
        && !t.contains(['，', '。', '；', '：', ','])
}

/// `海东市人民政府 关于印发《…》的通知` → (plan title, issuer).
fn notice(text: &str) -> Option<(String, Option<String>)> {
    let t = tidy_spaces(text);
    let at = t.find("关于")?;
    if !(t.ends_with("通知") && t.contains("印发")) {
        return None;
    }
    let title = if let (Some(a), Some(b)) = (t.find('《'), t.rfind('》')) {
        t.get(a + '《'.len_utf8()..b)?.to_owned()
    } else {
        let from = t.find("印发")? + "印发".len();
        let to = t.rfind("的通知").unwrap_or(t.len() - "通知".len());
        t.get(from..to)?.to_owned()
    };
    let issuer = t
        .get(..at)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    (!title.is_empty()).then_some((title, issuer))
}

/// `东政〔2024〕18号`, `沪建建材〔2021〕694号`, also with `[]` or `［］`.
fn doc_number(text: &str) -> Option<String> {
    let t: Vec<char> = squeeze(&fold_str(text)).chars().collect();
    if t.len() > 40 {
        return None;
    }
    let open = t
        .iter()
        .position(|c| matches!(c, '〔' | '[' | '［' | '【'))?;
    let year = t.get(open + 1..open + 5)?;
    if !year.iter().all(char::is_ascii_digit)
        || !matches!(t.get(open + 5)?, '〕' | ']' | '］' | '】')
    {
        return None;
    }
    let digits = t
        .iter()
        .skip(open + 6)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if digits == 0 || t.get(open + 6 + digits) != Some(&'号') {
        return None;
    }
    let mut from = open;
    while from > 0 && t.get(from - 1).is_some_and(|c| is_han(*c)) {
        from -= 1;
    }
    (from < open).then(|| t.get(from..open + 7 + digits).map(|s| s.iter().collect()))?
}

/// A line that is a date of issue (`2024年7月9日`) → `2024-07-09`.
fn date(text: &str) -> Option<String> {
    let t = squeeze(&fold_str(text));
    let (iso, rest) = date_prefix(&t)?;
    rest.is_empty().then_some(iso)
}

/// `海东市人民政府办公室 2024年7月9日印发` → `2024-07-09`.
fn issued_in_colophon(text: &str) -> Option<String> {
    let t = squeeze(&fold_str(text));
    let at = t.char_indices().find(|(_, c)| c.is_ascii_digit())?.0;
    let (iso, rest) = date_prefix(t.get(at..)?)?;
    (rest == "印发").then_some(iso)
}

/// Parses `YYYY年M月D日` at the start of `t`, returning ISO date and the rest.
fn date_prefix(t: &str) -> Option<(String, &str)> {
    let mut rest = t;
    let mut parts = [0u32; 3];
    for (i, sep) in ['年', '月', '日'].iter().enumerate() {
        let n = rest.chars().take_while(char::is_ascii_digit).count();
        let value = rest.get(..n)?.parse().ok()?;
        *parts.get_mut(i)? = value;
        rest = rest.get(n..)?.strip_prefix(*sep)?;
    }
    let [y, m, d] = parts;
    ((1949..=2199).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| (format!("{y:04}-{m:02}-{d:02}"), rest))
}

/// The first signer above the date: `黄浦区发展和改革委员会黄浦区建设和管理委员会` →
/// `黄浦区发展和改革委员会`.
fn signature(before_date: &[Line<'_>]) -> Option<String> {
    const ORG_ENDS: &[&str] = &["人民政府", "委员会", "办公厅", "办公室", "政府", "局", "委"];
    let is_org = |t: &str| {
        !t.contains(['，', '。', '：', '；', '、']) && ORG_ENDS.iter().any(|e| t.ends_with(e))
    };
    let block: Vec<String> = before_date
        .iter()
        .rev()
        .map(|l| squeeze(&l.text))
        .take_while(|t| is_org(t))
        .collect();
    let first = block.last()?;
    // Two signers on one line (`黄浦区发展和改革委员会黄浦区建设和管理委员会`): cut where the
    // second begins with the same place as the first.
    let place: String = first.chars().take(2).collect();
    let cut = first
        .char_indices()
        .skip(2)
        .map(|(i, _)| i)
        .find(|i| {
            first.get(*i..).is_some_and(|rest| rest.starts_with(&place))
                && first
                    .get(..*i)
                    .is_some_and(|head| ORG_ENDS.iter().any(|e| head.ends_with(e)))
        })
        .unwrap_or(first.len());
    first.get(..cut).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notice_titles() {
        let (title, issuer) =
            notice("海东市人民政府 关于印发海东市推进西宁—海东都市圈 一体化发展行动计划的通知")
                .unwrap();
        assert_eq!(title, "海东市推进西宁—海东都市圈一体化发展行动计划");
        assert_eq!(issuer.as_deref(), Some("海东市人民政府"));
        let (title, issuer) = notice("关于印发《黄浦区可再生能源发展行动方案》的通知").unwrap();
        assert_eq!(title, "黄浦区可再生能源发展行动方案");
        assert_eq!(issuer, None);
    }

    #[test]
    fn first_signer() {
        let lines = |v: &[&'static str]| -> Vec<Line<'static>> {
            v.iter()
                .enumerate()
                .map(|(i, t)| Line {
                    text: (*t).into(),
                    no: i as u32 + 1,
                })
                .collect()
        };
        let block = lines(&[
            "现印发给你们。",
            "黄浦区发展和改革委员会黄浦区建设和管理委员会",
            "黄浦区投资促进办公室",
        ]);
        assert_eq!(signature(&block).as_deref(), Some("黄浦区发展和改革委员会"));
        assert_eq!(
            signature(&lines(&["上海市交通委员会"])).as_deref(),
            Some("上海市交通委员会")
        );
    }

    #[test]
    fn numbers_and_dates() {
        assert_eq!(
            doc_number("东政〔2024〕18号").as_deref(),
            Some("东政〔2024〕18号")
        );
        assert_eq!(
            doc_number("沪建建材［2021］694号").as_deref(),
            Some("沪建建材［2021］694号")
        );
        assert_eq!(doc_number("全文见2024年"), None);
        assert_eq!(date("2024年7月9日").as_deref(), Some("2024-07-09"));
        assert_eq!(date("2024年7月9日前完成"), None);
        assert_eq!(
            issued_in_colophon("海东市人民政府办公室 2024年7月9日印发").as_deref(),
            Some("2024-07-09")
        );
    }
}
