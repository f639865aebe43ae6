//! The patient side's patients (SPEC 3.2, 3.3, 3.9): the list per practice, date-of-birth
//! verification with guardian activation, and the one authorization gate, [`PatientAccess`],
//! that every patient-scoped endpoint (`/api/patients/{id}/…`) takes.

mod gate;
pub mod verify;

pub use gate::{PatientAccess, PatientPeek};
pub use verify::verify_dob;

use axum::http::StatusCode;
use wire::api::{LinkStatus, Relationship};
use wire::patients::{AccessEvent, PatientDetail, PatientSummary};
use wire::ErrorCode;

use crate::error::{AppError, AppResult};
use crate::sign_in::{ceil_seconds, masked, SignedIn, HOUR_MS};
use crate::state::AppState;
use crate::store::audit::{self, Actor, ActorKind, AuditEvent};
use crate::store::contacts::LinkContext;
use crate::store::rfc3339;

const DAY_MS: i64 = 24 * HOUR_MS;
/// 2 wrong dates of birth lock the contact link (SPEC 3.3.2)…
pub const DOB_ATTEMPTS: i64 = 2;
/// …for 60 minutes. A run of wrong answers older than this is forgotten as well.
pub const DOB_LOCK_MS: i64 = HOUR_MS;
/// A verification on a remembered device lasts 30 days there (SPEC 3.1.6)…
pub const DEVICE_VERIFICATION_MS: i64 = 30 * DAY_MS;
/// …and a guardian's never lasts longer than 30 days, whatever the device (SPEC 3.3.4).
pub const GUARDIAN_VERIFICATION_MS: i64 = 30 * DAY_MS;
/// A guardian must be at least 13 years old (checked on the date of birth given at activation).
pub const GUARDIAN_MIN_AGE_YEARS: u32 = 13;

/// 423 `locked`: the message says to call the practice, with its number.
pub fn locked(link: &LinkContext, left_ms: i64) -> AppError {
    let phone = wire::PhoneNumber::parse(&link.practice_phone)
        .map(|p| p.national())
        .unwrap_or_else(|_| link.practice_phone.clone());
    let minutes = ceil_seconds(left_ms).div_ceil(60);
    AppError::Refused {
        status: StatusCode::LOCKED,
        code: ErrorCode::Locked,
        message: format!(
            "Too many wrong dates of birth: this record is locked for {} more {}. Call {} at {} for help.",
            minutes,
            if minutes == 1 { "minute" } else { "minutes" },
            link.practice_name,
            phone
        ),
        retry_after_seconds: Some(ceil_seconds(left_ms).max(1)),
    }
}

/// 403 `verify_first`: the patient's date of birth must be verified before anything is shown.
pub fn verify_first() -> AppError {
    AppError::refused(
        StatusCode::FORBIDDEN,
        ErrorCode::VerifyFirst,
        "Verify the patient's date of birth first.",
    )
}

/// Whether this session (or its remembered device) verified the link's date of birth and the
/// verification still holds at `now`.
pub(crate) async fn verified_in_session(
    state: &AppState,
    signed_in: &SignedIn,
    link_id: &str,
    now: i64,
) -> AppResult<bool> {
    Ok(state
        .store
        .verification_expiry(
            link_id,
            &signed_in.session_id,
            signed_in.device_id.as_deref(),
            now,
        )
        .await?
        .is_some())
}

