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
    ("by_section", "按节", "By section"),
    ("annual_points", "年度工作要点", "Annual work points"),
    ("annual_point", "工作要点", "Work point"),
    (
        "annual_point_help",
        "留空并保存即删除该年度的要点。",
        "Save an empty text to remove that year's point.",
    ),
    ("account", "账号", "Account"),
    ("action", "操作", "Action"),
    ("active", "正常", "Active"),
    ("all", "全部", "All"),
    ("api_tokens", "接口令牌", "API tokens"),
    ("approve", "审核通过", "Approve"),
    ("as_of", "截至", "as of"),
    ("audit", "审计日志", "Audit log"),
    (
        "audit_note",
        "日志只增不改，每条记录链接前一条的哈希；可用 duban audit verify 校验",
        "The log is append-only and hash-chained; check it with duban audit verify",
    ),
    ("baseline", "基期值", "Baseline"),
    ("baseline_value", "基期值", "Baseline value"),
    ("baseline_year", "基期年份", "Baseline year"),
    ("by_chapter", "按章节", "By chapter"),
    ("by_county", "按县区", "By county"),
    ("by_unit", "按责任单位", "By unit"),
    ("cadence", "频次", "Cadence"),
    ("change", "变更内容", "Change"),
    ("change_password", "修改密码", "Change password"),
    ("channel", "渠道", "Channel"),
    ("close_round", "结束本轮调度", "Close this round"),
    ("closed", "已结束", "closed"),
    ("co_reports", "配合单位报告", "Co units' reports"),
    ("conflict", "记录已被他人修改", "Changed by someone else"),
    ("coordination", "需协调事项", "Matters needing coordination"),
    ("create_token", "生成令牌", "Create token"),
    ("create_user", "创建账号", "Create account"),
    ("data_source", "数据来源", "Source"),
    ("decompose", "年度分解", "Annual milestones"),
    ("delivered", "送达", "Delivered"),
    ("disable", "停用", "Disable"),
    ("disabled", "已停用", "Disabled"),
    ("display_name", "姓名", "Name"),
    (
        "draft_kept",
        "已保存草稿，可继续填写。",
        "A draft is saved; carry on.",
    ),
    ("due_on", "截止日期", "Due"),
    ("enable", "启用", "Enable"),
    ("evidence", "佐证材料", "Evidence"),
    (
        "evidence_help",
        "PDF、图片或 Word/Excel/PowerPoint 文档，单个文件不超过 20 MB",
        "PDF, images or Word/Excel/PowerPoint documents, at most 20 MB each",
    ),
    ("expected", "应达值", "Expected"),
    ("export_csv", "导出 CSV", "Export CSV"),
    ("failed", "发送失败", "Failed"),
    ("fill_report", "填报进展", "Report progress"),
    ("filter", "筛选", "Filter"),
    (
        "fix_fields",
        "未保存：请修改标出的项目",
        "Not saved: correct the marked fields",
    ),
    ("forbidden", "无权访问", "Not allowed"),
    ("goal", "目标", "Goal"),
    (
        "investment",
        "完成投资（万元）",
        "Investment made (10k yuan)",
    ),
    ("kind", "类型", "Kind"),
    ("latest", "最新值", "Latest"),
    ("legend", "图例", "Legend"),
    (
        "linear",
        "按基期线性分解",
        "Split linearly from the baseline",
    ),
    ("locked", "已锁定", "Locked"),
    ("login", "登录", "Sign in"),
    ("logout", "退出", "Sign out"),
    ("message", "内容", "Message"),
    ("method", "评估方法", "Method"),
    ("milestone_value", "年度目标值", "Milestone"),
    ("milestones", "年度目标", "Annual milestones"),
    (
        "must_change",
        "首次登录或密码已过期：请先修改密码。",
        "First sign-in or expired password: change your password first.",
    ),
    ("must_change_short", "待改密码", "Must change password"),
    ("name", "名称", "Name"),
    ("new_user", "新建账号", "New account"),
    ("next", "下一页", "Next"),
    ("next_steps", "下步打算", "Next steps"),
    (
        "no_baseline",
        "未设定（由牵头办公室录入）",
        "Not set (the office enters it)",
    ),
    ("no_milestones", "尚无年度目标", "No milestones yet"),
    ("no_notices", "暂无通知。", "No notices."),
    (
        "no_observations",
        "尚无已审核的数据。",
        "No approved values yet.",
    ),
    ("no_reports", "没有报告。", "No reports."),
    ("no_rounds", "尚无调度。", "No rounds yet."),
    ("not_submitted", "尚未报送", "Not submitted yet"),
    (
        "nothing_waiting",
        "没有待审核的报告。",
        "Nothing is waiting for review.",
    ),
    ("notices", "通知", "Notices"),
    ("observations", "监测数据", "Observed values"),
    ("observed_on", "数据日期", "Date"),
    ("observed_value", "监测值", "Value"),
    (
        "observed_values",
        "目标指标监测值",
        "Observed target values",
    ),
    (
        "one_time_password",
        "账号 {} 的一次性密码（只显示这一次，首次登录须修改）：",
        "One-time password for {} (shown once; must be changed at first sign-in):",
    ),
    ("open_round", "发起调度", "Open a round"),
    (
        "other_units",
        "同一任务的其他单位",
        "Other units on this task",
    ),
    ("overall", "总体", "Overall"),
    ("overdue_n", "{} 份逾期", "{} overdue"),
    ("pages", "分页", "Pages"),
    ("password", "密码", "Password"),
    (
        "password_rule",
        "密码至少 {n} 位，含大写字母、小写字母、数字、符号中的至少 {c} 类，不得包含账号名。",
        "At least {n} characters, with at least {c} of: upper case, lower case, digits, symbols; not containing the user name.",
    ),
    ("password_current", "当前密码", "Current password"),
    ("password_new", "新密码", "New password"),
    ("password_confirm", "确认新密码", "Confirm new password"),
    ("pending", "待发送", "Pending"),
    ("percent_complete", "完成比例", "Percent complete"),
    ("period", "报告期", "Period"),
    ("period_start", "报告期开始", "Period start"),
    ("period_end", "报告期结束", "Period end"),
    ("previous", "上一页", "Previous"),
    ("problems", "存在问题", "Problems"),
    ("progress", "进展情况", "Progress"),
    ("progress_status", "进展与状态", "Progress and status"),
    ("project_stage", "项目进度", "Project stage"),
    ("rag_achieved", "已完成", "Achieved"),
    ("rag_amber", "黄", "Amber"),
    ("rag_green", "绿", "Green"),
    ("rag_no_data", "无数据", "No data"),
    ("rag_red", "红", "Red"),
    ("record", "记录", "Record"),
    ("record_value", "录入监测值", "Record a value"),
    ("report_status", "报告状态", "Report status"),
    ("reports", "报告", "Reports"),
    ("reset_password", "重置密码", "Reset password"),
    ("return_report", "退回修改", "Return"),
    ("review", "审核", "Review"),
    (
        "review_comment",
        "审核意见（退回时必填）",
        "Comment (required to return)",
    ),
    ("review_queue", "待审核报告", "Reports waiting for review"),
    ("role", "角色", "Role"),
    ("round", "调度", "Round"),
    ("round_title", "调度名称", "Round"),
    ("rounds", "调度", "Rounds"),
    ("save", "保存", "Save"),
    ("save_draft", "保存草稿", "Save draft"),
    (
        "save_milestones",
        "保存所填年度目标",
        "Save these milestones",
    ),
    ("scope", "调度范围", "Tasks"),
    ("scope_all", "全部任务", "All tasks"),
    ("scope_unit", "单位", "Unit"),
    ("state", "状态", "State"),
    ("status", "进展状态", "Status"),
    ("submit_report", "报送", "Submit"),
    ("task", "任务", "Task"),
    ("task_text", "任务原文", "Task text"),
    ("time", "时间", "Time"),
    ("token_name", "令牌名称", "Token name"),
    (
        "token_once",
        "新令牌（只显示这一次）：",
        "New token (shown once):",
    ),
    ("unit", "单位", "Unit"),
    ("unit_role", "职责", "Role"),
    ("username", "账号", "User name"),
    ("users", "账号管理", "Accounts"),
    ("version_n", "第 {} 版", "Version {}"),
    ("versions", "报送记录", "Submissions"),
    ("waiting", "共 {} 份待审核", "{} waiting"),
    ("who", "操作人", "Who"),
    ("cad_monthly", "月度", "Monthly"),
    ("cad_quarterly", "季度", "Quarterly"),
    ("cad_ad_hoc", "专项", "Ad hoc"),
    ("decision_approve", "审核通过", "Approved"),
    ("decision_return", "退回", "Returned"),
    ("measure_expected_progress", "P", "P"),
    ("measure_ratio", "R", "R"),
    (
        "method_expected_progress",
        "预期进度法（实际÷应达）",
        "Expected progress (actual ÷ expected)",
    ),
    (
        "method_ratio",
        "比率法（Open SDG）",
        "Ratio method (Open SDG)",
    ),
    ("nk_reminder", "提醒", "Reminder"),
    ("nk_chase", "催办", "Chase"),
    ("nk_supervision", "督办", "Supervision notice"),
    (
        "origin_linear",
        "年度目标按基期线性分解。",
        "Milestones split linearly from the baseline.",
    ),
    (
        "origin_office",
        "年度目标由牵头办公室设定。",
        "Milestones set by the office.",
    ),
    (
        "origin_computed",
        "年度目标为自动计算（尚未保存）。",
        "Milestones computed (not saved yet).",
    ),
    ("os_pending", "待审核", "Pending"),
    ("os_approved", "已审核", "Approved"),
    ("os_rejected", "未采用", "Not used"),
    ("role_admin", "管理员", "Administrator"),
    ("role_reviewer", "审核员", "Reviewer"),
    ("role_reporter", "填报员", "Reporter"),
    ("role_leader", "领导", "Leader"),
    ("role_analyst", "分析员", "Analyst"),
    ("rs_draft", "待填报", "To do"),
    ("rs_submitted", "已报送", "Submitted"),
    ("rs_returned", "已退回", "Returned"),
    ("rs_approved", "已通过", "Approved"),
    ("st_achieved", "已完成", "Achieved"),
    ("st_on_track", "正常推进", "On track"),
    ("st_at_risk", "存在风险", "At risk"),
    ("st_moderate", "进展一般", "Moderate progress"),
    ("st_behind", "进度滞后", "Behind"),
    ("st_limited", "进展有限", "Limited progress"),
    ("st_deteriorating", "反向变化", "Deteriorating"),
    ("st_no_data", "暂无数据", "No data"),
    ("ur_lead", "牵头", "Lead"),
    ("ur_co", "配合", "Co"),
    ("ur_implementer", "实施", "Implementer"),
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
