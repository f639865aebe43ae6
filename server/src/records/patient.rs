//! The patient side's record items (SPEC 3.7.1), profile (SPEC 3.7.2) and the caregiver overview.
//! Every read is audited once per request (not per item); every profile change with the names of
//! the fields that changed.

use wire::api::{Language, LinkStatus};
use wire::records::{
    Address, Appointment, AppointmentStatus, Document, Form, FormStatus, OverviewEntry, Profile,
    ProfileUpdate, ProfileUpdated, TreatmentPlan,
};
use wire::ErrorCode;

use crate::error::{AppError, AppResult};
use crate::patients::verify::today_at;
use crate::patients::{audit_read, verified_in_session, PatientAccess};
use crate::sign_in::SignedIn;
use crate::state::AppState;
use crate::store::attachments::SentFileRow;
use crate::store::audit::{self, Actor, AuditEvent};
use crate::store::patients::{update_profile, ProfileFields};
use crate::store::records::{AppointmentRow, DocumentRow};
use crate::store::rfc3339;

fn appointment(row: &AppointmentRow, now: i64, tz: &str) -> Appointment {
    Appointment {
        id: row.id.clone(),
        starts_at: rfc3339(row.starts_at),
        duration_minutes: row.duration_minutes.clamp(0, u32::MAX as i64) as u32,
        location: row.location.clone(),
        with_whom: row.with_whom.clone(),
        status: row.status,
        upcoming: ends_at(row) > now,
        practice_time_zone: tz.to_owned(),
    }
}

fn ends_at(row: &AppointmentRow) -> i64 {
    row.starts_at + row.duration_minutes * 60_000
}

/// Upcoming first (soonest first), then past (newest first).
pub fn order_appointments(rows: &[AppointmentRow], now: i64, tz: &str) -> Vec<Appointment> {
    let (mut upcoming, mut past): (Vec<&AppointmentRow>, Vec<&AppointmentRow>) =
        rows.iter().partition(|r| ends_at(r) > now);
    upcoming.sort_by_key(|r| (r.starts_at, r.id.clone()));
    past.sort_by_key(|r| (std::cmp::Reverse(r.starts_at), r.id.clone()));
    upcoming
        .into_iter()
        .chain(past)
        .map(|r| appointment(r, now, tz))
        .collect()
}

pub async fn appointments(
    state: &AppState,
    access: &PatientAccess,
    client_addr: Option<&str>,
) -> AppResult<Vec<Appointment>> {
    let link = &access.link;
    let rows = state.store.appointments(&link.patient_id).await?;
    audit_read(
        state,
        &access.account_id,
        link,
        "appointments.view",
        client_addr,
    )
    .await?;
    Ok(order_appointments(
        &rows,
        state.clock.now_ms(),
        &link.practice_time_zone,
    ))
}

pub async fn plans(
    state: &AppState,
    access: &PatientAccess,
    client_addr: Option<&str>,
) -> AppResult<Vec<TreatmentPlan>> {
    let link = &access.link;
    let rows = state.store.plans(&link.patient_id).await?;
    audit_read(
        state,
        &access.account_id,
        link,
        "treatment_plans.view",
        client_addr,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TreatmentPlan {
            id: r.id,
            title: r.title,
            body: r.body,
            updated_at: rfc3339(r.updated_at),
            practice_time_zone: link.practice_time_zone.clone(),
        })
        .collect())
}

