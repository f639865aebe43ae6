//! Files the patient side attaches to messages (SPEC 3.8): one upload per request, streamed to
//! storage while counting and hashing, its type decided by its first bytes.

use axum::http::StatusCode;
use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use wire::attachments::{Attachment, ACCEPTED_TYPES, MAX_FILE_BYTES, MAX_FILE_NAME_CHARS};
use wire::ErrorCode;

use crate::error::{AppError, AppResult};
use crate::patients::{audit_read, PatientAccess};
use crate::state::AppState;
use crate::storage::{Storage, StorageError};
use crate::store::attachments::{AttachmentRow, NewUpload};
use crate::store::Store;

/// How many first bytes decide the type.
const SNIFF_BYTES: usize = 16;

/// The type of a file from its first bytes: JPEG, PNG, GIF, PDF, WebP, HEIC/HEIF; `None` for
/// anything else (SVG, HTML, executables, text…).
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    let brand = |brands: &[&[u8; 4]]| {
        head.len() >= 12 && &head[4..8] == b"ftyp" && brands.iter().any(|b| head[8..12] == b[..])
    };
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if head.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP" {
        Some("image/webp")
    } else if brand(&[b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"]) {
        Some("image/heic")
    } else if brand(&[b"mif1", b"msf1", b"heif"]) {
        Some("image/heif")
    } else {
        None
    }
}

/// The name to keep: its last path segment, trimmed; no control characters; 1–255 characters.
pub fn clean_file_name(raw: &str) -> AppResult<String> {
    let decoded = percent_decode(raw);
    let name = decoded.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let invalid =
        |message: String| AppError::invalid(ErrorCode::FileNameInvalid, "file_name", message);
    if name.is_empty() || name == "." || name == ".." {
        return Err(invalid("The file needs a name, e.g. photo.jpg.".into()));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid(format!(
            "The file name of “{}” has control characters.",
            name.chars().filter(|c| !c.is_control()).collect::<String>()
        )));
    }
    if name.chars().count() > MAX_FILE_NAME_CHARS {
        return Err(invalid(format!(
            "The file name is longer than {MAX_FILE_NAME_CHARS} characters."
        )));
    }
    Ok(name.to_owned())
}

/// `%XX` escapes decoded as UTF-8 (invalid sequences kept as U+FFFD).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn attachment(row: &AttachmentRow) -> Attachment {
    Attachment {
        id: row.id.clone(),
        file_name: row.file_name.clone(),
        content_type: row.content_type.clone(),
        size_bytes: row.size_bytes.max(0) as u64,
        sha256: row.sha256.clone(),
    }
}

fn too_large(name: &str) -> AppError {
    AppError::refused(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::FileTooLarge,
        format!("“{name}” is larger than 10 MB."),
    )
}

fn not_allowed(name: &str) -> AppError {
    AppError::refused(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorCode::FileTypeNotAllowed,
        format!("“{name}” is not a file type we accept. Send a {ACCEPTED_TYPES} file."),
    )
}

/// `POST /api/patients/{id}/attachments`: stores one file (streamed, at most 10 MB) as a pending
/// upload of this account for this patient. Nothing is stored when it is refused.
pub async fn upload(
    state: &AppState,
    access: &PatientAccess,
    raw_name: &str,
    declared_length: Option<u64>,
    mut body: BoxStream<'static, Result<Bytes, axum::Error>>,
    client_addr: Option<&str>,
) -> AppResult<Attachment> {
    let file_name = clean_file_name(raw_name)?;
    // Far too large as announced: refused before reading. Just over: read (and discarded) so
    // that the client gets the answer rather than a connection closed while it was sending.
    if declared_length.is_some_and(|n| n > 2 * MAX_FILE_BYTES) {
        return Err(too_large(&file_name));
    }
    // The first bytes decide the type before anything is stored.
    let mut head: Vec<Bytes> = Vec::new();
    let mut head_len = 0;
    while head_len < SNIFF_BYTES {
        match body.next().await {
            None => break,
            Some(Ok(chunk)) => {
                head_len += chunk.len();
                head.push(chunk);
            }
            Some(Err(_)) => return Err(interrupted()),
        }
    }
    if head_len == 0 {
        return Err(AppError::invalid(
            ErrorCode::FileEmpty,
            "file",
            format!("“{file_name}” is empty."),
        ));
    }
    let first: Vec<u8> = head
        .iter()
        .flat_map(|c| c.iter().copied())
        .take(SNIFF_BYTES)
        .collect();
    let content_type = sniff(&first).ok_or_else(|| not_allowed(&file_name))?;
    // The last two bytes, to tell a whole JPEG (it ends with FF D9) from a cut-off one.
    let mut tail = [0u8; 2];
    let mut whole = futures_util::stream::iter(head.into_iter().map(Ok))
        .chain(body)
        .inspect(|chunk| {
            if let Ok(c) = chunk {
                match c.len() {
                    0 => {}
                    1 => tail = [tail[1], c[0]],
                    n => tail = [c[n - 2], c[n - 1]],
                }
            }
        });
    let stored = state.storage.put(&mut whole, MAX_FILE_BYTES).await;
    if let Err(StorageError::TooLarge { .. }) = stored {
        crate::storage::discard_rest(&mut whole, MAX_FILE_BYTES).await;
    }
    drop(whole);
    let stored = stored.map_err(|e| match e {
        StorageError::TooLarge { .. } => too_large(&file_name),
        StorageError::Empty => AppError::invalid(
            ErrorCode::FileEmpty,
            "file",
            format!("“{file_name}” is empty."),
        ),
        StorageError::Body(_) => interrupted(),
        other => {
            tracing::error!(error = %other, "attachment storage failed");
            AppError::refused(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::StorageUnavailable,
                "The file could not be stored. Try again in a moment.",
            )
        }
    })?;
    if content_type == "image/jpeg" && tail != [0xFF, 0xD9] {
        let _ = state.storage.delete(&stored.key).await;
        return Err(AppError::refused(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::FileTypeNotAllowed,
            format!("“{file_name}” is an incomplete JPEG image. Send the whole photo again."),
        ));
    }
    let link = &access.link;
    let size = i64::try_from(stored.size).unwrap_or(i64::MAX);
    let inserted = state
        .store
        .insert_upload(
            &NewUpload {
                practice_id: &link.practice_id,
                patient_id: &link.patient_id,
                account_id: &access.account_id,
                file_name: &file_name,
                content_type,
                size_bytes: size,
                sha256: &stored.sha256,
                storage_key: &stored.key,
            },
            state.clock.now_ms(),
        )
        .await;
    let id = match inserted {
        Ok(id) => id,
        Err(e) => {
            let _ = state.storage.delete(&stored.key).await;
            return Err(e.into());
        }
    };
    audit_read(
        state,
        &access.account_id,
        link,
        "attachment.upload",
        client_addr,
    )
    .await?;
    Ok(Attachment {
        id,
        file_name,
        content_type: content_type.to_owned(),
        size_bytes: stored.size,
        sha256: stored.sha256,
    })
}

