//! Publishing record items for a patient (SPEC 3.7.1, 4): appointments, treatment plans, forms and
//! documents. Each publication is audited; the same `external_id` again updates the item.

use crate::error::{AppError, AppResult};
use crate::practice::Caller;
use crate::state::AppState;
use crate::storage::StorageError;
use crate::store::records::{NewAppointment, NewDocument};
use bytes::Bytes;
use futures_util::Stream;
use wire::records::{AppointmentInput, Document, FormInput, TreatmentPlanInput};
use wire::ErrorCode;

/// Largest document file (SPEC 3.8: 10 MB per file).
pub const MAX_DOCUMENT_BYTES: u64 = 10 * 1024 * 1024;

/// Types a document file may have; it is always served as a download with `nosniff`.
pub const DOCUMENT_TYPES: &[&str] = &[
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/heic",
    "image/heif",
    "text/plain",
];

fn text(value: &str, field: &'static str, max: usize) -> AppResult<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::invalid(
            ErrorCode::TextRequired,
            field,
            format!("{field} is required"),
        ));
    }
    if v.chars().count() > max || v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(AppError::invalid(
            ErrorCode::TextInvalid,
            field,
            format!("{field} can have at most {max} printable characters"),
        ));
    }
    Ok(v.to_owned())
}

fn date(value: &str, field: &'static str) -> AppResult<String> {
    chrono::NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|_| {
            AppError::invalid(
                ErrorCode::DateInvalid,
                field,
                format!("{field} must be YYYY-MM-DD"),
            )
        })
}

/// Publishes (or with a known `external_id` updates) an appointment; returns its id.
pub async fn publish_appointment(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    patient_id: &str,
    input: &AppointmentInput,
) -> AppResult<String> {
    let (practice, _) = caller.patient(&state.store, slug, patient_id).await?;
    let starts_at = chrono::DateTime::parse_from_rfc3339(input.starts_at.trim())
        .map_err(|_| {
            AppError::invalid(
                ErrorCode::StartsAtInvalid,
                "starts_at",
                "starts_at must be an RFC 3339 time with an offset, e.g. 2026-03-02T15:30:00-06:00",
            )
        })?
        .timestamp_millis();
    if !(5..=480).contains(&input.duration_minutes) {
        return Err(AppError::invalid(
            ErrorCode::DurationInvalid,
            "duration_minutes",
            "duration_minutes must be between 5 and 480",
        ));
    }
    let location = text(&input.location, "location", 200)?;
    let with_whom = text(&input.with_whom, "with_whom", 200)?;
    let external_id = crate::validate::external_id(input.external_id.as_deref())?;
    let id = state
        .store
        .upsert_appointment(&NewAppointment {
            practice_id: &practice.id,
            patient_id,
            external_id: external_id.as_deref(),
            starts_at,
            duration_minutes: i64::from(input.duration_minutes),
            location: &location,
            with_whom: &with_whom,
            status: input.status,
            now: state.clock.now_ms(),
        })
        .await?;
    caller
        .audit_alone(
            state,
            &practice.id,
            patient_id,
            "practice.appointment.publish",
        )
        .await?;
    Ok(id)
}

pub async fn publish_plan(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    patient_id: &str,
    input: &TreatmentPlanInput,
) -> AppResult<String> {
    let (practice, _) = caller.patient(&state.store, slug, patient_id).await?;
    let title = text(&input.title, "title", 200)?;
    let body = text(&input.body, "body", 20_000)?;
    let external_id = crate::validate::external_id(input.external_id.as_deref())?;
    let id = state
        .store
        .upsert_plan(
            &practice.id,
            patient_id,
            external_id.as_deref(),
            &title,
            &body,
            state.clock.now_ms(),
        )
        .await?;
    caller
        .audit_alone(state, &practice.id, patient_id, "practice.plan.publish")
        .await?;
    Ok(id)
}

