//! The reference plan (东政〔2024〕18号) read end to end, checked against the document itself.

use crate::common::{check_invariants, node, reference_text, targets, units};
use duban_domain::{Comparator, NodeKind, Role, Severity, TargetKind, UnitKind};

fn plan() -> duban_domain::Plan {
    duban_import::parse(&reference_text())
}

#[test]
fn front_matter() {
    let p = plan();
    assert_eq!(p.format, "duban.plan/1");
    assert_eq!(p.title, "海东市推进西宁—海东都市圈一体化发展行动计划");
    assert_eq!(p.issuer.as_deref(), Some("海东市人民政府"));
    assert_eq!(p.doc_number.as_deref(), Some("东政〔2024〕18号"));
    assert_eq!(p.issued_on.as_deref(), Some("2024-07-09"));
    check_invariants(&p, reference_text().lines().count());
}

#[test]
fn eleven_chapters_with_their_sections() {
    let p = plan();
    let chapters: Vec<_> = p.children(None).collect();
    let numbers: Vec<&str> = chapters
        .iter()
        .map(|c| c.number.as_deref().unwrap())
        .collect();
    assert_eq!(
        numbers,
        [
            "一、",
            "二、",
            "三、",
            "四、",
            "五、",
            "六、",
            "七、",
            "八、",
            "九、",
            "十、",
            "十一、"
        ]
    );
    assert!(chapters.iter().all(|c| c.kind == NodeKind::Chapter));
    assert_eq!(chapters[10].title, "实施保障");
    let sections = |i: usize| {
        p.children(Some(&chapters[i].id))
            .filter(|n| n.kind == NodeKind::Section)
            .count()
    };
    // 二: （一）（二）(三); 五: （一）–（四）; 七: （一）–（五）; 十一: （一）–（四）.
    assert_eq!(
        [sections(1), sections(4), sections(6), sections(10)],
        [3, 4, 5, 4]
    );
    // A half-width section heading with a space: `(二) 提升国土空间利用效能`.
    assert_eq!(node(&p, "提升国土空间利用效能").kind, NodeKind::Section);
    // Items and dash items below sections.
    assert_eq!(node(&p, "总体发展格局").kind, NodeKind::Item);
    assert_eq!(node(&p, "空间结构合理高效").kind, NodeKind::Item);
    assert_eq!(node(&p, "空间结构合理高效").number.as_deref(), Some("——"));
}

#[test]
fn every_responsibility_block_is_attached() {
    let p = plan();
    let text = reference_text();
    let blocks = text.matches("责任单位：").count();
    assert_eq!(blocks, 107);
    assert_eq!(p.assigned_nodes().count(), 107);
    assert!(
        p.diagnostics
            .iter()
            .all(|d| d.code != "responsibility_unplaced")
    );
    // Each block's text is kept as written.
    assert!(p.assigned_nodes().all(|n| {
        n.responsible_raw
            .as_deref()
            .is_some_and(|r| r.contains("责任单位"))
    }));
}

#[test]
fn leads_and_co_units() {
    let p = plan();
    let core = node(&p, "“一核”");
    assert_eq!(units(core, Role::Lead), ["海东工业园区管委会"]);
    assert_eq!(
        units(core, Role::Co),
        ["乐都区政府", "平安区政府", "互助县政府"]
    );

    // A block split over a page break: `（责任单位：市自\n\n然资源规划局，…`.
    let land = node(&p, "强化国土空间要素保障");
    assert_eq!(units(land, Role::Lead), ["市自然资源规划局"]);
    assert_eq!(units(land, Role::Co), ["海东工业园区管委会", "各县区政府"]);

    // `（责任单位：市交通运\n\n输局，平安区政府)` with a half-width closing parenthesis.
    let roads = node(&p, "提升交通路网互通水平");
    assert_eq!(units(roads, Role::Lead), ["市交通运输局"]);
    assert_eq!(units(roads, Role::Co), ["平安区政府"]);

    // Half-width parentheses inside a unit name.
    let bonded = node(&p, "推动曹家堡保税物流中心");
    assert_eq!(
        units(bonded, Role::Co),
        ["青海曹家堡保税物流中心（B型）管委会"]
    );

    // A group name and a shared suffix: `乐都区、民和县、…循化县政府及园区管委会`.
    let hubs = node(&p, "多点支撑");
    let co = units(hubs, Role::Co);
    assert!(co.contains(&"循化县政府") && co.contains(&"乐都区政府"));
    assert_eq!(p.unit("各县区政府").unwrap().kind, UnitKind::Group);
    assert_eq!(
        p.unit("乐都区政府").unwrap().kind,
        UnitKind::CountyGovernment
    );
    assert_eq!(p.unit("海东工业园区管委会").unwrap().kind, UnitKind::Park);
    assert_eq!(p.unit("市水务集团").unwrap().kind, UnitKind::Enterprise);
}

