//! Sessions and remembered devices. Cookies carry 256-bit random tokens; only their SHA-256
//! digests are stored, so a copy of the database opens no session.

use super::{new_id, Result, Store};
use crate::secrets::{random_token, sha256_hex};
use sqlx::{Any, Transaction};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: String,
    pub account_id: String,
    pub phone: String,
    pub device_id: Option<String>,
    pub created_at: i64,
    pub last_seen_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PracticeSummaryRow {
    pub slug: String,
    pub name: String,
    pub phone: String,
    pub time_zone: String,
    pub asks_dependent_sex: i64,
    /// 1 when the account has an active, unlocked `guardian` link at the practice.
    pub can_add_dependents: i64,
}

/// Opens a session; returns its id and the cookie's token. `absolute_ms` is the sessions' longest
/// life (the sign-in rules own it): older ones of the account are deleted on the way.
pub async fn insert_session(
    tx: &mut Transaction<'_, Any>,
    account_id: &str,
    device_id: Option<&str>,
    now: i64,
    absolute_ms: i64,
) -> Result<(String, String)> {
    // The account's sessions that ended a day ago or more are of no use any more.
    sqlx::query(
        "DELETE FROM sessions WHERE account_id = $1 AND (created_at < $2 OR revoked_at < $3)",
    )
    .bind(account_id)
    .bind(now - absolute_ms - DAY_MS)
    .bind(now - DAY_MS)
    .execute(&mut **tx)
    .await?;
    let token = random_token(32);
    let id = new_id();
    sqlx::query(
        "INSERT INTO sessions (id, token_hash, account_id, device_id, created_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(&id)
    .bind(sha256_hex(&token))
    .bind(account_id)
    .bind(device_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok((id, token))
}

/// Remembers a device for the account until `expires_at`; returns its id and the cookie's token.
pub async fn insert_device(
    tx: &mut Transaction<'_, Any>,
    account_id: &str,
    now: i64,
    expires_at: i64,
) -> Result<(String, String)> {
    let token = random_token(32);
    let id = new_id();
    sqlx::query(
        "INSERT INTO devices (id, token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(sha256_hex(&token))
    .bind(account_id)
    .bind(now)
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok((id, token))
}

/// The account's remembered device with this cookie token, if it is still valid.
pub async fn device_by_token(
    tx: &mut Transaction<'_, Any>,
    token: &str,
    account_id: &str,
    now: i64,
) -> Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM devices WHERE token_hash = $1 AND account_id = $2 AND revoked_at IS NULL AND expires_at > $3",
    )
    .bind(sha256_hex(token))
    .bind(account_id)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(id,)| id))
}

pub async fn revoke_device(tx: &mut Transaction<'_, Any>, token: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE devices SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(sha256_hex(token))
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn revoke_session_by_token(
    tx: &mut Transaction<'_, Any>,
    token: &str,
    now: i64,
) -> Result<()> {
    sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(sha256_hex(token))
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    /// The live session with this cookie token (not revoked, within both timeouts at `now`).
    pub async fn session_by_token(
        &self,
        token: &str,
        now: i64,
        idle_ms: i64,
        absolute_ms: i64,
    ) -> Result<Option<SessionRow>> {
        Ok(sqlx::query_as(
            "SELECT s.id, s.account_id, a.phone, s.device_id, s.created_at, s.last_seen_at
               FROM sessions s JOIN accounts a ON a.id = s.account_id
              WHERE s.token_hash = $1 AND s.revoked_at IS NULL
                AND s.last_seen_at > $2 AND s.created_at > $3",
        )
        .bind(sha256_hex(token))
        .bind(now - idle_ms)
        .bind(now - absolute_ms)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Restarts the idle timer, only while the session is still live (an ended session stays ended).
    pub async fn touch_session(
        &self,
        session_id: &str,
        now: i64,
        idle_ms: i64,
        absolute_ms: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE sessions SET last_seen_at = CASE WHEN last_seen_at < $2 THEN $2 ELSE last_seen_at END
              WHERE id = $1 AND revoked_at IS NULL AND last_seen_at > $3 AND created_at > $4",
        )
        .bind(session_id)
        .bind(now)
        .bind(now - idle_ms)
        .bind(now - absolute_ms)
        .execute(self.writer())
        .await?;
        Ok(super::affected(done) == 1)
    }

    pub async fn revoke_session(&self, session_id: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(session_id)
            .bind(now)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Whether the remembered device is still valid.
    pub async fn device_is_valid(&self, device_id: &str, now: i64) -> Result<bool> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM devices WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(device_id)
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.is_some())
    }

    /// Practices where the account has a contact link that is not revoked, with whether it may
    /// add a dependent there (an active `guardian` link not locked at `now`).
    pub async fn practices_for_account(
        &self,
        account_id: &str,
        now: i64,
    ) -> Result<Vec<PracticeSummaryRow>> {
        Ok(sqlx::query_as(
            "SELECT p.slug, p.name, p.phone, p.time_zone, p.asks_dependent_sex,
                    CASE WHEN EXISTS (
                        SELECT 1 FROM contact_links g JOIN patients gp ON gp.id = g.patient_id
                         WHERE g.account_id = $1 AND gp.practice_id = p.id
                           AND g.relationship = 'guardian' AND g.status = 'active'
                           AND (g.locked_until IS NULL OR g.locked_until <= $2))
                    THEN 1 ELSE 0 END AS can_add_dependents
               FROM practices p
              WHERE EXISTS (
                    SELECT 1 FROM contact_links l JOIN patients pt ON pt.id = l.patient_id
                     WHERE l.account_id = $1 AND pt.practice_id = p.id AND l.status <> 'revoked')
              ORDER BY p.name, p.slug",
        )
        .bind(account_id)
        .bind(now)
        .fetch_all(self.pool())
        .await?)
    }
}
