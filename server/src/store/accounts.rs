//! Accounts: whoever signs in with a phone number. Their links to patients are in `contacts`.

use super::{new_id, Result};
use sqlx::{Any, Transaction};

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