#[test]
fn paragraphs_with_lead_phrases_or_their_own_units_become_tasks() {
    let p = plan();
    // `新能源产业。依托…（责任单位：…）` under `2. 积极培育发展战略性新兴产业和未来产业`.
    let parent = node(&p, "积极培育发展战略性新兴产业和未来产业");
    let children: Vec<&str> = p
        .children(Some(&parent.id))
        .map(|n| n.title.as_str())
        .collect();
    assert_eq!(
        children,
        [
            "新能源产业",
            "新材料产业",
            "装备制造业",
            "电子信息产业",
            "高原特色生物产业"
        ]
    );
    assert!(
        p.children(Some(&parent.id))
            .all(|n| n.kind == NodeKind::Paragraph && !n.responsible.is_empty())
    );
    // Two paragraphs without a lead phrase, each with its own block, under one heading.
    let heavy = node(&p, "持续改造提升传统优势产业");
    assert!(heavy.responsible.is_empty());
    let kids: Vec<_> = p.children(Some(&heavy.id)).collect();
    assert_eq!(kids.len(), 2);
    assert!(kids[0].text.starts_with("冶金建材产业依托"));
    assert!(kids[1].text.starts_with("特色轻工业依托"));
    assert_eq!(units(kids[0], Role::Lead), ["各县区政府"]);
    assert_eq!(
        units(kids[1], Role::Co),
        ["各县区园区管委会", "市工业信息化局"]
    );
}

#[test]
fn spelling_variants_become_one_unit_and_are_reported() {
    let p = plan();
    let culture = p.unit("市文化旅游广电局").unwrap();
    assert_eq!(culture.name, "市文体旅游广电局");
    let mut aliases = culture.aliases.clone();
    aliases.sort();
    assert_eq!(aliases, ["市文体广电旅游局", "市文化旅游广电局"]);
    assert_eq!(p.unit("海东国网供电公司").unwrap().name, "国网海东供电公司");
    assert_eq!(p.unit("市工业和信息化局").unwrap().name, "市工业信息化局");
    let merges: Vec<_> = p
        .diagnostics
        .iter()
        .filter(|d| d.code == "unit_merged")
        .collect();
    assert_eq!(merges.len(), 4);
    assert!(
        merges
            .iter()
            .all(|d| d.severity != Severity::Error && d.line.is_some())
    );
    // No alias is used in an assignment.
    let alias_used = p
        .nodes
        .iter()
        .flat_map(|n| &n.responsible)
        .any(|a| a.unit.contains("文化旅游") || a.unit == "海东国网供电公司");
    assert!(!alias_used);
}

