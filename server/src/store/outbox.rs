//! The development outbox: every text and e-mail, newest first (SPEC 5.1).

use super::{Result, Store};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub channel: String,
    pub to_address: String,
    pub subject: Option<String>,
    pub body: String,
    pub sent_at: i64,
}

impl Store {
    pub async fn append_outbox(
        &self,
        channel: &str,
        to: &str,
        subject: Option<&str>,
        body: &str,
        now: i64,
    ) -> Result<()> {
        sqlx::query("INSERT INTO outbox (channel, to_address, subject, body, sent_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(channel)
            .bind(to)
            .bind(subject)
            .bind(body)
            .bind(now)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    pub async fn list_outbox(&self, limit: i64) -> Result<Vec<OutboxRow>> {
        Ok(sqlx::query_as(
            "SELECT channel, to_address, subject, body, sent_at FROM outbox ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }
}