pub async fn publish_form(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    patient_id: &str,
    input: &FormInput,
) -> AppResult<String> {
    let (practice, _) = caller.patient(&state.store, slug, patient_id).await?;
    let title = text(&input.title, "title", 200)?;
    let due = input
        .due_date
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .map(|d| date(d, "due_date"))
        .transpose()?;
    let external_id = crate::validate::external_id(input.external_id.as_deref())?;
    let id = state
        .store
        .upsert_form(
            &practice.id,
            patient_id,
            external_id.as_deref(),
            &title,
            input.status,
            due.as_deref(),
            state.clock.now_ms(),
        )
        .await?;
    caller
        .audit_alone(state, &practice.id, patient_id, "practice.form.publish")
        .await?;
    Ok(id)
}

/// A file name safe to keep and to put in a header: no folders, no control characters, at most
/// 200 characters.
pub fn clean_file_name(name: &str) -> AppResult<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        return Err(AppError::invalid(
            ErrorCode::FileNameInvalid,
            "file_name",
            "file_name is required, e.g. results.pdf",
        ));
    }
    Ok(cleaned)
}

/// The document's details besides its bytes.
pub struct DocumentMeta<'a> {
    pub title: &'a str,
    pub date: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
}

/// Stores the file (streamed, at most 10 MB) and publishes the document.
pub async fn publish_document<S, E>(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    patient_id: &str,
    meta: &DocumentMeta<'_>,
    mut body: S,
) -> AppResult<Document>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin + Send,
    E: std::fmt::Display,
{
    let (practice, _) = caller.patient(&state.store, slug, patient_id).await?;
    let title = text(meta.title, "title", 200)?;
    let document_date = date(meta.date, "date")?;
    let file_name = clean_file_name(meta.file_name)?;
    let content_type = meta
        .content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !DOCUMENT_TYPES.contains(&content_type.as_str()) {
        return Err(AppError::invalid(
            ErrorCode::ContentTypeInvalid,
            "content_type",
            format!("Content-Type must be one of {}", DOCUMENT_TYPES.join(", ")),
        ));
    }
    let stored = state.storage.put(&mut body, MAX_DOCUMENT_BYTES).await;
    if let Err(StorageError::TooLarge { .. }) = stored {
        crate::storage::discard_rest(&mut body, MAX_DOCUMENT_BYTES).await;
    }
    let stored = stored.map_err(|e| match e {
        StorageError::TooLarge { .. } => AppError::refused(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::FileTooLarge,
            "The file is larger than 10 MB.",
        ),
        StorageError::Empty => {
            AppError::invalid(ErrorCode::FileEmpty, "file", "The file is empty.")
        }
        StorageError::Body(_) => AppError::invalid(
            ErrorCode::UploadInterrupted,
            "file",
            "The upload was interrupted. Send the file again.",
        ),
        other => {
            tracing::error!(error = %other, "document storage failed");
            AppError::refused(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::StorageUnavailable,
                "The file could not be stored. Try again in a moment.",
            )
        }
    })?;
    let size = i64::try_from(stored.size).unwrap_or(i64::MAX);
    let inserted = state
        .store
        .insert_document(&NewDocument {
            practice_id: &practice.id,
            patient_id,
            title: &title,
            document_date: &document_date,
            file_name: &file_name,
            content_type: &content_type,
            size_bytes: size,
            sha256: &stored.sha256,
            storage_key: &stored.key,
            now: state.clock.now_ms(),
        })
        .await;
    let id = match inserted {
        Ok(id) => id,
        Err(e) => {
            let _ = state.storage.delete(&stored.key).await;
            return Err(e.into());
        }
    };
    caller
        .audit_alone(state, &practice.id, patient_id, "practice.document.publish")
        .await?;
    Ok(Document {
        id,
        title,
        date: document_date,
        file_name,
        content_type,
        size_bytes: stored.size,
        sent_to_practice: false,
    })
}
