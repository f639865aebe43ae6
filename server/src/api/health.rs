use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};
use wire::api::{ApiError, Health};

use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

/// Answers 200 once the server can serve requests, which includes reaching its database.
#[utoipa::path(get, path = "/health", tag = "system",
    responses((status = 200, body = Health), (status = 503, body = ApiError)))]
async fn health(
    State(state): State<AppState>,
) -> Result<Json<Health>, (StatusCode, Json<ApiError>)> {
    match state.store.ping().await {
        Ok(()) => Ok(Json(Health {
            status: "ok".into(),
            database: state.store.backend().name().into(),
            version: env!("CARGO_PKG_VERSION").into(),
        })),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            Err((
                StatusCode::SERVICE_UNAVAILABLE,
                Json(ApiError {
                    error: wire::ErrorCode::DatabaseUnavailable,
                    message: "The database cannot be reached.".into(),
                    field: None,
                    retry_after_seconds: Some(5),
                }),
            ))
        }
    }
}
