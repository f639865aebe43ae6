//! Practice API tokens: shown once when created, stored as a SHA-256 digest.

use super::{new_id, Result, Store};
use crate::secrets::{random_token, sha256_hex};

/// Who a valid token speaks for.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub id: String,
    pub label: String,
    /// `None`: an administrator token for every practice.
    pub practice_id: Option<String>,
}

pub const TOKEN_PREFIX: &str = "ppt_";

impl Store {
    /// Returns the new token's secret (shown once) and its row.
    pub async fn create_token(
        &self,
        label: &str,
        practice_id: Option<&str>,
        now: i64,
    ) -> Result<(String, TokenRow)> {
        let secret = format!("{TOKEN_PREFIX}{}", random_token(32));
        let id = new_id();
        sqlx::query(
            "INSERT INTO practice_tokens (id, token_hash, label, practice_id, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(sha256_hex(&secret))
        .bind(label)
        .bind(practice_id)
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok((
            secret,
            TokenRow {
                id,
                label: label.into(),
                practice_id: practice_id.map(Into::into),
            },
        ))
    }

    pub async fn token_by_secret(&self, secret: &str) -> Result<Option<TokenRow>> {
        Ok(sqlx::query_as(
            "SELECT id, label, practice_id FROM practice_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(sha256_hex(secret))
        .fetch_optional(self.pool())
        .await?)
    }

    pub async fn revoke_token(&self, id: &str, now: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE practice_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(super::affected(done) == 1)
    }
}
