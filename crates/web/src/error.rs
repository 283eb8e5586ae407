//! The one error type of the web layer: it owns status codes, stable error codes and messages,
//! and answers as a page or as JSON by the route family. Internals never reach the client.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// What went wrong with a request.
#[derive(Debug)]
pub enum AppError {
    /// No such plan, node, unit, target or page.
    NotFound,
    /// A malformed request: the field and what is wrong, in Chinese.
    BadRequest(String),
    /// The database cannot be reached or failed.
    Store(duban_store::StoreError),
    /// Not signed in.
    Unauthorized,
    /// Signed in, but not allowed: what is refused, in Chinese.
    Forbidden(String),
    /// Someone else changed the record first; nothing was written.
    Conflict(String),
    /// A value or state the request cannot have; nothing was written.
    Unprocessable(String),
    /// The request is larger than allowed.
    TooLarge(String),
}

impl AppError {
    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        }
    }

    /// Stable snake_case code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::BadRequest(_) => "bad_request",
            Self::Store(_) => "store_unavailable",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::Conflict(_) => "conflict",
            Self::Unprocessable(_) => "invalid",
            Self::TooLarge(_) => "too_large",
        }
    }

    /// The message for people (Chinese).
    pub fn message(&self) -> String {
        match self {
            Self::NotFound => "请求的资源不存在".to_owned(),
            Self::BadRequest(m) => m.clone(),
            Self::Store(_) => "数据库暂时无法访问，请稍后再试".to_owned(),
            Self::Unauthorized => "请先登录".to_owned(),
            Self::Forbidden(m) | Self::Conflict(m) | Self::Unprocessable(m) | Self::TooLarge(m) => {
                m.clone()
            }
        }
    }

    /// The JSON answer (`{"error": {"code", "message"}}`).
    pub fn json(&self) -> Response {
        if let Self::Store(e) = self {
            tracing::error!(error = %e, "store error");
        }
        let body = ErrorJson::new(self.code(), self.message(), None);
        (self.status(), axum::Json(body)).into_response()
    }
}

/// The API's error answer: `{"error": {"code", "message"}}`, with `fields` on a 422 that
/// names what is wrong with each field.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorJson {
    /// What went wrong.
    pub error: ErrorBodyJson,
}

/// The error itself.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBodyJson {
    /// Stable snake_case code: `not_found`, `bad_request`, `store_unavailable`, `unauthorized`,
    /// `forbidden`, `conflict`, `invalid`, `too_large`.
    #[schema(example = "not_found")]
    pub code: String,
    /// For people, in Chinese.
    pub message: String,
    /// A refused form's problems, by field (422 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, String>>,
}

impl ErrorJson {
    /// An error answer.
    pub fn new(code: &str, message: String, fields: Option<BTreeMap<String, String>>) -> Self {
        Self {
            error: ErrorBodyJson {
                code: code.to_owned(),
                message,
                fields,
            },
        }
    }
}

impl From<duban_store::StoreError> for AppError {
    fn from(e: duban_store::StoreError) -> Self {
        use duban_store::StoreError as E;
        match e {
            E::Conflict(_) => Self::Conflict(e.to_string()),
            E::NotFound(_) => Self::NotFound,
            E::Invalid(m) => Self::Unprocessable(m),
            other => Self::Store(other),
        }
    }
}

/// API handlers answer errors as JSON.
pub struct ApiError(pub AppError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.json()
    }
}

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}
