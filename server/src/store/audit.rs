//! The append-only audit log (SPEC 3.9). Rows are written in the same transaction as the change
//! they record; the database refuses updates and deletes (see the migrations' triggers).

use super::{Result, Store};
use sqlx::{Any, Transaction};

/// What kind of actor a row names; stored as its name, beside the actor's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    PracticeToken,
    Cli,
    Account,
}

wire::stored_names!(ActorKind, "audit actor kind", {
    PracticeToken => "practice_token",
    Cli => "cli",
    Account => "account",
});

/// Who did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A practice API token (its id, never its secret).
    PracticeToken(String),
    /// The server's command line, run by whoever operates the server.
    Cli,
    /// A signed-in account.
    Account(String),
}

impl Actor {
    fn parts(&self) -> (ActorKind, Option<&str>) {
        match self {
            Actor::PracticeToken(id) => (ActorKind::PracticeToken, Some(id)),
            Actor::Cli => (ActorKind::Cli, None),
            Actor::Account(id) => (ActorKind::Account, Some(id)),
        }
    }
}

pub struct AuditEvent<'a> {
    pub actor: &'a Actor,
    pub practice_id: Option<&'a str>,
    pub patient_id: Option<&'a str>,
    pub action: &'a str,
    pub client_addr: Option<&'a str>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub at: i64,
    #[sqlx(try_from = "String")]
    pub actor_kind: ActorKind,
    pub actor_id: Option<String>,
    pub practice_id: Option<String>,
    pub patient_id: Option<String>,
    pub action: String,
    pub client_addr: Option<String>,
    pub detail: Option<String>,
}

/// Records the event at `at` (the server clock's time: the patient side passes `AppState.clock`).
pub async fn record_at(tx: &mut Transaction<'_, Any>, e: &AuditEvent<'_>, at: i64) -> Result<()> {
    record_with_detail(tx, e, at, None).await
}

/// Records the event with what it touched (e.g. the names of the changed fields, never values).
pub async fn record_with_detail(
    tx: &mut Transaction<'_, Any>,
    e: &AuditEvent<'_>,
    at: i64,
    detail: Option<&str>,
) -> Result<()> {
    let (kind, id) = e.actor.parts();
    sqlx::query(
        "INSERT INTO audit_events (at, actor_kind, actor_id, practice_id, patient_id, action, client_addr, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(at)
    .bind(kind.as_str())
    .bind(id)
    .bind(e.practice_id)
    .bind(e.patient_id)
    .bind(e.action)
    .bind(e.client_addr)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    pub async fn audit_for_patient(&self, patient_id: &str) -> Result<Vec<AuditRow>> {
        Ok(sqlx::query_as(
            "SELECT at, actor_kind, actor_id, practice_id, patient_id, action, client_addr, detail
             FROM audit_events WHERE patient_id = $1 ORDER BY id",
        )
        .bind(patient_id)
        .fetch_all(self.pool())
        .await?)
    }
}
