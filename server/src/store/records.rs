//! Record items the practice publishes for a patient (SPEC 3.7.1): appointments, treatment
//! plans, forms and documents (whose files live in `crate::storage`). An `external_id` makes
//! publishing idempotent: the same item again updates it.

use super::{new_id, Result, Store};
use wire::records::{AppointmentStatus, FormStatus};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AppointmentRow {
    pub id: String,
    pub starts_at: i64,
    pub duration_minutes: i64,
    pub location: String,
    pub with_whom: String,
    #[sqlx(try_from = "String")]
    pub status: AppointmentStatus,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlanRow {
    pub id: String,
    pub title: String,
    pub body: String,
    pub updated_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FormRow {
    pub id: String,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub status: FormStatus,
    pub due_date: Option<String>,
    pub updated_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: String,
    pub title: String,
    pub document_date: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub storage_key: String,
}

pub struct NewAppointment<'a> {
    pub practice_id: &'a str,
    pub patient_id: &'a str,
    pub external_id: Option<&'a str>,
    pub starts_at: i64,
    pub duration_minutes: i64,
    pub location: &'a str,
    pub with_whom: &'a str,
    pub status: AppointmentStatus,
    pub now: i64,
}

pub struct NewDocument<'a> {
    pub practice_id: &'a str,
    pub patient_id: &'a str,
    pub title: &'a str,
    pub document_date: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub storage_key: &'a str,
    pub now: i64,
}

impl Store {
    /// Inserts the appointment, or updates the one with the same `external_id`. Returns its id.
    pub async fn upsert_appointment(&self, a: &NewAppointment<'_>) -> Result<String> {
        let (id,): (String,) = sqlx::query_as(
            "INSERT INTO appointments (id, practice_id, patient_id, external_id, starts_at, duration_minutes,
                 location, with_whom, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
             ON CONFLICT (patient_id, external_id) DO UPDATE SET starts_at = excluded.starts_at,
                 duration_minutes = excluded.duration_minutes, location = excluded.location,
                 with_whom = excluded.with_whom, status = excluded.status, updated_at = excluded.updated_at
             RETURNING id",
        )
        .bind(new_id())
        .bind(a.practice_id)
        .bind(a.patient_id)
        .bind(a.external_id)
        .bind(a.starts_at)
        .bind(a.duration_minutes)
        .bind(a.location)
        .bind(a.with_whom)
        .bind(a.status.as_str())
        .bind(a.now)
        .fetch_one(self.writer())
        .await?;
        Ok(id)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn upsert_plan(
        &self,
        practice_id: &str,
        patient_id: &str,
        external_id: Option<&str>,
        title: &str,
        body: &str,
        now: i64,
    ) -> Result<String> {
        let (id,): (String,) = sqlx::query_as(
            "INSERT INTO treatment_plans (id, practice_id, patient_id, external_id, title, body, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
             ON CONFLICT (patient_id, external_id) DO UPDATE SET title = excluded.title,
                 body = excluded.body, updated_at = excluded.updated_at
             RETURNING id",
        )
        .bind(new_id())
        .bind(practice_id)
        .bind(patient_id)
        .bind(external_id)
        .bind(title)
        .bind(body)
        .bind(now)
        .fetch_one(self.writer())
        .await?;
        Ok(id)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn upsert_form(
        &self,
        practice_id: &str,
        patient_id: &str,
        external_id: Option<&str>,
        title: &str,
        status: FormStatus,
        due_date: Option<&str>,
        now: i64,
    ) -> Result<String> {
        let (id,): (String,) = sqlx::query_as(
            "INSERT INTO forms (id, practice_id, patient_id, external_id, title, status, due_date, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
             ON CONFLICT (patient_id, external_id) DO UPDATE SET title = excluded.title,
                 status = excluded.status, due_date = excluded.due_date, updated_at = excluded.updated_at
             RETURNING id",
        )
        .bind(new_id())
        .bind(practice_id)
        .bind(patient_id)
        .bind(external_id)
        .bind(title)
        .bind(status.as_str())
        .bind(due_date)
        .bind(now)
        .fetch_one(self.writer())
        .await?;
        Ok(id)
    }

    pub async fn insert_document(&self, d: &NewDocument<'_>) -> Result<String> {
        let id = new_id();
        sqlx::query(
            "INSERT INTO documents (id, practice_id, patient_id, title, document_date, file_name,
                 content_type, size_bytes, sha256, storage_key, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&id)
        .bind(d.practice_id)
        .bind(d.patient_id)
        .bind(d.title)
        .bind(d.document_date)
        .bind(d.file_name)
        .bind(d.content_type)
        .bind(d.size_bytes)
        .bind(d.sha256)
        .bind(d.storage_key)
        .bind(d.now)
        .execute(self.writer())
        .await?;
        Ok(id)
    }

    pub async fn appointments(&self, patient_id: &str) -> Result<Vec<AppointmentRow>> {
        Ok(sqlx::query_as(
            "SELECT id, starts_at, duration_minutes, location, with_whom, status FROM appointments
              WHERE patient_id = $1 ORDER BY starts_at, id",
        )
        .bind(patient_id)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn plans(&self, patient_id: &str) -> Result<Vec<PlanRow>> {
        Ok(sqlx::query_as(
            "SELECT id, title, body, updated_at FROM treatment_plans
              WHERE patient_id = $1 ORDER BY updated_at DESC, id",
        )
        .bind(patient_id)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn forms(&self, patient_id: &str) -> Result<Vec<FormRow>> {
        Ok(sqlx::query_as(
            "SELECT id, title, status, due_date, updated_at FROM forms
              WHERE patient_id = $1 ORDER BY updated_at DESC, id",
        )
        .bind(patient_id)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn documents(&self, patient_id: &str) -> Result<Vec<DocumentRow>> {
        Ok(sqlx::query_as(
            "SELECT id, title, document_date, file_name, content_type, size_bytes, storage_key
               FROM documents WHERE patient_id = $1 ORDER BY document_date DESC, created_at DESC, id",
        )
        .bind(patient_id)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn document(&self, patient_id: &str, id: &str) -> Result<Option<DocumentRow>> {
        Ok(sqlx::query_as(
            "SELECT id, title, document_date, file_name, content_type, size_bytes, storage_key
               FROM documents WHERE patient_id = $1 AND id = $2",
        )
        .bind(patient_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }
}
