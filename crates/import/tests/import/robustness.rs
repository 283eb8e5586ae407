//! Whatever the text, the importer returns a plan: empty, binary-looking, enormous, or made
//! of the pieces plans are made of in random order. Properties run a bounded number of cases
//! (`PROPTEST_CASES`; CI sets it).

use crate::common::{check_invariants, reference_text};
use duban_domain::Severity;
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

#[test]
fn empty_and_blank_documents_say_so() {
    for text in ["", "\n\n\n", "   \u{3000}\t\n", "\u{feff}"] {
        let plan = duban_import::parse(text);
        assert!(plan.nodes.is_empty());
        assert_eq!(plan.diagnostics.len(), 1, "{text:?}");
        assert_eq!(plan.diagnostics[0].code, "document_empty");
        assert_eq!(plan.diagnostics[0].severity, Severity::Error);
    }
}

#[test]
fn text_without_structure_is_read_as_paragraphs() {
    let plan = duban_import::parse("这是一段没有标题的文字，到2030年比例达到50%。\n第二段文字。\n");
    assert!(plan.diagnostics.iter().any(|d| d.code == "no_structure"));
    assert_eq!(plan.nodes.len(), 2);
    assert_eq!(plan.targets.len(), 1);
    check_invariants(&plan, 2);
}

#[test]
fn control_characters_and_lone_punctuation() {
    let text =
        "\u{0}\u{1}（（（（\n））））\n一、\n（一）\n1.\n——\n（责任单位：）\n达到%\n2030年\n";
    let plan = duban_import::parse(text);
    check_invariants(&plan, text.lines().count());
}

#[test]
fn unreadable_numbers_and_unknown_headings_are_reported() {
    let text = "一、总体要求\nA. 另一种编号的标题\n（二）下一节\n正文。\n";
    let plan = duban_import::parse(text);
    assert!(
        plan.diagnostics
            .iter()
            .any(|d| d.code == "unknown_heading" && d.line == Some(2)),
        "{:?}",
        plan.diagnostics
    );
    assert!(
        plan.diagnostics
            .iter()
            .any(|d| d.code == "numbering_gap" && d.line == Some(3))
    );
    let words = duban_import::parse(
        "一、目标\n到2030年，覆盖率达到百分之八十五，提高两个百分点，达到一流水平。\n",
    );
    let unread: Vec<_> = words
        .diagnostics
        .iter()
        .filter(|d| d.code == "number_unreadable")
        .collect();
    assert_eq!(unread.len(), 2, "{unread:?}");
    assert!(unread[0].message.contains("达到百分之八十五") && unread[0].line == Some(2));
    assert!(words.targets.is_empty());
    let orphan = duban_import::parse(
        "一、总体要求\n正文。（责任单位：市发展改革委）\n（责任单位：市财政局）\n",
    );
    assert!(
        orphan
            .diagnostics
            .iter()
            .any(|d| d.code == "responsibility_unplaced" && d.line == Some(3))
    );
    assert_eq!(
        orphan.nodes[0].leads().collect::<Vec<_>>(),
        ["市发展改革委"]
    );
}

#[test]
fn a_fifty_megabyte_text_parses() {
    let reference = reference_text();
    let body = reference.split("是否宜公开").next().unwrap();
    let copies = 50 * 1024 * 1024 / body.len() + 1;
    let large = body.repeat(copies);
    assert!(large.len() >= 50 * 1024 * 1024);
    let plan = duban_import::parse(&large);
    let per_copy = duban_import::parse(body);
    assert_eq!(
        plan.assigned_nodes().count(),
        per_copy.assigned_nodes().count() * copies
    );
    assert_eq!(plan.targets.len(), per_copy.targets.len() * copies);
    assert_eq!(plan.units.len(), per_copy.units.len());
}

/// Pieces of real plans: headings of every style, blocks, numbers, page-break fragments.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("一、总体要求\n".to_owned()),
        Just("（二）发展目标\n".to_owned()),
        Just("(三) 提升效能\n".to_owned()),
        Just("1. 强化对外互联互通能力。以“打通大通道、完善大网络”\n\n".to_owned()),
        Just("为核心，推进对外通道建设。\n".to_owned()),
        Just("（1）完成改造2000万平方米以上。\n".to_owned()),
        Just("——**空间结构合理高效**。集约紧凑。\n".to_owned()),
        Just(
            "新能源产业。依托园区发展。（责任单位：海东工业园区管委会，市工业信息化局）\n"
                .to_owned()
        ),
        Just("（责任单位：市自\n\n然资源规划局，乐都区、平安区、互助县政府)\n".to_owned()),
        Just("（市住房城乡建设管理委牵头负责，各区政府组织落实）\n".to_owned()),
        Just("牵头单位：市发展改革委；配合单位：市财政局\n".to_owned()),
        Just(
            "至2030年，比例达到85%、漏损率低于9%，人口达到 30 万—50 万，水质分别达到Ⅱ类和Ⅲ类。\n"
                .to_owned()
        ),
        Just("任务分解表\n序号\n内容\n牵头部门\n配合部门\n2024年工作任务\n1\n".to_owned()),
        Just("抄送：市委各部门。\n".to_owned()),
        Just("关于印发《某某行动计划》的通知\n东政〔2024〕18号\n2024年7月9日\n".to_owned()),
        "[一二三四五六七八九十（）()、，。：；0-9%.—年达到以上责任单位市局县区政府 \n]{0,80}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn any_text_gives_a_plan(text in any::<String>()) {
        let plan = duban_import::parse(&text);
        check_invariants(&plan, text.lines().count().max(1));
    }

    #[test]
    fn plan_like_text_gives_a_consistent_plan(pieces in proptest::collection::vec(piece(), 0..40)) {
        let text = pieces.concat();
        let plan = duban_import::parse(&text);
        check_invariants(&plan, text.lines().count().max(1));
        // Parsing is deterministic.
        prop_assert_eq!(plan, duban_import::parse(&text));
    }
}

