//! Contact links (account ↔ patient, SPEC 2): `self`, `guardian` or `linked`, with a status.
//! The practice's writes (add, revoke, relink, the patient's own number), and the patient side's
//! view (SPEC 3.2, 3.3): which patients an account may act for, date-of-birth attempts and locks,
//! and verifications (fresh for a session or a device).
//!
//! Attempts are counted by one conditional `UPDATE … RETURNING` per wrong answer, so concurrent
//! wrong answers can never get past the limit: the row is written by one transaction at a time
//! (a row lock on PostgreSQL, the write lock on SQLite), and once locked the `WHERE` excludes it.

use super::accounts::account_for_phone;
use super::{new_id, Result, Store};
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

impl Store {
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

/// A link of the signed-in account, with its patient and the patient's practice.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkContext {
    pub link_id: String,
    pub account_id: String,
    #[sqlx(try_from = "String")]
    pub relationship: Relationship,
    #[sqlx(try_from = "String")]
    pub status: LinkStatus,
    pub locked_at: Option<i64>,
    pub locked_until: Option<i64>,
    pub patient_id: String,
    pub first_name: String,
    pub last_name: String,
    pub dob: String,
    pub practice_id: String,
    pub practice_slug: String,
    pub practice_name: String,
    pub practice_phone: String,
    pub practice_time_zone: String,
}

impl LinkContext {
    /// Milliseconds until the lock ends, if the link is locked at `now`.
    pub fn locked_for(&self, now: i64) -> Option<i64> {
        self.locked_until.filter(|u| *u > now).map(|u| u - now)
    }
}

const CONTEXT: &str =
    "SELECT l.id AS link_id, l.account_id, l.relationship, l.status, l.locked_at, l.locked_until,
        p.id AS patient_id, p.first_name, p.last_name, p.dob,
        pr.id AS practice_id, pr.slug AS practice_slug, pr.name AS practice_name,
        pr.phone AS practice_phone, pr.time_zone AS practice_time_zone
   FROM contact_links l
   JOIN patients p ON p.id = l.patient_id
   JOIN practices pr ON pr.id = p.practice_id";

/// What a wrong answer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrongAnswer {
    /// Counted; this many wrong answers in the current run.
    Counted(i64),
    /// This answer locked the link until the time given.
    LockedNow(i64),
    /// The link was already locked (by a concurrent answer): nothing counted.
    AlreadyLocked,
}

/// Counts a wrong answer. A run of wrong answers older than `window_ms` is forgotten; the
/// `limit`-th wrong answer of a run locks the link for `lock_ms`.
pub async fn count_wrong_answer(
    tx: &mut Transaction<'_, Any>,
    link_id: &str,
    now: i64,
    window_ms: i64,
    limit: i64,
    lock_ms: i64,
) -> Result<WrongAnswer> {
    let row: Option<(i64, Option<i64>)> = sqlx::query_as(
        "UPDATE contact_links SET
             dob_failed_attempts = CASE WHEN dob_first_failed_at IS NULL OR dob_first_failed_at <= $3
                 THEN 1 ELSE dob_failed_attempts + 1 END,
             dob_first_failed_at = CASE WHEN dob_first_failed_at IS NULL OR dob_first_failed_at <= $3
                 THEN $2 ELSE dob_first_failed_at END,
             locked_at = CASE WHEN (CASE WHEN dob_first_failed_at IS NULL OR dob_first_failed_at <= $3
                 THEN 1 ELSE dob_failed_attempts + 1 END) >= $4 THEN $2 ELSE NULL END,
             locked_until = CASE WHEN (CASE WHEN dob_first_failed_at IS NULL OR dob_first_failed_at <= $3
                 THEN 1 ELSE dob_failed_attempts + 1 END) >= $4 THEN $5 ELSE NULL END,
             updated_at = $2
         WHERE id = $1 AND status <> 'revoked' AND (locked_until IS NULL OR locked_until <= $2)
         RETURNING dob_failed_attempts, locked_until",
    )
    .bind(link_id)
    .bind(now)
    .bind(now - window_ms)
    .bind(limit)
    .bind(now + lock_ms)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(match row {
        None => WrongAnswer::AlreadyLocked,
        Some((_, Some(until))) => WrongAnswer::LockedNow(until),
        Some((count, None)) => WrongAnswer::Counted(count),
    })
}

/// A right answer: clears the attempts and any ended lock, records the time, activates a
/// pending guardian. `None` when the link is locked (or revoked) at `now`: nothing changes.
pub async fn record_right_answer(
    tx: &mut Transaction<'_, Any>,
    link_id: &str,
    now: i64,
) -> Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as(
        "UPDATE contact_links SET dob_failed_attempts = 0, dob_first_failed_at = NULL,
             locked_at = NULL, locked_until = NULL, dob_verified_at = $2, updated_at = $2,
             status = CASE WHEN status = 'pending_activation' THEN 'active' ELSE status END
         WHERE id = $1 AND status <> 'revoked' AND (locked_until IS NULL OR locked_until <= $2)
         RETURNING status",
    )
    .bind(link_id)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(s,)| s))
}

