//! Other real plans, each written in its own conventions: structure, units, targets and
//! projects asserted from the document, and the whole outline kept as a reviewed snapshot.

use crate::common::{check_invariants, corpus_text, node, reference_text, targets, units};
use duban_domain::{Comparator, NodeKind, Role, UnitKind};

fn read(prefix: &str) -> (String, duban_domain::Plan) {
    let (name, text) = corpus_text(prefix);
    let plan = duban_import::parse(&text);
    check_invariants(&plan, text.lines().count());
    (name, plan)
}

fn snapshot(name: &str, plan: &duban_domain::Plan) {
    insta::assert_snapshot!(
        name.trim_end_matches(".txt"),
        duban_domain::outline::render(plan)
    );
}

#[test]
fn reference_plan_outline() {
    let plan = duban_import::parse(&reference_text());
    snapshot("haidong-action-plan-2024", &plan);
}

/// 01: sixteen （一）–（十六） tasks under six chapters, inline blocks, no lead marked.
#[test]
fn parks_plan_inline_blocks() {
    let (name, p) = read("01");
    assert_eq!(p.title, "上海市公园提质增效实施方案");
    assert_eq!(p.issuer.as_deref(), Some("上海市人民政府办公厅"));
    assert_eq!(p.issued_on.as_deref(), Some("2026-08-03"));
    assert_eq!(p.children(None).count(), 6);
    let tasks: Vec<_> = p
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Section)
        .collect();
    assert_eq!(tasks.len(), 16);
    assert!(tasks.iter().all(|t| !t.responsible.is_empty()));
    assert_eq!(
        units(node(&p, "活化利用场地空间"), Role::Lead),
        ["市文化旅游局"]
    );
    assert_eq!(p.unit("各区政府").unwrap().kind, UnitKind::Group);
    let parks = targets(&p, "全市公园总数");
    assert_eq!(
        (parks[0].value, parks[0].unit.as_str(), parks[0].year),
        (1400.0, "座", Some(2028))
    );
    assert_eq!(targets(&p, "开发比例")[0].comparator, Comparator::AtMost);
    assert_eq!(
        targets(&p, "新增各类公园")[0].comparator,
        Comparator::IncreaseBy
    );
    snapshot(&name, &p);
}

/// 02: block paragraphs after each task, mixed separators, street offices, 13 signers.
#[test]
fn renewables_plan_block_paragraphs() {
    let (name, p) = read("02");
    assert_eq!(p.title, "黄浦区可再生能源发展行动方案");
    assert_eq!(p.issuer.as_deref(), Some("黄浦区发展和改革委员会"));
    let tasks: Vec<_> = p
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Section)
        .collect();
    assert_eq!(tasks.len(), 10);
    assert!(
        tasks.iter().all(|t| !t.responsible.is_empty()),
        "every task gets its block paragraph"
    );
    let pv = node(&p, "全面实施“光伏+”专项工程");
    assert_eq!(units(pv, Role::Lead), ["区发展改革委"]);
    assert!(units(pv, Role::Co).contains(&"半淞园路街道管理办"));
    let roofs = targets(&p, "屋顶安装太阳能光伏");
    assert_eq!(
        roofs.iter().map(|t| t.value).collect::<Vec<_>>(),
        [50.0, 30.0, 30.0]
    );
    // The closing 保障措施 chapter carries a block too.
    assert!(!node(&p, "保障措施").responsible.is_empty());
    snapshot(&name, &p);
}

