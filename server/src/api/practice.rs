//! The practice API (SPEC 4): thin HTTP wrappers around `crate::practice`, behind a Bearer token.

use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::Json;
use serde::Deserialize;
use std::net::SocketAddr;
use utoipa_axum::{router::OpenApiRouter, routes};
use wire::access_links::AccessLink;
use wire::api::{
    ApiError, AuditEntry, ContactLink, DobLockout, GuardianInput, Patient, PatientInput, Practice,
    PracticeInput,
};

use super::created_or_ok;
use crate::error::{ApiJson, AppError, AppResult};
use crate::practice::{self, Caller};
use crate::state::AppState;
use crate::store::audit::Actor;
use wire::messages::{
    AssignRequest, ConversationStatus, ConversationSummary, PossibleDuplicate, PracticeMessage,
    PracticeThread, ReplyRequest,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_practices, upsert_practice))
        .routes(routes!(list_patients, create_patient))
        .routes(routes!(get_patient, update_patient))
        .routes(routes!(list_contacts))
        .routes(routes!(add_guardian))
        .routes(routes!(patient_audit))
        .routes(routes!(list_lockouts))
        .routes(routes!(list_conversations))
        .routes(routes!(show_conversation))
        .routes(routes!(reply))
        .routes(routes!(assign_conversation))
        .routes(routes!(close_conversation))
        .routes(routes!(start_conversation))
        .routes(routes!(list_duplicates))
        .routes(routes!(create_access_link, list_access_links))
        .routes(routes!(revoke_access_link))
        .routes(routes!(revoke_contact))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or(AppError::Unauthorized)?;
        let token = state
            .store
            .token_by_secret(secret)
            .await?
            .ok_or(AppError::Unauthorized)?;
        let client_addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string());
        Ok(Caller {
            actor: Actor::PracticeToken(token.id),
            practice_id: token.practice_id,
            client_addr,
        })
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
struct Page {
    /// How many patients to skip (pages hold 500).
    #[serde(default)]
    offset: i64,
}

/// The practices this token may act for.
#[utoipa::path(get, path = "/practice/practices", tag = "practice", security(("practice_token" = [])),
    responses((status = 200, body = [Practice]), (status = 401, body = ApiError)))]
async fn list_practices(
    State(s): State<AppState>,
    caller: Caller,
) -> AppResult<Json<Vec<Practice>>> {
    Ok(Json(practice::practices::list(&s.store, &caller).await?))
}

