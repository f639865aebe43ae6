//! `POST /api/practices/{slug}/dependents` (SPEC 3.5): a guardian adds a dependent at a practice
//! where it already acts as an active guardian.

use axum::http::StatusCode;
use wire::api::{LinkStatus, Relationship};
use wire::dependents::AddDependentRequest;
use wire::messages::SenderKind;
use wire::patients::PatientSummary;
use wire::ErrorCode;

use crate::error::{AppError, AppResult};
use crate::patients::verify::{today_at, typed, verification_lifetime};
use crate::sign_in::SignedIn;
use crate::state::AppState;
use crate::store::audit::{self, Actor, AuditEvent};
use crate::store::contacts;
use crate::store::conversations::{self, NewMessage};
use crate::store::patients::{self as store_patients, NewDependent};
use crate::validate;

/// The system event of the conversation a guardian starts by adding a dependent.
pub const DEPENDENT_ADDED: &str = "dependent_added";

fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Adds the dependent: `(summary, created)`. The same account sending the same name and date of
/// birth again gets the patient it already added (`created` false), never a twin.
pub async fn add(
    state: &AppState,
    signed_in: &SignedIn,
    slug: &str,
    request: &AddDependentRequest,
    client_addr: Option<&str>,
) -> AppResult<(PatientSummary, bool)> {
    let now = state.clock.now_ms();
    let links = state
        .store
        .links_at_practice(&signed_in.account_id, slug)
        .await?;
    let Some(any_link) = links.first() else {
        return Err(AppError::NotFound);
    };
    if !links.iter().any(|l| {
        l.relationship == Relationship::Guardian
            && l.status == LinkStatus::Active
            && l.locked_for(now).is_none()
    }) {
        return Err(AppError::refused(
            StatusCode::FORBIDDEN,
            ErrorCode::GuardianLinkRequired,
            "Only a guardian already active at this practice can add a dependent here. Call the practice to add one.",
        ));
    }
    let practice = state
        .store
        .practice_by_id(&any_link.practice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let first_name = validate::name(&request.first_name, "first_name")?;
    let last_name = validate::name(&request.last_name, "last_name")?;
    let dob = typed(&request.dob, today_at(&practice.time_zone, now), "dob")?.iso();
    if practice.asks_dependent_sex != 0 && request.sex.is_none() {
        return Err(AppError::invalid(
            ErrorCode::SexRequired,
            "sex",
            format!("{} asks for the dependent's sex.", practice.name),
        ));
    }
    let (expires_at, device_id) =
        verification_lifetime(state, signed_in, Relationship::Guardian, now).await?;
    let summary = |id: String| PatientSummary {
        id,
        first_name: first_name.clone(),
        last_name: last_name.clone(),
        relationship: Relationship::Guardian,
        status: LinkStatus::Active,
        verified: true,
        birth_month_year: None,
        locked_seconds_left: None,
        unread_count: 0,
    };

    let mut tx = state.store.begin().await?;
    // First statement: one add at a time per account, so a double-submitted form sees the first.
    let (guardian_first, guardian_last) =
        store_patients::lock_account(&mut tx, &signed_in.account_id).await?;
    let born_then = store_patients::patients_born_on(&mut tx, &practice.id, &dob).await?;
    let namesakes: Vec<&String> = born_then
        .iter()
        .filter(|(_, f, l)| same_name(f, &first_name) && same_name(l, &last_name))
        .map(|(id, _, _)| id)
        .collect();
    let guarded = store_patients::guarded_by(&mut tx, &signed_in.account_id).await?;
    if let Some(existing) = namesakes.iter().find(|id| guarded.contains(id)) {
        tx.rollback().await?;
        return Ok((summary((*existing).clone()), false));
    }

    let patient_id = store_patients::insert_dependent(
        &mut tx,
        &NewDependent {
            practice_id: &practice.id,
            first_name: &first_name,
            last_name: &last_name,
            dob: &dob,
            sex: request.sex.map(|s| s.code()),
            created_by_account_id: &signed_in.account_id,
        },
        now,
    )
    .await?;
    let link = contacts::insert_link(
        &mut tx,
        &signed_in.account_id,
        &patient_id,
        Relationship::Guardian,
        LinkStatus::Active,
        now,
    )
    .await?;
    contacts::set_verified_at(&mut tx, &link.id, now).await?;
    contacts::insert_verification(
        &mut tx,
        &link.id,
        &signed_in.session_id,
        device_id.as_deref(),
        now,
        expires_at,
    )
    .await?;
    for existing in &namesakes {
        store_patients::flag_possible_duplicate(&mut tx, &practice.id, &patient_id, existing, now)
            .await?;
    }
    let guardian_name = [guardian_first, guardian_last]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let guardian_name = if guardian_name.is_empty() {
        "A guardian".to_owned()
    } else {
        guardian_name
    };
    let conversation =
        conversations::conversation_for(&mut tx, &practice.id, &patient_id, now).await?;
    let body = format!("{guardian_name} created this conversation for {first_name} {last_name}");
    let seq = conversations::insert_message(
        &mut tx,
        &NewMessage {
            conversation_id: &conversation,
            sender_kind: SenderKind::System,
            sender_account_id: None,
            visible_to_patient: true,
            body: &body,
            client_key: None,
            author_name: Some(&guardian_name),
            event: Some(DEPENDENT_ADDED),
        },
        now,
    )
    .await?
    .seq;
    // The guardian wrote it: it is not unread for them.
    conversations::set_read_cursor(&mut tx, &conversation, &signed_in.account_id, seq, now).await?;
    audit::record_at(
        &mut tx,
        &AuditEvent {
            actor: &Actor::Account(signed_in.account_id.clone()),
            practice_id: Some(&practice.id),
            patient_id: Some(&patient_id),
            action: "dependent.add",
            client_addr,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((summary(patient_id), true))
}
