//! What the practice reads about patient-side activity: a patient's audit log (SPEC 3.9) and the
//! current date-of-birth lockouts (SPEC 3.3.2, 4).

use super::Caller;
use crate::error::AppResult;
use crate::store::audit::ActorKind;
use crate::store::{rfc3339, Store};
use wire::api::{AuditEntry, DobLockout};

/// The patient's audit log, oldest first.
pub async fn for_patient(
    store: &Store,
    caller: &Caller,
    slug: &str,
    patient_id: &str,
) -> AppResult<Vec<AuditEntry>> {
    caller.patient(store, slug, patient_id).await?;
    let people = store.link_people(patient_id).await?;
    Ok(store
        .audit_for_patient(patient_id)
        .await?
        .into_iter()
        .map(|row| AuditEntry {
            at: rfc3339(row.at),
            actor_phone: match row.actor_kind {
                ActorKind::Account => people
                    .iter()
                    .find(|p| Some(&p.account_id) == row.actor_id.as_ref())
                    .map(|p| p.phone.clone()),
                ActorKind::PracticeToken | ActorKind::Cli => None,
            },
            actor_kind: row.actor_kind.as_str().to_owned(),
            actor_id: row.actor_id,
            action: row.action,
            client_addr: row.client_addr,
            detail: row.detail,
        })
        .collect())
}

/// Contact links of the practice's patients locked at `now`, newest first.
pub async fn lockouts(
    store: &Store,
    caller: &Caller,
    slug: &str,
    now: i64,
) -> AppResult<Vec<DobLockout>> {
    let practice = caller.practice(store, slug).await?;
    Ok(store
        .lockouts(&practice.id, now)
        .await?
        .into_iter()
        .map(|row| DobLockout {
            patient_id: row.patient_id,
            patient_name: format!("{} {}", row.first_name, row.last_name),
            relationship: row.relationship,
            phone: crate::sign_in::masked(&row.phone),
            locked_at: row.locked_at.map(rfc3339),
            locked_until: rfc3339(row.locked_until),
        })
        .collect())
}
