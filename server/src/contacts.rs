//! A patient's contacts as the practice manages them (SPEC 4): who may act for the patient
//! (`self`, `guardian`, `linked`), adding a guardian — a parent or legal representative who may
//! act for the patient once they have signed in and activated the link by verifying the patient's
//! date of birth (SPEC 3.3.3) — and revoking any contact.

use crate::error::{AppError, AppResult};
use crate::practice::Caller;
use crate::store::accounts;
use crate::store::audit::{self, AuditEvent};
use crate::store::contacts::{self, ContactLinkRow};
use crate::store::{rfc3339, Store};
use wire::api::{ContactLink, GuardianInput, LinkStatus, Relationship};
use wire::ErrorCode;
use wire::PhoneNumber;

pub fn to_wire(row: ContactLinkRow) -> ContactLink {
    ContactLink {
        phone: PhoneNumber::parse(&row.phone).expect("stored phones are valid"),
        relationship: row.relationship,
        status: row.status,
        dob_verified_at: row.dob_verified_at.map(rfc3339),
        id: row.id,
        patient_id: row.patient_id,
    }
}

/// Adds the guardian, or returns the existing guardian link (adding twice is harmless).
/// A revoked guardian added again must activate again.
pub async fn add_guardian(
    store: &Store,
    caller: &Caller,
    slug: &str,
    patient_id: &str,
    input: &GuardianInput,
    now: i64,
) -> AppResult<(ContactLink, bool)> {
    let (practice, _) = caller.patient(store, slug, patient_id).await?;
    let mut tx = store.begin().await?;
    let account = accounts::account_for_phone(&mut tx, input.phone.e164(), now).await?;
    let (link, created) = match contacts::link_for(&mut tx, &account, patient_id).await? {
        None => (
            contacts::insert_link(
                &mut tx,
                &account,
                patient_id,
                Relationship::Guardian,
                LinkStatus::PendingActivation,
                now,
            )
            .await?,
            true,
        ),
        Some(link) if link.relationship != Relationship::Guardian => {
            return Err(AppError::Conflict {
                code: ErrorCode::AlreadyLinked,
                message: format!(
                    "this phone number already acts for the patient as {}",
                    link.relationship.as_str()
                ),
            })
        }
        Some(link) if link.status == LinkStatus::Revoked => {
            contacts::set_link_status(&mut tx, &link.id, LinkStatus::PendingActivation, now)
                .await?;
            (
                contacts::link_for(&mut tx, &account, patient_id)
                    .await?
                    .ok_or(AppError::NotFound)?,
                true,
            )
        }
        Some(link) => (link, false),
    };
    if created {
        audit::record_at(
            &mut tx,
            &AuditEvent {
                actor: &caller.actor,
                practice_id: Some(&practice.id),
                patient_id: Some(patient_id),
                action: "practice.guardian.add",
                client_addr: caller.client_addr.as_deref(),
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok((to_wire(link), created))
}

pub async fn list(
    store: &Store,
    caller: &Caller,
    slug: &str,
    patient_id: &str,
) -> AppResult<Vec<ContactLink>> {
    caller.patient(store, slug, patient_id).await?;
    Ok(store
        .links_for_patient(patient_id)
        .await?
        .into_iter()
        .map(to_wire)
        .collect())
}

/// Practice: revokes any contact link of the patient (`self`, `guardian`, `linked`). The account
/// loses access at once: the gate answers 404 from the next request on.
pub async fn revoke(
    store: &Store,
    caller: &Caller,
    slug: &str,
    patient_id: &str,
    contact_id: &str,
    now: i64,
) -> AppResult<ContactLink> {
    let (practice, _) = caller.patient(store, slug, patient_id).await?;
    let mut link = store
        .links_for_patient(patient_id)
        .await?
        .into_iter()
        .find(|l| l.id == contact_id)
        .ok_or(AppError::NotFound)?;
    if link.status != LinkStatus::Revoked {
        let mut tx = store.begin().await?;
        contacts::set_link_status(&mut tx, &link.id, LinkStatus::Revoked, now).await?;
        caller
            .audit(
                &mut tx,
                &practice.id,
                patient_id,
                "practice.contact.revoke",
                now,
            )
            .await?;
        tx.commit().await?;
        // The status is the one column the revoke changed (besides `updated_at`).
        link.status = LinkStatus::Revoked;
    }
    Ok(to_wire(link))
}
