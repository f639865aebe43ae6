//! One error type for every request. People get a precise, stable `error` code and a plain
//! message; a server fault is logged (without request data) and answered with nothing internal.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use wire::api::ApiError;
use wire::ErrorCode;

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Bad input: which field, a stable code and how to fix it.
    #[error("{message}")]
    Invalid {
        code: ErrorCode,
        field: Option<&'static str>,
        message: String,
    },
    /// Also used for things the caller may not see, so that existence never leaks.
    #[error("not found")]
    NotFound,
    #[error("a valid practice API token is required")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{message}")]
    Conflict { code: ErrorCode, message: String },
    /// Any other refusal with its own status and stable code: sign-in limits (429 with a wait),
    /// wrong or used codes (401, 410), a signed-out session (401), an opted-out number (403).
    #[error("{message}")]
    Refused {
        status: StatusCode,
        code: ErrorCode,
        message: String,
        retry_after_seconds: Option<u64>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AppError {
    pub fn invalid(code: ErrorCode, field: &'static str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            code,
            field: Some(field),
            message: message.into(),
        }
    }

    pub fn refused(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Refused {
            status,
            code,
            message: message.into(),
            retry_after_seconds: None,
        }
    }

    /// 429 with how long to wait, in the body and in `Retry-After`.
    pub fn too_many(code: ErrorCode, retry_after_seconds: u64, message: impl Into<String>) -> Self {
        AppError::Refused {
            status: StatusCode::TOO_MANY_REQUESTS,
            code,
            message: message.into(),
            retry_after_seconds: Some(retry_after_seconds.max(1)),
        }
    }

    /// 401 `signed_out`: no session, or one that ended.
    pub fn signed_out() -> Self {
        AppError::refused(
            StatusCode::UNAUTHORIZED,
            ErrorCode::SignedOut,
            "You are signed out. Sign in with a code sent to your phone.",
        )
    }

    /// The answer's status and stable code.
    pub fn parts(&self) -> (StatusCode, ErrorCode) {
        match self {
            AppError::Invalid { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, *code),
            AppError::NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            AppError::Unauthorized => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            AppError::Conflict { code, .. } => (StatusCode::CONFLICT, *code),
            AppError::Refused { status, code, .. } => (*status, *code),
            AppError::Store(_) => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
        }
    }
}

/// Transactions are begun and committed in the operations themselves; their errors are store
/// errors like any other.
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Store(StoreError::from(e))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.parts();
        let message = match &self {
            AppError::Store(e) => {
                // The store's message names tables and constraints, never request data.
                tracing::error!(error = %e, "request failed");
                "Something went wrong on our side. Please try again in a moment.".to_owned()
            }
            other => other.to_string(),
        };
        let field = match &self {
            AppError::Invalid { field, .. } => field.map(str::to_owned),
            _ => None,
        };
        let retry_after_seconds = match &self {
            AppError::Refused {
                retry_after_seconds,
                ..
            } => *retry_after_seconds,
            _ => None,
        };
        let body = ApiError {
            error: code,
            message,
            field,
            retry_after_seconds,
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after_seconds {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if matches!(self, AppError::Unauthorized) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Answers a body that is not valid JSON for the endpoint with the same error shape as the rest.
pub struct JsonRejection(pub axum::extract::rejection::JsonRejection);

impl IntoResponse for JsonRejection {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let body = ApiError {
            error: ErrorCode::InvalidBody,
            message: self.0.body_text(),
            field: None,
            retry_after_seconds: None,
        };
        (status, Json(body)).into_response()
    }
}

impl From<axum::extract::rejection::JsonRejection> for JsonRejection {
    fn from(r: axum::extract::rejection::JsonRejection) -> Self {
        JsonRejection(r)
    }
}

/// `Json` whose rejection is our error shape.
#[derive(axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(JsonRejection))]
pub struct ApiJson<T>(pub T);

pub type AppResult<T> = Result<T, AppError>;
