//! The pages' words in Chinese (first) and English, chosen per request.

use std::collections::BTreeMap;

/// A page language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 中文, the default.
    Zh,
    /// English.
    En,
}

impl Lang {
    /// From a `lang` query value or cookie (`zh`, `en`); anything else is Chinese.
    pub fn parse(value: Option<&str>) -> Self {
        match value {
            Some(v) if v.eq_ignore_ascii_case("en") => Self::En,
            _ => Self::Zh,
        }
    }

    /// The code used in URLs and the `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Self::Zh => "zh",
            Self::En => "en",
        }
    }
}

/// (key, 中文, English)
const WORDS: &[(&str, &str, &str)] = &[
    ("app", "督办", "Duban"),
    ("plans", "计划", "Plans"),
    (
        "no_plans",
        "还没有计划。用 duban import 导入计划文件。",
        "No plans yet. Import a plan document with duban import.",
    ),
    ("overview", "概览", "Overview"),
    ("tree", "目录", "Contents"),
    ("targets", "目标", "Targets"),
    ("projects", "项目", "Projects"),
    ("units", "单位", "Units"),
    ("search", "搜索", "Search"),
    (
        "search_placeholder",
        "搜索任务、目标、项目",
        "Search tasks, targets, projects",
    ),
    ("doc_number", "文号", "Document number"),
    ("issuer", "发文机关", "Issued by"),
    ("issued_on", "成文日期", "Date of issue"),
    ("version", "版本", "Version"),
    ("nodes", "条目", "Items"),
    ("tasks", "任务", "Tasks"),
    ("chapters", "章节", "Chapters"),
    ("lead", "牵头单位", "Lead unit"),
    ("co", "配合单位", "Assisting units"),
    ("implementer", "实施主体", "Implementing units"),
    (
        "responsible_raw",
        "原文责任单位",
        "Responsibility as written",
    ),
    ("source_line", "原文位置", "Source"),
    ("line", "第{}行", "line {}"),
    ("indicator", "指标", "Indicator"),
    ("value", "目标值", "Target value"),
    ("year", "年份", "Year"),
    ("comparator", "比较", "Comparison"),
    ("node", "所属任务", "Task"),
    ("leads", "牵头的任务", "Tasks it leads"),
    ("assists", "配合的任务", "Tasks it assists"),
    ("its_targets", "相关目标", "Its targets"),
    ("members", "包含单位", "Members"),
    ("work_plan", "年度工作", "Annual work"),
    ("deadline", "完成时限", "Deadline"),
    ("children", "下级条目", "Sub-items"),
    ("results", "搜索结果", "Results"),
    ("no_results", "没有找到。", "Nothing found."),
    (
        "query_too_short",
        "请输入至少一个字。",
        "Type at least one character.",
    ),
    ("not_found", "页面不存在", "Page not found"),
    (
        "not_found_text",
        "要找的页面不存在，可能已被移动或编号有误。",
        "The page does not exist; it may have moved or the address is wrong.",
    ),
    ("error", "出错了", "Something went wrong"),
    (
        "unavailable",
        "数据库暂时无法访问，请稍后再试。",
        "The database cannot be reached; try again later.",
    ),
    ("home", "返回首页", "Back to the start"),
    ("diagnostics", "导入诊断", "Import diagnostics"),
    ("kind_chapter", "章", "Chapter"),
    ("kind_section", "节", "Section"),
    ("kind_item", "条", "Item"),
    ("kind_subitem", "款", "Sub-item"),
    ("kind_paragraph", "段", "Paragraph"),
    ("kind_part", "部分", "Part"),
    ("switch", "English", "中文"),
];

/// The words of a language, by key.
pub fn words(lang: Lang) -> BTreeMap<&'static str, &'static str> {
    WORDS
        .iter()
        .map(|(k, zh, en)| (*k, if lang == Lang::Zh { *zh } else { *en }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_in_both_languages() {
        let mut keys = std::collections::HashSet::new();
        for (k, zh, en) in WORDS {
            assert!(keys.insert(k), "{k} twice");
            assert!(!zh.is_empty() && !en.is_empty(), "{k}");
        }
        assert_eq!(Lang::parse(Some("EN")), Lang::En);
        assert_eq!(Lang::parse(Some("fr")), Lang::Zh);
        assert_eq!(words(Lang::En)["tasks"], "Tasks");
    }
}
