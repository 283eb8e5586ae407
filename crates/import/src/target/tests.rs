//! Goals read from sentences of real plans.

use super::*;

type Goal = (String, f64, Option<f64>, String, &'static str, Option<i32>);

fn goals(text: &str) -> Vec<Goal> {
    let para = Para::new(text, 1);
    let mut year = None;
    scan(&para, 0, para.len(), &mut year, Some(2024))
        .into_iter()
        .map(|g| {
            (
                g.indicator,
                g.value,
                g.value_high,
                g.unit,
                g.comparator.symbol(),
                g.year,
            )
        })
        .collect()
}

fn one(text: &str) -> (String, f64, String, &'static str, Option<i32>) {
    let g = goals(text);
    assert_eq!(g.len(), 1, "{text}: {g:?}");
    let (i, v, _, u, c, y) = g.into_iter().next().unwrap();
    (i, v, u, c, y)
}

#[test]
fn a_year_stated_once_governs_several_goals() {
    let g = goals(
        "至2030年，乡镇通三级及以上公路比例达到85%，城市（县城）公共供水管网漏损率低于9%、生活污水集中收集率达到70%、燃气普及率超过95%。",
    );
    assert_eq!(g.len(), 4, "{g:?}");
    assert_eq!(
        g[0],
        (
            "乡镇通三级及以上公路比例".into(),
            85.0,
            None,
            "%".into(),
            ">=",
            Some(2030)
        )
    );
    assert_eq!(
        g[1],
        (
            "城市（县城）公共供水管网漏损率".into(),
            9.0,
            None,
            "%".into(),
            "<=",
            Some(2030)
        )
    );
    assert_eq!(g[2].0, "生活污水集中收集率");
    assert_eq!(g[3].0, "燃气普及率");
    assert_eq!(g[3].4, ">=");
}

#[test]
fn comparators() {
    assert_eq!(
        one("至2030年，全市工矿用地占城乡建设用地比重下降至25%左右。").3,
        "reduce_to"
    );
    assert_eq!(
        one("至 2025 年，用水总量控制在 5.63 亿立方米以内。").2,
        "亿立方米"
    );
    assert_eq!(
        one("至 2025 年，用水总量控制在 5.63 亿立方米以内。").3,
        "<="
    );
    // `控制在` is a ceiling; `左右` makes it approximate (the target's `approx`), not `approx`.
    assert_eq!(
        one("至2025年本市建筑领域碳排放量控制在4500万吨左右。").3,
        "<="
    );
    assert_eq!(one("至2025年本市常住人口达到1000万左右。").3, "approx");
    assert_eq!(one("至2030年，水质达到III类。").3, "<=");
    assert_eq!(
        one("至2030年底，算力规模增长10000PFLOPS。").3,
        "increase_by"
    );
    assert_eq!(one("城市空气质量优良天数比例保持在92%及以上。").3, ">=");
    assert_eq!(one("能耗强度下降15%。").3, "reduce_by");
}

#[test]
fn ranges_classes_and_units() {
    let g = goals("到 2035 年，城区常住人口达到 30 万—50 万，力争成为中等城市。");
    assert_eq!(
        g,
        [(
            "城区常住人口".into(),
            30.0,
            Some(50.0),
            "万".into(),
            "range",
            Some(2035)
        )]
    );
    let g = goals("黄河干流出省断面水质、湟水河出省断面水质分别达到Ⅱ类和Ⅲ类。");
    assert_eq!(g.len(), 2);
    assert_eq!(
        (g[0].0.as_str(), g[0].1, g[0].3.as_str()),
        ("黄河干流出省断面水质", 2.0, "类")
    );
    assert_eq!((g[1].0.as_str(), g[1].1), ("湟水河出省断面水质", 3.0));
    assert_eq!(
        one("至2030年，建成区路网密度达到6.5公里/平方公里。").2,
        "公里/平方公里"
    );
    assert_eq!(one("农业灌溉水有效利用系数达到 0.52。").2, "");
}

#[test]
fn amounts_of_work() {
    let g = goals(
        "至 2030 年，打造国家级现代农业产业园 1 个、新认定省级现代农业产业园 2 个、农业产业强镇 3 个。",
    );
    assert_eq!(g.len(), 3, "{g:?}");
    assert!(g.iter().all(|g| g.4 == "increase_by"));
    assert_eq!(g[2].0, "农业产业强镇");
    let g = goals("到2028年底，形成50个以上公园提质增效案例。");
    assert_eq!(
        g,
        [(
            "形成公园提质增效案例".into(),
            50.0,
            None,
            "个".into(),
            ">=",
            Some(2028)
        )]
    );
    assert_eq!(goals("“十四五”期间完成1000公里老化燃气管道改造，40万户立管改造，市政地下燃气管道泄漏自查发现率达80%以上。").len(), 3);
    assert_eq!(
        goals("“十四五”期间完成1000公里老化燃气管道改造。")[0].5,
        Some(2025)
    );
}

#[test]
fn numbers_that_are_not_goals() {
    assert!(goals("加快实施特润新能源 80 兆瓦光伏、海东市物联产业园综合加能站等项目。").is_empty());
    assert!(goals("将平安区平西门站、一号桥头既设 DN300 阀门井作为接驳点。").is_empty());
    assert!(goals("学习宁波相关经验，探索推动 9610 海关业务监管场所建设。").is_empty());
    assert!(goals("为居住满6个月以上的流动人口建立居民健康档案。").is_empty());
    assert!(
        goals("落实《“飞地经济”项目共建共享战略合作框架协议》（东政〔2024〕18号）。").is_empty()
    );
    assert!(goals("截至2020年12月，全市累计建成绿色建筑2.33亿平方米。").is_empty());
    assert!(goals("2020年，全市绿色建筑达到2.33亿平方米。").is_empty());
    assert!(
        goals("对餐饮企业存放气瓶总重量超过60kg但未设置专用气瓶间的，要依法责令限期改正。")
            .is_empty()
    );
    assert!(goals("有序推进城市、县城和重点乡镇 5G 全覆盖。").is_empty());
    assert!(goals("在6座市属公园先行启动试点工作。").is_empty());
    assert!(goals("加快推进轨道交通19号线工可调整。").is_empty());
    assert!(goals("用3个月左右时间开展集中攻坚。").is_empty());
}
