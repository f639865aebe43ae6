use super::{new_id, Result, Store};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PracticeRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub phone: String,
    pub time_zone: String,
    /// 1 when guardians adding a dependent must give its sex.
    pub asks_dependent_sex: i64,
}

pub struct NewPractice<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub phone: &'a str,
    pub time_zone: &'a str,
    pub asks_dependent_sex: bool,
}

const COLUMNS: &str = "id, slug, name, phone, time_zone, asks_dependent_sex";

impl Store {
    /// Creates the practice, or updates the one with the same slug. Returns it and whether it is new.
    pub async fn upsert_practice(
        &self,
        p: &NewPractice<'_>,
        now: i64,
    ) -> Result<(PracticeRow, bool)> {
        let id = new_id();
        let row: (String, i64) = sqlx::query_as(
            "INSERT INTO practices (id, slug, name, phone, time_zone, created_at, updated_at, asks_dependent_sex)
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7)
             ON CONFLICT (slug) DO UPDATE SET name = excluded.name, phone = excluded.phone,
                 time_zone = excluded.time_zone, updated_at = excluded.updated_at,
                 asks_dependent_sex = excluded.asks_dependent_sex
             RETURNING id, created_at",
        )
        .bind(&id)
        .bind(p.slug)
        .bind(p.name)
        .bind(p.phone)
        .bind(p.time_zone)
        .bind(now)
        .bind(i64::from(p.asks_dependent_sex))
        .fetch_one(self.writer())
        .await?;
        let practice = PracticeRow {
            id: row.0.clone(),
            slug: p.slug.into(),
            name: p.name.into(),
            phone: p.phone.into(),
            time_zone: p.time_zone.into(),
            asks_dependent_sex: i64::from(p.asks_dependent_sex),
        };
        Ok((practice, row.0 == id))
    }

    pub async fn practice_by_slug(&self, slug: &str) -> Result<Option<PracticeRow>> {
        Ok(
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM practices WHERE slug = $1"))
                .bind(slug)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    pub async fn practice_by_id(&self, id: &str) -> Result<Option<PracticeRow>> {
        Ok(
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM practices WHERE id = $1"))
                .bind(id)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    pub async fn list_practices(&self) -> Result<Vec<PracticeRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM practices ORDER BY name, slug"
        ))
        .fetch_all(self.pool())
        .await?)
    }
}
