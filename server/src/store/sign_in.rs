//! Sign-in codes, rate limits, SMS opt-outs and the development key (SPEC 3.1). Every rule that
//! must hold under concurrency is one conditional statement or runs behind a per-key row lock, so
//! several server instances on one database keep the same limits.

use super::{new_id, Result, Store};
use sqlx::{Any, Transaction};

/// How many wrong guesses burn a code.
pub const MAX_WRONG_GUESSES: i64 = 5;

/// Where a texted code is in its life; stored as its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeState {
    /// Can still be used.
    Live,
    Used,
    /// Burned by 5 wrong guesses.
    Locked,
    /// A newer code for the number replaced it.
    Replaced,
    /// The text could not be sent.
    Failed,
}

wire::stored_names!(CodeState, "sign-in code state", {
    Live => "live",
    Used => "used",
    Locked => "locked",
    Replaced => "replaced",
    Failed => "failed",
});

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CodeRow {
    pub id: String,
    pub code_hash: String,
    #[sqlx(try_from = "String")]
    pub state: CodeState,
    pub wrong_guesses: i64,
    pub created_at: i64,
    pub expires_at: i64,
}

/// The result of counting a wrong guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WrongGuess {
    /// Still usable; this many guesses remain.
    Counted { left: i64 },
    /// That guess was the last one allowed: the code is burned.
    Locked,
    /// The code was no longer live (used, burned or replaced meanwhile).
    NotLive,
}

/// What a rate-limit key has seen in a window.
#[derive(Debug, Clone, Copy, Default)]
pub struct Window {
    pub count: i64,
    pub oldest: Option<i64>,
    pub newest: Option<i64>,
}

impl Store {
    /// The server's own key named `name`, created (random, 32 bytes) the first time it is asked
    /// for. Every instance on the same database gets the same key.
    pub async fn server_secret(&self, name: &str, now: i64) -> Result<String> {
        sqlx::query(
            "INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(crate::secrets::random_token(32))
        .bind(now)
        .execute(self.writer())
        .await?;
        let (value,): (String,) =
            sqlx::query_as("SELECT value FROM server_secrets WHERE name = $1")
                .bind(name)
                .fetch_one(self.pool())
                .await?;
        Ok(value)
    }

    /// The most recent code texted to `phone`, whatever its state.
    pub async fn latest_code(&self, phone: &str) -> Result<Option<CodeRow>> {
        Ok(sqlx::query_as(
            "SELECT id, code_hash, state, wrong_guesses, created_at, expires_at FROM sign_in_codes
             WHERE phone = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(phone)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Counts a wrong guess in one conditional statement, so concurrent guesses can never add up
    /// to more than `MAX_WRONG_GUESSES`: the guess that reaches it burns the code.
    pub async fn count_wrong_guess(&self, code_id: &str, now: i64) -> Result<WrongGuess> {
        let row: Option<(i64, String)> = sqlx::query_as(&format!(
            "UPDATE sign_in_codes
                SET wrong_guesses = wrong_guesses + 1,
                    state = CASE WHEN wrong_guesses + 1 >= {MAX_WRONG_GUESSES} THEN 'locked' ELSE state END
              WHERE id = $1 AND state = 'live' AND expires_at > $2
              RETURNING wrong_guesses, state"
        ))
        .bind(code_id)
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        Ok(match row {
            None => WrongGuess::NotLive,
            Some((_, state)) if state.parse::<CodeState>()? == CodeState::Locked => {
                WrongGuess::Locked
            }
            Some((guesses, _)) => WrongGuess::Counted {
                left: MAX_WRONG_GUESSES - guesses,
            },
        })
    }

    /// Marks a code that could not be delivered, so it cannot be used.
    pub async fn mark_code_failed(&self, code_id: &str) -> Result<()> {
        sqlx::query("UPDATE sign_in_codes SET state = 'failed' WHERE id = $1 AND state = 'live'")
            .bind(code_id)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    pub async fn is_opted_out(&self, phone: &str) -> Result<bool> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT phone FROM sms_opt_outs WHERE phone = $1")
                .bind(phone)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.is_some())
    }

    /// STOP and its synonyms. Returns whether the number was opted in before.
    pub async fn opt_out(&self, phone: &str, now: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO sms_opt_outs (phone, opted_out_at) VALUES ($1, $2) ON CONFLICT (phone) DO NOTHING",
        )
        .bind(phone)
        .bind(now)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// START, UNSTOP, YES.
    pub async fn opt_in(&self, phone: &str) -> Result<()> {
        sqlx::query("DELETE FROM sms_opt_outs WHERE phone = $1")
            .bind(phone)
            .execute(self.writer())
            .await?;
        Ok(())
    }
}

/// Takes the key's lock row for the rest of the transaction (a write first, so SQLite takes its
/// write lock at once and PostgreSQL locks the row), then reads what the key saw since `since`.
/// Concurrent requests for the same key wait for each other instead of both passing a limit.
pub async fn lock_window(
    tx: &mut Transaction<'_, Any>,
    key: &str,
    since: i64,
    now: i64,
) -> Result<Window> {
    sqlx::query(
        "INSERT INTO rate_limit_keys (key, touched_at) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET touched_at = excluded.touched_at",
    )
    .bind(key)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM rate_limit_hits WHERE key = $1 AND at <= $2")
        .bind(key)
        .bind(since)
        .execute(&mut **tx)
        .await?;
    let (count, oldest, newest): (i64, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(at), MAX(at) FROM rate_limit_hits WHERE key = $1 AND at > $2",
    )
    .bind(key)
    .bind(since)
    .fetch_one(&mut **tx)
    .await?;
    Ok(Window {
        count,
        oldest,
        newest,
    })
}

pub async fn record_hit(tx: &mut Transaction<'_, Any>, key: &str, now: i64) -> Result<()> {
    sqlx::query("INSERT INTO rate_limit_hits (key, at) VALUES ($1, $2)")
        .bind(key)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Stores a new code for `phone` (as its keyed hash) and retires every earlier one.
pub async fn insert_code(
    tx: &mut Transaction<'_, Any>,
    phone: &str,
    code_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<String> {
    sqlx::query("UPDATE sign_in_codes SET state = 'replaced' WHERE phone = $1 AND state = 'live'")
        .bind(phone)
        .execute(&mut **tx)
        .await?;
    // Codes older than a day tell nothing any rule needs: forget them.
    sqlx::query("DELETE FROM sign_in_codes WHERE phone = $1 AND created_at < $2")
        .bind(phone)
        .bind(now - 24 * 60 * 60 * 1000)
        .execute(&mut **tx)
        .await?;
    let id = new_id();
    sqlx::query(
        "INSERT INTO sign_in_codes (id, phone, code_hash, state, wrong_guesses, created_at, expires_at)
         VALUES ($1, $2, $3, 'live', 0, $4, $5)",
    )
    .bind(&id)
    .bind(phone)
    .bind(code_hash)
    .bind(now)
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Uses the code once: of concurrent attempts exactly one gets `true`.
pub async fn use_code(tx: &mut Transaction<'_, Any>, code_id: &str, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE sign_in_codes SET state = 'used', used_at = $2
          WHERE id = $1 AND state = 'live' AND expires_at > $2",
    )
    .bind(code_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(super::affected(done) == 1)
}