pub async fn insert_verification(
    tx: &mut Transaction<'_, Any>,
    link_id: &str,
    session_id: &str,
    device_id: Option<&str>,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO dob_verifications (id, link_id, session_id, device_id, verified_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(link_id)
    .bind(session_id)
    .bind(device_id)
    .bind(now)
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Saves the account's own name and date of birth (given at guardian activation).
pub async fn set_account_details(
    tx: &mut Transaction<'_, Any>,
    account_id: &str,
    first_name: &str,
    last_name: &str,
    dob: &str,
) -> Result<()> {
    sqlx::query("UPDATE accounts SET first_name = $2, last_name = $3, dob = $4 WHERE id = $1")
        .bind(account_id)
        .bind(first_name)
        .bind(last_name)
        .bind(dob)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A current DOB lockout, for the practice.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LockoutRow {
    pub patient_id: String,
    pub first_name: String,
    pub last_name: String,
    #[sqlx(try_from = "String")]
    pub relationship: Relationship,
    pub phone: String,
    pub locked_at: Option<i64>,
    pub locked_until: i64,
}

impl Store {
    /// The account's link to the patient, unless revoked.
    pub async fn link_context(
        &self,
        account_id: &str,
        patient_id: &str,
    ) -> Result<Option<LinkContext>> {
        Ok(sqlx::query_as(&format!(
            "{CONTEXT} WHERE l.account_id = $1 AND l.patient_id = $2 AND l.status <> 'revoked'"
        ))
        .bind(account_id)
        .bind(patient_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Every link of the account (not revoked), by practice then patient name.
    pub async fn all_links(&self, account_id: &str) -> Result<Vec<LinkContext>> {
        Ok(sqlx::query_as(&format!(
            "{CONTEXT} WHERE l.account_id = $1 AND l.status <> 'revoked'
             ORDER BY pr.name, pr.id, p.first_name, p.last_name, p.id"
        ))
        .bind(account_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// The account's links (not revoked) at the practice with this slug.
    pub async fn links_at_practice(
        &self,
        account_id: &str,
        practice_slug: &str,
    ) -> Result<Vec<LinkContext>> {
        Ok(sqlx::query_as(&format!(
            "{CONTEXT} WHERE l.account_id = $1 AND pr.slug = $2 AND l.status <> 'revoked'
             ORDER BY p.first_name, p.last_name, p.id"
        ))
        .bind(account_id)
        .bind(practice_slug)
        .fetch_all(self.pool())
        .await?)
    }

    /// When the link's freshest verification usable by this session ends: one made in this
    /// session, or one made on this session's remembered device while the device is still
    /// remembered. `None`: the date of birth must be verified (again).
    pub async fn verification_expiry(
        &self,
        link_id: &str,
        session_id: &str,
        device_id: Option<&str>,
        now: i64,
    ) -> Result<Option<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT v.expires_at FROM dob_verifications v
              WHERE v.link_id = $1 AND v.expires_at > $4
                AND (v.session_id = $2
                     OR (v.device_id IS NOT NULL AND v.device_id = $3 AND EXISTS (
                         SELECT 1 FROM devices d
                          WHERE d.id = v.device_id AND d.revoked_at IS NULL AND d.expires_at > $4)))
              ORDER BY v.expires_at DESC LIMIT 1",
        )
        .bind(link_id)
        .bind(session_id)
        .bind(device_id)
        .bind(now)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.first().map(|(e,)| *e))
    }

    /// When the remembered device stops being remembered, if it still is.
    pub async fn device_expiry(&self, device_id: &str, now: i64) -> Result<Option<i64>> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT expires_at FROM devices WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(device_id)
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(e,)| e))
    }

    /// Links locked at `now` for the practice's patients, newest lock first.
    pub async fn lockouts(&self, practice_id: &str, now: i64) -> Result<Vec<LockoutRow>> {
        Ok(sqlx::query_as(
            "SELECT p.id AS patient_id, p.first_name, p.last_name, l.relationship, a.phone,
                    l.locked_at, l.locked_until
               FROM contact_links l
               JOIN patients p ON p.id = l.patient_id
               JOIN accounts a ON a.id = l.account_id
              WHERE p.practice_id = $1 AND l.locked_until > $2 AND l.status <> 'revoked'
              ORDER BY l.locked_until DESC, l.id",
        )
        .bind(practice_id)
        .bind(now)
        .fetch_all(self.pool())
        .await?)
    }

    /// Accounts acting for the patient, with relationship and phone (for the access history).
    /// Everyone linked to the patient, for naming who did what in the audit log.
    pub async fn link_people(&self, patient_id: &str) -> Result<Vec<LinkPerson>> {
        Ok(sqlx::query_as(
            "SELECT l.account_id, l.relationship, a.phone FROM contact_links l
               JOIN accounts a ON a.id = l.account_id WHERE l.patient_id = $1",
        )
        .bind(patient_id)
        .fetch_all(self.pool())
        .await?)
    }
}

/// An account linked to a patient, as the audit log names it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkPerson {
    pub account_id: String,
    #[sqlx(try_from = "String")]
    pub relationship: Relationship,
    pub phone: String,
}

/// Records that the link's date of birth was verified at `now` (a dependent added by its
/// guardian starts verified).
pub async fn set_verified_at(tx: &mut Transaction<'_, Any>, link_id: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE contact_links SET dob_verified_at = $2, updated_at = $2 WHERE id = $1")
        .bind(link_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
