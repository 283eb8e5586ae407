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

/// The document.
pub fn document() -> Value {
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
                        "code": { "type": "string", "enum": ["not_found", "bad_request", "store_unavailable"] },
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
