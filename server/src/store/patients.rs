use super::{new_id, Result, Store};
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
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
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
    "id, practice_id, first_name, last_name, dob, mobile_phone, email, preferred_language, external_id,
     address_line1, address_line2, city, state, zip";

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
    now: i64,
) -> Result<PatientRow> {
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
    now: i64,
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
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// A patient a guardian adds from the portal (SPEC 3.5).
pub struct NewDependent<'a> {
    pub practice_id: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub dob: &'a str,
    pub sex: Option<&'a str>,
    pub created_by_account_id: &'a str,
}

pub async fn insert_dependent(
    tx: &mut Transaction<'_, Any>,
    d: &NewDependent<'_>,
    now: i64,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO patients (id, practice_id, first_name, last_name, dob, sex,
             created_by_account_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(&id)
    .bind(d.practice_id)
    .bind(d.first_name)
    .bind(d.last_name)
    .bind(d.dob)
    .bind(d.sex)
    .bind(d.created_by_account_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// The practice's patients born on `dob`: (id, first name, last name).
pub async fn patients_born_on(
    tx: &mut Transaction<'_, Any>,
    practice_id: &str,
    dob: &str,
) -> Result<Vec<(String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, first_name, last_name FROM patients WHERE practice_id = $1 AND dob = $2
          ORDER BY created_at, id",
    )
    .bind(practice_id)
    .bind(dob)
    .fetch_all(&mut **tx)
    .await?)
}

/// The patients the account is a (not revoked) guardian of.
pub async fn guarded_by(tx: &mut Transaction<'_, Any>, account_id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT patient_id FROM contact_links
          WHERE account_id = $1 AND relationship = 'guardian' AND status <> 'revoked'",
    )
    .bind(account_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

pub async fn flag_possible_duplicate(
    tx: &mut Transaction<'_, Any>,
    practice_id: &str,
    patient_id: &str,
    existing_patient_id: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO possible_duplicates (id, practice_id, patient_id, existing_patient_id, flagged_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (patient_id, existing_patient_id) DO NOTHING",
    )
    .bind(new_id())
    .bind(practice_id)
    .bind(patient_id)
    .bind(existing_patient_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Locks the account's row for the rest of the transaction (serializes one account's requests)
/// and returns its own first and last name.
pub async fn lock_account(
    tx: &mut Transaction<'_, Any>,
    account_id: &str,
) -> Result<(Option<String>, Option<String>)> {
    Ok(sqlx::query_as(
        "UPDATE accounts SET phone = phone WHERE id = $1 RETURNING first_name, last_name",
    )
    .bind(account_id)
    .fetch_one(&mut **tx)
    .await?)
}

/// The demographics an account may change (SPEC 3.7.2), all at once.
pub struct ProfileFields<'a> {
    pub address_line1: Option<&'a str>,
    pub address_line2: Option<&'a str>,
    pub city: Option<&'a str>,
    pub state: Option<&'a str>,
    pub zip: Option<&'a str>,
    pub email: Option<&'a str>,
    pub preferred_language: &'a str,
}

pub async fn update_profile(
    tx: &mut Transaction<'_, Any>,
    patient_id: &str,
    p: &ProfileFields<'_>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE patients SET address_line1 = $2, address_line2 = $3, city = $4, state = $5, zip = $6,
             email = $7, preferred_language = $8, updated_at = $9 WHERE id = $1",
    )
    .bind(patient_id)
    .bind(p.address_line1)
    .bind(p.address_line2)
    .bind(p.city)
    .bind(p.state)
    .bind(p.zip)
    .bind(p.email)
    .bind(p.preferred_language)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
