//! Record items, profile and the caregiver overview, patient side (SPEC 3.7), and publishing
//! record items, practice side (SPEC 4). Patient routes take the gate ([`PatientAccess`]) and are
//! tagged `patient`.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};
use wire::api::ApiError;
use wire::records::{
    Appointment, AppointmentInput, Document, Form, FormInput, OverviewEntry, Profile,
    ProfileUpdate, ProfileUpdated, TreatmentPlan, TreatmentPlanInput,
};
use wire::ErrorCode;

use super::addr;
use crate::error::{ApiJson, AppError, AppResult};
use crate::patients::PatientAccess;
use crate::practice::Caller;
use crate::records::patient as records;
use crate::sign_in::{ClientAddr, SignedIn};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_appointments))
        .routes(routes!(list_plans))
        .routes(routes!(list_forms))
        .routes(routes!(list_documents))
        .routes(routes!(download_document))
        .routes(routes!(get_profile, update_profile))
        .routes(routes!(overview))
        .routes(routes!(publish_appointment))
        .routes(routes!(publish_plan))
        .routes(routes!(publish_form))
        .routes(routes!(publish_document))
}

/// The patient's appointments: upcoming first (soonest first), then past (newest first). Times
/// are RFC 3339 with the practice's time zone beside them.
#[utoipa::path(get, path = "/patients/{id}/appointments", tag = "patient",
    params(("id" = String, Path, description = "the patient's id")),
    responses((status = 200, body = [Appointment]),
        (status = 401, body = ApiError, description = "`signed_out`"),
        (status = 403, body = ApiError, description = "`verify_first`"),
        (status = 404, body = ApiError, description = "`not_found`"),
        (status = 423, body = ApiError, description = "`locked`")))]
async fn list_appointments(
    State(state): State<AppState>,
    access: PatientAccess,
    client: ClientAddr,
) -> AppResult<Json<Vec<Appointment>>> {
    Ok(Json(
        records::appointments(&state, &access, addr(client).as_deref()).await?,
    ))
}

/// The patient's treatment plans, most recently updated first.
#[utoipa::path(get, path = "/patients/{id}/treatment-plans", tag = "patient",
    params(("id" = String, Path, description = "the patient's id")),
    responses((status = 200, body = [TreatmentPlan]),
        (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 423, body = ApiError)))]
async fn list_plans(
    State(state): State<AppState>,
    access: PatientAccess,
    client: ClientAddr,
) -> AppResult<Json<Vec<TreatmentPlan>>> {
    Ok(Json(
        records::plans(&state, &access, addr(client).as_deref()).await?,
    ))
}

/// Forms assigned to the patient: open ones first (by due date), then completed ones.
#[utoipa::path(get, path = "/patients/{id}/forms", tag = "patient",
    params(("id" = String, Path, description = "the patient's id")),
    responses((status = 200, body = [Form]),
        (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 423, body = ApiError)))]
async fn list_forms(
    State(state): State<AppState>,
    access: PatientAccess,
    client: ClientAddr,
) -> AppResult<Json<Vec<Form>>> {
    Ok(Json(
        records::forms(&state, &access, addr(client).as_deref()).await?,
    ))
}

/// The patient's documents, newest first.
#[utoipa::path(get, path = "/patients/{id}/documents", tag = "patient",
    params(("id" = String, Path, description = "the patient's id")),
    responses((status = 200, body = [Document]),
        (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 423, body = ApiError)))]
async fn list_documents(
    State(state): State<AppState>,
    access: PatientAccess,
    client: ClientAddr,
) -> AppResult<Json<Vec<Document>>> {
    Ok(Json(
        records::documents(&state, &access, addr(client).as_deref()).await?,
    ))
}

