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

pub mod words;

use axum::http::StatusCode;
use std::net::IpAddr;
use wire::access_links::{AccessLink, AccessLinkPreview, AccessLinkStatus, RedeemResponse};
use wire::api::{ContactLink, Language, LinkStatus, Relationship};

use crate::auth::{within_hourly_limit, SignedIn, HOUR_MS};
use crate::error::{AppError, AppResult};
use crate::notify::{Message, NotifyError};
use crate::practice::Caller;
use crate::secrets::hmac_sha256_hex;
use crate::state::AppState;
use crate::store::access_links::{self as links, AccessLinkRow, NewAccessLink};
use crate::store::accounts;
use crate::store::audit::{self, Actor, AuditEvent};
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
    AppError::refused(StatusCode::GONE, "link_not_usable", NOT_USABLE_MESSAGE)
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

fn status(row: &AccessLinkRow, now: i64) -> AccessLinkStatus {
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

fn to_wire(row: &AccessLinkRow, now: i64) -> AccessLink {
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
                "email_missing",
                "email",
                "The patient has no e-mail address on file. Add one to the patient (patient update) and create the link again.",
            ))
        }
        Some(e) if !wire::records::valid_email(e) => {
            return Err(AppError::invalid(
                "email_invalid",
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
                "email_undeliverable",
                "email",
                "The e-mail server refused the patient's address. Check it (patient update) and create the link again.",
            ),
            _ => AppError::Refused {
                status: StatusCode::SERVICE_UNAVAILABLE,
                code: "email_unavailable",
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
            code: "link_used",
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
            code: "link_used",
            message: "This link was already used. Revoke the contact link it created instead."
                .into(),
        });
    }
    Ok(to_wire(&row, now))
}

/// Practice: revokes any contact link of the patient (`self`, `guardian`, `linked`). The account
/// loses access at once: the gate answers 404 from the next request on.
pub async fn revoke_contact(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    patient_id: &str,
    contact_id: &str,
) -> AppResult<ContactLink> {
    let now = state.clock.now_ms();
    let (practice, _) = caller.patient(&state.store, slug, patient_id).await?;
    let link = state
        .store
        .links_for_patient(patient_id)
        .await?
        .into_iter()
        .find(|l| l.id == contact_id)
        .ok_or(AppError::NotFound)?;
    if link.status != LinkStatus::Revoked {
        let mut tx = state.store.begin().await?;
        accounts::set_link_status(&mut tx, &link.id, LinkStatus::Revoked, now).await?;
        caller
            .audit(
                &mut tx,
                &practice.id,
                patient_id,
                "practice.contact.revoke",
                state.clock.now_ms(),
            )
            .await?;
        tx.commit().await?;
    }
    let link = state
        .store
        .links_for_patient(patient_id)
        .await?
        .into_iter()
        .find(|l| l.id == contact_id)
        .ok_or(AppError::NotFound)?;
    Ok(crate::practice::guardians::to_wire(link))
}

