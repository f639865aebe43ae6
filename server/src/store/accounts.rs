//! Accounts (whoever signs in with a phone number) and contact links (account ↔ patient).

use super::{new_id, Result};
use sqlx::{Any, Transaction};
use wire::api::{LinkStatus, Relationship};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ContactLinkRow {
    pub id: String,
    pub account_id: String,
    pub patient_id: String,
    pub phone: String,
    #[sqlx(try_from = "String")]
    pub relationship: Relationship,
    #[sqlx(try_from = "String")]
    pub status: LinkStatus,
    pub dob_verified_at: Option<i64>,
}

const LINK_COLUMNS: &str =
    "l.id, l.account_id, l.patient_id, a.phone, l.relationship, l.status, l.dob_verified_at";

/// The account for a phone number, created when the number is new. Safe under concurrency:
/// two requests for the same new number end with one account.
pub async fn account_for_phone(
    tx: &mut Transaction<'_, Any>,
    phone: &str,
    now: i64,
) -> Result<String> {
    sqlx::query("INSERT INTO accounts (id, phone, created_at) VALUES ($1, $2, $3) ON CONFLICT (phone) DO NOTHING")
        .bind(new_id())
        .bind(phone)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    let (id,): (String,) = sqlx::query_as("SELECT id FROM accounts WHERE phone = $1")
        .bind(phone)
        .fetch_one(&mut **tx)
        .await?;
    Ok(id)
}

pub async fn link_for(
    tx: &mut Transaction<'_, Any>,
    account_id: &str,
    patient_id: &str,
) -> Result<Option<ContactLinkRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {LINK_COLUMNS} FROM contact_links l JOIN accounts a ON a.id = l.account_id
         WHERE l.account_id = $1 AND l.patient_id = $2"
    ))
    .bind(account_id)
    .bind(patient_id)
    .fetch_optional(&mut **tx)
    .await?)
}

pub async fn insert_link(
    tx: &mut Transaction<'_, Any>,
    account_id: &str,
    patient_id: &str,
    relationship: Relationship,
    status: LinkStatus,
    now: i64,
) -> Result<ContactLinkRow> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO contact_links (id, account_id, patient_id, relationship, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&id)
    .bind(account_id)
    .bind(patient_id)
    .bind(relationship.as_str())
    .bind(status.as_str())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(link_for(tx, account_id, patient_id)
        .await?
        .expect("the link was just inserted"))
}

pub async fn set_link_status(
    tx: &mut Transaction<'_, Any>,
    link_id: &str,
    status: LinkStatus,
    now: i64,
) -> Result<()> {
    sqlx::query("UPDATE contact_links SET status = $2, updated_at = $3 WHERE id = $1")
        .bind(link_id)
        .bind(status.as_str())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    // A revoked link, or one that must be activated again, keeps no verification.
    if matches!(status, LinkStatus::Revoked | LinkStatus::PendingActivation) {
        sqlx::query("DELETE FROM dob_verifications WHERE link_id = $1")
            .bind(link_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Gives a revoked link a new relationship and status (a record linked again), with no
/// verification left from before.
pub async fn relink(
    tx: &mut Transaction<'_, Any>,
    link_id: &str,
    relationship: Relationship,
    status: LinkStatus,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE contact_links SET relationship = $2, status = $3, dob_verified_at = NULL,
             dob_failed_attempts = 0, dob_first_failed_at = NULL, locked_at = NULL,
             locked_until = NULL, updated_at = $4
         WHERE id = $1",
    )
    .bind(link_id)
    .bind(relationship.as_str())
    .bind(status.as_str())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM dob_verifications WHERE link_id = $1")
        .bind(link_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Makes the account with `phone` the patient's `self` contact, revoking a previous `self` link
/// to another number. `None` removes the patient's own number.
pub async fn set_self_phone(
    tx: &mut Transaction<'_, Any>,
    patient_id: &str,
    phone: Option<&str>,
    now: i64,
) -> Result<()> {
    let current: Vec<ContactLinkRow> = sqlx::query_as(&format!(
        "SELECT {LINK_COLUMNS} FROM contact_links l JOIN accounts a ON a.id = l.account_id
         WHERE l.patient_id = $1 AND l.relationship = 'self' AND l.status <> 'revoked'"
    ))
    .bind(patient_id)
    .fetch_all(&mut **tx)
    .await?;
    for link in &current {
        if Some(link.phone.as_str()) != phone {
            set_link_status(tx, &link.id, LinkStatus::Revoked, now).await?;
        }
    }
    let Some(phone) = phone else { return Ok(()) };
    let account = account_for_phone(tx, phone, now).await?;
    match link_for(tx, &account, patient_id).await? {
        None => {
            insert_link(
                tx,
                &account,
                patient_id,
                Relationship::Self_,
                LinkStatus::Active,
                now,
            )
            .await?;
        }
        Some(link)
            if link.relationship == Relationship::Self_ && link.status == LinkStatus::Revoked =>
        {
            set_link_status(tx, &link.id, LinkStatus::Active, now).await?;
        }
        // Already `self`, or already acting for the patient in another role: keep it as it is.
        Some(_) => {}
    }
    Ok(())
}

impl super::Store {
    pub async fn links_for_patient(&self, patient_id: &str) -> Result<Vec<ContactLinkRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {LINK_COLUMNS} FROM contact_links l JOIN accounts a ON a.id = l.account_id
             WHERE l.patient_id = $1 ORDER BY l.created_at, l.id"
        ))
        .bind(patient_id)
        .fetch_all(self.pool())
        .await?)
    }
}