#[test]
fn parts_chapters_and_sections_of_a_long_plan() {
    let text = "某市“十五五”发展规划\n第一部分 总体思路\n第一章 总体要求\n第一节 指导思想\n正文。\n一、主要目标\n到2030年，森林覆盖率达到40%。\n第二章 重点任务\n第一节 产业发展\n（一）培育新产业\n推进园区建设。（推进单位：市发展改革委、市工业和信息化局）\n第二部分 保障\n";
    let plan = duban_import::parse(text);
    let kinds: Vec<(String, duban_domain::NodeKind)> = plan
        .nodes
        .iter()
        .map(|n| (n.number.clone().unwrap_or_default(), n.kind))
        .collect();
    use duban_domain::NodeKind::*;
    assert_eq!(
        kinds,
        [
            ("第一部分".to_owned(), Part),
            ("第一章".to_owned(), Chapter),
            ("第一节".to_owned(), Section),
            ("一、".to_owned(), Item),
            ("第二章".to_owned(), Chapter),
            ("第一节".to_owned(), Section),
            ("（一）".to_owned(), Item),
            ("第二部分".to_owned(), Part),
        ]
    );
    assert_eq!(plan.nodes[3].parent.as_ref(), Some(&plan.nodes[2].id));
    assert_eq!(plan.targets[0].year, Some(2030));
    let task = &plan.nodes[6];
    assert_eq!(task.leads().collect::<Vec<_>>(), ["市发展改革委"]);
    check_invariants(&plan, text.lines().count());
}

#[test]
fn a_task_list_with_implementers_and_deadlines() {
    let text = "某县实施方案\n一、重点任务\n（一）改善人居环境\n正文。\n重点任务清单\n序号\n任务内容\n责任部门\n实施主体\n完成时限\n1\n改造老旧小区30个\n县住房建设局、县财政局\n各乡镇\n2025年底\n2\n新建污水管网20公里\n县水务局\n县城投公司\n2026年6月\n";
    let plan = duban_import::parse(text);
    let rows: Vec<_> = plan.nodes.iter().filter(|n| n.deadline.is_some()).collect();
    assert_eq!(rows.len(), 2);
    let first = &rows[0];
    assert_eq!(first.leads().collect::<Vec<_>>(), ["县住房建设局"]);
    assert_eq!(
        first.units_with(duban_domain::Role::Co).collect::<Vec<_>>(),
        ["县财政局"]
    );
    assert_eq!(
        first
            .units_with(duban_domain::Role::Implementer)
            .collect::<Vec<_>>(),
        ["各乡镇"]
    );
    assert_eq!(first.deadline.as_deref(), Some("2025年底"));
    assert_eq!(
        rows[1]
            .units_with(duban_domain::Role::Implementer)
            .collect::<Vec<_>>(),
        ["县城投公司"]
    );
    assert!(plan.targets.iter().any(|t| t.value == 20.0
        && t.unit == "公里"
        && t.comparator == duban_domain::Comparator::IncreaseBy));
    check_invariants(&plan, text.lines().count());
}

#[test]
fn lead_and_co_labels_as_paragraphs() {
    let text = "一、任务\n1. 建立联席会议制度。\n牵头单位：市发展改革委；配合单位：市财政局、市统计局\n2. 完善考核机制。（责任部门：市委组织部、市人力资源社会保障局）\n";
    let plan = duban_import::parse(text);
    let first = &plan.nodes[1];
    assert_eq!(first.leads().collect::<Vec<_>>(), ["市发展改革委"]);
    assert_eq!(
        first.units_with(duban_domain::Role::Co).collect::<Vec<_>>(),
        ["市财政局", "市统计局"]
    );
    assert_eq!(plan.nodes[2].leads().collect::<Vec<_>>(), ["市委组织部"]);
}