/// `attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266 / RFC 5987).
pub fn content_disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in file_name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// The document's file, always as a download (`Content-Disposition: attachment`, `nosniff`, a
/// CSP that allows nothing to run).
#[utoipa::path(get, path = "/patients/{id}/documents/{document_id}/file", tag = "patient",
    params(("id" = String, Path, description = "the patient's id"),
        ("document_id" = String, Path, description = "the document's id")),
    responses((status = 200, description = "the file's bytes", content_type = "application/octet-stream"),
        (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 423, body = ApiError)))]
async fn download_document(
    State(state): State<AppState>,
    access: PatientAccess,
    client: ClientAddr,
    Path((_patient, document_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let row =
        records::document_for_download(&state, &access, &document_id, addr(client).as_deref())
            .await?;
    let stream = state.storage.get(&row.storage_key).await.map_err(|e| {
        tracing::error!(error = %e, "a stored document cannot be read");
        AppError::NotFound
    })?;
    Ok(download(
        stream,
        &row.content_type,
        row.size_bytes,
        &row.file_name,
    ))
}

/// A stored file as a download: its type, length, `Content-Disposition: attachment` with its
/// name, `nosniff` and a CSP that allows nothing to run.
pub fn download<S>(stream: S, content_type: &str, size_bytes: i64, file_name: &str) -> Response
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, crate::storage::StorageError>>
        + Send
        + 'static,
{
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size_bytes));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    response
}

/// The demographics the account may change: address, e-mail, preferred language.
#[utoipa::path(get, path = "/patients/{id}/profile", tag = "patient",
    params(("id" = String, Path, description = "the patient's id")),
    responses((status = 200, body = Profile),
        (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 423, body = ApiError)))]
async fn get_profile(
    State(state): State<AppState>,
    access: PatientAccess,
    client: ClientAddr,
) -> AppResult<Json<Profile>> {
    Ok(Json(
        records::profile(&state, &access, addr(client).as_deref()).await?,
    ))
}

/// Changes the fields present (an empty string clears one). Each change is audited with the
/// names of the changed fields and shown to the practice.
#[utoipa::path(patch, path = "/patients/{id}/profile", tag = "patient",
    params(("id" = String, Path, description = "the patient's id")),
    request_body(content = ProfileUpdate, example = json!({"address": {"zip": "75001"}, "email": "ana@example.com", "preferred_language": "es"})),
    responses((status = 200, body = ProfileUpdated),
        (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 404, body = ApiError),
        (status = 422, body = ApiError, description = "`zip_invalid`, `state_invalid`, `email_invalid`, `text_too_long` with `field`"),
        (status = 423, body = ApiError)))]
async fn update_profile(
    State(state): State<AppState>,
    access: PatientAccess,
    client: ClientAddr,
    ApiJson(request): ApiJson<ProfileUpdate>,
) -> AppResult<Json<ProfileUpdated>> {
    Ok(Json(
        records::update(&state, &access, &request, addr(client).as_deref()).await?,
    ))
}

/// Every patient the account acts for at every practice (the caregiver's desktop overview):
/// relationship, verified or not, unread messages, and the next appointment for verified ones.
#[utoipa::path(get, path = "/overview", tag = "patients",
    responses((status = 200, body = [OverviewEntry]),
        (status = 401, body = ApiError, description = "`signed_out`")))]
async fn overview(
    State(state): State<AppState>,
    signed_in: SignedIn,
    client: ClientAddr,
) -> AppResult<Json<Vec<OverviewEntry>>> {
    Ok(Json(
        records::overview(&state, &signed_in, addr(client).as_deref()).await?,
    ))
}

/// The id of what was published.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct Published {
    id: String,
}

