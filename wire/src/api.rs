//! The JSON bodies of `/api/`. Field names are the wire contract: renaming one is a breaking change.

use crate::{DateOfBirth, PhoneNumber};
use serde::{Deserialize, Serialize};

/// `GET /api/health`: the server can serve requests and reach its database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// Always `ok` when the answer is 200.
    pub status: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    pub version: String,
}

/// Every error answer of the API. `error` is a stable code the portal translates;
/// `message` is English for people reading the raw API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "code_incorrect"))]
    pub error: crate::ErrorCode,
    pub message: String,
    /// The request field the error is about, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For limits: how long to wait before trying again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u64>,
}

/// The languages the portal speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Es,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Language::En),
            "es" => Some(Language::Es),
            _ => None,
        }
    }
}

// ---- Practice side (SPEC 4) ----

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PracticeInput {
    /// Lowercase letters, digits and dashes; used in the portal's addresses.
    pub slug: String,
    pub name: String,
    /// The number patients call; shown on lockout pages.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "+19728485861"))]
    pub phone: PhoneNumber,
    /// An IANA time zone such as `America/Chicago`.
    pub time_zone: String,
    /// Ask guardians for a dependent's sex when they add one (SPEC 3.5.1).
    #[serde(default)]
    pub asks_dependent_sex: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Practice {
    pub id: String,
    pub slug: String,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "+19728485861"))]
    pub phone: PhoneNumber,
    pub time_zone: String,
    pub asks_dependent_sex: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PatientInput {
    pub first_name: String,
    pub last_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2015-03-07"))]
    pub dob: DateOfBirth,
    /// The patient's own mobile number. When given, the person with that number can act for
    /// this patient as `self` (after verifying the date of birth).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "+19728485861"))]
    pub mobile_phone: Option<PhoneNumber>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub preferred_language: Language,
    /// The practice's own identifier (EHR id). Unique within the practice; creating a patient
    /// again with the same one updates it instead.
    #[serde(default)]
    pub external_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Patient {
    pub id: String,
    pub practice_slug: String,
    pub first_name: String,
    pub last_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2015-03-07"))]
    pub dob: DateOfBirth,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub mobile_phone: Option<PhoneNumber>,
    pub email: Option<String>,
    pub preferred_language: Language,
    pub external_id: Option<String>,
    /// The postal address (the patient side may update it, SPEC 3.7.2).
    #[serde(default)]
    pub address: crate::records::Address,
}

/// A guardian (parent, legally authorized representative) who may act for a patient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GuardianInput {
    /// The guardian's mobile number: they sign in with it.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "+19728485861"))]
    pub phone: PhoneNumber,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    #[serde(rename = "self")]
    Self_,
    Guardian,
    Linked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    PendingActivation,
    Active,
    Locked,
    Revoked,
}

crate::stored::stored_names!(Relationship, "contact link relationship", {
    Self_ => "self",
    Guardian => "guardian",
    Linked => "linked",
});

crate::stored::stored_names!(LinkStatus, "contact link status", {
    PendingActivation => "pending_activation",
    Active => "active",
    Locked => "locked",
    Revoked => "revoked",
});

/// Who may act for a patient: account ↔ patient, with relationship and status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactLink {
    pub id: String,
    pub patient_id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "+19728485861"))]
    pub phone: PhoneNumber,
    pub relationship: Relationship,
    pub status: LinkStatus,
    /// RFC 3339 time of the last date-of-birth verification, if any.
    pub dob_verified_at: Option<String>,
}

/// One line of a patient's audit log (SPEC 3.9), for the practice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// RFC 3339.
    pub at: String,
    /// `account` (someone signed in to the portal), `practice_token` or `cli`.
    pub actor_kind: String,
    /// The account's or token's id (none for the command line).
    pub actor_id: Option<String>,
    /// For an account: its phone number (E.164).
    pub actor_phone: Option<String>,
    /// A stable action code, e.g. `patient.view`, `dob.verify`, `dob.lock`, `guardian.activate`.
    pub action: String,
    /// The client's address as the server saw it.
    pub client_addr: Option<String>,
    /// What the action touched, e.g. for `profile.update` the changed fields
    /// (`fields: address.zip, email`), never their values.
    #[serde(default)]
    pub detail: Option<String>,
}

/// A contact link locked by wrong dates of birth (SPEC 3.3.2), for the practice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DobLockout {
    pub patient_id: String,
    pub patient_name: String,
    pub relationship: Relationship,
    /// The locked-out account's number, masked (`•••• 5861`).
    pub phone: String,
    /// RFC 3339.
    pub locked_at: Option<String>,
    /// RFC 3339.
    pub locked_until: String,
}

/// One text or e-mail in the development outbox (SPEC 5.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxEntry {
    /// `sms` or `email`.
    pub channel: String,
    pub to: String,
    pub subject: Option<String>,
    pub body: String,
    /// RFC 3339.
    pub sent_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationship_and_status_use_the_spec_words() {
        assert_eq!(
            serde_json::to_string(&Relationship::Self_).unwrap(),
            "\"self\""
        );
        assert_eq!(
            serde_json::to_string(&Relationship::Guardian).unwrap(),
            "\"guardian\""
        );
        assert_eq!(
            serde_json::to_string(&LinkStatus::PendingActivation).unwrap(),
            "\"pending_activation\""
        );
    }

    #[test]
    fn patient_input_validates_phone_and_dob_and_rejects_unknown_fields() {
        let ok: PatientInput = serde_json::from_str(
            r#"{"first_name":"Ana","last_name":"Diaz","dob":"2015-03-07","mobile_phone":"(972) 848-5861"}"#,
        )
        .unwrap();
        assert_eq!(ok.mobile_phone.unwrap().e164(), "+19728485861");
        assert_eq!(ok.preferred_language, Language::En);
        for bad in [
            r#"{"first_name":"Ana","last_name":"Diaz","dob":"2015-02-30"}"#,
            r#"{"first_name":"Ana","last_name":"Diaz","dob":"2015-03-07","mobile_phone":"123"}"#,
            r#"{"first_name":"Ana","last_name":"Diaz","dob":"2015-03-07","ssn":"1"}"#,
        ] {
            assert!(serde_json::from_str::<PatientInput>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn language_codes() {
        assert_eq!(Language::from_code("ES"), Some(Language::Es));
        assert_eq!(Language::from_code("fr"), None);
        assert_eq!(serde_json::to_string(&Language::Es).unwrap(), "\"es\"");
    }
}
