//! The patient side's view of patients (SPEC 3.2, 3.3, 3.9): the list per practice, date-of-birth
//! verification and guardian activation, and the access history.

use serde::{Deserialize, Serialize};

use crate::api::{LinkStatus, Relationship};

/// `GET /api/practices/{slug}/patients`: everyone this account may act for at that practice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientSummary {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub relationship: Relationship,
    /// `pending_activation` (a guardian who has not verified yet), `active` or `locked`.
    pub status: LinkStatus,
    /// The date of birth was verified recently enough that data can be shown.
    pub verified: bool,
    /// Set only when another patient in this list has the same first name, so the two can be
    /// told apart (SPEC 3.2.3): `"03/2016"`, and only once this link is verified — before that
    /// it would give away most of the answer to the verification question.
    pub birth_month_year: Option<String>,
    /// Seconds until a lock ends, when `status` is `locked`.
    pub locked_seconds_left: Option<u64>,
    /// Practice and system messages this account has not read yet.
    pub unread_count: u64,
}

/// A date of birth as the three fields were typed (month, day, year), checked with
/// [`crate::DateOfBirth::from_parts`] on both sides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TypedDate {
    pub month: String,
    pub day: String,
    pub year: String,
}

/// `POST /api/patients/{id}/verify-dob`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyDobRequest {
    /// The patient's date of birth (not the account's own).
    pub dob: TypedDate,
    /// Required on a guardian's first verification (activation, SPEC 3.3.3).
    #[serde(default)]
    pub guardian: Option<GuardianDetails>,
}

/// The guardian's own details, given once at activation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuardianDetails {
    pub first_name: String,
    pub last_name: String,
    pub dob: TypedDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyDobResponse {
    /// Seconds this verification lasts (30 days on a remembered device, else the session's).
    pub verified_for_seconds: u64,
}

/// `GET /api/patients/{id}`: the patient, once verified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientDetail {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    /// `YYYY-MM-DD`.
    pub dob: String,
    pub relationship: Relationship,
    pub practice_slug: String,
    pub practice_name: String,
    /// E.164.
    pub practice_phone: String,
}

/// One line of `GET /api/patients/{id}/access-history` (SPEC 3.9).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessEvent {
    /// RFC 3339.
    pub at: String,
    /// Who: `practice` (staff or their systems), `you`, or another account acting for the
    /// patient described by its relationship (`guardian`, `self`, `linked`) and masked phone.
    pub who: String,
    /// A stable action code, e.g. `patient.view`, `dob.verify`, `practice.patient.update`.
    pub action: String,
}
