//! A report's fields as a form sends them, checked field by field: a bad value is refused for
//! that field (its message beside it) and the rest of the form is kept. The API checks its
//! JSON body with the same rules.

use std::collections::{BTreeMap, HashMap};

use duban_domain::Target;
use duban_domain::supervision::Date;
use duban_store::{NewObservation, ReportBody};

use crate::Lang;

/// Field name → what is wrong with it.
pub type FieldErrors = BTreeMap<String, String>;

/// Project stages (项目进度).
pub const STAGES: [&str; 4] = ["前期", "开工", "在建", "竣工"];

const MAX_TEXT: usize = 5000;

fn say(lang: Lang, zh: String, en: String) -> String {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn number(
    fields: &HashMap<String, String>,
    name: &str,
    errors: &mut FieldErrors,
    lang: Lang,
) -> Option<f64> {
    let raw = fields
        .get(name)
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())?;
    let cleaned = raw.replace([',', '，'], "");
    match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            errors.insert(
                name.to_owned(),
                say(
                    lang,
                    format!("“{raw}”不是数字"),
                    format!("'{raw}' is not a number"),
                ),
            );
            None
        }
    }
}

fn text(fields: &HashMap<String, String>, name: &str) -> String {
    fields
        .get(name)
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

/// Reads a report from form fields (`obs_value_{key}`, `obs_date_{key}`, `obs_source_{key}`
/// for each of the task's targets).
pub fn from_fields(
    fields: &HashMap<String, String>,
    targets: &[&Target],
    lang: Lang,
) -> (ReportBody, FieldErrors) {
    let mut errors = FieldErrors::new();
    let mut body = ReportBody {
        progress: text(fields, "progress"),
        percent_complete: number(fields, "percent_complete", &mut errors, lang),
        problems: text(fields, "problems"),
        next_steps: text(fields, "next_steps"),
        coordination: text(fields, "coordination"),
        project_stage: Some(text(fields, "project_stage")).filter(|s| !s.is_empty()),
        investment: number(fields, "investment", &mut errors, lang),
        observations: Vec::new(),
    };
    for t in targets {
        let key = &t.id.0;
        let value_field = format!("obs_value_{key}");
        let date_field = format!("obs_date_{key}");
        let Some(value) = number(fields, &value_field, &mut errors, lang) else {
            continue;
        };
        let raw_date = text(fields, &date_field);
        let Some(observed_on) = Date::parse(&raw_date) else {
            errors.insert(
                date_field,
                say(
                    lang,
                    format!("“{raw_date}”不是日期（应为 YYYY-MM-DD）"),
                    format!("'{raw_date}' is not a date (YYYY-MM-DD)"),
                ),
            );
            continue;
        };
        body.observations.push(NewObservation {
            target_key: key.clone(),
            observed_on,
            value,
            source: text(fields, &format!("obs_source_{key}")),
        });
    }
    (body, errors)
}

/// A milestone (建成, 投运…) is achieved by approved evidence: a submission that reports one
/// done (a value of 1 or more) must carry at least one evidence file.
pub fn milestone_evidence(
    body: &ReportBody,
    targets: &[&Target],
    files: usize,
    lang: Lang,
    errors: &mut FieldErrors,
) {
    if files > 0 {
        return;
    }
    for o in &body.observations {
        let milestone = targets
            .iter()
            .any(|t| t.id.0 == o.target_key && t.kind == duban_domain::TargetKind::Milestone);
        if milestone && o.value >= 1.0 {
            errors.insert(
                format!("obs_value_{}", o.target_key),
                say(
                    lang,
                    "报告里程碑已完成，须附佐证材料（如验收、投运文件）".into(),
                    "a milestone reported done needs evidence (e.g. the acceptance record)".into(),
                ),
            );
        }
    }
}

/// Checks a report's values: ranges, the stage, observations of the task's targets dated
/// within the round's period with a source; on submission, progress is required.
pub fn validate(
    body: &ReportBody,
    targets: &[&Target],
    period: (Date, Date),
    submitting: bool,
    lang: Lang,
    errors: &mut FieldErrors,
) {
    if submitting && body.progress.is_empty() && !errors.contains_key("progress") {
        errors.insert(
            "progress".into(),
            say(lang, "请填写进展情况".into(), "progress is required".into()),
        );
    }
    for (name, value) in [
        ("progress", &body.progress),
        ("problems", &body.problems),
        ("next_steps", &body.next_steps),
        ("coordination", &body.coordination),
    ] {
        if value.chars().count() > MAX_TEXT {
            errors.insert(
                name.into(),
                say(
                    lang,
                    format!("不得超过 {MAX_TEXT} 字"),
                    format!("at most {MAX_TEXT} characters"),
                ),
            );
        }
    }
    if let Some(p) = body.percent_complete
        && !(0.0..=100.0).contains(&p)
    {
        errors.insert(
            "percent_complete".into(),
            say(
                lang,
                format!("完成比例应在 0 到 100 之间，实为 {p}"),
                format!("percent complete must be 0–100, not {p}"),
            ),
        );
    }
    if let Some(i) = body.investment
        && i < 0.0
    {
        errors.insert(
            "investment".into(),
            say(
                lang,
                "投资额不能为负数".into(),
                "investment cannot be negative".into(),
            ),
        );
    }
    if let Some(stage) = &body.project_stage
        && !STAGES.contains(&stage.as_str())
    {
        errors.insert(
            "project_stage".into(),
            say(
                lang,
                format!("项目进度应为 {} 之一", STAGES.join("、")),
                format!("stage must be one of {}", STAGES.join(", ")),
            ),
        );
    }
    for o in &body.observations {
        let key = &o.target_key;
        if !targets.iter().any(|t| &t.id.0 == key) {
            errors.insert(
                format!("obs_value_{key}"),
                say(
                    lang,
                    format!("指标 {key} 不属于本任务"),
                    format!("target {key} is not this task's"),
                ),
            );
            continue;
        }
        if !o.value.is_finite() || o.value.abs() > crate::supervise_api::MAX_FIGURE {
            errors.insert(
                format!("obs_value_{key}"),
                say(lang, "不是有效数字".into(), "not a valid number".into()),
            );
        }
        if o.observed_on < period.0 || o.observed_on > period.1 {
            errors.insert(
                format!("obs_date_{key}"),
                say(
                    lang,
                    format!(
                        "日期 {} 不在本轮报告期（{} 至 {}）内",
                        o.observed_on, period.0, period.1
                    ),
                    format!(
                        "{} is outside this round's period ({} to {})",
                        o.observed_on, period.0, period.1
                    ),
                ),
            );
        }
        if o.source.trim().is_empty() {
            errors.insert(
                format!("obs_source_{key}"),
                say(
                    lang,
                    "请填写数据来源".into(),
                    "the source is required".into(),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use duban_domain::{Comparator, NodeId, TargetId};

    fn target() -> Target {
        Target {
            id: TargetId("t1".into()),
            node: NodeId("1.1".into()),
            indicator: "比例".into(),
            value: 85.0,
            value_high: None,
            unit: "%".into(),
            comparator: Comparator::AtLeast,
            year: Some(2030),
            text: String::new(),
            line: 1,
            ..Default::default()
        }
    }

    #[test]
    fn a_bad_field_is_named_and_the_rest_kept() {
        let t = target();
        let fields: HashMap<String, String> = [
            ("progress", "完成了路网规划"),
            ("percent_complete", "四十"),
            ("obs_value_t1", "70.5"),
            ("obs_date_t1", "2024-01-31"),
            ("obs_source_t1", "交通台账"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let (body, mut errors) = from_fields(&fields, &[&t], Lang::Zh);
        let period = (
            Date::parse("2025-03-01").unwrap(),
            Date::parse("2025-03-31").unwrap(),
        );
        validate(&body, &[&t], period, true, Lang::Zh, &mut errors);
        assert_eq!(body.progress, "完成了路网规划");
        assert!(errors["percent_complete"].contains("四十"));
        assert!(errors["obs_date_t1"].contains("不在本轮报告期"));
        assert_eq!(errors.len(), 2, "{errors:?}");
    }
}
