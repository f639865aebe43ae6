//! Record items a practice publishes for a patient (SPEC 3.7.1), the demographics an account may
//! update (SPEC 3.7.2) and the caregiver overview across practices.
//!
//! Times are RFC 3339 in UTC with the practice's IANA time zone beside them
//! (`practice_time_zone`), so the portal shows them in the practice's zone whatever the device's.
//! Dates without a time (`due_date`, `date`) are `YYYY-MM-DD` in the practice's zone.

use serde::{Deserialize, Serialize};

use crate::api::{Language, Relationship};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Scheduled,
    Confirmed,
    Cancelled,
    Completed,
    NoShow,
}

crate::stored::stored_names!(AppointmentStatus, "appointment status", {
    Scheduled => "scheduled",
    Confirmed => "confirmed",
    Cancelled => "cancelled",
    Completed => "completed",
    NoShow => "no_show",
});

/// An appointment. Lists put upcoming ones first (soonest first), then past ones (newest first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Appointment {
    pub id: String,
    /// RFC 3339 (UTC).
    pub starts_at: String,
    pub duration_minutes: u32,
    pub location: String,
    /// The clinician or service, e.g. "Dr. Ann Lee".
    pub with_whom: String,
    pub status: AppointmentStatus,
    /// Ends after now (the server's clock).
    pub upcoming: bool,
    /// IANA zone of the practice, e.g. `America/Chicago`.
    pub practice_time_zone: String,
}

/// Publishing an appointment: `starts_at` RFC 3339 with an offset; 5–480 minutes; location and
/// with_whom 1–200 characters. The same `external_id` again updates it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppointmentInput {
    pub starts_at: String,
    pub duration_minutes: u32,
    pub location: String,
    pub with_whom: String,
    #[serde(default = "scheduled")]
    pub status: AppointmentStatus,
    #[serde(default)]
    pub external_id: Option<String>,
}

fn scheduled() -> AppointmentStatus {
    AppointmentStatus::Scheduled
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TreatmentPlan {
    pub id: String,
    pub title: String,
    /// Plain text; never interpreted as HTML.
    pub body: String,
    /// RFC 3339.
    pub updated_at: String,
    pub practice_time_zone: String,
}

/// Title 1–200 characters, body 1–20,000. The same `external_id` again updates it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TreatmentPlanInput {
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub external_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FormStatus {
    Assigned,
    InProgress,
    Completed,
}

crate::stored::stored_names!(FormStatus, "form status", {
    Assigned => "assigned",
    InProgress => "in_progress",
    Completed => "completed",
});

/// A form assigned to the patient. Lists put open forms first (by due date), then completed ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Form {
    pub id: String,
    pub title: String,
    pub status: FormStatus,
    /// `YYYY-MM-DD`.
    pub due_date: Option<String>,
    /// RFC 3339.
    pub updated_at: String,
    pub practice_time_zone: String,
}

/// Title 1–200 characters; `due_date` `YYYY-MM-DD`. The same `external_id` again updates it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormInput {
    pub title: String,
    #[serde(default = "assigned")]
    pub status: FormStatus,
    #[serde(default)]
    pub due_date: Option<String>,
    #[serde(default)]
    pub external_id: Option<String>,
}

fn assigned() -> FormStatus {
    FormStatus::Assigned
}

/// A document of the patient's: one the practice published (its file at
/// `GET /api/patients/{id}/documents/{document_id}/file`), or a file the patient side sent the
/// practice in a message (`sent_to_practice`; its file at
/// `GET /api/patients/{id}/attachments/{document_id}`). Always a download.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Document {
    pub id: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: u64,
    /// Sent to the practice by the patient side (from a conversation or the documents page);
    /// `false` for what the practice published.
    #[serde(default)]
    pub sent_to_practice: bool,
}

/// A postal address (US). Every part optional; `zip` is `12345` or `12345-6789`, `state` two
/// letters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Address {
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
}

/// What the account may see and change about a patient's demographics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    pub address: Address,
    pub email: Option<String>,
    pub preferred_language: Language,
}

/// `PATCH /api/patients/{id}/profile`: only the fields present change. An empty string clears an
/// optional field. Errors name the field: `address.zip` (`zip_invalid`), `address.state`
/// (`state_invalid`), `address.line1` … (`text_too_long`), `email` (`email_invalid`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileUpdate {
    #[serde(default)]
    pub address: Option<Address>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub preferred_language: Option<Language>,
}

/// `PATCH` answer: the profile now, and the fields that changed (e.g. `["email", "address.zip"]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileUpdated {
    pub profile: Profile,
    pub changed: Vec<String>,
}

/// One person of the caregiver overview (`GET /api/overview`): every patient the account acts for
/// at every practice. Nothing from the record (the next appointment) before the date of birth is
/// verified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverviewEntry {
    pub patient_id: String,
    pub first_name: String,
    pub last_name: String,
    pub practice_slug: String,
    pub practice_name: String,
    pub practice_time_zone: String,
    pub relationship: Relationship,
    pub verified: bool,
    pub locked: bool,
    pub unread_count: u64,
    /// The next upcoming appointment; only when `verified`.
    pub next_appointment: Option<Appointment>,
}

/// A US ZIP code: `12345` or `12345-6789`.
pub fn valid_zip(zip: &str) -> bool {
    let b = zip.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    match b.len() {
        5 => digits(b),
        10 => digits(&b[..5]) && b[5] == b'-' && digits(&b[6..]),
        _ => false,
    }
}

/// A plausible e-mail address: one `@`, a dotted domain, no spaces, at most 254 characters.
/// Deliverability is only known when a message is sent.
pub fn valid_email(value: &str) -> bool {
    value.len() <= 254
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(value.split_once('@'), Some((local, domain))
            if !local.is_empty() && !domain.contains('@') && domain.contains('.')
                && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains(".."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zips() {
        for ok in ["75001", "75001-1234"] {
            assert!(valid_zip(ok), "{ok}");
        }
        for bad in ["7500", "750011", "75001-123", "7500a", "75001 1234", ""] {
            assert!(!valid_zip(bad), "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert!(valid_email("ana@example.com"));
        for bad in [
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
            "a@b..com",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
    }
}
