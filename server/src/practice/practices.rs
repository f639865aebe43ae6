use super::Caller;
use crate::error::{AppError, AppResult};
use crate::store::practices::{NewPractice, PracticeRow};
use crate::store::Store;
use crate::validate;
use wire::api::{Practice, PracticeInput};
use wire::PhoneNumber;

pub fn to_wire(row: PracticeRow) -> Practice {
    Practice {
        phone: PhoneNumber::parse(&row.phone).expect("stored practice phones are valid"),
        id: row.id,
        slug: row.slug,
        name: row.name,
        time_zone: row.time_zone,
        asks_dependent_sex: row.asks_dependent_sex != 0,
    }
}

/// Creates a practice, or updates the one with the same slug. Only an administrator may create;
/// a practice's own token may update its practice.
pub async fn upsert(
    store: &Store,
    caller: &Caller,
    input: &PracticeInput,
    now: i64,
) -> AppResult<(Practice, bool)> {
    let slug = validate::slug(&input.slug)?;
    let name = validate::name(&input.name, "name")?;
    let time_zone = validate::time_zone(&input.time_zone)?;
    match store.practice_by_slug(&slug).await? {
        None if !caller.is_admin() => {
            return Err(AppError::Forbidden(
                "only an administrator token can create practices",
            ))
        }
        Some(existing)
            if caller
                .practice_id
                .as_deref()
                .is_some_and(|id| id != existing.id) =>
        {
            return Err(AppError::NotFound)
        }
        _ => {}
    }
    let (row, created) = store
        .upsert_practice(
            &NewPractice {
                slug: &slug,
                name: &name,
                phone: input.phone.e164(),
                time_zone: &time_zone,
                asks_dependent_sex: input.asks_dependent_sex,
            },
            now,
        )
        .await?;
    Ok((to_wire(row), created))
}

pub async fn list(store: &Store, caller: &Caller) -> AppResult<Vec<Practice>> {
    let all = store.list_practices().await?;
    Ok(all
        .into_iter()
        .filter(|p| caller.practice_id.as_deref().is_none_or(|id| id == p.id))
        .map(to_wire)
        .collect())
}