/// (indicator contains, value, unit, comparator, year)
const EXPECTED: &[(&str, f64, &str, Comparator, Option<i32>)] = &[
    (
        "全市地区生产总值占全省比重",
        20.0,
        "%",
        Comparator::AtLeast,
        Some(2030),
    ),
    (
        "数据中心标准机架规模",
        5.0,
        "万架",
        Comparator::AtLeast,
        Some(2030),
    ),
    (
        "算力总规模",
        10000.0,
        "PFLOPS",
        Comparator::AtLeast,
        Some(2030),
    ),
    (
        "城市空气质量优良天数比例",
        92.0,
        "%",
        Comparator::AtLeast,
        Some(2030),
    ),
    (
        "劳动年龄人口平均受教育年限",
        12.0,
        "年",
        Comparator::AtLeast,
        Some(2030),
    ),
    (
        "每千人拥有执业（助理）医师数",
        2.4,
        "人",
        Comparator::AtLeast,
        Some(2030),
    ),
    (
        "全市工矿用地占城乡建设用地比重",
        25.0,
        "%",
        Comparator::ReduceTo,
        Some(2030),
    ),
    (
        "乡镇通三级及以上公路比例",
        85.0,
        "%",
        Comparator::AtLeast,
        Some(2030),
    ),
    (
        "公共供水管网漏损率",
        9.0,
        "%",
        Comparator::AtMost,
        Some(2030),
    ),
    (
        "生活污水集中收集率",
        70.0,
        "%",
        Comparator::AtLeast,
        Some(2030),
    ),
    ("燃气普及率", 95.0, "%", Comparator::AtLeast, Some(2030)),
    (
        "建成区路网密度",
        6.5,
        "公里/平方公里",
        Comparator::AtLeast,
        Some(2030),
    ),
    (
        "农村公路",
        1800.0,
        "公里",
        Comparator::IncreaseBy,
        Some(2030),
    ),
    (
        "城市污泥无害化处置率",
        90.0,
        "%",
        Comparator::AtLeast,
        Some(2030),
    ),
    ("混接错接点位", 988.0, "处", Comparator::AtLeast, Some(2030)),
    ("用水总量", 5.63, "亿立方米", Comparator::AtMost, Some(2025)),
    (
        "农业灌溉水有效利用系数",
        0.52,
        "",
        Comparator::AtLeast,
        Some(2030),
    ),
    ("供电可靠率", 99.86, "%", Comparator::AtLeast, Some(2030)),
    (
        "非化石能源消费比重",
        65.0,
        "%",
        Comparator::AtLeast,
        Some(2030),
    ),
    (
        "算力规模",
        10000.0,
        "PFLOPS",
        Comparator::IncreaseBy,
        Some(2030),
    ),
    (
        "高标准农田",
        56.94,
        "万亩",
        Comparator::IncreaseBy,
        Some(2030),
    ),
    ("粮食产量", 52.0, "万吨", Comparator::AtLeast, Some(2030)),
    (
        "科技特派员",
        900.0,
        "名",
        Comparator::IncreaseBy,
        Some(2030),
    ),
    ("培训合格率", 90.0, "%", Comparator::AtLeast, None),
    ("水土保持率", 60.0, "%", Comparator::AtLeast, Some(2030)),
    (
        "城镇清洁供暖率",
        100.0,
        "%",
        Comparator::AtLeast,
        Some(2030),
    ),
    ("跨境电商企业", 15.0, "家", Comparator::AtLeast, None),
];

#[test]
fn quantitative_goals() {
    let p = plan();
    for (indicator, value, unit, comparator, year) in EXPECTED {
        let found = targets(&p, indicator);
        let hit = found.iter().find(|t| {
            t.value == *value && t.unit == *unit && t.comparator == *comparator && t.year == *year
        });
        assert!(
            hit.is_some(),
            "{indicator} {value}{unit} {comparator:?} {year:?}: found {found:#?}"
        );
    }
}

#[test]
fn several_goals_in_one_sentence() {
    let p = plan();
    // `城市生活垃圾无害化处理率、资源化利用率分别达到 99%、50%`
    let waste = targets(&p, "无害化处理率");
    assert_eq!(waste.len(), 1);
    assert_eq!(waste[0].value, 99.0);
    let reuse = targets(&p, "资源化利用率");
    assert_eq!(
        (reuse[0].value, reuse[0].text.as_str()),
        (50.0, waste[0].text.as_str())
    );
    // `黄河干流出省断面水质、湟水河出省断面水质分别达到Ⅱ类和Ⅲ类` (and again in 八、).
    let yellow = targets(&p, "黄河干流出省断面水质");
    assert!(yellow.iter().all(|t| t.value == 2.0 && t.unit == "类"));
    let huang = targets(&p, "湟水河出省断面水质");
    assert!(huang.iter().all(|t| t.value == 3.0 && t.unit == "类"));
    assert_eq!((yellow.len(), huang.len()), (2, 2));
    // A range with the year of its own paragraph: `到 2035 年，城区常住人口达到 30 万—50 万`.
    let people = targets(&p, "城区常住人口");
    assert_eq!(people.len(), 1);
    assert_eq!(
        (
            people[0].value,
            people[0].value_high,
            people[0].unit.as_str()
        ),
        (30.0, Some(50.0), "万")
    );
    assert_eq!(
        (people[0].comparator, people[0].year),
        (Comparator::Range, Some(2035))
    );
    // The fragment and its line are those of the source.
    let text = reference_text();
    let lines: Vec<&str> = text.lines().collect();
    // Fragments split by a page break are read joined.
    let joined: String = lines.iter().map(|l| l.trim()).collect();
    for t in &p.targets {
        let line = lines[t.line as usize - 1];
        let number = format!("{}", t.value);
        assert!(
            line.contains(&number)
                || matches!(t.unit.as_str(), "类")
                || (t.kind == TargetKind::Milestone && line.contains(&t.indicator)),
            "{} not on line {}: {line}",
            number,
            t.line
        );
        assert!(
            joined.contains(&t.text),
            "fragment {:?} is in the source",
            t.text
        );
    }
}

