//! Medical access links (SPEC 3.6): a practice e-mails a single-use link (and a four-word code
//! that can be typed instead) to a patient's address on file; a signed-in account that opens it
//! and confirms gets a `linked` contact link to that patient.
//!
//! Rules both sides rely on:
//! - A link works **once** and for **5 days**. Expired, used, revoked and unknown links and codes
//!   all get the same answer: 410 `link_not_usable` ("This link no longer works. Ask the
//!   practice for a new one.").
//! - Previewing never uses a link up; only `POST /api/access-links/redeem` does.
//! - An account that already acts for the patient gets 409 `already_linked` (preview and
//!   redeem), and the link is not used up.
//! - Typed codes are rate-limited per account and per client address: 429 `too_many_requests`
//!   with `retry_after_seconds`.
//! - A new link gives access only after the patient's date of birth is verified (SPEC 3.3.1).

use serde::{Deserialize, Serialize};

use crate::api::Relationship;

/// How a link is found: the token from the e-mailed address (`/link/{token}`) or the four-word
/// code as typed (any case; spaces, hyphens, dots or commas between the words).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RedeemRequest {
    pub token: Option<String>,
    pub code: Option<String>,
}

/// `POST /api/access-links/preview` with a typed code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodePreviewRequest {
    pub code: String,
}

/// Whose record a link adds, shown before the person confirms. Nothing else about the patient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessLinkPreview {
    pub patient_first_name: String,
    pub patient_last_name: String,
    pub practice_name: String,
    pub practice_slug: String,
    /// RFC 3339: when the link stops working.
    pub expires_at: String,
}

/// `POST /api/access-links/redeem`: the record was added as a `linked` contact link. The date
/// of birth must still be verified before anything is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RedeemResponse {
    pub patient_id: String,
    pub patient_first_name: String,
    pub patient_last_name: String,
    pub practice_slug: String,
    pub practice_name: String,
    pub relationship: Relationship,
}

/// Where a link stands, for the practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccessLinkStatus {
    Pending,
    Used,
    Expired,
    Revoked,
}

/// A link as the practice sees it: never its token or code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessLink {
    pub id: String,
    pub patient_id: String,
    pub status: AccessLinkStatus,
    /// The address it was e-mailed to.
    pub sent_to: String,
    /// RFC 3339.
    pub created_at: String,
    pub expires_at: String,
    pub used_at: Option<String>,
    pub revoked_at: Option<String>,
}
