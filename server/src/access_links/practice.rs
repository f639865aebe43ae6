//! The practice's side: creating, listing and revoking a patient's links.

use super::{code_hash, email_text, to_wire, token_hash, words, LINK_TTL_MS};
use axum::http::StatusCode;
use wire::access_links::AccessLink;
use wire::api::Language;
use wire::ErrorCode;

use crate::error::{AppError, AppResult};
use crate::notify::{Message, NotifyError};
use crate::practice::Caller;
use crate::state::AppState;
use crate::store::access_links::{self as links, NewAccessLink};

/// Practice: creates a link for the patient and e-mails it. A patient without a usable e-mail
/// address on file is a 422 (`email_missing`, `email_invalid`) and nothing is sent or stored.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    patient_id: &str,
) -> AppResult<AccessLink> {
    let (practice, patient) = caller.patient(&state.store, slug, patient_id).await?;
    let email = match patient.email.as_deref().map(str::trim) {
        None | Some("") => {
            return Err(AppError::invalid(
                ErrorCode::EmailMissing,
                "email",
                "The patient has no e-mail address on file. Add one to the patient (patient update) and create the link again.",
            ))
        }
        Some(e) if !wire::records::valid_email(e) => {
            return Err(AppError::invalid(
                ErrorCode::EmailInvalid,
                "email",
                "The patient's e-mail address on file is not valid. Correct it (patient update) and create the link again.",
            ))
        }
        Some(e) => e.to_owned(),
    };
    let now = state.clock.now_ms();
    let token = crate::secrets::random_token(32);
    let code = words::random_code();
    let mut tx = state.store.begin().await?;
    let id = links::insert(
        &mut tx,
        &NewAccessLink {
            practice_id: &practice.id,
            patient_id,
            token_hash: &token_hash(&state.code_key, &token),
            code_hash: &code_hash(&state.code_key, &code),
            sent_to: &email,
            now,
            expires_at: now + LINK_TTL_MS,
        },
    )
    .await?;
    caller
        .audit(
            &mut tx,
            &practice.id,
            patient_id,
            "practice.access_link.create",
            now,
        )
        .await?;
    tx.commit().await?;

    let language = Language::from_code(&patient.preferred_language).unwrap_or_default();
    let url = format!("{}/link/{token}", state.config.public_base());
    let (subject, body) = email_text(language, &practice.name, &patient.first_name, &url, &code);
    let sent = state
        .notifier
        .send(&Message::Email {
            to: email,
            subject,
            body,
        })
        .await;
    if let Err(error) = sent {
        // The link must not work when the e-mail did not go out.
        let mut tx = state.store.begin().await?;
        links::revoke(&mut tx, &id, now).await?;
        tx.commit().await?;
        let kind = match &error {
            NotifyError::Recipient(_) => "recipient refused",
            NotifyError::OptedOut(_) => "recipient opted out",
            NotifyError::RateLimited(_) => "provider rate limit",
            NotifyError::Unavailable(_) => "provider unavailable",
        };
        if state.config.is_development() {
            tracing::warn!(error = %error, "access link e-mail not delivered");
        } else {
            tracing::warn!(kind, "access link e-mail not delivered");
        }
        return Err(match error {
            NotifyError::Recipient(_) | NotifyError::OptedOut(_) => AppError::invalid(
                ErrorCode::EmailUndeliverable,
                "email",
                "The e-mail server refused the patient's address. Check it (patient update) and create the link again.",
            ),
            _ => AppError::Refused {
                status: StatusCode::SERVICE_UNAVAILABLE,
                code: ErrorCode::EmailUnavailable,
                message: "E-mails cannot be sent right now; the link was not created. Try again in a minute.".into(),
                retry_after_seconds: Some(60),
            },
        });
    }
    let row = state
        .store
        .access_link_in_practice(&practice.id, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(to_wire(&row, now))
}

/// Practice: the patient's links, newest first, with their status (never token or code).
pub async fn list(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    patient_id: &str,
) -> AppResult<Vec<AccessLink>> {
    caller.patient(&state.store, slug, patient_id).await?;
    let now = state.clock.now_ms();
    Ok(state
        .store
        .access_links_of_patient(patient_id)
        .await?
        .iter()
        .map(|r| to_wire(r, now))
        .collect())
}

/// Practice: revokes a link before it is used (again: no change). A used link is 409
/// `link_used`: revoke the contact link it created instead.
pub async fn revoke(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    link_id: &str,
) -> AppResult<AccessLink> {
    let practice = caller.practice(&state.store, slug).await?;
    let row = state
        .store
        .access_link_in_practice(&practice.id, link_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now_ms();
    if row.used_at.is_some() {
        return Err(AppError::Conflict {
            code: ErrorCode::LinkUsed,
            message: "This link was already used. Revoke the contact link it created instead."
                .into(),
        });
    }
    if row.revoked_at.is_none() {
        let mut tx = state.store.begin().await?;
        let revoked = links::revoke(&mut tx, link_id, now).await?;
        tx.commit().await?;
        if revoked {
            caller
                .audit_alone(
                    state,
                    &practice.id,
                    &row.patient_id,
                    "practice.access_link.revoke",
                )
                .await?;
        }
    }
    let row = state
        .store
        .access_link_in_practice(&practice.id, link_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if row.used_at.is_some() {
        return Err(AppError::Conflict {
            code: ErrorCode::LinkUsed,
            message: "This link was already used. Revoke the contact link it created instead."
                .into(),
        });
    }
    Ok(to_wire(&row, now))
}
