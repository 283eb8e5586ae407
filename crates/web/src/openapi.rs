//! The OpenAPI 3.1 document of `/api/v1`. A test checks that it lists exactly the routes the
//! router serves, and that each answers.

use serde_json::{Value, json};

fn plan_param() -> Value {
    json!({ "name": "plan", "in": "path", "required": true, "schema": { "type": "integer" }, "description": "计划编号 / plan id" })
}

fn paging() -> Vec<Value> {
    vec![
        json!({ "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "default": 1 } }),
        json!({ "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 500, "default": 50 } }),
    ]
}

fn op(summary: &str, params: Vec<Value>, schema: Value) -> Value {
    json!({
        "get": {
            "summary": summary,
            "parameters": params,
            "responses": {
                "200": { "description": "OK", "content": { "application/json": { "schema": schema } } },
                "400": { "$ref": "#/components/responses/BadRequest" },
                "404": { "$ref": "#/components/responses/NotFound" },
                "503": { "$ref": "#/components/responses/Unavailable" }
            }
        }
    })
}

fn page_of(item: &str) -> Value {
    json!({
        "type": "object",
        "required": ["items", "page", "per_page", "total"],
        "properties": {
            "items": { "type": "array", "items": { "$ref": format!("#/components/schemas/{item}") } },
            "page": { "type": "integer" }, "per_page": { "type": "integer" }, "total": { "type": "integer" }
        }
    })
}

/// What each supervision operation does, and the body it takes.
const SUPERVISION: &[(&str, &str, &str, Option<&str>)] = &[
    (
        "GET",
        "/me",
        "当前账号与会话的 CSRF 令牌 / the account, and a session's CSRF token",
        None,
    ),
    (
        "GET",
        "/rounds",
        "调度列表（填报单位只见本单位）/ rounds (a unit sees its own)",
        None,
    ),
    (
        "POST",
        "/rounds",
        "发起调度 / open a round",
        Some("NewRound"),
    ),
    (
        "GET",
        "/rounds/{round}",
        "调度与报告 / a round and its reports",
        None,
    ),
    (
        "POST",
        "/rounds/{round}/close",
        "结束调度 / close a round",
        None,
    ),
    (
        "GET",
        "/reports",
        "报告列表（round、status、unit 筛选；填报单位只见本单位）/ reports",
        None,
    ),
    (
        "GET",
        "/reports/{report}",
        "报告及各版本、佐证、审核 / a report with versions, evidence, reviews",
        None,
    ),
    (
        "PUT",
        "/reports/{report}/draft",
        "保存草稿 / save a draft",
        Some("Draft"),
    ),
    (
        "POST",
        "/reports/{report}/submit",
        "报送（幂等：submission_key 或 Idempotency-Key）；multipart 时 report 字段为 JSON、evidence 为文件 / submit (idempotent)",
        Some("Submission"),
    ),
    (
        "POST",
        "/reports/{report}/review",
        "审核：通过或退回 / approve or return",
        Some("Review"),
    ),
    (
        "GET",
        "/plans/{plan}/status",
        "目标与任务状态及汇总 / statuses and roll-ups",
        None,
    ),
    (
        "GET",
        "/plans/{plan}/targets/{target}/milestones",
        "基期、年度目标与状态 / baseline, milestones, status",
        None,
    ),
    (
        "PUT",
        "/plans/{plan}/targets/{target}/milestones",
        "设定基期与年度目标（省略 milestones 则线性分解）/ set baseline and milestones",
        Some("Milestones"),
    ),
    (
        "GET",
        "/plans/{plan}/targets/{target}/observations",
        "已审核的监测值 / approved values",
        None,
    ),
    (
        "POST",
        "/plans/{plan}/targets/{target}/observations",
        "录入监测值（直接生效）/ record a value",
        Some("Observation"),
    ),
    ("GET", "/notices", "提醒、催办、督办通知 / notices", None),
    (
        "GET",
        "/audit",
        "审计日志（新在前）/ the audit log, newest first",
        None,
    ),
    (
        "GET",
        "/audit/verify",
        "校验审计日志哈希链 / verify the audit chain",
        None,
    ),
    (
        "GET",
        "/plans/{plan}/edits",
        "计划校对记录（谁、何时、为何）/ the office's edits of a plan",
        None,
    ),
    (
        "POST",
        "/plans/{plan}/edits",
        "校对计划：一项修改及理由 / one edit of the plan, with its reason",
        Some("PlanEdit"),
    ),
    (
        "POST",
        "/plans/{plan}/publish",
        "确认并发布计划 / publish a plan for supervision",
        None,
    ),
    (
        "GET",
        "/plans/{plan}/revisions",
        "计划修订（动态调整）/ a plan's revisions",
        None,
    ),
    (
        "GET",
        "/plans/{plan}/revisions/{revision}",
        "修订及其差异、待确认匹配 / a revision, its diff, the pairings to decide",
        None,
    ),
    (
        "POST",
        "/plans/{plan}/revisions/{revision}",
        "确认匹配、批准或退回修订 / decide a pairing, approve or reject a revision",
        Some("RevisionDecision"),
    ),
    (
        "POST",
        "/rounds/{round}/publish",
        "发布调度结果（公众可见）/ publish a round's results to the public",
        None,
    ),
];

fn supervision_op(summary: &str, body: Option<&str>, path: &str) -> Value {
    let params: Vec<Value> = path
        .split('/')
        .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": if name == "target" { "string" } else { "integer" } } }))
        .collect();
    let mut op = json!({
        "summary": summary,
        "parameters": params,
        "security": [{ "bearer": [] }, { "session": [] }],
        "responses": {
            "200": { "description": "OK", "content": { "application/json": { "schema": { "type": "object" } } } },
            "401": { "$ref": "#/components/responses/Error" },
            "403": { "$ref": "#/components/responses/Error" },
            "404": { "$ref": "#/components/responses/Error" },
            "409": { "$ref": "#/components/responses/Error" },
            "422": { "$ref": "#/components/responses/Error" }
        }
    });
    if let (Some(schema), Some(o)) = (body, op.as_object_mut()) {
        o.insert("requestBody".into(), json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } }));
    }
    op
}

fn supervision_schemas() -> Value {
    let body = json!({ "type": "object", "description": "进展情况、完成比例、存在问题、下步打算、需协调事项、项目进度、投资、监测值", "properties": {
        "progress": { "type": "string" }, "percent_complete": { "type": ["number", "null"], "minimum": 0, "maximum": 100 },
        "problems": { "type": "string" }, "next_steps": { "type": "string" }, "coordination": { "type": "string" },
        "project_stage": { "type": ["string", "null"], "enum": ["前期", "开工", "在建", "竣工", null] },
        "investment": { "type": ["number", "null"], "minimum": 0 },
        "observations": { "type": "array", "items": { "type": "object", "required": ["target_key", "observed_on", "value", "source"], "properties": {
            "target_key": { "type": "string" }, "observed_on": { "type": "string", "format": "date" }, "value": { "type": "number" }, "source": { "type": "string" } } } } } });
    json!({
        "NewRound": { "type": "object", "required": ["plan_id", "title", "cadence", "period_start", "period_end", "due_on", "scope"], "properties": {
            "plan_id": { "type": "integer" }, "title": { "type": "string" }, "cadence": { "enum": ["monthly", "quarterly", "ad_hoc"] },
            "period_start": { "type": "string", "format": "date" }, "period_end": { "type": "string", "format": "date" }, "due_on": { "type": "string", "format": "date" },
            "scope": { "type": "object", "description": "{\"kind\": \"all\"} | {\"kind\": \"under\", \"value\": node key} | {\"kind\": \"unit\", \"value\": unit name}" } } },
        "ReportBody": body,
        "Draft": { "type": "object", "required": ["row_version", "body"], "properties": { "row_version": { "type": "integer" }, "body": { "$ref": "#/components/schemas/ReportBody" } } },
        "Submission": { "type": "object", "required": ["row_version", "body"], "properties": { "row_version": { "type": "integer" }, "submission_key": { "type": "string" }, "body": { "$ref": "#/components/schemas/ReportBody" } } },
        "Review": { "type": "object", "required": ["row_version", "decision"], "properties": { "row_version": { "type": "integer" }, "decision": { "enum": ["approve", "return"] }, "comment": { "type": "string" } } },
        "Milestones": { "type": "object", "required": ["row_version"], "properties": { "row_version": { "type": "integer" },
            "baseline": { "type": ["object", "null"], "properties": { "value": { "type": "number" }, "year": { "type": "integer" } } },
            "milestones": { "type": ["array", "null"], "items": { "type": "object", "properties": { "year": { "type": "integer" }, "value": { "type": "number" } } } } } },
        "Observation": { "type": "object", "required": ["observed_on", "value", "source"], "properties": { "observed_on": { "type": "string", "format": "date" }, "value": { "type": "number" }, "source": { "type": "string" } } },
        "PlanEdit": { "type": "object", "required": ["edit", "reason"], "properties": {
            "reason": { "type": "string", "minLength": 1 },
            "edit": { "type": "object", "required": ["op"], "description": "duban_domain::curation::Edit: {\"op\": \"edit_node\", \"node\", \"patch\"} | set_units {node, units: [{unit, role}]} | set_people {node, contact} | edit_target {target, patch} | add_target {target} | delete_target {target} | merge_targets {keep, remove} | split_target {target, parts} | add_project {project} | edit_project {project, name?, node?} | delete_project {project} | add_node {node} | resolve_diagnostic {code, line} | set_horizon {year}",
                "properties": { "op": { "enum": ["edit_node", "set_units", "set_people", "edit_target", "add_target", "delete_target", "merge_targets", "split_target", "add_project", "edit_project", "delete_project", "add_node", "resolve_diagnostic", "set_horizon"] } } } } },
        "RevisionDecision": { "type": "object", "required": ["action", "row_version"], "properties": {
            "action": { "enum": ["match", "approve", "reject"] }, "row_version": { "type": "integer" }, "reason": { "type": "string" },
            "kind": { "enum": ["node", "target", "project"] }, "new": { "type": "string" }, "old": { "type": ["string", "null"] } } }
    })
}

/// The supervision operations, by path and lower-case method.
pub fn supervision_paths() -> Vec<(&'static str, &'static str)> {
    SUPERVISION.iter().map(|(m, p, _, _)| (*m, *p)).collect()
}

/// The document.
pub fn document() -> Value {
    let mut doc = base_document();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (method, path, summary, body) in SUPERVISION {
            let entry = paths.entry((*path).to_owned()).or_insert_with(|| json!({}));
            if let Some(e) = entry.as_object_mut() {
                e.insert(method.to_lowercase(), supervision_op(summary, *body, path));
            }
        }
    }
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        && let Some(extra) = supervision_schemas().as_object()
    {
        for (k, v) in extra {
            schemas.insert(k.clone(), v.clone());
        }
    }
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        components.insert("securitySchemes".into(), json!({
            "bearer": { "type": "http", "scheme": "bearer", "description": "API 令牌（账号页面生成）/ an API token from the account page" },
            "session": { "type": "apiKey", "in": "cookie", "name": "duban_session", "description": "浏览器会话；写操作须带 X-CSRF-Token / a browser session; writes carry X-CSRF-Token" }
        }));
        if let Some(responses) = components
            .get_mut("responses")
            .and_then(Value::as_object_mut)
        {
            responses.insert("Error".into(), json!({ "description": "error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }));
        }
    }
    doc
}

fn base_document() -> Value {
    let with_plan = |mut extra: Vec<Value>| {
        let mut v = vec![plan_param()];
        v.append(&mut extra);
        v
    };
    let path = |name: &str, desc: &str| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" }, "description": desc });
    let object = json!({ "type": "object" });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "duban API",
            "version": "1",
            "description": "督办：计划、任务、责任单位、目标与项目。Plans as read from their documents (duban.plan/1, docs/plan-format.md). Errors: {\"error\": {\"code\", \"message\"}}."
        },
        "servers": [{ "url": "/api/v1" }],
        "paths": {
            "/plans": op("计划列表 / plans with counts", paging(), page_of("PlanSummary")),
            "/plans/{plan}": op("计划概览 / plan overview with chapters", vec![plan_param()], object.clone()),
            "/plans/{plan}/nodes": op("全部条目 / all nodes (duban.plan/1 nodes)", with_plan(paging()), page_of("Node")),
            "/plans/{plan}/nodes/{node}": op("条目 / a node with children, targets, projects", with_plan(vec![path("node", "dotted id, e.g. 2.1.3")]), object.clone()),
            "/plans/{plan}/tasks": op("任务 / nodes with responsible units", with_plan(paging()), page_of("Node")),
            "/plans/{plan}/units": op("单位 / units with task counts", with_plan(paging()), page_of("UnitRow")),
            "/plans/{plan}/units/{unit}": op("单位 / a unit's tasks and targets", with_plan(vec![path("unit", "name or alias")]), object.clone()),
            "/plans/{plan}/targets": op("目标 / targets", with_plan(paging()), page_of("Target")),
            "/plans/{plan}/targets/{target}": op("目标 / a target", with_plan(vec![path("target", "e.g. t12")]), object.clone()),
            "/plans/{plan}/projects": op("项目 / projects", with_plan(paging()), page_of("Project")),
            "/search": op(
                "搜索 / search tasks, targets, projects",
                vec![
                    json!({ "name": "q", "in": "query", "required": true, "schema": { "type": "string", "minLength": 1 } }),
                    json!({ "name": "plan", "in": "query", "schema": { "type": "integer" } }),
                ],
                object.clone()
            ),
            "/openapi.json": op("本文档 / this document", vec![], object),
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object", "required": ["error"],
                    "properties": { "error": { "type": "object", "required": ["code", "message"], "properties": {
                        "code": { "type": "string", "enum": ["not_found", "bad_request", "store_unavailable", "unauthorized", "forbidden", "conflict", "invalid", "too_large"] },
                        "message": { "type": "string" } } } }
                },
                "PlanSummary": { "type": "object", "properties": {
                    "id": { "type": "integer" }, "title": { "type": "string" }, "issuer": { "type": ["string", "null"] },
                    "doc_number": { "type": ["string", "null"] }, "issued_on": { "type": ["string", "null"] },
                    "version": { "type": "integer" }, "counts": { "type": "object" } } },
                "Node": { "type": "object", "description": "duban.plan/1 node", "properties": {
                    "id": { "type": "string" }, "parent": { "type": ["string", "null"] }, "kind": { "type": "string" },
                    "number": { "type": ["string", "null"] }, "title": { "type": "string" }, "text": { "type": "string" },
                    "line": { "type": "integer" }, "responsible": { "type": "array" }, "responsible_raw": { "type": ["string", "null"] } } },
                "Target": { "type": "object", "description": "duban.plan/1 target", "properties": {
                    "id": { "type": "string" }, "node": { "type": "string" }, "indicator": { "type": "string" },
                    "value": { "type": "number" }, "value_high": { "type": ["number", "null"] }, "unit": { "type": "string" },
                    "comparator": { "type": "string", "enum": [">=", "<=", "approx", "increase_by", "reduce_to", "reduce_by", "range"] },
                    "year": { "type": ["integer", "null"] }, "text": { "type": "string" }, "line": { "type": "integer" } } },
                "Project": { "type": "object", "properties": { "name": { "type": "string" }, "node": { "type": "string" }, "line": { "type": "integer" } } },
                "UnitRow": { "type": "object", "properties": {
                    "name": { "type": "string" }, "kind": { "type": "string" }, "aliases": { "type": "array", "items": { "type": "string" } },
                    "leads": { "type": "integer" }, "assists": { "type": "integer" } } }
            },
            "responses": {
                "BadRequest": { "description": "malformed request", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
                "NotFound": { "description": "no such resource", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
                "Unavailable": { "description": "database unreachable", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
            }
        }
    })
}
