//! Sign-in with a phone code (SPEC 3.1): the bodies of `/api/auth/*` and `/api/session`.
//!
//! Phone numbers and codes travel as the text the person typed, so the server can answer with
//! the same precise error codes the portal shows before sending (`phone_*`, `code_*`).

use serde::{Deserialize, Serialize};

/// `POST /api/auth/code`: text me a code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendCodeRequest {
    /// As typed: `(972) 848-5861`, `972-848-5861`, `+1 972 848 5861`…
    pub phone: String,
}

/// The same answer whether or not the number belongs to anyone (no account enumeration).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendCodeResponse {
    /// `•••• 5861`: the number the code went to, enough to spot a typo.
    pub sent_to: String,
    /// Seconds until another code may be asked for (30).
    pub resend_after_seconds: u64,
    /// Seconds the code stays valid (600).
    pub expires_in_seconds: u64,
}

/// `POST /api/auth/verify`: the code from the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyCodeRequest {
    pub phone: String,
    pub code: String,
    /// "Remember this device for 30 days" (checked by default in the portal).
    #[serde(default)]
    pub remember_device: bool,
}

/// A practice the signed-in account acts for someone at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PracticeSummary {
    pub slug: String,
    pub name: String,
    /// E.164; the portal shows it in national form.
    pub phone: String,
    pub time_zone: String,
    /// This account may add a dependent here: it has an active guardian link at this
    /// practice (SPEC 3.5.1).
    #[serde(default)]
    pub can_add_dependents: bool,
    /// The practice wants a dependent's sex when one is added.
    #[serde(default)]
    pub asks_dependent_sex: bool,
}

/// `GET /api/session`, and the answer to a successful verify or "stay signed in".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// `•••• 5861`.
    pub phone: String,
    /// Seconds of inactivity left before the session ends (at most 1,800).
    pub idle_seconds_left: u64,
    /// Seconds left before the session ends whatever happens (at most 12 hours).
    pub absolute_seconds_left: u64,
    /// Whether this device is remembered for 30 days.
    pub remembered_device: bool,
    /// Practices where this account acts for at least one patient; empty: nothing linked yet.
    pub practices: Vec<PracticeSummary>,
}
