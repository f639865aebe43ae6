//! Medical access links, patient side (SPEC 3.6): preview by token or typed code, then redeem.
//! Signed in, but not patient-scoped: the gate comes after (the new link must verify the date of
//! birth like any other).

use axum::extract::{Path, State};
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};
use wire::access_links::{AccessLinkPreview, CodePreviewRequest, RedeemRequest, RedeemResponse};
use wire::api::ApiError;

use crate::access_links;
use crate::error::{ApiJson, AppResult};
use crate::sign_in::{ClientAddr, SignedIn};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(preview_token))
        .routes(routes!(preview_code))
        .routes(routes!(redeem))
}

/// Whose record the link in the e-mail (`/link/{token}`) would add: the patient's first and last
/// name and the practice. Does not use the link up.
#[utoipa::path(get, path = "/access-links/{token}", tag = "access_links",
    params(("token" = String, Path, description = "the token from the e-mailed address")),
    responses((status = 200, body = AccessLinkPreview),
        (status = 401, body = ApiError, description = "`signed_out`"),
        (status = 409, body = ApiError, description = "`already_linked`: this account already acts for the patient; the link is not used up"),
        (status = 410, body = ApiError, description = "`link_not_usable`: expired, used, revoked or unknown (one answer for all)")))]
async fn preview_token(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ClientAddr(client): ClientAddr,
    Path(token): Path<String>,
) -> AppResult<Json<AccessLinkPreview>> {
    Ok(Json(
        access_links::patient::preview(&state, &signed_in, client, Some(&token), None).await?,
    ))
}

/// The same preview for the four words typed from the e-mail (any case, any separators).
/// Rate-limited per account and per client address.
#[utoipa::path(post, path = "/access-links/preview", tag = "access_links",
    request_body(content = CodePreviewRequest, example = json!({"code": "acid acorn acre aged"})),
    responses((status = 200, body = AccessLinkPreview),
        (status = 401, body = ApiError, description = "`signed_out`"),
        (status = 409, body = ApiError, description = "`already_linked`"),
        (status = 410, body = ApiError, description = "`link_not_usable`"),
        (status = 429, body = ApiError, description = "`too_many_requests`, with `retry_after_seconds`")))]
async fn preview_code(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ClientAddr(client): ClientAddr,
    ApiJson(request): ApiJson<CodePreviewRequest>,
) -> AppResult<Json<AccessLinkPreview>> {
    Ok(Json(
        access_links::patient::preview(&state, &signed_in, client, None, Some(&request.code))
            .await?,
    ))
}

/// Confirms: uses the link (token, or typed code) and adds the patient as a `linked` record of
/// this account. The patient's date of birth must still be verified before anything is shown.
#[utoipa::path(post, path = "/access-links/redeem", tag = "access_links",
    request_body(content = RedeemRequest, example = json!({"token": "…"})),
    responses((status = 200, body = RedeemResponse),
        (status = 401, body = ApiError, description = "`signed_out`"),
        (status = 409, body = ApiError, description = "`already_linked`: the link is not used up"),
        (status = 410, body = ApiError, description = "`link_not_usable`"),
        (status = 422, body = ApiError, description = "`code_required`"),
        (status = 429, body = ApiError, description = "`too_many_requests` (typed codes)")))]
async fn redeem(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ClientAddr(client): ClientAddr,
    ApiJson(request): ApiJson<RedeemRequest>,
) -> AppResult<Json<RedeemResponse>> {
    Ok(Json(
        access_links::patient::redeem(
            &state,
            &signed_in,
            client,
            request.token.as_deref(),
            request.code.as_deref(),
        )
        .await?,
    ))
}
