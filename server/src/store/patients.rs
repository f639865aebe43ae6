use super::{new_id, now_ms, Result, Store};
use sqlx::{Any, Transaction};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PatientRow {
    pub id: String,
    pub practice_id: String,
    pub first_name: String,
    pub last_name: String,
    pub dob: String,
    pub mobile_phone: Option<String>,
    pub email: Option<String>,
    pub preferred_language: String,
    pub external_id: Option<String>,
}

pub struct PatientFields<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub dob: &'a str,
    pub mobile_phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub preferred_language: &'a str,
    pub external_id: Option<&'a str>,
}

const COLUMNS: &str =
    "id, practice_id, first_name, last_name, dob, mobile_phone, email, preferred_language, external_id";

impl Store {
    pub async fn patient_in_practice(
        &self,
        practice_id: &str,
        patient_id: &str,
    ) -> Result<Option<PatientRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM patients WHERE practice_id = $1 AND id = $2"
        ))
        .bind(practice_id)
        .bind(patient_id)
        .fetch_optional(self.pool())
        .await?)
    }

    pub async fn patient_by_external_id(
        &self,
        practice_id: &str,
        external_id: &str,
    ) -> Result<Option<PatientRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM patients WHERE practice_id = $1 AND external_id = $2"
        ))
        .bind(practice_id)
        .bind(external_id)
        .fetch_optional(self.pool())
        .await?)
    }

    pub async fn list_patients(
        &self,
        practice_id: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<PatientRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM patients WHERE practice_id = $1
             ORDER BY last_name, first_name, id LIMIT $2 OFFSET $3"
        ))
        .bind(practice_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await?)
    }
}

pub async fn insert_patient(
    tx: &mut Transaction<'_, Any>,
    practice_id: &str,
    f: &PatientFields<'_>,
) -> Result<PatientRow> {
    let now = now_ms();
    Ok(sqlx::query_as(&format!(
        "INSERT INTO patients (id, practice_id, first_name, last_name, dob, mobile_phone, email,
             preferred_language, external_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
         RETURNING {COLUMNS}"
    ))
    .bind(new_id())
    .bind(practice_id)
    .bind(f.first_name)
    .bind(f.last_name)
    .bind(f.dob)
    .bind(f.mobile_phone)
    .bind(f.email)
    .bind(f.preferred_language)
    .bind(f.external_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn update_patient(
    tx: &mut Transaction<'_, Any>,
    patient_id: &str,
    f: &PatientFields<'_>,
) -> Result<PatientRow> {
    Ok(sqlx::query_as(&format!(
        "UPDATE patients SET first_name = $2, last_name = $3, dob = $4, mobile_phone = $5, email = $6,
             preferred_language = $7, external_id = $8, updated_at = $9
         WHERE id = $1
         RETURNING {COLUMNS}"
    ))
    .bind(patient_id)
    .bind(f.first_name)
    .bind(f.last_name)
    .bind(f.dob)
    .bind(f.mobile_phone)
    .bind(f.email)
    .bind(f.preferred_language)
    .bind(f.external_id)
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await?)
}
