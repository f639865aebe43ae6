//! Files attached to messages (SPEC 3.8): the patient side uploads one file per request and
//! downloads through the gate; the practice downloads with its token.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use futures_util::StreamExt;
use utoipa_axum::{router::OpenApiRouter, routes};
use wire::api::ApiError;
use wire::attachments::Attachment;

use super::addr;
use super::records::download;
use crate::error::{AppError, AppResult};
use crate::patients::PatientAccess;
use crate::practice::Caller;
use crate::sign_in::ClientAddr;
use crate::state::AppState;
use crate::uploads::patient as attachments;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        .routes(routes!(download_attachment))
        .routes(routes!(practice_download))
}

/// Uploads one file for a message: the raw bytes as the body (at most 10 MB, streamed), the
/// file's name percent-encoded in `X-File-Name`. Its type comes from its first bytes (JPEG, PNG,
/// HEIC/HEIF, WebP, GIF or PDF), never from its name or `Content-Type`. Answers a pending upload
/// of this account: send its id in a message's `attachment_ids` within 24 hours.
#[utoipa::path(post, path = "/patients/{id}/attachments", tag = "patient",
    params(("id" = String, Path, description = "the patient's id"),
        ("X-File-Name" = String, Header, description = "the file's name, percent-encoded")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = Attachment, description = "stored, waiting for its message"),
        (status = 401, body = ApiError, description = "`signed_out`"),
        (status = 403, body = ApiError, description = "`verify_first`"),
        (status = 404, body = ApiError, description = "`not_found`"),
        (status = 413, body = ApiError, description = "`file_too_large`, naming the file"),
        (status = 415, body = ApiError, description = "`file_type_not_allowed`, naming the file and the accepted types"),
        (status = 422, body = ApiError, description = "`file_empty`, `file_name_invalid`, `upload_interrupted`"),
        (status = 423, body = ApiError, description = "`locked`")))]
async fn upload(
    State(state): State<AppState>,
    access: PatientAccess,
    client: ClientAddr,
    headers: HeaderMap,
    body: Body,
) -> AppResult<(StatusCode, Json<Attachment>)> {
    let name = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let attachment = attachments::upload(
        &state,
        &access,
        name,
        declared,
        body.into_data_stream().boxed(),
        addr(client).as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(attachment)))
}

/// A file attached to one of the patient's messages, always as a download
/// (`Content-Disposition: attachment`, `nosniff`, a CSP that allows nothing to run).
#[utoipa::path(get, path = "/patients/{id}/attachments/{attachment_id}", tag = "patient",
    params(("id" = String, Path, description = "the patient's id"),
        ("attachment_id" = String, Path, description = "the attachment's id")),
    responses((status = 200, description = "the file's bytes", content_type = "application/octet-stream"),
        (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 423, body = ApiError)))]
async fn download_attachment(
    State(state): State<AppState>,
    access: PatientAccess,
    client: ClientAddr,
    Path((_patient, attachment_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let row =
        attachments::for_download(&state, &access, &attachment_id, addr(client).as_deref()).await?;
    stream(&state, &row).await
}

/// A file a patient attached to a message at this practice.
#[utoipa::path(get, path = "/practice/practices/{slug}/attachments/{attachment_id}", tag = "practice", security(("practice_token" = [])),
    params(("slug" = String, Path), ("attachment_id" = String, Path)),
    responses((status = 200, description = "the file's bytes", content_type = "application/octet-stream"),
        (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn practice_download(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, attachment_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let row =
        crate::uploads::practice::for_download(&state, &caller, &slug, &attachment_id).await?;
    stream(&state, &row).await
}

async fn stream(
    state: &AppState,
    row: &crate::store::attachments::AttachmentRow,
) -> AppResult<Response> {
    let bytes = state.storage.get(&row.storage_key).await.map_err(|e| {
        tracing::error!(error = %e, "a stored attachment cannot be read");
        AppError::NotFound
    })?;
    Ok(download(
        bytes,
        &row.content_type,
        row.size_bytes,
        &row.file_name,
    ))
}
