//! Typed command-line values turned into the wire types, with the API's precise messages.

use super::PatientFields;
use wire::api::{GuardianInput, Language, PatientInput, PracticeInput};
use wire::{DateOfBirth, PhoneNumber};

/// A flag whose value is not what the API takes.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("--{flag}: {message}")]
    Flag { flag: &'static str, message: String },
}

pub fn flag<E: std::fmt::Display>(flag: &'static str) -> impl FnOnce(E) -> InputError {
    move |e| InputError::Flag {
        flag,
        message: e.to_string(),
    }
}

pub fn phone(value: &str, name: &'static str) -> Result<PhoneNumber, InputError> {
    PhoneNumber::parse(value).map_err(flag(name))
}

impl PatientFields {
    pub fn to_input(&self) -> Result<PatientInput, InputError> {
        Ok(PatientInput {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            dob: DateOfBirth::try_from(self.dob.clone()).map_err(flag("dob"))?,
            mobile_phone: self
                .mobile_phone
                .as_deref()
                .map(|p| phone(p, "mobile-phone"))
                .transpose()?,
            email: self.email.clone(),
            preferred_language: Language::from_code(&self.language).ok_or_else(|| {
                InputError::Flag {
                    flag: "language",
                    message: "use en or es".into(),
                }
            })?,
            external_id: self.external_id.clone(),
        })
    }
}

pub fn practice_input(
    slug: &str,
    name: &str,
    phone_number: &str,
    time_zone: &str,
    asks_dependent_sex: bool,
) -> Result<PracticeInput, InputError> {
    Ok(PracticeInput {
        slug: slug.into(),
        name: name.into(),
        phone: phone(phone_number, "phone")?,
        time_zone: time_zone.into(),
        asks_dependent_sex,
    })
}

pub fn guardian_input(phone_number: &str) -> Result<GuardianInput, InputError> {
    Ok(GuardianInput {
        phone: phone(phone_number, "phone")?,
    })
}

/// The content type for a document file's extension.
pub fn content_type_for(path: &std::path::Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("pdf") => "application/pdf",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("heic") => "image/heic",
        Some("heif") => "image/heif",
        Some("txt") => "text/plain",
        _ => "application/octet-stream",
    }
}

/// `--status` as the wire type (clap has already checked it is one of the names).
pub fn conversation_status(
    value: Option<&str>,
) -> Result<Option<wire::messages::ConversationStatus>, InputError> {
    value.map(|v| v.parse().map_err(flag("status"))).transpose()
}
