//! Medical access links (SPEC 3.6): keyed hashes of the token and the code, and the one
//! conditional `UPDATE … WHERE used_at IS NULL … RETURNING` that uses a link, so two accounts
//! racing for one link cannot both win.

use super::{new_id, Result, Store};
use sqlx::{Any, Transaction};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccessLinkRow {
    pub id: String,
    pub practice_id: String,
    pub patient_id: String,
    pub sent_to: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl AccessLinkRow {
    pub fn usable(&self, now: i64) -> bool {
        self.used_at.is_none() && self.revoked_at.is_none() && now < self.expires_at
    }
}

const COLUMNS: &str =
    "id, practice_id, patient_id, sent_to, created_at, expires_at, used_at, revoked_at";

pub struct NewAccessLink<'a> {
    pub practice_id: &'a str,
    pub patient_id: &'a str,
    pub token_hash: &'a str,
    pub code_hash: &'a str,
    pub sent_to: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

pub async fn insert(tx: &mut Transaction<'_, Any>, l: &NewAccessLink<'_>) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO access_links (id, practice_id, patient_id, token_hash, code_hash, sent_to, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(l.practice_id)
    .bind(l.patient_id)
    .bind(l.token_hash)
    .bind(l.code_hash)
    .bind(l.sent_to)
    .bind(l.now)
    .bind(l.expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Uses the link for `account_id` if it still works at `now`: `false` when another request got
/// there first (or it was revoked or expired meanwhile). The first statement of its transaction.
pub async fn use_link(
    tx: &mut Transaction<'_, Any>,
    link_id: &str,
    account_id: &str,
    now: i64,
) -> Result<bool> {
    let row: Option<(String,)> = sqlx::query_as(
        "UPDATE access_links SET used_at = $3, used_by_account_id = $2
          WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $3
          RETURNING id",
    )
    .bind(link_id)
    .bind(account_id)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.is_some())
}

impl Store {
    pub async fn access_link_by_token_hash(&self, hash: &str) -> Result<Option<AccessLinkRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM access_links WHERE token_hash = $1"
        ))
        .bind(hash)
        .fetch_optional(self.pool())
        .await?)
    }

    /// The newest link with this code that still works at `now` (codes are not unique forever,
    /// only among working links).
    pub async fn access_link_by_code_hash(
        &self,
        hash: &str,
        now: i64,
    ) -> Result<Option<AccessLinkRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM access_links
              WHERE code_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
              ORDER BY created_at DESC LIMIT 1"
        ))
        .bind(hash)
        .bind(now)
        .fetch_optional(self.pool())
        .await?)
    }

    pub async fn access_links_of_patient(&self, patient_id: &str) -> Result<Vec<AccessLinkRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM access_links WHERE patient_id = $1 ORDER BY created_at DESC, id"
        ))
        .bind(patient_id)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn access_link_in_practice(
        &self,
        practice_id: &str,
        link_id: &str,
    ) -> Result<Option<AccessLinkRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM access_links WHERE practice_id = $1 AND id = $2"
        ))
        .bind(practice_id)
        .bind(link_id)
        .fetch_optional(self.pool())
        .await?)
    }
}

/// Revokes the link unless it was used: `false` when it was used (or already revoked).
pub async fn revoke(tx: &mut Transaction<'_, Any>, link_id: &str, now: i64) -> Result<bool> {
    let row: Option<(String,)> = sqlx::query_as(
        "UPDATE access_links SET revoked_at = $2
          WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL RETURNING id",
    )
    .bind(link_id)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.is_some())
}
