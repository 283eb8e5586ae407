//! Search over the current versions of all plans: every term must occur (`LIKE`, portable to
//! both backends; Chinese terms match as written).

use sqlx::{AnyPool, Row};

use crate::{HitKind, Result, SearchHit};

/// Most terms a query may have.
const MAX_TERMS: usize = 8;

pub(crate) async fn search(
    pool: &AnyPool,
    query: &str,
    plan: Option<i64>,
    limit: i64,
) -> Result<Vec<SearchHit>> {
    let terms: Vec<String> = query
        .split_whitespace()
        .take(MAX_TERMS)
        .map(|t| {
            format!(
                "%{}%",
                t.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        })
        .collect();
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let current = "JOIN plan_versions v ON v.id = x.plan_version_id JOIN plans p ON p.id = v.plan_id AND v.version = p.current_version";
    let mut out = Vec::new();
    for (kind, select, text) in [
        (
            HitKind::Node,
            "SELECT p.id, x.node_key, NULL, x.title, x.number FROM nodes x",
            "x.title || ' ' || x.body",
        ),
        (
            HitKind::Target,
            "SELECT p.id, n.node_key, x.target_key, x.indicator, NULL FROM targets x JOIN nodes n ON n.id = x.node_id",
            "x.indicator || ' ' || x.source_text",
        ),
        (
            HitKind::Project,
            "SELECT p.id, n.node_key, NULL, x.name, NULL FROM projects x JOIN nodes n ON n.id = x.node_id",
            "x.name",
        ),
    ] {
        let mut sql = format!("{select} {current} WHERE ");
        for i in 0..terms.len() {
            sql.push_str(&format!("{text} LIKE ${} ESCAPE '\\' AND ", i + 1));
        }
        let n = terms.len();
        sql.push_str(&format!(
            "(p.id = ${} OR ${} = 0) ORDER BY p.id, x.id LIMIT ${}",
            n + 1,
            n + 2,
            n + 3
        ));
        let mut q = sqlx::query(&sql);
        for t in &terms {
            q = q.bind(t.clone());
        }
        let rows = q
            .bind(plan.unwrap_or(0))
            .bind(i64::from(plan.is_some()))
            .bind(limit)
            .persistent(false)
            .fetch_all(pool)
            .await?;
        for r in rows {
            out.push(SearchHit {
                plan_id: r.try_get(0)?,
                kind: kind.clone(),
                node_key: r.try_get(1)?,
                target_key: r.try_get(2)?,
                title: r.try_get(3)?,
                number: r.try_get(4)?,
            });
        }
    }
    Ok(out)
}
