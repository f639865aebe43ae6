use super::Caller;
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, AuditEvent};
use crate::store::patients::{self as rows, PatientFields, PatientRow};
use crate::store::{contacts, practices::PracticeRow, Store};
use crate::validate;
use wire::api::{Language, Patient, PatientInput};
use wire::ErrorCode;
use wire::{DateOfBirth, PhoneNumber};

pub const PAGE_LIMIT: i64 = 500;

pub fn to_wire(row: PatientRow, practice_slug: &str) -> Patient {
    Patient {
        dob: DateOfBirth::try_from(row.dob).expect("stored dates of birth are valid"),
        mobile_phone: row
            .mobile_phone
            .map(|p| PhoneNumber::parse(&p).expect("stored phones are valid")),
        preferred_language: Language::from_code(&row.preferred_language).unwrap_or_default(),
        id: row.id,
        practice_slug: practice_slug.to_owned(),
        first_name: row.first_name,
        last_name: row.last_name,
        email: row.email,
        external_id: row.external_id,
        address: wire::records::Address {
            line1: row.address_line1,
            line2: row.address_line2,
            city: row.city,
            state: row.state,
            zip: row.zip,
        },
    }
}

struct Checked {
    first_name: String,
    last_name: String,
    dob: String,
    email: Option<String>,
    external_id: Option<String>,
}

fn check(input: &PatientInput, time_zone: &str) -> AppResult<Checked> {
    let today = chrono::Utc::now()
        .with_timezone(&time_zone.parse::<chrono_tz::Tz>().unwrap_or(chrono_tz::UTC))
        .date_naive();
    let dob = DateOfBirth::parse_iso(&input.dob.iso(), today)
        .map_err(|e| AppError::invalid(e.code(), "dob", e.to_string()))?;
    Ok(Checked {
        first_name: validate::name(&input.first_name, "first_name")?,
        last_name: validate::name(&input.last_name, "last_name")?,
        dob: dob.iso(),
        email: validate::email(input.email.as_deref())?,
        external_id: validate::external_id(input.external_id.as_deref())?,
    })
}

fn fields<'a>(c: &'a Checked, input: &'a PatientInput) -> PatientFields<'a> {
    PatientFields {
        first_name: &c.first_name,
        last_name: &c.last_name,
        dob: &c.dob,
        mobile_phone: input.mobile_phone.as_ref().map(PhoneNumber::e164),
        email: c.email.as_deref(),
        preferred_language: input.preferred_language.code(),
        external_id: c.external_id.as_deref(),
    }
}

/// Creates a patient; with an `external_id` the practice already used, updates that patient
/// instead (so an EHR integration can send the same record twice). Returns whether it is new.
pub async fn create(
    store: &Store,
    caller: &Caller,
    slug: &str,
    input: &PatientInput,
    now: i64,
) -> AppResult<(Patient, bool)> {
    let practice = caller.practice(store, slug).await?;
    let checked = check(input, &practice.time_zone)?;
    if let Some(patient) =
        update_by_external_id(store, caller, &practice, &checked, input, now).await?
    {
        return Ok((patient, false));
    }
    match write(store, caller, &practice, None, &checked, input, now).await {
        // Two requests raced to create the same external id: the loser updates the winner's row.
        Err(AppError::Store(e)) if e.is_unique_violation() => {
            match update_by_external_id(store, caller, &practice, &checked, input, now).await? {
                Some(patient) => Ok((patient, false)),
                None => Err(AppError::Store(e)),
            }
        }
        other => other.map(|p| (p, true)),
    }
}

/// Updates the practice's patient with this `external_id`, if there is one.
async fn update_by_external_id(
    store: &Store,
    caller: &Caller,
    practice: &PracticeRow,
    checked: &Checked,
    input: &PatientInput,
    now: i64,
) -> AppResult<Option<Patient>> {
    let Some(ext) = checked.external_id.as_deref() else {
        return Ok(None);
    };
    let Some(existing) = store.patient_by_external_id(&practice.id, ext).await? else {
        return Ok(None);
    };
    write(
        store,
        caller,
        practice,
        Some(&existing.id),
        checked,
        input,
        now,
    )
    .await
    .map(Some)
}

pub async fn update(
    store: &Store,
    caller: &Caller,
    slug: &str,
    patient_id: &str,
    input: &PatientInput,
    now: i64,
) -> AppResult<Patient> {
    let (practice, _) = caller.patient(store, slug, patient_id).await?;
    let checked = check(input, &practice.time_zone)?;
    write(
        store,
        caller,
        &practice,
        Some(patient_id),
        &checked,
        input,
        now,
    )
    .await
    .map_err(|e| match e {
        AppError::Store(e) if e.is_unique_violation() => AppError::Conflict {
            code: ErrorCode::ExternalIdTaken,
            message: "another patient at this practice already has that external_id".into(),
        },
        other => other,
    })
}

async fn write(
    store: &Store,
    caller: &Caller,
    practice: &PracticeRow,
    existing: Option<&str>,
    checked: &Checked,
    input: &PatientInput,
    now: i64,
) -> AppResult<Patient> {
    let fields = fields(checked, input);
    let mut tx = store.begin().await?;
    let (row, action) = match existing {
        Some(id) => (
            rows::update_patient(&mut tx, id, &fields, now).await?,
            "practice.patient.update",
        ),
        None => (
            rows::insert_patient(&mut tx, &practice.id, &fields, now).await?,
            "practice.patient.create",
        ),
    };
    contacts::set_self_phone(&mut tx, &row.id, fields.mobile_phone, now).await?;
    audit::record_at(
        &mut tx,
        &AuditEvent {
            actor: &caller.actor,
            practice_id: Some(&practice.id),
            patient_id: Some(&row.id),
            action,
            client_addr: caller.client_addr.as_deref(),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(to_wire(row, &practice.slug))
}

pub async fn get(
    store: &Store,
    caller: &Caller,
    slug: &str,
    patient_id: &str,
) -> AppResult<Patient> {
    let (_, row) = caller.patient(store, slug, patient_id).await?;
    Ok(to_wire(row, slug))
}

pub async fn list(
    store: &Store,
    caller: &Caller,
    slug: &str,
    offset: i64,
) -> AppResult<Vec<Patient>> {
    let practice = caller.practice(store, slug).await?;
    let rows = store
        .list_patients(&practice.id, PAGE_LIMIT, offset.max(0))
        .await?;
    Ok(rows.into_iter().map(|r| to_wire(r, slug)).collect())
}
