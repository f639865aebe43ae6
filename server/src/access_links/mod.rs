//! Medical access links (SPEC 3.6), both sides.
//!
//! The practice creates a link for a patient; it is e-mailed (plain text, in the patient's
//! preferred language, naming the practice, never the date of birth) to the address on file as
//! `{public_url}/link/{token}` with a four-word code to type instead. The token (256 random bits)
//! and the code are stored only as keyed hashes (HMAC-SHA256 under the sign-in codes' key). A
//! link works once, for 5 days.
//!
//! A signed-in account previews a link (by token, or by a typed code: rate-limited per account
//! and per client address in the database) and then redeems it, which adds a `linked` contact
//! link (`active`; the date of birth must still be verified before anything is shown). Expired,
//! used, revoked and unknown links and codes all get one answer: 410 `link_not_usable`.

pub mod patient;
pub mod practice;
pub mod words;

use axum::http::StatusCode;
use wire::access_links::{AccessLink, AccessLinkStatus};
use wire::api::Language;
use wire::ErrorCode;

use crate::error::AppError;
use crate::secrets::hmac_sha256_hex;
use crate::sign_in::HOUR_MS;
use crate::store::access_links::AccessLinkRow;
use crate::store::rfc3339;

/// A link works for 5 days (SPEC 3.6.2).
pub const LINK_TTL_MS: i64 = 5 * 24 * HOUR_MS;
/// Typed codes per account per hour…
pub const CODES_PER_ACCOUNT_PER_HOUR: i64 = 10;
/// …and per client address per hour (a family or a front-desk tablet shares one address).
pub const CODES_PER_IP_PER_HOUR: i64 = 30;

pub const NOT_USABLE_MESSAGE: &str = "This link no longer works. Ask the practice for a new one.";

/// The one answer for expired, used, revoked and unknown links and codes.
pub fn not_usable() -> AppError {
    AppError::refused(
        StatusCode::GONE,
        ErrorCode::LinkNotUsable,
        NOT_USABLE_MESSAGE,
    )
}

pub fn token_hash(key: &[u8], token: &str) -> String {
    hmac_sha256_hex(key, &format!("access_link:token:{token}"))
}

pub fn code_hash(key: &[u8], normalized_code: &str) -> String {
    hmac_sha256_hex(key, &format!("access_link:code:{normalized_code}"))
}

/// The e-mail: subject and plain-text body in the patient's language.
pub fn email_text(
    language: Language,
    practice_name: &str,
    patient_first_name: &str,
    url: &str,
    code: &str,
) -> (String, String) {
    let spaced = code.replace('-', " ");
    match language {
        Language::Es => (
            format!("{practice_name}: enlace para agregar un expediente a su portal"),
            format!(
                "Hola {patient_first_name}:\n\n\
                 {practice_name} le envía un enlace para agregar el expediente médico de {patient_first_name} a una cuenta del portal de pacientes.\n\n\
                 Abra este enlace en su teléfono o computadora:\n{url}\n\n\
                 O escriba este código en el portal: {spaced}\n\n\
                 El enlace funciona una sola vez y durante 5 días. Para usarlo tendrá que iniciar sesión y confirmar la fecha de nacimiento del paciente.\n\n\
                 Si no esperaba este correo, no haga nada y llame a {practice_name}.\n"
            ),
        ),
        Language::En => (
            format!("{practice_name}: a link to add a record to your patient portal"),
            format!(
                "Hello {patient_first_name},\n\n\
                 {practice_name} sent you a link to add {patient_first_name}'s medical record to a patient portal account.\n\n\
                 Open this link on your phone or computer:\n{url}\n\n\
                 Or type this code in the portal: {spaced}\n\n\
                 The link works once, for 5 days. To use it you sign in and confirm the patient's date of birth.\n\n\
                 If you did not expect this e-mail, do nothing and call {practice_name}.\n"
            ),
        ),
    }
}

pub(crate) fn status(row: &AccessLinkRow, now: i64) -> AccessLinkStatus {
    if row.used_at.is_some() {
        AccessLinkStatus::Used
    } else if row.revoked_at.is_some() {
        AccessLinkStatus::Revoked
    } else if now >= row.expires_at {
        AccessLinkStatus::Expired
    } else {
        AccessLinkStatus::Pending
    }
}

pub(crate) fn to_wire(row: &AccessLinkRow, now: i64) -> AccessLink {
    AccessLink {
        id: row.id.clone(),
        patient_id: row.patient_id.clone(),
        status: status(row, now),
        sent_to: row.sent_to.clone(),
        created_at: rfc3339(row.created_at),
        expires_at: rfc3339(row.expires_at),
        used_at: row.used_at.map(rfc3339),
        revoked_at: row.revoked_at.map(rfc3339),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_email_names_the_practice_in_the_patients_language() {
        let (subject, body) = email_text(
            Language::Es,
            "Lakeside",
            "Lily",
            "https://p.example/link/T",
            "acid-acorn-acre-aged",
        );
        assert!(subject.starts_with("Lakeside:"));
        assert!(body.contains("https://p.example/link/T"));
        assert!(body.contains("acid acorn acre aged"));
        assert!(body.contains("5 días"));
        let (_, body) = email_text(Language::En, "Lakeside", "Lily", "u", "a-b-c-d");
        assert!(body.contains("works once, for 5 days"));
    }
}
