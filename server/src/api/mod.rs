//! The JSON API under `/api/`, and its OpenAPI description built from the same handlers.

pub mod access_links;
pub mod health;
pub mod messaging;
pub mod patients;
pub mod practice;
pub mod records;
pub mod sign_in;
pub mod twilio;
pub mod uploads;

use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use axum::routing::{any, get};
use axum::{Json, Router};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::error::AppError;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Patient portal API", description = "Patient side under /api/, practice side under /api/practice/ (Bearer token)."),
    modifiers(&PracticeTokenScheme),
    tags((name = "system"),
        (name = "auth", description = "Sign in with a phone code, and the session (SPEC 3.1); the session is the `portal_session` cookie"),
        (name = "twilio", description = "Twilio webhooks"),
        (name = "patients", description = "The patients a signed-in account may act for (SPEC 3.2)"),
        (name = "patient", description = "Patient-scoped routes (`/api/patients/{id}/…`): signed in, linked, not locked and DOB-verified (SPEC 3.3); 404 when not linked"),
        (name = "access_links", description = "Medical access links, patient side (SPEC 3.6): preview, then redeem"),
        (name = "practice", description = "Practice API (SPEC 4): token-authenticated"))
)]
struct ApiDoc;

struct PracticeTokenScheme;

impl Modify for PracticeTokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "practice_token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The client address as text, for the audit log.
fn addr(crate::sign_in::ClientAddr(a): crate::sign_in::ClientAddr) -> Option<String> {
    a.map(|a| a.to_string())
}

/// `201 Created` for something new, `200 OK` for what an earlier identical request made.
fn created_or_ok(created: bool) -> axum::http::StatusCode {
    if created {
        axum::http::StatusCode::CREATED
    } else {
        axum::http::StatusCode::OK
    }
}

/// The API routes, and the OpenAPI document describing exactly them.
pub fn routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let api = OpenApiRouter::new()
        .merge(health::routes())
        .merge(sign_in::routes())
        .merge(twilio::routes())
        .merge(patients::routes())
        .merge(messaging::routes())
        .merge(access_links::routes())
        .merge(records::routes())
        .merge(uploads::routes())
        .merge(practice::routes());
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api", api)
        .split_for_parts()
}

pub fn router() -> Router<AppState> {
    let (api, doc) = routes();
    let doc = std::sync::Arc::new(doc);
    api.route(
        "/api/openapi.json",
        get(move || async move { Json(doc.as_ref().clone()) }),
    )
    .route(
        "/api/{*rest}",
        any(|| async { AppError::NotFound.into_response() }),
    )
    // Answers can carry patient data: never store them in any cache.
    .layer(SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ))
}

pub fn openapi_json() -> String {
    routes()
        .1
        .to_pretty_json()
        .expect("the OpenAPI document serializes")
}
