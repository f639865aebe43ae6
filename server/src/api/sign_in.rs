//! Sign-in with a phone code and the session (SPEC 3.1): `/api/auth/*` and `/api/session*`.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};
use wire::api::ApiError;
use wire::auth::{SendCodeRequest, SendCodeResponse, SessionInfo, VerifyCodeRequest};

use crate::error::{ApiJson, AppResult};
use crate::sign_in::{self, codes, ClientAddr, SessionPeek, SignedIn};
use crate::state::AppState;
use crate::store::sessions;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(send_code))
        .routes(routes!(verify_code))
        .routes(routes!(sign_out))
        .routes(routes!(session))
        .routes(routes!(refresh_session))
}

/// Texts a 6-digit sign-in code. The answer is the same whether or not the number belongs to
/// anyone. Limits: another code after 30 s, 5 codes per number per hour, and a per-client-address
/// limit per hour (`sign_in_codes_per_ip_per_hour`, 20 by default); past one the answer is 429
/// with `retry_after_seconds`.
#[utoipa::path(post, path = "/auth/code", tag = "auth", request_body = SendCodeRequest,
    responses(
        (status = 200, body = SendCodeResponse, description = "the code was texted"),
        (status = 403, body = ApiError, description = "`opted_out`: the number texted STOP; it must text START first"),
        (status = 422, body = ApiError, description = "`phone_*`: the number is not a valid US mobile number"),
        (status = 429, body = ApiError, description = "`resend_too_soon`, `too_many_codes` or `too_many_requests`, with `retry_after_seconds`"),
        (status = 503, body = ApiError, description = "`sms_unavailable`: the text service failed; try again later")))]
async fn send_code(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(request): ApiJson<SendCodeRequest>,
) -> AppResult<Json<SendCodeResponse>> {
    Ok(Json(
        codes::send_code(&state, &request.phone, client).await?,
    ))
}

/// Checks the code and signs in: sets the `portal_session` cookie (HttpOnly, Secure,
/// SameSite=Strict; 30 minutes idle, 12 hours at most) and, with `remember_device`, the
/// `portal_device` cookie (30 days). An unknown number gets a new account with nothing linked.
#[utoipa::path(post, path = "/auth/verify", tag = "auth", request_body = VerifyCodeRequest,
    responses(
        (status = 200, body = SessionInfo, description = "signed in",
            headers(("Set-Cookie" = String, description = "portal_session, and portal_device when remembered"))),
        (status = 401, body = ApiError, description = "`code_incorrect`"),
        (status = 410, body = ApiError, description = "`code_expired` (expired, used or never sent) or `code_locked` (5 wrong tries)"),
        (status = 422, body = ApiError, description = "`code_*` or `phone_*`: malformed input")))]
async fn verify_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<VerifyCodeRequest>,
) -> AppResult<Response> {
    let done = codes::verify_code(&state, &request, &headers).await?;
    let cookies: Vec<_> = done
        .cookies
        .into_iter()
        .map(|c| (header::SET_COOKIE, c))
        .collect();
    Ok((AppendHeaders(cookies), Json(done.info)).into_response())
}

/// Signs out: the session ends on the server and the cookie is cleared. Answers 204 even without
/// a session, so signing out twice is harmless.
#[utoipa::path(post, path = "/auth/sign-out", tag = "auth",
    responses((status = 204, description = "signed out", headers(("Set-Cookie" = String, description = "clears portal_session")))))]
async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    if let Some(token) = sign_in::cookie(&headers, sign_in::SESSION_COOKIE) {
        let mut tx = state.store.begin().await?;
        sessions::revoke_session_by_token(&mut tx, &token, state.clock.now_ms()).await?;
        tx.commit().await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, sign_in::clear_session_cookie())],
    )
        .into_response())
}

/// The current session. Reading it does not count as activity (the portal polls it to warn
/// before the idle timeout).
#[utoipa::path(get, path = "/session", tag = "auth",
    responses((status = 200, body = SessionInfo), (status = 401, body = ApiError, description = "`signed_out`")))]
async fn session(
    State(state): State<AppState>,
    SessionPeek(signed_in): SessionPeek,
) -> AppResult<Json<SessionInfo>> {
    Ok(Json(
        sign_in::session_info(&state, &signed_in.session).await?,
    ))
}

/// "Stay signed in": restarts the 30-minute idle timer (never past the 12-hour limit).
#[utoipa::path(post, path = "/session/refresh", tag = "auth",
    responses((status = 200, body = SessionInfo), (status = 401, body = ApiError, description = "`signed_out`")))]
async fn refresh_session(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> AppResult<Json<SessionInfo>> {
    Ok(Json(
        sign_in::session_info(&state, &signed_in.session).await?,
    ))
}
