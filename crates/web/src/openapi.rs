//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' `#[utoipa::path]`
//! attributes and the `ToSchema` of their request and response types: nothing here is written
//! by hand but the list of handlers and the error answers every operation may give, which
//! follow from the route table (who may call it) and the method (writes can conflict or be
//! refused). A test checks the document lists exactly the routes served and that real answers
//! validate against it; CI runs a schema-driven fuzzer against it (`.ci/run`).

use std::sync::OnceLock;

use serde_json::Value;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    Content, OpenApi as Document, Ref, RefOr, ResponseBuilder, SecurityRequirement,
};
use utoipa::{OpenApi, ToSchema};

use crate::error::ErrorJson;
use crate::routes::specs;
use duban_domain::supervision::Access;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "duban API",
        version = "1",
        description = "督办：计划、任务、责任单位、目标与项目，调度、报告与审核。Plans as read from their documents (duban.plan/1, docs/plan-format.md) and their supervision. Errors: {\"error\": {\"code\", \"message\"}}, with `fields` on a refused form (422)."
    ),
    servers((url = "/api/v1")),
    paths(
        crate::api::plans,
        crate::api::plan,
        crate::api::nodes,
        crate::api::node,
        crate::api::tasks,
        crate::api::units,
        crate::api::unit,
        crate::api::targets,
        crate::api::target,
        crate::api::projects,
        crate::api::search,
        crate::api::openapi,
        crate::supervise_api::me,
        crate::supervise_api::rounds,
        crate::supervise_api::open_round,
        crate::supervise_api::round,
        crate::supervise_api::close_round,
        crate::supervise_api::reports,
        crate::supervise_api::report,
        crate::supervise_api::save_draft,
        crate::supervise_api::submit,
        crate::supervise_api::review,
        crate::target_api::status,
        crate::target_api::milestones,
        crate::target_api::set_milestones,
        crate::target_api::observations,
        crate::target_api::record_observation,
        crate::supervise_api::notices,
        crate::supervise_api::audit,
        crate::supervise_api::verify_audit,
        crate::curate_api::edits,
        crate::curate_api::post_edit,
        crate::curate_api::publish,
        crate::curate_api::revisions,
        crate::curate_api::revision,
        crate::curate_api::decide,
        crate::curate_api::publish_round,
    ),
    components(schemas(ErrorJson))
)]
struct ApiDoc;

/// The document as served (built once).
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::to_value(build()).unwrap_or_default())
}

/// The access class of an operation, from the route table (the plan API is public).
fn access(method: &str, path: &str) -> Access {
    let full = format!("/api/v1{path}");
    specs()
        .into_iter()
        .find(|s| s.path == full && s.method.eq_ignore_ascii_case(method))
        .map_or(Access::Public, |s| s.access)
}

/// The generated document with the error answers and security each operation has.
fn build() -> Document {
    let mut doc = ApiDoc::openapi();
    let components = doc.components.get_or_insert_with(Default::default);
    components.security_schemes.insert(
        "bearer".into(),
        RefOr::T(SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "API 令牌（账号页面或 `duban token` 生成）/ an API token",
                ))
                .build(),
        )),
    );
    components.security_schemes.insert(
        "session".into(),
        RefOr::T(SecurityScheme::ApiKey(ApiKey::Cookie(
            ApiKeyValue::with_description(
                "duban_session",
                "浏览器会话；写操作须带 X-CSRF-Token / a browser session; writes carry X-CSRF-Token",
            ),
        ))),
    );
    components.responses.insert(
        "Error".into(),
        RefOr::T(
            ResponseBuilder::new()
                .description("错误 / an error: `{\"error\": {\"code\", \"message\"}}`")
                .content(
                    "application/json",
                    Content::new(Some(Ref::from_schema_name(ErrorJson::name()))),
                )
                .build(),
        ),
    );
    for (path, item) in doc.paths.paths.iter_mut() {
        let operations = [
            ("GET", item.get.as_mut()),
            ("POST", item.post.as_mut()),
            ("PUT", item.put.as_mut()),
        ];
        for (name, operation) in operations {
            let Some(op) = operation else { continue };
            let class = access(name, path);
            let mut codes = vec![
                ("400", "请求有误 / malformed request"),
                ("404", "不存在 / no such resource"),
                ("503", "数据库暂时无法访问 / the database is unreachable"),
            ];
            if class != Access::Public {
                codes.push(("401", "未登录 / not signed in"));
                codes.push(("403", "无权操作 / not allowed"));
                op.security = Some(vec![
                    SecurityRequirement::new::<_, _, &str>("bearer", []),
                    SecurityRequirement::new::<_, _, &str>("session", []),
                ]);
            }
            if name != "GET" {
                codes.push((
                    "409",
                    "已被他人修改（row_version）/ changed by someone else first",
                ));
                codes.push(("413", "请求过大 / too large"));
                codes.push((
                    "422",
                    "内容有误，未保存（fields）/ refused, nothing written",
                ));
            }
            for (code, _) in codes {
                op.responses
                    .responses
                    .entry(code.to_owned())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name("Error")));
            }
        }
    }
    doc
}