/// Records that the account read or changed the patient's data, in its own transaction (reads).
pub async fn audit_read(
    state: &AppState,
    account_id: &str,
    link: &LinkContext,
    action: &str,
    client_addr: Option<&str>,
) -> AppResult<()> {
    let mut tx = state.store.begin().await?;
    audit::record_at(
        &mut tx,
        &AuditEvent {
            actor: &Actor::Account(account_id.to_owned()),
            practice_id: Some(&link.practice_id),
            patient_id: Some(&link.patient_id),
            action,
            client_addr,
        },
        state.clock.now_ms(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `GET /api/practices/{slug}/patients`: everyone the account may act for there, `self` first,
/// then by first name. A practice where the account acts for no one answers 404.
pub async fn list(
    state: &AppState,
    signed_in: &SignedIn,
    slug: &str,
) -> AppResult<Vec<PatientSummary>> {
    let now = state.clock.now_ms();
    let mut links = state
        .store
        .links_at_practice(&signed_in.account_id, slug)
        .await?;
    if links.is_empty() {
        return Err(AppError::NotFound);
    }
    links.sort_by_key(|l| l.relationship != Relationship::Self_);
    let unread: std::collections::HashMap<String, i64> = state
        .store
        .unread_counts(&signed_in.account_id, slug)
        .await?
        .into_iter()
        .collect();
    let mut out = Vec::with_capacity(links.len());
    for link in &links {
        let locked_ms = link.locked_for(now);
        let verified = link.status == LinkStatus::Active
            && locked_ms.is_none()
            && verified_in_session(state, signed_in, &link.link_id, now).await?;
        let namesake = links.iter().any(|o| {
            o.patient_id != link.patient_id
                && o.first_name.trim().to_lowercase() == link.first_name.trim().to_lowercase()
        });
        let birth_month_year = (namesake && verified)
            .then(|| {
                let (y, m) = (link.dob.get(0..4)?, link.dob.get(5..7)?);
                Some(format!("{m}/{y}"))
            })
            .flatten();
        out.push(PatientSummary {
            id: link.patient_id.clone(),
            first_name: link.first_name.clone(),
            last_name: link.last_name.clone(),
            relationship: link.relationship,
            status: if locked_ms.is_some() {
                LinkStatus::Locked
            } else if link.status == LinkStatus::PendingActivation {
                LinkStatus::PendingActivation
            } else {
                LinkStatus::Active
            },
            verified,
            birth_month_year,
            locked_seconds_left: locked_ms.map(ceil_seconds),
            unread_count: unread.get(&link.patient_id).copied().unwrap_or(0).max(0) as u64,
        });
    }
    Ok(out)
}

/// `GET /api/patients/{id}`.
pub async fn detail(
    state: &AppState,
    access: &PatientAccess,
    client_addr: Option<&str>,
) -> AppResult<PatientDetail> {
    let link = &access.link;
    audit_read(state, &access.account_id, link, "patient.view", client_addr).await?;
    Ok(PatientDetail {
        id: link.patient_id.clone(),
        first_name: link.first_name.clone(),
        last_name: link.last_name.clone(),
        dob: link.dob.clone(),
        relationship: link.relationship,
        practice_slug: link.practice_slug.clone(),
        practice_name: link.practice_name.clone(),
        practice_phone: link.practice_phone.clone(),
    })
}

/// `GET /api/patients/{id}/access-history`: newest first. Another account acting for the patient
/// is shown by relationship and masked number only.
pub async fn access_history(
    state: &AppState,
    access: &PatientAccess,
    client_addr: Option<&str>,
) -> AppResult<Vec<AccessEvent>> {
    let link = &access.link;
    audit_read(
        state,
        &access.account_id,
        link,
        "access_history.view",
        client_addr,
    )
    .await?;
    let people = state.store.link_people(&link.patient_id).await?;
    let mut rows = state.store.audit_for_patient(&link.patient_id).await?;
    // Newest first; among equal times, the later row first (the sort is stable).
    rows.reverse();
    rows.sort_by_key(|r| std::cmp::Reverse(r.at));
    Ok(rows
        .into_iter()
        .map(|row| {
            let who = match (row.actor_kind, row.actor_id.as_deref()) {
                (ActorKind::Account, Some(id)) if id == access.account_id => "you".to_owned(),
                (ActorKind::Account, Some(id)) => {
                    match people.iter().find(|p| p.account_id == id) {
                        Some(p) => format!("{} {}", p.relationship.as_str(), masked(&p.phone)),
                        None => "someone no longer linked".to_owned(),
                    }
                }
                _ => "practice".to_owned(),
            };
            AccessEvent {
                at: rfc3339(row.at),
                who,
                action: row.action,
            }
        })
        .collect())
}