/// 03: leads marked in words, joint leads, numbering that runs across chapters.
#[test]
fn gas_safety_plan_lead_phrases() {
    let (name, p) = read("03");
    let items: Vec<_> = p
        .nodes
        .iter()
        .filter(|n| {
            n.kind == NodeKind::Item
                && n.number
                    .as_deref()
                    .is_some_and(|x| x.starts_with(|c: char| c.is_ascii_digit()))
        })
        .collect();
    // 4 steps in 三、 and 48 tasks in 四、–五、.
    assert_eq!(items.len(), 52);
    let with_units = p.assigned_nodes().count();
    assert_eq!(with_units, 48, "every task of 四、 and 五、 has its units");
    let joint = p
        .nodes
        .iter()
        .find(|n| n.title.contains("高龄独居老人"))
        .unwrap();
    assert_eq!(
        units(joint, Role::Lead),
        ["市住房城乡建设管理委", "市财政局"]
    );
    assert_eq!(units(joint, Role::Co), ["市民政局"]);
    let no_lead_marked = p
        .nodes
        .iter()
        .find(|n| n.number.as_deref() == Some("5.") && n.text.contains("危险化学品"))
        .unwrap();
    assert_eq!(units(no_lead_marked, Role::Lead), ["市应急局"]);
    // Numbering continues from 26. in 四、 to 27. in 五、 without a diagnostic.
    assert!(!p.diagnostics.iter().any(|d| d.code == "numbering_gap"));
    // A rule's conditions are not goals; the 十四五 period dates its goals.
    assert!(!p.targets.iter().any(|t| t.unit == "kg" || t.unit == "米"));
    let pipes = targets(&p, "老化燃气管道改造");
    assert_eq!((pipes[0].value, pipes[0].year), (1000.0, Some(2025)));
    snapshot(&name, &p);
}

/// 04: a task table at the end, flattened one cell per line, with merged cells.
#[test]
fn transport_plan_task_table() {
    let (name, p) = read("04");
    let rows: Vec<_> = p.nodes.iter().filter(|n| !n.work_plan.is_empty()).collect();
    assert_eq!(rows.len(), 17);
    let numbers: Vec<&str> = rows.iter().map(|r| r.number.as_deref().unwrap()).collect();
    assert_eq!(numbers, (1..=17).map(|i| i.to_string()).collect::<Vec<_>>());
    assert!(rows.iter().all(|r| r.leads().count() == 1));
    // Row 3 leaves the merged 内容 cell out and inherits row 2's.
    assert_eq!(rows[2].title, rows[1].title);
    assert_eq!(units(rows[2], Role::Lead), ["交通建设处"]);
    assert_eq!(units(rows[2], Role::Co), ["设施养护处"]);
    // `—` means no co unit; several co cells are all read.
    assert!(units(rows[1], Role::Co).is_empty());
    assert_eq!(
        units(rows[12], Role::Co),
        ["交通建设处", "设施养护处", "轨道交通处"]
    );
    // A cell of numbered sub-tasks stays one cell.
    assert_eq!(rows[0].work_plan[0].text.lines().count(), 3);
    assert_eq!(rows[0].work_plan[0].year, Some(2024));
    // Rows sit in the body's chapters, under the section they match.
    let section = p.node(rows[0].parent.as_ref().unwrap()).unwrap();
    assert_eq!(section.title, "编制体系规划");
    // Targets in a year column take that column's year.
    let bays = targets(&p, "公共停车位");
    assert!(
        bays.iter()
            .any(|t| t.value == 4500.0 && t.year == Some(2024))
    );
    assert!(
        bays.iter()
            .any(|t| t.value == 4500.0 && t.year == Some(2025))
    );
    assert_eq!(p.unit("委内各相关处室").unwrap().kind, UnitKind::Group);
    snapshot(&name, &p);
}

/// 05: a long 规划 with （1） sub-items, lead-sentence paragraphs and a retrospective chapter.
#[test]
fn green_building_plan_hierarchy() {
    let (name, p) = read("05");
    assert_eq!(p.doc_number.as_deref(), Some("沪建建材〔2021〕694号"));
    assert_eq!(p.children(None).count(), 5);
    let sub = node(&p, "实施城乡建设碳达峰行动");
    assert_eq!(sub.kind, NodeKind::Subitem);
    assert_eq!(sub.number.as_deref(), Some("（1）"));
    let lead = node(&p, "推动绿色建筑管理法治化");
    assert_eq!(lead.kind, NodeKind::Paragraph);
    assert!(p.units.is_empty());
    // Past statistics of 一、“十三五”工作回顾 are not goals.
    let review = p.children(None).next().unwrap();
    assert!(
        !p.targets
            .iter()
            .any(|t| t.node.0.starts_with(&format!("{}.", review.id)))
    );
    let carbon = targets(&p, "碳排放量");
    assert!(carbon.iter().all(|t| t.value == 4500.0
        && t.comparator == Comparator::AtMost
        && t.approx
        && t.unit == "万吨"));
    assert!(
        targets(&p, "")
            .iter()
            .any(|t| t.value == 1.0 && t.unit == "亿平方米")
    );
    snapshot(&name, &p);
}
