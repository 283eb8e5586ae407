//! The one error type of the web layer: it owns status codes, stable error codes and messages,
//! and answers as a page or as JSON by the route family. Internals never reach the client.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

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
        let body =
            serde_json::json!({ "error": { "code": self.code(), "message": self.message() } });
        (self.status(), axum::Json(body)).into_response()
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