/// Publishes an appointment (the same `external_id` again updates it).
#[utoipa::path(post, path = "/practice/practices/{slug}/patients/{patient_id}/appointments", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), ("patient_id" = String, Path)), request_body = AppointmentInput,
    responses((status = 201, body = Published), (status = 401, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
async fn publish_appointment(
    State(s): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<AppointmentInput>,
) -> AppResult<(StatusCode, Json<Published>)> {
    let id = crate::records::practice::publish_appointment(&s, &caller, &slug, &id, &input).await?;
    Ok((StatusCode::CREATED, Json(Published { id })))
}

/// Publishes a treatment plan (the same `external_id` again updates it).
#[utoipa::path(post, path = "/practice/practices/{slug}/patients/{patient_id}/treatment-plans", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), ("patient_id" = String, Path)), request_body = TreatmentPlanInput,
    responses((status = 201, body = Published), (status = 401, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
async fn publish_plan(
    State(s): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<TreatmentPlanInput>,
) -> AppResult<(StatusCode, Json<Published>)> {
    let id = crate::records::practice::publish_plan(&s, &caller, &slug, &id, &input).await?;
    Ok((StatusCode::CREATED, Json(Published { id })))
}

/// Assigns a form (the same `external_id` again updates it, e.g. its status).
#[utoipa::path(post, path = "/practice/practices/{slug}/patients/{patient_id}/forms", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), ("patient_id" = String, Path)), request_body = FormInput,
    responses((status = 201, body = Published), (status = 401, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
async fn publish_form(
    State(s): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<FormInput>,
) -> AppResult<(StatusCode, Json<Published>)> {
    let id = crate::records::practice::publish_form(&s, &caller, &slug, &id, &input).await?;
    Ok((StatusCode::CREATED, Json(Published { id })))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct DocumentParams {
    /// The document's title as the patient sees it.
    title: String,
    /// The document's date, YYYY-MM-DD.
    date: String,
    /// The file's name (or send it in `X-File-Name`).
    file_name: Option<String>,
}

/// Publishes a document: the raw file as the body (at most 10 MB) with its `Content-Type`
/// (PDF, JPEG, PNG, GIF, WebP, HEIC/HEIF or plain text), the title and date in the query, the
/// file name in the query or the `X-File-Name` header. Streamed to storage.
#[utoipa::path(post, path = "/practice/practices/{slug}/patients/{patient_id}/documents", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), ("patient_id" = String, Path), DocumentParams),
    request_body(content = Vec<u8>, content_type = "application/pdf"),
    responses((status = 201, body = Document), (status = 401, body = ApiError), (status = 404, body = ApiError),
        (status = 413, body = ApiError, description = "`file_too_large`"),
        (status = 422, body = ApiError, description = "`content_type_invalid`, `file_name_invalid`, `date_invalid`, `file_empty`")))]
async fn publish_document(
    State(s): State<AppState>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
    Query(params): Query<DocumentParams>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<(StatusCode, Json<Document>)> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // Just over the limit is read (and discarded) while storing, so the client gets the 413
    // rather than a connection closed while it sends; far over is refused before reading.
    if declared.is_some_and(|n| n > 2 * crate::records::practice::MAX_DOCUMENT_BYTES) {
        return Err(AppError::refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::FileTooLarge,
            "The file is larger than 10 MB.",
        ));
    }
    let file_name = params
        .file_name
        .clone()
        .or_else(|| {
            headers
                .get("x-file-name")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_default();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let stream = body.into_data_stream().boxed();
    let document = crate::records::practice::publish_document(
        &s,
        &caller,
        &slug,
        &id,
        &crate::records::practice::DocumentMeta {
            title: &params.title,
            date: &params.date,
            file_name: &file_name,
            content_type,
        },
        stream,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(document)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_in_content_disposition() {
        assert_eq!(
            content_disposition("results.pdf"),
            "attachment; filename=\"results.pdf\"; filename*=UTF-8''results.pdf"
        );
        assert_eq!(
            content_disposition("Análisis de \"sangre\".pdf"),
            "attachment; filename=\"An_lisis de _sangre_.pdf\"; filename*=UTF-8''An%C3%A1lisis%20de%20%22sangre%22.pdf"
        );
    }
}