/// Open forms first (by due date, undated last), then completed ones (newest first).
pub async fn forms(
    state: &AppState,
    access: &PatientAccess,
    client_addr: Option<&str>,
) -> AppResult<Vec<Form>> {
    let link = &access.link;
    let mut rows = state.store.forms(&link.patient_id).await?;
    audit_read(state, &access.account_id, link, "forms.view", client_addr).await?;
    rows.sort_by(|a, b| {
        let done = |s: &FormStatus| *s == FormStatus::Completed;
        done(&a.status)
            .cmp(&done(&b.status))
            .then_with(|| {
                if done(&a.status) {
                    b.updated_at.cmp(&a.updated_at)
                } else {
                    (a.due_date.is_none(), &a.due_date).cmp(&(b.due_date.is_none(), &b.due_date))
                }
            })
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(rows
        .into_iter()
        .map(|r| Form {
            id: r.id,
            title: r.title,
            status: r.status,
            due_date: r.due_date,
            updated_at: rfc3339(r.updated_at),
            practice_time_zone: link.practice_time_zone.clone(),
        })
        .collect())
}

pub fn document(row: DocumentRow) -> Document {
    Document {
        id: row.id,
        title: row.title,
        date: row.document_date,
        file_name: row.file_name,
        content_type: row.content_type,
        size_bytes: row.size_bytes.max(0) as u64,
        sent_to_practice: false,
    }
}

fn sent_file(row: SentFileRow, time_zone: &str) -> Document {
    let date = today_at(time_zone, row.sent_at).to_string();
    Document {
        title: row.file_name.clone(),
        id: row.id,
        date,
        file_name: row.file_name,
        content_type: row.content_type,
        size_bytes: row.size_bytes.max(0) as u64,
        sent_to_practice: true,
    }
}

pub async fn documents(
    state: &AppState,
    access: &PatientAccess,
    client_addr: Option<&str>,
) -> AppResult<Vec<Document>> {
    let link = &access.link;
    let published = state.store.documents(&link.patient_id).await?;
    let sent = state.store.sent_files(&link.patient_id).await?;
    audit_read(
        state,
        &access.account_id,
        link,
        "documents.view",
        client_addr,
    )
    .await?;
    let mut all: Vec<Document> = published
        .into_iter()
        .map(document)
        .chain(
            sent.into_iter()
                .map(|r| sent_file(r, &link.practice_time_zone)),
        )
        .collect();
    // Newest first; the sort is stable, so each source keeps its own order within a day.
    all.sort_by(|a, b| b.date.cmp(&a.date));
    Ok(all)
}

/// The document's row, for a download (audited as `document.download`). 404 for a document of
/// another patient.
pub async fn document_for_download(
    state: &AppState,
    access: &PatientAccess,
    document_id: &str,
    client_addr: Option<&str>,
) -> AppResult<DocumentRow> {
    let link = &access.link;
    let row = state
        .store
        .document(&link.patient_id, document_id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit_read(
        state,
        &access.account_id,
        link,
        "document.download",
        client_addr,
    )
    .await?;
    Ok(row)
}

fn profile_of(row: &crate::store::patients::PatientRow) -> Profile {
    Profile {
        address: Address {
            line1: row.address_line1.clone(),
            line2: row.address_line2.clone(),
            city: row.city.clone(),
            state: row.state.clone(),
            zip: row.zip.clone(),
        },
        email: row.email.clone(),
        preferred_language: Language::from_code(&row.preferred_language).unwrap_or_default(),
    }
}

async fn patient_row(
    state: &AppState,
    access: &PatientAccess,
) -> AppResult<crate::store::patients::PatientRow> {
    state
        .store
        .patient_in_practice(&access.link.practice_id, &access.link.patient_id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn profile(
    state: &AppState,
    access: &PatientAccess,
    client_addr: Option<&str>,
) -> AppResult<Profile> {
    let row = patient_row(state, access).await?;
    audit_read(
        state,
        &access.account_id,
        &access.link,
        "profile.view",
        client_addr,
    )
    .await?;
    Ok(profile_of(&row))
}

/// A trimmed optional text: empty clears it; at most `max` printable characters.
fn line(value: &str, field: &'static str, max: usize) -> AppResult<Option<String>> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(AppError::invalid(
            ErrorCode::TextTooLong,
            field,
            format!("Use at most {max} letters, numbers and spaces."),
        ));
    }
    Ok(Some(v.to_owned()))
}

/// Checks an update against the current profile: the new profile and the changed field names.
pub fn apply(current: &Profile, update: &ProfileUpdate) -> AppResult<(Profile, Vec<String>)> {
    let mut next = current.clone();
    if let Some(a) = &update.address {
        if let Some(v) = &a.line1 {
            next.address.line1 = line(v, "address.line1", 100)?;
        }
        if let Some(v) = &a.line2 {
            next.address.line2 = line(v, "address.line2", 100)?;
        }
        if let Some(v) = &a.city {
            next.address.city = line(v, "address.city", 100)?;
        }
        if let Some(v) = &a.state {
            let v = v.trim().to_ascii_uppercase();
            let two_letters = v.len() == 2 && v.bytes().all(|b| b.is_ascii_uppercase());
            if !v.is_empty() && !two_letters {
                return Err(AppError::invalid(
                    ErrorCode::StateInvalid,
                    "address.state",
                    "Enter the state as two letters, like TX.",
                ));
            }
            next.address.state = (!v.is_empty()).then_some(v);
        }
        if let Some(v) = &a.zip {
            let v = v.trim();
            if !v.is_empty() && !wire::records::valid_zip(v) {
                return Err(AppError::invalid(
                    ErrorCode::ZipInvalid,
                    "address.zip",
                    "Enter a 5-digit ZIP code, like 75001 (or 75001-1234).",
                ));
            }
            next.address.zip = (!v.is_empty()).then(|| v.to_owned());
        }
    }
    if let Some(v) = &update.email {
        let v = v.trim();
        if !v.is_empty() && !wire::records::valid_email(v) {
            return Err(AppError::invalid(
                ErrorCode::EmailInvalid,
                "email",
                "Enter an e-mail address like name@example.com.",
            ));
        }
        next.email = (!v.is_empty()).then(|| v.to_owned());
    }
    if let Some(language) = update.preferred_language {
        next.preferred_language = language;
    }
    let mut changed = Vec::new();
    let pairs = [
        ("address.line1", &current.address.line1, &next.address.line1),
        ("address.line2", &current.address.line2, &next.address.line2),
        ("address.city", &current.address.city, &next.address.city),
        ("address.state", &current.address.state, &next.address.state),
        ("address.zip", &current.address.zip, &next.address.zip),
        ("email", &current.email, &next.email),
    ];
    for (name, before, after) in pairs {
        if before != after {
            changed.push(name.to_owned());
        }
    }
    if current.preferred_language != next.preferred_language {
        changed.push("preferred_language".to_owned());
    }
    Ok((next, changed))
}

/// `PATCH /api/patients/{id}/profile`: audited as `profile.update` with the changed fields'
/// names; nothing is written (or audited) when nothing changed.
pub async fn update(
    state: &AppState,
    access: &PatientAccess,
    request: &ProfileUpdate,
    client_addr: Option<&str>,
) -> AppResult<ProfileUpdated> {
    let current = profile_of(&patient_row(state, access).await?);
    let (next, changed) = apply(&current, request)?;
    if !changed.is_empty() {
        let link = &access.link;
        let now = state.clock.now_ms();
        let mut tx = state.store.begin().await?;
        update_profile(
            &mut tx,
            &link.patient_id,
            &ProfileFields {
                address_line1: next.address.line1.as_deref(),
                address_line2: next.address.line2.as_deref(),
                city: next.address.city.as_deref(),
                state: next.address.state.as_deref(),
                zip: next.address.zip.as_deref(),
                email: next.email.as_deref(),
                preferred_language: next.preferred_language.code(),
            },
            now,
        )
        .await?;
        audit::record_with_detail(
            &mut tx,
            &AuditEvent {
                actor: &Actor::Account(access.account_id.clone()),
                practice_id: Some(&link.practice_id),
                patient_id: Some(&link.patient_id),
                action: "profile.update",
                client_addr,
            },
            now,
            Some(&format!("fields: {}", changed.join(", "))),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(ProfileUpdated {
        profile: next,
        changed,
    })
}

/// `GET /api/overview`: every patient the account acts for at every practice, with unread
/// counts; the next appointment only for patients verified in this session or device. Not
/// audited per patient, like the patient list; an `overview.view` row is written for each
/// verified patient whose next appointment is shown.
pub async fn overview(
    state: &AppState,
    signed_in: &SignedIn,
    client_addr: Option<&str>,
) -> AppResult<Vec<OverviewEntry>> {
    let now = state.clock.now_ms();
    let links = state.store.all_links(&signed_in.account_id).await?;
    let mut unread_by_patient = std::collections::HashMap::new();
    let mut slugs: Vec<&str> = links.iter().map(|l| l.practice_slug.as_str()).collect();
    slugs.sort_unstable();
    slugs.dedup();
    for slug in slugs {
        for (patient, count) in state
            .store
            .unread_counts(&signed_in.account_id, slug)
            .await?
        {
            unread_by_patient.insert(patient, count);
        }
    }
    let mut out = Vec::with_capacity(links.len());
    for link in links {
        let locked = link.locked_for(now).is_some();
        let verified = !locked
            && link.status == LinkStatus::Active
            && verified_in_session(state, signed_in, &link.link_id, now).await?;
        let unread = unread_by_patient
            .get(&link.patient_id)
            .copied()
            .unwrap_or(0);
        let next_appointment = if verified {
            let rows = state.store.appointments(&link.patient_id).await?;
            let next = order_appointments(&rows, now, &link.practice_time_zone)
                .into_iter()
                .find(|a| a.upcoming && a.status != AppointmentStatus::Cancelled);
            if next.is_some() {
                audit_read(
                    state,
                    &signed_in.account_id,
                    &link,
                    "overview.view",
                    client_addr,
                )
                .await?;
            }
            next
        } else {
            None
        };
        out.push(OverviewEntry {
            patient_id: link.patient_id.clone(),
            first_name: link.first_name.clone(),
            last_name: link.last_name.clone(),
            practice_slug: link.practice_slug.clone(),
            practice_name: link.practice_name.clone(),
            practice_time_zone: link.practice_time_zone.clone(),
            relationship: link.relationship,
            verified,
            locked,
            unread_count: unread.max(0) as u64,
            next_appointment,
        });
    }
    Ok(out)
}
