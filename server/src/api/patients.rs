//! The patient side's patients (SPEC 3.2, 3.3, 3.9). Every route under `/api/patients/{id}` is
//! tagged `patient` and takes [`PatientAccess`] (the gate), except `verify-dob`, which needs only
//! a session and a link; `server/tests/integration/patients.rs` walks the OpenAPI document to check it.

use axum::extract::{Path, State};
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};
use wire::api::ApiError;
use wire::patients::{
    AccessEvent, PatientDetail, PatientSummary, VerifyDobRequest, VerifyDobResponse,
};

use super::addr;
use crate::error::{ApiJson, AppResult};
use crate::patients::{self, PatientAccess};
use crate::sign_in::{ClientAddr, SignedIn};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_patients))
        .routes(routes!(verify_dob))
        .routes(routes!(patient_detail))
        .routes(routes!(access_history))
}

/// Everyone the signed-in account may act for at the practice: itself (`self`), its dependents
/// (`guardian`) and linked records (`linked`), `self` first, then by first name.
#[utoipa::path(get, path = "/practices/{slug}/patients", tag = "patients",
    params(("slug" = String, Path, description = "the practice's slug")),
    responses((status = 200, body = [PatientSummary]),
        (status = 401, body = ApiError, description = "`signed_out`"),
        (status = 404, body = ApiError, description = "`not_found`: no patient of this account at that practice")))]
async fn list_patients(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(slug): Path<String>,
) -> AppResult<Json<Vec<PatientSummary>>> {
    Ok(Json(patients::list(&state, &signed_in, &slug).await?))
}

/// Verifies the patient's date of birth (the patient's, not the account's own). On a guardian's
/// first verification (`pending_activation`) `guardian` carries the guardian's own name and date
/// of birth, and the link becomes `active`. 2 wrong dates lock the link for 60 minutes.
#[utoipa::path(post, path = "/patients/{id}/verify-dob", tag = "patient",
    params(("id" = String, Path, description = "the patient's id")),
    request_body(content = VerifyDobRequest,
        example = json!({"dob": {"month": "1", "day": "2", "year": "1903"}, "guardian": {"first_name": "Test", "last_name": "Person", "dob": {"month": "1", "day": "1", "year": "1980"}}})),
    responses((status = 200, body = VerifyDobResponse),
        (status = 401, body = ApiError, description = "`signed_out`"),
        (status = 403, body = ApiError, description = "`dob_incorrect`: counted; the message says how many tries are left"),
        (status = 404, body = ApiError, description = "`not_found`: no such patient for this account"),
        (status = 422, body = ApiError, description = "`dob_*` (an impossible date, not counted), `guardian_details_required`, `name_*`, `guardian_too_young`"),
        (status = 423, body = ApiError, description = "`locked`, with `retry_after_seconds`")))]
async fn verify_dob(
    State(state): State<AppState>,
    signed_in: SignedIn,
    client: ClientAddr,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<VerifyDobRequest>,
) -> AppResult<Json<VerifyDobResponse>> {
    Ok(Json(
        patients::verify_dob(&state, &signed_in, addr(client).as_deref(), &id, &request).await?,
    ))
}

/// The patient, once the date of birth is verified.
#[utoipa::path(get, path = "/patients/{id}", tag = "patient",
    params(("id" = String, Path, description = "the patient's id")),
    responses((status = 200, body = PatientDetail),
        (status = 401, body = ApiError, description = "`signed_out`"),
        (status = 403, body = ApiError, description = "`verify_first`"),
        (status = 404, body = ApiError, description = "`not_found`"),
        (status = 423, body = ApiError, description = "`locked`, with `retry_after_seconds`")))]
async fn patient_detail(
    State(state): State<AppState>,
    access: PatientAccess,
    client: ClientAddr,
) -> AppResult<Json<PatientDetail>> {
    Ok(Json(
        patients::detail(&state, &access, addr(client).as_deref()).await?,
    ))
}

/// Who read or changed the patient's records (SPEC 3.9), newest first.
#[utoipa::path(get, path = "/patients/{id}/access-history", tag = "patient",
    params(("id" = String, Path, description = "the patient's id")),
    responses((status = 200, body = [AccessEvent]),
        (status = 401, body = ApiError, description = "`signed_out`"),
        (status = 403, body = ApiError, description = "`verify_first`"),
        (status = 404, body = ApiError, description = "`not_found`"),
        (status = 423, body = ApiError, description = "`locked`, with `retry_after_seconds`")))]
async fn access_history(
    State(state): State<AppState>,
    access: PatientAccess,
    client: ClientAddr,
) -> AppResult<Json<Vec<AccessEvent>>> {
    Ok(Json(
        patients::access_history(&state, &access, addr(client).as_deref()).await?,
    ))
}
