//! `POST /api/patients/{id}/verify-dob` (SPEC 3.3): the patient's date of birth, checked against
//! the practice's record; on a guardian's first verification also the guardian's own details.

use axum::http::StatusCode;
use chrono::{Months, NaiveDate};
use wire::api::{LinkStatus, Relationship};
use wire::patients::{GuardianDetails, TypedDate, VerifyDobRequest, VerifyDobResponse};
use wire::DateOfBirth;
use wire::ErrorCode;

use super::{
    locked, DEVICE_VERIFICATION_MS, DOB_ATTEMPTS, DOB_LOCK_MS, GUARDIAN_MIN_AGE_YEARS,
    GUARDIAN_VERIFICATION_MS,
};
use crate::error::{AppError, AppResult};
use crate::sign_in::{masked, SignedIn, SESSION_ABSOLUTE_MS};
use crate::state::AppState;
use crate::store::audit::{self, Actor, AuditEvent};
use crate::store::contacts::{self, LinkContext, WrongAnswer};
use crate::store::conversations;
use crate::validate;

struct Guardian {
    first_name: String,
    last_name: String,
    dob: String,
}

pub(crate) fn today_at(time_zone: &str, now: i64) -> NaiveDate {
    let tz = time_zone.parse::<chrono_tz::Tz>().unwrap_or(chrono_tz::UTC);
    chrono::DateTime::from_timestamp_millis(now)
        .unwrap_or_default()
        .with_timezone(&tz)
        .date_naive()
}

pub(crate) fn typed(
    date: &TypedDate,
    today: NaiveDate,
    field: &'static str,
) -> AppResult<DateOfBirth> {
    DateOfBirth::from_parts(&date.month, &date.day, &date.year, today)
        .map_err(|e| AppError::invalid(e.code(), field, e.to_string()))
}

fn check_guardian(details: Option<&GuardianDetails>, today: NaiveDate) -> AppResult<Guardian> {
    let g = details.ok_or_else(|| {
        AppError::invalid(
            ErrorCode::GuardianDetailsRequired,
            "guardian",
            "This is your first visit for this patient: give your own first name, last name and date of birth too.",
        )
    })?;
    let first_name = validate::name(&g.first_name, "guardian.first_name")?;
    let last_name = validate::name(&g.last_name, "guardian.last_name")?;
    let dob = typed(&g.dob, today, "guardian.dob")?;
    let latest = today
        .checked_sub_months(Months::new(12 * GUARDIAN_MIN_AGE_YEARS))
        .unwrap_or(today);
    if dob.date() > latest {
        return Err(AppError::invalid(
            ErrorCode::GuardianTooYoung,
            "guardian.dob",
            format!("A guardian must be at least {GUARDIAN_MIN_AGE_YEARS} years old: check your own date of birth."),
        ));
    }
    Ok(Guardian {
        first_name,
        last_name,
        dob: dob.iso(),
    })
}

