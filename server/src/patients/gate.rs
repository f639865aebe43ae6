//! The one authorization gate of every patient-scoped endpoint (`/api/patients/{id}/…`).

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use wire::api::LinkStatus;

use super::{locked, verified_in_session, verify_first};
use crate::error::AppError;
use crate::sign_in::{SessionPeek, SignedIn};
use crate::state::AppState;
use crate::store::contacts::LinkContext;

/// A request that may see the patient `{id}`:
/// 1. signed in (else 401 `signed_out`);
/// 2. the account has a contact link to that patient that is not revoked (else 404 `not_found`,
///    exactly like a patient that does not exist);
/// 3. the link is not locked by wrong dates of birth (else 423 `locked`, `retry_after_seconds`);
/// 4. the link is active (a guardian activates by verifying) and has a verification that is
///    fresh for this session or its remembered device (else 403 `verify_first`).
///
/// Taking it restarts the session's idle timer.
#[derive(Debug, Clone)]
pub struct PatientAccess {
    pub account_id: String,
    pub signed_in: SignedIn,
    pub link: LinkContext,
}

/// The same gate, same checks in the same order, without restarting the session's idle timer:
/// for requests the portal makes on its own (polling a conversation, marking messages read), so
/// a page left open still times out after 30 minutes.
#[derive(Debug, Clone)]
pub struct PatientPeek(pub PatientAccess);

impl FromRequestParts<AppState> for PatientAccess {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        check(parts, state, signed_in).await
    }
}

impl FromRequestParts<AppState> for PatientPeek {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let SessionPeek(signed_in) = SessionPeek::from_request_parts(parts, state).await?;
        Ok(PatientPeek(check(parts, state, signed_in).await?))
    }
}

/// Steps 2–4 of the gate, for a session already checked (step 1).
async fn check(
    parts: &mut Parts,
    state: &AppState,
    signed_in: SignedIn,
) -> Result<PatientAccess, AppError> {
    let params = RawPathParams::from_request_parts(parts, state)
        .await
        .map_err(|_| AppError::NotFound)?;
    let patient_id = params
        .iter()
        .find(|(name, _)| *name == "id")
        .map(|(_, value)| value.to_owned())
        .ok_or(AppError::NotFound)?;
    let link = state
        .store
        .link_context(&signed_in.account_id, &patient_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now_ms();
    if let Some(left) = link.locked_for(now) {
        return Err(locked(&link, left));
    }
    if link.status != LinkStatus::Active {
        return Err(verify_first());
    }
    if !verified_in_session(state, &signed_in, &link.link_id, now).await? {
        return Err(verify_first());
    }
    Ok(PatientAccess {
        account_id: signed_in.account_id.clone(),
        signed_in,
        link,
    })
}
