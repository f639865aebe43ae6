//! The patient side: previewing a link (by token or typed code) and redeeming it.

use super::{
    code_hash, not_usable, token_hash, words, CODES_PER_ACCOUNT_PER_HOUR, CODES_PER_IP_PER_HOUR,
};
use std::net::IpAddr;
use wire::access_links::{AccessLinkPreview, RedeemResponse};
use wire::api::{LinkStatus, Relationship};
use wire::ErrorCode;

use crate::error::{AppError, AppResult};
use crate::sign_in::{within_hourly_limit, SignedIn};
use crate::state::AppState;
use crate::store::access_links::{self as links, AccessLinkRow};
use crate::store::audit::{self, Actor, AuditEvent};
use crate::store::contacts;
use crate::store::rfc3339;

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
        within_hourly_limit(
            &mut tx,
            key,
            limit,
            now,
            ErrorCode::TooManyRequests,
            |wait| {
                format!(
                "Too many codes were tried. Try again in {wait}, or open the link in the e-mail."
            )
            },
        )
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
                ErrorCode::CodeRequired,
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
        code: ErrorCode::AlreadyLinked,
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
    match contacts::link_for(&mut tx, account_id, &row.patient_id).await? {
        None => {
            contacts::insert_link(
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
            contacts::relink(
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