#[test]
fn numbers_that_are_not_goals() {
    let p = plan();
    let bad = |v: f64, unit: &str| p.targets.iter().any(|t| t.value == v && t.unit == unit);
    assert!(!bad(80.0, "兆瓦"), "capacity inside a project name");
    assert!(!bad(400.0, "兆瓦"));
    assert!(
        !p.targets
            .iter()
            .any(|t| [300.0, 377.0, 9610.0, 1210.0, 750.0, 330.0, 213.0].contains(&t.value))
    );
    assert!(
        !bad(6.0, "个月") && !bad(3.0, "个月"),
        "eligibility conditions"
    );
    assert!(!bad(1.0, "小时"), "a description, not a goal");
    assert!(!p.targets.iter().any(|t| t.year.is_some_and(|y| y < 2024)));
    assert!(
        p.targets.len() < 80,
        "few false targets: {}",
        p.targets.len()
    );
}

#[test]
fn named_projects_are_linked_to_their_nodes() {
    let p = plan();
    for name in [
        "民和至永靖高速公路",
        "西宁至成都铁路",
        "乐都杨家水库",
        "曹家堡机场三期扩建工程",
        "黄河干流防洪二期工程",
    ] {
        let project = p
            .projects
            .iter()
            .find(|x| x.name == name)
            .unwrap_or_else(|| panic!("{name}"));
        let node = p.node(&project.node).unwrap();
        let stem = name.trim_end_matches("水库");
        assert!(node.text.contains(stem), "{name} in {}", node.title);
    }
    assert!(
        !p.projects
            .iter()
            .any(|x| x.name.contains("一批") || x.name.starts_with("重点"))
    );
}

#[test]
fn gbk_copy_reads_the_same() {
    let text = reference_text();
    let (bytes, _, errors) = encoding_rs::GBK.encode(&text);
    assert!(!errors);
    let doc = duban_document::read("plan-gbk.txt", &bytes).unwrap();
    assert_eq!(doc.text, text);
    assert_eq!(duban_import::parse(&doc.text), plan());
}

#[test]
fn json_round_trips() {
    let p = plan();
    let json = serde_json::to_string(&p).unwrap();
    let back: duban_domain::Plan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["targets"][0]["comparator"], ">=");
    assert_eq!(value["nodes"][0]["kind"], "chapter");
    assert_eq!(value["diagnostics"][0]["severity"], "warning");
}

fn at_line(p: &duban_domain::Plan, line: u32) -> Vec<&duban_domain::Target> {
    p.targets.iter().filter(|t| t.line == line).collect()
}

#[test]
fn water_classes_are_ordinal_and_lower_is_better() {
    let p = plan();
    let classes: Vec<_> = at_line(&p, 37)
        .into_iter()
        .filter(|t| t.unit == "类")
        .collect();
    assert_eq!(classes.len(), 2, "{classes:?}");
    for (t, class) in classes.iter().zip([2.0, 3.0]) {
        assert_eq!(t.kind, TargetKind::Ordinal);
        assert_eq!(t.comparator, Comparator::AtMost);
        assert_eq!(t.value, class);
    }
    // The same classes stated again (稳定在Ⅱ类及以上, 保持在Ⅲ类及以上) read alike.
    let again: Vec<_> = at_line(&p, 383)
        .into_iter()
        .filter(|t| t.unit == "类")
        .map(|t| (t.kind, t.comparator, t.value))
        .collect();
    assert_eq!(
        again,
        [
            (TargetKind::Ordinal, Comparator::AtMost, 2.0),
            (TargetKind::Ordinal, Comparator::AtMost, 3.0)
        ]
    );
}

#[test]
fn approximate_goals_keep_their_comparator() {
    let p = plan();
    let t = targets(&p, "工矿用地占城乡建设用地比重")[0];
    assert_eq!(
        (t.comparator, t.value, t.approx),
        (Comparator::ReduceTo, 25.0, true)
    );
    assert!(!targets(&p, "乡镇通三级及以上公路比例")[0].approx);
}

