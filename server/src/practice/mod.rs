//! The practice side's operations (SPEC 4), written once and called by both the token-protected
//! HTTP API (`api::practice`) and the command line (`cli`).

pub mod audit;
pub mod patients;
pub mod practices;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::audit::{self as audit_log, Actor, AuditEvent};
use crate::store::patients::PatientRow;
use crate::store::practices::PracticeRow;
use crate::store::Store;

/// The caller of a practice operation, and what it may touch.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    /// `None`: every practice (administrator token or the command line).
    pub practice_id: Option<String>,
    pub client_addr: Option<String>,
}

impl Caller {
    pub fn cli() -> Caller {
        Caller {
            actor: Actor::Cli,
            practice_id: None,
            client_addr: None,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.practice_id.is_none()
    }

    /// The practice by slug, if this caller may act for it. A practice the caller may not see
    /// answers exactly like one that does not exist.
    pub async fn practice(&self, store: &Store, slug: &str) -> AppResult<PracticeRow> {
        let practice = store
            .practice_by_slug(slug)
            .await?
            .ok_or(AppError::NotFound)?;
        match &self.practice_id {
            Some(id) if *id != practice.id => Err(AppError::NotFound),
            _ => Ok(practice),
        }
    }

    /// The practice by slug (as [`Caller::practice`]) and its patient. A patient of another
    /// practice answers exactly like one that does not exist.
    pub async fn patient(
        &self,
        store: &Store,
        slug: &str,
        patient_id: &str,
    ) -> AppResult<(PracticeRow, PatientRow)> {
        let practice = self.practice(store, slug).await?;
        let patient = store
            .patient_in_practice(&practice.id, patient_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((practice, patient))
    }

    /// Records this caller's `action` on a patient of a practice in the audit log, in `tx` (the
    /// transaction of the change it records).
    pub(crate) async fn audit(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        practice_id: &str,
        patient_id: &str,
        action: &str,
        now: i64,
    ) -> AppResult<()> {
        audit_log::record_at(
            tx,
            &AuditEvent {
                actor: &self.actor,
                practice_id: Some(practice_id),
                patient_id: Some(patient_id),
                action,
                client_addr: self.client_addr.as_deref(),
            },
            now,
        )
        .await?;
        Ok(())
    }

    /// [`Caller::audit`] in a transaction of its own, at the state's clock.
    pub(crate) async fn audit_alone(
        &self,
        state: &AppState,
        practice_id: &str,
        patient_id: &str,
        action: &str,
    ) -> AppResult<()> {
        let mut tx = state.store.begin().await?;
        self.audit(
            &mut tx,
            practice_id,
            patient_id,
            action,
            state.clock.now_ms(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