fn interrupted() -> AppError {
    AppError::invalid(
        ErrorCode::UploadInterrupted,
        "file",
        "The upload was interrupted. Send the file again.",
    )
}

/// `GET /api/patients/{id}/attachments/{attachment_id}`: an attachment of the patient's messages
/// (or this account's own pending upload), audited.
pub async fn for_download(
    state: &AppState,
    access: &PatientAccess,
    id: &str,
    client_addr: Option<&str>,
) -> AppResult<AttachmentRow> {
    let row = state
        .store
        .attachment_for(&access.link.patient_id, id, Some(&access.account_id))
        .await?
        .ok_or(AppError::NotFound)?;
    audit_read(
        state,
        &access.account_id,
        &access.link,
        "attachment.download",
        client_addr,
    )
    .await?;
    Ok(row)
}

/// Removes expired pending uploads (row, then bytes) and stored objects no row points at (left
/// by a server stopped mid-upload). Objects modified less than `grace` ago are left alone: an
/// upload or a document may be between its bytes and its row. Returns how many objects went.
pub async fn sweep(
    store: &Store,
    storage: &Storage,
    now_ms: i64,
    grace: std::time::Duration,
) -> AppResult<usize> {
    let mut removed = 0;
    for key in store.remove_expired_uploads(now_ms).await? {
        if storage.delete(&key).await.is_ok() {
            removed += 1;
        }
    }
    // The server's clock, not the files' own: the same rule on disk and on S3, and testable.
    let cutoff = now_ms - i64::try_from(grace.as_millis()).unwrap_or(i64::MAX);
    let objects = storage.keys_older_than(cutoff).await.map_err(|e| {
        tracing::error!(error = %e, "cannot list stored files");
        AppError::refused(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::StorageUnavailable,
            "Stored files cannot be listed.",
        )
    })?;
    for key in objects {
        if !store.storage_key_known(&key).await? && storage.delete(&key).await.is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_first_bytes() {
        let ftyp = |brand: &[u8]| [b"\0\0\0\x18ftyp".as_slice(), brand, b"\0\0\0\0"].concat();
        assert_eq!(sniff(&ftyp(b"heic")), Some("image/heic"));
        assert_eq!(sniff(&ftyp(b"mif1")), Some("image/heif"));
        assert_eq!(sniff(&ftyp(b"isom")), None, "an MP4 video");
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WAVEfmt "), None);
        assert_eq!(sniff(b"GIF89a\x01\0\x01\0"), Some("image/gif"));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(b"MZ\x90\0"), None);
        assert_eq!(sniff(b"<svg xmlns="), None);
    }

    #[test]
    fn file_names() {
        assert_eq!(clean_file_name("a/b\\c.jpg").unwrap(), "c.jpg");
        assert_eq!(clean_file_name("caf%C3%A9.png").unwrap(), "café.png");
        assert!(clean_file_name("a%0Ab.png").is_err());
        assert!(clean_file_name("dir/").is_err());
        assert!(clean_file_name(&"x".repeat(256)).is_err());
        assert_eq!(clean_file_name(&"x".repeat(255)).unwrap().len(), 255);
    }
}
