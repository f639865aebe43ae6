//! The patient side's conversation with the practice (SPEC 3.4) and adding a dependent (SPEC
//! 3.5). Conversation routes sit under `/api/patients/{id}`, are tagged `patient` and take the
//! gate: [`PatientAccess`] where the person acted, [`PatientPeek`] where the portal asks on its
//! own (polling, marking read), so an open page still times out.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};
use wire::api::ApiError;
use wire::attachments::SendWithAttachments;
use wire::dependents::AddDependentRequest;
use wire::messages::{MarkReadRequest, Message, Thread};
use wire::patients::PatientSummary;

use super::{addr, created_or_ok};
use crate::dependents;
use crate::error::{ApiJson, AppResult};
use crate::messaging::patient as messages;
use crate::patients::{PatientAccess, PatientPeek};
use crate::sign_in::{ClientAddr, SignedIn};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_thread, send_message))
        .routes(routes!(mark_read))
        .routes(routes!(add_dependent))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct ThreadQuery {
    /// The `version` of the thread the portal has: `204` while it is still current. A request
    /// with it does not count as activity (the session still times out on an open page).
    after_version: Option<u64>,
    /// Older messages: those before this `seq`.
    before: Option<u64>,
}

/// The patient's conversation with the practice: the newest 200 messages the patient side may
/// see, oldest first. With `after_version` equal to the current version: `204`, nothing else.
#[utoipa::path(get, path = "/patients/{id}/messages", tag = "patient",
    params(("id" = String, Path, description = "the patient's id"), ThreadQuery),
    responses((status = 200, body = Thread),
        (status = 204, description = "`after_version` is still the current version"),
        (status = 401, body = ApiError, description = "`signed_out`"),
        (status = 403, body = ApiError, description = "`verify_first`"),
        (status = 404, body = ApiError, description = "`not_found`"),
        (status = 423, body = ApiError, description = "`locked`, with `retry_after_seconds`")))]
async fn get_thread(
    State(state): State<AppState>,
    PatientPeek(mut access): PatientPeek,
    client: ClientAddr,
    Query(query): Query<ThreadQuery>,
) -> AppResult<Response> {
    if query.after_version.is_none() {
        // Opening the conversation is the person's doing: it counts as activity.
        crate::sign_in::restart_idle_timer(&state, &mut access.signed_in).await?;
    }
    Ok(
        match messages::thread(
            &state,
            &access,
            query.after_version,
            query.before,
            addr(client).as_deref(),
        )
        .await?
        {
            Some(thread) => Json(thread).into_response(),
            None => StatusCode::NO_CONTENT.into_response(),
        },
    )
}

/// Sends a message to the practice (plain text, 1–5,000 characters; empty allowed when it has
/// files) with up to 10 of this account's uploads for the patient (`attachment_ids`). The same
/// `client_key` again from the same account answers `200` with the message stored the first time.
#[utoipa::path(post, path = "/patients/{id}/messages", tag = "patient",
    params(("id" = String, Path, description = "the patient's id")),
    request_body(content = SendWithAttachments,
        example = json!({"body": "Hello", "client_key": "0f8c2a1e-7b3d-4c55-9e1a-2b3c4d5e6f70"})),
    responses((status = 201, body = Message, description = "stored"),
        (status = 200, body = Message, description = "already stored with this `client_key`"),
        (status = 401, body = ApiError, description = "`signed_out`"),
        (status = 403, body = ApiError, description = "`verify_first`"),
        (status = 404, body = ApiError, description = "`not_found`"),
        (status = 422, body = ApiError, description = "`message_empty`, `message_too_long` (field `body`), `client_key_invalid`, `too_many_files`, `attachment_not_found` (field `attachment_ids`)"),
        (status = 423, body = ApiError, description = "`locked`, with `retry_after_seconds`")))]
async fn send_message(
    State(state): State<AppState>,
    access: PatientAccess,
    client: ClientAddr,
    ApiJson(request): ApiJson<SendWithAttachments>,
) -> AppResult<(StatusCode, Json<Message>)> {
    let (message, created) =
        messages::send(&state, &access, &request, addr(client).as_deref()).await?;
    Ok((created_or_ok(created), Json(message)))
}

/// This account has seen the conversation up to `up_to_seq`: its unread count drops (another
/// account acting for the patient keeps its own). Does not count as activity.
#[utoipa::path(post, path = "/patients/{id}/messages/read", tag = "patient",
    params(("id" = String, Path, description = "the patient's id")),
    request_body(content = MarkReadRequest, example = json!({"up_to_seq": 1})),
    responses((status = 204, description = "done"),
        (status = 401, body = ApiError, description = "`signed_out`"),
        (status = 403, body = ApiError, description = "`verify_first`"),
        (status = 404, body = ApiError, description = "`not_found`"),
        (status = 423, body = ApiError, description = "`locked`, with `retry_after_seconds`")))]
async fn mark_read(
    State(state): State<AppState>,
    PatientPeek(access): PatientPeek,
    ApiJson(request): ApiJson<MarkReadRequest>,
) -> AppResult<StatusCode> {
    messages::mark_read(&state, &access, &request).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A guardian with an active guardian link at the practice adds a dependent there. The guardian
/// becomes its `guardian`, already verified, and a conversation starts in the practice's
/// Unassigned inbox. The same name and date of birth sent again by the same account answers
/// `200` with the patient added the first time.
#[utoipa::path(post, path = "/practices/{slug}/dependents", tag = "patients",
    params(("slug" = String, Path, description = "the practice's slug")),
    request_body(content = AddDependentRequest,
        example = json!({"first_name": "Ana", "last_name": "Carter", "dob": {"month": "5", "day": "1", "year": "2021"}, "sex": "female"})),
    responses((status = 201, body = PatientSummary, description = "added"),
        (status = 200, body = PatientSummary, description = "this account already added this dependent"),
        (status = 401, body = ApiError, description = "`signed_out`"),
        (status = 403, body = ApiError, description = "`guardian_link_required`: no active guardian link at this practice"),
        (status = 404, body = ApiError, description = "`not_found`: no patient of this account at that practice"),
        (status = 422, body = ApiError, description = "`name_*` (`first_name`, `last_name`), `dob_*` (`dob`), `sex_required` (`sex`)")))]
async fn add_dependent(
    State(state): State<AppState>,
    signed_in: SignedIn,
    client: ClientAddr,
    Path(slug): Path<String>,
    ApiJson(request): ApiJson<AddDependentRequest>,
) -> AppResult<(StatusCode, Json<PatientSummary>)> {
    let (summary, created) =
        dependents::add(&state, &signed_in, &slug, &request, addr(client).as_deref()).await?;
    Ok((created_or_ok(created), Json(summary)))
}
