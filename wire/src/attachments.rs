//! Files attached to messages (SPEC 3.8). The portal uploads each file on its own
//! (`POST /api/patients/{id}/attachments`, the raw bytes as the body, the name in `X-File-Name`),
//! gets an [`Attachment`] back, and sends the message with the ids of its uploads.

use serde::{Deserialize, Serialize};

use crate::messages::SendMessageRequest;

/// Largest file: 10 MB.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// Most files on one message.
pub const MAX_FILES_PER_MESSAGE: usize = 10;
/// Longest file name kept, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 255;
/// What the server accepts, decided by the file's first bytes (never its name or declared type).
pub const ACCEPTED_TYPES: &str = "JPEG, PNG, HEIC/HEIF, WebP, GIF or PDF";

/// An uploaded file: pending until a message takes it, then one of the message's attachments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub id: String,
    /// The name it was uploaded with (its last path segment).
    pub file_name: String,
    /// Found from the file's bytes: `image/jpeg`, `image/png`, `image/heic`, `image/heif`,
    /// `image/webp`, `image/gif` or `application/pdf`.
    pub content_type: String,
    pub size_bytes: u64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
}

/// `POST /api/patients/{id}/messages` with files: the message and the ids of this account's
/// uploads for this patient (at most 10). With attachments the text may be empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendWithAttachments {
    #[serde(flatten)]
    pub message: SendMessageRequest,
    #[serde(default)]
    pub attachment_ids: Vec<String>,
}