/// Counts a typed code against the per-address and per-account limits (in the database, so the
/// limits hold across instances); 429 `too_many_requests` past either.
async fn count_code_attempt(
    state: &AppState,
    account_id: &str,
    client: Option<IpAddr>,
) -> AppResult<()> {
    use crate::store::sign_in::record_hit;
    let now = state.clock.now_ms();
    let ip_key = format!(
        "access_code:ip:{}",
        client.map(|ip| ip.to_string()).unwrap_or_default()
    );
    let account_key = format!("access_code:account:{account_id}");
    let mut tx = state.store.begin().await?;
    for (key, limit) in [
        (&ip_key, CODES_PER_IP_PER_HOUR),
        (&account_key, CODES_PER_ACCOUNT_PER_HOUR),
    ] {
        within_hourly_limit(&mut tx, key, limit, now, "too_many_requests", |wait| {
            format!(
                "Too many codes were tried. Try again in {wait}, or open the link in the e-mail."
            )
        })
        .await?;
    }
    record_hit(&mut tx, &ip_key, now).await?;
    record_hit(&mut tx, &account_key, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The link a token or a typed code names, if it works now (else `link_not_usable`). A typed code
/// counts against the limits whether or not it is right.
async fn find(
    state: &AppState,
    signed_in: &SignedIn,
    client: Option<IpAddr>,
    token: Option<&str>,
    code: Option<&str>,
) -> AppResult<AccessLinkRow> {
    let now = state.clock.now_ms();
    let row = match (token.map(str::trim).filter(|t| !t.is_empty()), code) {
        (Some(token), _) => {
            if token.len() > 100 {
                return Err(not_usable());
            }
            state
                .store
                .access_link_by_token_hash(&token_hash(&state.code_key, token))
                .await?
        }
        (None, Some(code)) => {
            count_code_attempt(state, &signed_in.account_id, client).await?;
            match words::normalize(code) {
                Some(normalized) => {
                    state
                        .store
                        .access_link_by_code_hash(&code_hash(&state.code_key, &normalized), now)
                        .await?
                }
                None => None,
            }
        }
        (None, None) => {
            return Err(AppError::invalid(
                "code_required",
                "code",
                "Enter the four words from the e-mail.",
            ))
        }
    };
    match row {
        Some(row) if row.usable(now) => Ok(row),
        _ => Err(not_usable()),
    }
}

struct Whose {
    patient_first_name: String,
    patient_last_name: String,
    practice_name: String,
    practice_slug: String,
}

/// Whose record the link adds; 409 `already_linked` when the account already acts for them.
async fn whose(state: &AppState, signed_in: &SignedIn, row: &AccessLinkRow) -> AppResult<Whose> {
    let practice = state
        .store
        .practice_by_id(&row.practice_id)
        .await?
        .ok_or_else(not_usable)?;
    let patient = state
        .store
        .patient_in_practice(&row.practice_id, &row.patient_id)
        .await?
        .ok_or_else(not_usable)?;
    if state
        .store
        .link_context(&signed_in.account_id, &row.patient_id)
        .await?
        .is_some()
    {
        return Err(already_linked(&patient.first_name, &patient.last_name));
    }
    Ok(Whose {
        patient_first_name: patient.first_name,
        patient_last_name: patient.last_name,
        practice_name: practice.name,
        practice_slug: practice.slug,
    })
}

fn already_linked(first: &str, last: &str) -> AppError {
    AppError::Conflict {
        code: "already_linked",
        message: format!(
            "You can already see {first} {last}'s record in your account. This link was not used, so someone else can still use it."
        ),
    }
}

/// Patient side: whose record a link (token or typed code) would add. Never uses it up.
pub async fn preview(
    state: &AppState,
    signed_in: &SignedIn,
    client: Option<IpAddr>,
    token: Option<&str>,
    code: Option<&str>,
) -> AppResult<AccessLinkPreview> {
    let row = find(state, signed_in, client, token, code).await?;
    let w = whose(state, signed_in, &row).await?;
    Ok(AccessLinkPreview {
        patient_first_name: w.patient_first_name,
        patient_last_name: w.patient_last_name,
        practice_name: w.practice_name,
        practice_slug: w.practice_slug,
        expires_at: rfc3339(row.expires_at),
    })
}

/// Patient side: uses the link and adds a `linked`, `active` contact link (a revoked one to the
/// same patient comes back as `linked`). Exactly one of several simultaneous redeems wins.
pub async fn redeem(
    state: &AppState,
    signed_in: &SignedIn,
    client: Option<IpAddr>,
    token: Option<&str>,
    code: Option<&str>,
) -> AppResult<RedeemResponse> {
    let row = find(state, signed_in, client, token, code).await?;
    let w = whose(state, signed_in, &row).await?;
    let now = state.clock.now_ms();
    let account_id = &signed_in.account_id;
    let mut tx = state.store.begin().await?;
    // First statement of the transaction: the write lock (SQLite) or row lock (PostgreSQL)
    // decides the race.
    if !links::use_link(&mut tx, &row.id, account_id, now).await? {
        drop(tx);
        return Err(not_usable());
    }
    match accounts::link_for(&mut tx, account_id, &row.patient_id).await? {
        None => {
            accounts::insert_link(
                &mut tx,
                account_id,
                &row.patient_id,
                Relationship::Linked,
                LinkStatus::Active,
                now,
            )
            .await?;
        }
        Some(existing) if existing.status == LinkStatus::Revoked => {
            accounts::relink(
                &mut tx,
                &existing.id,
                Relationship::Linked,
                LinkStatus::Active,
                now,
            )
            .await?;
        }
        Some(_) => {
            drop(tx);
            return Err(already_linked(&w.patient_first_name, &w.patient_last_name));
        }
    }
    audit::record_at(
        &mut tx,
        &AuditEvent {
            actor: &Actor::Account(account_id.clone()),
            practice_id: Some(&row.practice_id),
            patient_id: Some(&row.patient_id),
            action: "access_link.redeem",
            client_addr: client.map(|c| c.to_string()).as_deref(),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(RedeemResponse {
        patient_id: row.patient_id,
        patient_first_name: w.patient_first_name,
        patient_last_name: w.patient_last_name,
        practice_slug: w.practice_slug,
        practice_name: w.practice_name,
        relationship: Relationship::Linked,
    })
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