#[test]
fn standing_floors_are_thresholds() {
    let p = plan();
    let held: Vec<_> = at_line(&p, 361)
        .into_iter()
        .map(|t| (t.indicator.as_str(), t.kind, t.comparator, t.value, t.year))
        .collect();
    assert_eq!(
        held,
        [
            (
                "培训合格率",
                TargetKind::Threshold,
                Comparator::AtLeast,
                90.0,
                None
            ),
            (
                "就业率",
                TargetKind::Threshold,
                Comparator::AtLeast,
                60.0,
                None
            )
        ]
    );
    // A floor to reach by a year in force stays numeric.
    assert_eq!(
        targets(&p, "一般工业固体废物综合利用率")[0].kind,
        TargetKind::Numeric
    );
}

#[test]
fn dated_events_are_milestones() {
    let p = plan();
    let events: Vec<_> = p
        .targets
        .iter()
        .filter(|t| t.kind == TargetKind::Milestone)
        .collect();
    assert!(
        events
            .iter()
            .all(|t| t.value == 1.0 && t.unit.is_empty() && t.comparator == Comparator::AtLeast)
    );
    let names: Vec<_> = events.iter().map(|t| t.indicator.as_str()).collect();
    assert!(names.contains(&"中职教育基地建成"), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("签订《")), "{names:?}");
    assert!(names.contains(&"申报国家级经济技术开发区"), "{names:?}");
    assert_eq!(
        events.iter().find(|t| t.line == 41).and_then(|t| t.year),
        Some(2030)
    );
    // `建成区路网密度` names a built-up area; the long-range aims are not events.
    assert!(
        !names
            .iter()
            .any(|n| n.contains("建成区") || n.contains("体系"))
    );
    assert!(events.len() < 12, "{names:?}");
}

#[test]
fn per_county_goals() {
    let p = plan();
    assert!(
        at_line(&p, 295)
            .iter()
            .any(|t| t.per_county && t.value == 1.0)
    );
    assert!(at_line(&p, 269).iter().all(|t| t.per_county));
    assert!(!targets(&p, "建设高标准农田")[0].per_county);
}

#[test]
fn vision_and_horizon() {
    let p = plan();
    assert_eq!(p.horizon, Some(2030));
    assert_eq!(p.operative_horizon(), Some(2030));
    let vision: Vec<_> = p.targets.iter().filter(|t| t.vision).collect();
    assert!(!vision.is_empty());
    assert!(vision.iter().all(|t| t.year == Some(2035) && t.line == 43));
    assert!(
        p.targets
            .iter()
            .filter(|t| t.year == Some(2035))
            .all(|t| t.vision)
    );
}

#[test]
fn duplicates_conflicts_and_data_owners() {
    let p = plan();
    let codes = |code: &str| -> Vec<&duban_domain::Diagnostic> {
        p.diagnostics.iter().filter(|d| d.code == code).collect()
    };
    let dups = codes("target_duplicate");
    assert_eq!(dups.len(), 2, "{dups:?}");
    assert!(dups.iter().all(|d| d.severity == Severity::Info
        && d.line == Some(383)
        && d.message.contains("第37行")));
    let conflicts = codes("target_conflict");
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert!(conflicts[0].severity == Severity::Warning && conflicts[0].message.contains("PFLOPS"));
    // The 发展目标 targets stated again under a task take its lead unit as their data owner.
    let water = &at_line(&p, 37)
        .into_iter()
        .filter(|t| t.unit == "类")
        .collect::<Vec<_>>();
    let lead = p
        .nodes
        .iter()
        .find(|n| n.line <= 383 && n.text.contains("水土保持率"))
        .and_then(|n| n.leads().next())
        .unwrap();
    assert!(water.iter().all(|t| t.data_owner.as_deref() == Some(lead)));
    let compute = targets(&p, "算力总规模")[0];
    assert!(compute.data_owner.is_some());
    // Those without are reported; targets under a task have no data owner of their own.
    let unowned = codes("target_unowned");
    assert!(
        unowned
            .iter()
            .any(|d| d.message.contains("数据中心标准机架规模"))
    );
    assert!(
        unowned
            .iter()
            .all(|d| d.severity == Severity::Warning && d.line.is_some_and(|l| l < 43))
    );
    assert!(
        p.targets
            .iter()
            .filter(|t| t.line > 45)
            .all(|t| t.data_owner.is_none())
    );
}
