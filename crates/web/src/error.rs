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
}

impl AppError {
    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// Stable snake_case code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::BadRequest(_) => "bad_request",
            Self::Store(_) => "store_unavailable",
        }
    }

    /// The message for people (Chinese).
    pub fn message(&self) -> String {
        match self {
            Self::NotFound => "请求的资源不存在".to_owned(),
            Self::BadRequest(m) => m.clone(),
            Self::Store(_) => "数据库暂时无法访问，请稍后再试".to_owned(),
        }
    }

    /// The JSON answer (`{"error": {"code", "message"}}`).
    pub fn json(&self) -> Response {
        if let Self::Store(e) = self {
            eprintln!("duban: store error: {e}");
        }
        let body =
            serde_json::json!({ "error": { "code": self.code(), "message": self.message() } });
        (self.status(), axum::Json(body)).into_response()
    }
}

impl From<duban_store::StoreError> for AppError {
    fn from(e: duban_store::StoreError) -> Self {
        Self::Store(e)
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