/// Checks the date of birth. Impossible dates and missing or invalid guardian details answer 422
/// and count nothing; a wrong date counts against the contact link (the 2nd locks it for 60
/// minutes and notifies the practice); while locked every answer, even the right one, is 423.
pub async fn verify_dob(
    state: &AppState,
    signed_in: &SignedIn,
    client_addr: Option<&str>,
    patient_id: &str,
    request: &VerifyDobRequest,
) -> AppResult<VerifyDobResponse> {
    let now = state.clock.now_ms();
    let link = state
        .store
        .link_context(&signed_in.account_id, patient_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(left) = link.locked_for(now) {
        return Err(locked(&link, left));
    }
    let today = today_at(&link.practice_time_zone, now);
    let dob = typed(&request.dob, today, "dob")?;
    let activation = link.status == LinkStatus::PendingActivation;
    let guardian = if activation {
        Some(check_guardian(request.guardian.as_ref(), today)?)
    } else {
        None
    };
    let actor = Actor::Account(signed_in.account_id.clone());
    let event = |action| AuditEvent {
        actor: &actor,
        practice_id: Some(&link.practice_id),
        patient_id: Some(&link.patient_id),
        action,
        client_addr,
    };
    // Read before the transaction: while it holds the row (or database) write lock it must not
    // wait for a second connection that the requests queued behind it may all be holding.
    let (expires_at, device_id) =
        verification_lifetime(state, signed_in, link.relationship, now).await?;
    let device_id = device_id.as_deref();
    let mut tx = state.store.begin().await?;

    if dob.iso() != link.dob {
        // The UPDATE comes first in the transaction: it takes the row (or database) write lock
        // before anything is read, so concurrent answers queue behind it.
        let outcome = contacts::count_wrong_answer(
            &mut tx,
            &link.link_id,
            now,
            DOB_LOCK_MS,
            DOB_ATTEMPTS,
            DOB_LOCK_MS,
        )
        .await?;
        return match outcome {
            WrongAnswer::AlreadyLocked => {
                drop(tx);
                Err(still_locked(state, signed_in, patient_id, now).await?)
            }
            WrongAnswer::Counted(count) => {
                audit::record_at(&mut tx, &event("dob.verify.fail"), now).await?;
                tx.commit().await?;
                let left = (DOB_ATTEMPTS - count).max(1);
                Err(AppError::refused(
                    StatusCode::FORBIDDEN,
                    ErrorCode::DobIncorrect,
                    format!(
                        "That is not {}'s date of birth. Enter the patient's date of birth, not your own. {left} {} left before this record is locked for 60 minutes.",
                        link.first_name,
                        if left == 1 { "try" } else { "tries" }
                    ),
                ))
            }
            WrongAnswer::LockedNow(until) => {
                audit::record_at(&mut tx, &event("dob.verify.fail"), now).await?;
                audit::record_at(&mut tx, &event("dob.lock"), now).await?;
                let conversation = conversations::conversation_for(
                    &mut tx,
                    &link.practice_id,
                    &link.patient_id,
                    now,
                )
                .await?;
                let note = format!(
                    "Date-of-birth verification locked for 60 minutes after {DOB_ATTEMPTS} wrong dates of birth from the patient's {} ({}). They were asked to call the practice.",
                    link.relationship.as_str(),
                    masked(&signed_in.session.phone)
                );
                conversations::insert_staff_note(&mut tx, &conversation, &note, now).await?;
                tx.commit().await?;
                Err(locked(&link, until - now))
            }
        };
    }

    let Some(_status) = contacts::record_right_answer(&mut tx, &link.link_id, now).await? else {
        drop(tx);
        return Err(still_locked(state, signed_in, patient_id, now).await?);
    };
    contacts::insert_verification(
        &mut tx,
        &link.link_id,
        &signed_in.session_id,
        device_id,
        now,
        expires_at,
    )
    .await?;
    if let Some(g) = &guardian {
        contacts::set_account_details(
            &mut tx,
            &signed_in.account_id,
            &g.first_name,
            &g.last_name,
            &g.dob,
        )
        .await?;
        audit::record_at(&mut tx, &event("guardian.activate"), now).await?;
    }
    audit::record_at(&mut tx, &event("dob.verify"), now).await?;
    tx.commit().await?;
    Ok(VerifyDobResponse {
        verified_for_seconds: crate::sign_in::ceil_seconds(expires_at - now),
    })
}

/// How long a verification made now by this session lasts, and the remembered device it is made
/// on: until the session's 12-hour end, or 30 days on a remembered device (never past the
/// device's own expiry); a guardian's never more than 30 days.
pub(crate) async fn verification_lifetime(
    state: &AppState,
    signed_in: &SignedIn,
    relationship: Relationship,
    now: i64,
) -> AppResult<(i64, Option<String>)> {
    let mut expires_at = signed_in.session.created_at + SESSION_ABSOLUTE_MS;
    let mut device_id = None;
    if let Some(device) = signed_in.device_id.as_deref() {
        if let Some(device_expires) = state.store.device_expiry(device, now).await? {
            expires_at = (now + DEVICE_VERIFICATION_MS).min(device_expires);
            device_id = Some(device.to_owned());
        }
    }
    if relationship == Relationship::Guardian {
        expires_at = expires_at.min(now + GUARDIAN_VERIFICATION_MS);
    }
    Ok((expires_at, device_id))
}

/// The 423 for a link that a concurrent answer locked.
async fn still_locked(
    state: &AppState,
    signed_in: &SignedIn,
    patient_id: &str,
    now: i64,
) -> AppResult<AppError> {
    let link: LinkContext = state
        .store
        .link_context(&signed_in.account_id, patient_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(locked(&link, link.locked_for(now).unwrap_or(DOB_LOCK_MS)))
}
