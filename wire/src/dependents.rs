//! Adding a dependent (SPEC 3.5): what a guardian sends to add a child or dependent.

use serde::{Deserialize, Serialize};

use crate::patients::TypedDate;

/// Administrative sex, asked only when the practice wants it (`PracticeSummary::asks_dependent_sex`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Other,
    Unknown,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
            Sex::Unknown => "unknown",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Sex::Female, Sex::Male, Sex::Other, Sex::Unknown]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// `POST /api/practices/{slug}/dependents`: a guardian with an active guardian link at the
/// practice adds a dependent there. Answers `201` with the new patient's `PatientSummary`
/// (already verified: the guardian is its `guardian`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddDependentRequest {
    pub first_name: String,
    pub last_name: String,
    /// The dependent's date of birth; not in the future.
    pub dob: TypedDate,
    /// Required when the practice asks for it.
    #[serde(default)]
    pub sex: Option<Sex>,
}