/// Creates a practice (administrator token) or updates the practice with the same slug.
#[utoipa::path(post, path = "/practice/practices", tag = "practice", security(("practice_token" = [])),
    request_body = PracticeInput,
    responses((status = 201, body = Practice, description = "created"), (status = 200, body = Practice, description = "updated"),
        (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn upsert_practice(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<PracticeInput>,
) -> AppResult<(StatusCode, Json<Practice>)> {
    let (practice, created) =
        practice::practices::upsert(&s.store, &caller, &input, s.clock.now_ms()).await?;
    Ok((created_or_ok(created), Json(practice)))
}

/// The practice's patients, by last name, 500 at a time.
#[utoipa::path(get, path = "/practice/practices/{slug}/patients", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path, description = "the practice's slug"), Page),
    responses((status = 200, body = [Patient]), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn list_patients(
    State(s): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    Query(page): Query<Page>,
) -> AppResult<Json<Vec<Patient>>> {
    Ok(Json(
        practice::patients::list(&s.store, &caller, &slug, page.offset).await?,
    ))
}

/// Creates a patient. With an `external_id` already used at this practice, updates that patient.
/// A `mobile_phone` lets the person with that number act for the patient as `self`.
#[utoipa::path(post, path = "/practice/practices/{slug}/patients", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path)), request_body = PatientInput,
    responses((status = 201, body = Patient), (status = 200, body = Patient, description = "updated by external_id"),
        (status = 401, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
async fn create_patient(
    State(s): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<PatientInput>,
) -> AppResult<(StatusCode, Json<Patient>)> {
    let (patient, created) =
        practice::patients::create(&s.store, &caller, &slug, &input, s.clock.now_ms()).await?;
    Ok((created_or_ok(created), Json(patient)))
}

#[utoipa::path(get, path = "/practice/practices/{slug}/patients/{patient_id}", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), ("patient_id" = String, Path)),
    responses((status = 200, body = Patient), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn get_patient(
    State(s): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Json<Patient>> {
    Ok(Json(
        practice::patients::get(&s.store, &caller, &slug, &id).await?,
    ))
}

/// Replaces the patient's details.
#[utoipa::path(put, path = "/practice/practices/{slug}/patients/{patient_id}", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), ("patient_id" = String, Path)), request_body = PatientInput,
    responses((status = 200, body = Patient), (status = 401, body = ApiError), (status = 404, body = ApiError),
        (status = 409, body = ApiError), (status = 422, body = ApiError)))]
async fn update_patient(
    State(s): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<PatientInput>,
) -> AppResult<Json<Patient>> {
    Ok(Json(
        practice::patients::update(&s.store, &caller, &slug, &id, &input, s.clock.now_ms()).await?,
    ))
}

/// Everyone who may act for the patient: the patient (`self`), guardians and linked accounts.
#[utoipa::path(get, path = "/practice/practices/{slug}/patients/{patient_id}/contacts", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), ("patient_id" = String, Path)),
    responses((status = 200, body = [ContactLink]), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn list_contacts(
    State(s): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Json<Vec<ContactLink>>> {
    Ok(Json(
        crate::contacts::list(&s.store, &caller, &slug, &id).await?,
    ))
}

/// Adds a guardian by mobile number. The link stays `pending_activation` until the guardian signs
/// in and verifies the patient's date of birth. Adding the same guardian again changes nothing.
#[utoipa::path(post, path = "/practice/practices/{slug}/patients/{patient_id}/guardians", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), ("patient_id" = String, Path)), request_body = GuardianInput,
    responses((status = 201, body = ContactLink), (status = 200, body = ContactLink, description = "already a guardian"),
        (status = 401, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
async fn add_guardian(
    State(s): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<GuardianInput>,
) -> AppResult<(StatusCode, Json<ContactLink>)> {
    let (link, created) =
        crate::contacts::add_guardian(&s.store, &caller, &slug, &id, &input, s.clock.now_ms())
            .await?;
    Ok((created_or_ok(created), Json(link)))
}

/// The patient's audit log (SPEC 3.9), oldest first: who read or changed what, when and from
/// which address.
#[utoipa::path(get, path = "/practice/practices/{slug}/patients/{patient_id}/audit", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), ("patient_id" = String, Path)),
    responses((status = 200, body = [AuditEntry]), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn patient_audit(
    State(s): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Json<Vec<AuditEntry>>> {
    Ok(Json(
        practice::audit::for_patient(&s.store, &caller, &slug, &id).await?,
    ))
}

/// Contact links locked now by 2 wrong dates of birth (60 minutes each), newest first.
#[utoipa::path(get, path = "/practice/practices/{slug}/lockouts", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path)),
    responses((status = 200, body = [DobLockout]), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn list_lockouts(
    State(s): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> AppResult<Json<Vec<DobLockout>>> {
    Ok(Json(
        practice::audit::lockouts(&s.store, &caller, &slug, s.clock.now_ms()).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct InboxQuery {
    /// Only conversations with this status.
    status: Option<ConversationStatus>,
    /// How many conversations to skip (pages hold 500).
    #[serde(default)]
    offset: i64,
}

/// The practice's conversations: the Unassigned inbox first, then assigned, then closed; newest
/// activity first within each; 500 at a time.
#[utoipa::path(get, path = "/practice/practices/{slug}/conversations", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), InboxQuery),
    responses((status = 200, body = [ConversationSummary]), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn list_conversations(
    State(s): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    Query(query): Query<InboxQuery>,
) -> AppResult<Json<Vec<ConversationSummary>>> {
    Ok(Json(
        crate::messaging::practice::list(&s.store, &caller, &slug, query.status, query.offset)
            .await?,
    ))
}

/// Every message of the conversation, staff-only notes included, oldest first. Reading it marks
/// the patient side's messages read (their `read_at`, which the patient side sees).
#[utoipa::path(get, path = "/practice/practices/{slug}/conversations/{conversation_id}", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), ("conversation_id" = String, Path)),
    responses((status = 200, body = PracticeThread), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn show_conversation(
    State(s): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Json<PracticeThread>> {
    Ok(Json(
        crate::messaging::practice::show(&s.store, &caller, &slug, &id, s.clock.now_ms()).await?,
    ))
}

/// Replies to the patient side, signed with the staff member's name when `author` is given.
#[utoipa::path(post, path = "/practice/practices/{slug}/conversations/{conversation_id}/messages", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), ("conversation_id" = String, Path)), request_body = ReplyRequest,
    responses((status = 201, body = PracticeMessage), (status = 401, body = ApiError), (status = 404, body = ApiError),
        (status = 422, body = ApiError, description = "`message_empty`, `message_too_long` (`body`), `name_*` (`author`)")))]
async fn reply(
    State(s): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(request): ApiJson<ReplyRequest>,
) -> AppResult<(StatusCode, Json<PracticeMessage>)> {
    let message = crate::messaging::practice::reply(
        &s.store,
        &caller,
        &slug,
        &id,
        &request,
        s.clock.now_ms(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// Assigns the conversation to a person or team (status `assigned`).
#[utoipa::path(post, path = "/practice/practices/{slug}/conversations/{conversation_id}/assign", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), ("conversation_id" = String, Path)), request_body = AssignRequest,
    responses((status = 200, body = ConversationSummary), (status = 401, body = ApiError), (status = 404, body = ApiError),
        (status = 422, body = ApiError, description = "`name_*` (`assignee`)")))]
async fn assign_conversation(
    State(s): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(request): ApiJson<AssignRequest>,
) -> AppResult<Json<ConversationSummary>> {
    Ok(Json(
        crate::messaging::practice::assign(
            &s.store,
            &caller,
            &slug,
            &id,
            &request,
            s.clock.now_ms(),
        )
        .await?,
    ))
}

/// Closes the conversation. A new message from the patient side reopens it.
#[utoipa::path(post, path = "/practice/practices/{slug}/conversations/{conversation_id}/close", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), ("conversation_id" = String, Path)),
    responses((status = 200, body = ConversationSummary), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn close_conversation(
    State(s): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Json<ConversationSummary>> {
    Ok(Json(
        crate::messaging::practice::close(&s.store, &caller, &slug, &id, s.clock.now_ms()).await?,
    ))
}

/// The patient's conversation, created (unassigned) when it does not exist yet, so the practice
/// can write first.
#[utoipa::path(post, path = "/practice/practices/{slug}/patients/{patient_id}/conversation", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), ("patient_id" = String, Path)),
    responses((status = 200, body = ConversationSummary), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn start_conversation(
    State(s): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Json<ConversationSummary>> {
    Ok(Json(
        crate::messaging::practice::start(&s.store, &caller, &slug, &id, s.clock.now_ms()).await?,
    ))
}

/// Patients added by guardians whose name and date of birth match another patient of the
/// practice (SPEC 3.5.3), newest first. The guardian was not told.
#[utoipa::path(get, path = "/practice/practices/{slug}/possible-duplicates", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path)),
    responses((status = 200, body = [PossibleDuplicate]), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn list_duplicates(
    State(s): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> AppResult<Json<Vec<PossibleDuplicate>>> {
    Ok(Json(
        crate::messaging::practice::duplicates(&s.store, &caller, &slug).await?,
    ))
}

/// Creates a medical access link for the patient and e-mails it (with its four-word code) to the
/// patient's address on file, in the patient's language. Valid 5 days, once. Neither the token
/// nor the code is ever shown to the practice.
#[utoipa::path(post, path = "/practice/practices/{slug}/patients/{patient_id}/access-links", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), ("patient_id" = String, Path)),
    responses((status = 201, body = AccessLink), (status = 401, body = ApiError), (status = 404, body = ApiError),
        (status = 422, body = ApiError, description = "`email_missing` / `email_invalid` / `email_undeliverable` (field `email`): nothing sent or kept"),
        (status = 503, body = ApiError, description = "`email_unavailable`")))]
async fn create_access_link(
    State(s): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<(StatusCode, Json<AccessLink>)> {
    Ok((
        StatusCode::CREATED,
        Json(crate::access_links::practice::create(&s, &caller, &slug, &id).await?),
    ))
}

/// The patient's access links, newest first: `pending`, `used`, `expired` or `revoked`.
#[utoipa::path(get, path = "/practice/practices/{slug}/patients/{patient_id}/access-links", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), ("patient_id" = String, Path)),
    responses((status = 200, body = [AccessLink]), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn list_access_links(
    State(s): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Json<Vec<AccessLink>>> {
    Ok(Json(
        crate::access_links::practice::list(&s, &caller, &slug, &id).await?,
    ))
}

/// Revokes an access link before it is used (again: no change).
#[utoipa::path(post, path = "/practice/practices/{slug}/access-links/{link_id}/revoke", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), ("link_id" = String, Path)),
    responses((status = 200, body = AccessLink), (status = 401, body = ApiError), (status = 404, body = ApiError),
        (status = 409, body = ApiError, description = "`link_used`: revoke the contact link instead")))]
async fn revoke_access_link(
    State(s): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Json<AccessLink>> {
    Ok(Json(
        crate::access_links::practice::revoke(&s, &caller, &slug, &id).await?,
    ))
}

/// Revokes a contact link (`self`, `guardian` or `linked`): that account loses access at once.
#[utoipa::path(post, path = "/practice/practices/{slug}/patients/{patient_id}/contacts/{contact_id}/revoke", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), ("patient_id" = String, Path), ("contact_id" = String, Path)),
    responses((status = 200, body = ContactLink), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn revoke_contact(
    State(s): State<AppState>,
    caller: Caller,
    Path((slug, patient, contact)): Path<(String, String, String)>,
) -> AppResult<Json<ContactLink>> {
    Ok(Json(
        crate::contacts::revoke(
            &s.store,
            &caller,
            &slug,
            &patient,
            &contact,
            s.clock.now_ms(),
        )
        .await?,
    ))
}
