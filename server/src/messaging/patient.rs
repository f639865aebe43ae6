//! The patient side of a conversation (SPEC 3.4): the thread, sending, and the read cursor of
//! each account.

use std::collections::HashMap;
use wire::attachments::{Attachment, SendWithAttachments, MAX_FILES_PER_MESSAGE};
use wire::messages::{ConversationStatus, MarkReadRequest, Message, SenderKind, Thread};
use wire::ErrorCode;

use crate::error::{AppError, AppResult};
use crate::patients::{audit_read, PatientAccess};
use crate::state::AppState;
use crate::store::audit::{self, Actor, AuditEvent};
use crate::store::conversations::{self, MessageRow, NewMessage, ThreadMessageRow};
use crate::store::rfc3339;
use crate::store::{attachments as stored_attachments, Store};

/// The newest messages a thread answer holds.
pub const THREAD_PAGE: i64 = 200;

/// "Dr. Ann Lee · Lakeside Family Medicine", or the practice's name.
pub fn practice_author(staff: Option<&str>, practice_name: &str) -> String {
    match staff {
        Some(staff) => format!("{staff} · {practice_name}"),
        None => practice_name.to_owned(),
    }
}

fn full_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    let name = [first, last]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!name.is_empty()).then_some(name)
}

fn to_message(row: &ThreadMessageRow, access: &PatientAccess) -> Message {
    let link = &access.link;
    let mine = row.sender_kind == SenderKind::Patient
        && row.sender_account_id.as_deref() == Some(access.account_id.as_str());
    let author = match row.sender_kind {
        SenderKind::Practice => Some(practice_author(
            row.author_name.as_deref(),
            &link.practice_name,
        )),
        SenderKind::Patient if mine => None,
        SenderKind::Patient => Some(match row.relationship.as_deref() {
            // The patient's own account: the patient's name.
            Some("self") => format!("{} {}", link.first_name, link.last_name),
            relationship => full_name(
                row.account_first_name.as_deref(),
                row.account_last_name.as_deref(),
            )
            .unwrap_or_else(|| {
                relationship
                    .unwrap_or("someone no longer linked")
                    .to_owned()
            }),
        }),
        SenderKind::System => row.author_name.clone(),
    };
    Message {
        id: row.id.clone(),
        seq: row.seq.max(0) as u64,
        sender: row.sender_kind,
        mine,
        author,
        body: row.body.clone(),
        event: row.event.clone(),
        sent_at: rfc3339(row.created_at),
        read_at: (row.sender_kind == SenderKind::Patient)
            .then_some(row.read_at)
            .flatten()
            .map(rfc3339),
        client_key: if mine { row.client_key.clone() } else { None },
        attachments: Vec::new(),
    }
}

/// `GET /api/patients/{id}/messages`. `None`: `after_version` is the current version (204).
pub async fn thread(
    state: &AppState,
    access: &PatientAccess,
    after_version: Option<u64>,
    before: Option<u64>,
    client_addr: Option<&str>,
) -> AppResult<Option<Thread>> {
    let link = &access.link;
    let conversation = state
        .store
        .conversation_of_patient(&link.practice_id, &link.patient_id)
        .await?;
    let version = conversation.as_ref().map_or(0, |c| c.version.max(0) as u64);
    if after_version == Some(version) {
        return Ok(None);
    }
    let thread = match &conversation {
        None => Thread {
            version: 0,
            status: ConversationStatus::Unassigned,
            messages: Vec::new(),
            has_earlier: false,
            read_seq: 0,
            unread_count: 0,
        },
        Some(c) => {
            let before = before.map(|b| i64::try_from(b).unwrap_or(i64::MAX));
            let mut rows = state
                .store
                .patient_messages(&c.id, before, THREAD_PAGE + 1)
                .await?;
            let has_earlier = rows.len() as i64 > THREAD_PAGE;
            rows.truncate(THREAD_PAGE as usize);
            rows.reverse();
            let read_seq = state.store.read_seq(&c.id, &access.account_id).await?;
            let unread = state.store.unread_for_patient_side(&c.id, read_seq).await?;
            Thread {
                version,
                status: c.status,
                messages: with_attachments(
                    &state.store,
                    rows.iter().map(|r| to_message(r, access)).collect(),
                )
                .await?,
                has_earlier,
                read_seq: read_seq.max(0) as u64,
                unread_count: unread.max(0) as u64,
            }
        }
    };
    audit_read(
        state,
        &access.account_id,
        link,
        "messages.view",
        client_addr,
    )
    .await?;
    Ok(Some(thread))
}

/// `POST /api/patients/{id}/messages`: `(message, created)`; the same `client_key` again from the
/// same account answers the first message and stores nothing.
pub async fn send(
    state: &AppState,
    access: &PatientAccess,
    request: &SendWithAttachments,
    client_addr: Option<&str>,
) -> AppResult<(Message, bool)> {
    let mut attachment_ids: Vec<String> = Vec::new();
    for id in &request.attachment_ids {
        if !attachment_ids.contains(id) {
            attachment_ids.push(id.clone());
        }
    }
    if attachment_ids.len() > MAX_FILES_PER_MESSAGE {
        return Err(AppError::invalid(
            ErrorCode::TooManyFiles,
            "attachment_ids",
            format!("A message can have at most {MAX_FILES_PER_MESSAGE} files."),
        ));
    }
    let request_files = attachment_ids;
    let request = &request.message;
    let body = wire::text::message_body(&request.body, request_files.len())
        .map_err(|e| AppError::invalid(e.code(), "body", e.to_string()))?;
    if !wire::messages::valid_client_key(&request.client_key) {
        return Err(AppError::invalid(
            ErrorCode::ClientKeyInvalid,
            "client_key",
            "client_key must be 8 to 64 letters, digits or dashes",
        ));
    }
    let link = &access.link;
    let already = || {
        state.store.message_by_client_key(
            &link.practice_id,
            &link.patient_id,
            &access.account_id,
            &request.client_key,
        )
    };
    // A retry of a message that was stored: answered without writing anything.
    if let Some(row) = already().await? {
        return Ok((own(state, row).await?, false));
    }
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    let conversation =
        conversations::conversation_for(&mut tx, &link.practice_id, &link.patient_id, now).await?;
    let stored = conversations::insert_message(
        &mut tx,
        &NewMessage {
            conversation_id: &conversation,
            sender_kind: SenderKind::Patient,
            sender_account_id: Some(&access.account_id),
            visible_to_patient: true,
            body: &body,
            client_key: Some(&request.client_key),
            author_name: None,
            event: None,
        },
        now,
    )
    .await;
    let row = match stored {
        Ok(row) => row,
        // The same key sent at the same moment: the other request stored it.
        Err(e) if e.is_unique_violation() => {
            drop(tx);
            let row = already().await?.ok_or(AppError::Store(e))?;
            return Ok((own(state, row).await?, false));
        }
        Err(e) => return Err(e.into()),
    };
    let taken = stored_attachments::attach(
        &mut tx,
        &row.id,
        &access.account_id,
        &link.patient_id,
        &request_files,
        now,
    )
    .await?;
    if taken != request_files.len() {
        tx.rollback().await?;
        return Err(AppError::invalid(
            ErrorCode::AttachmentNotFound,
            "attachment_ids",
            "A file is no longer waiting to be sent. Upload it again.",
        ));
    }
    audit::record_at(
        &mut tx,
        &AuditEvent {
            actor: &Actor::Account(access.account_id.clone()),
            practice_id: Some(&link.practice_id),
            patient_id: Some(&link.patient_id),
            action: "message.send",
            client_addr,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    let message = if request_files.is_empty() {
        own_message(&row)
    } else {
        own(state, row).await?
    };
    Ok((message, true))
}

/// A message this account sent, with its files.
async fn own(state: &AppState, row: MessageRow) -> AppResult<Message> {
    let mut message = with_attachments(&state.store, vec![own_message(&row)]).await?;
    Ok(message.remove(0))
}

fn own_message(row: &MessageRow) -> Message {
    Message {
        id: row.id.clone(),
        seq: row.seq.max(0) as u64,
        sender: SenderKind::Patient,
        mine: true,
        author: None,
        body: row.body.clone(),
        event: None,
        sent_at: rfc3339(row.created_at),
        read_at: row.read_at.map(rfc3339),
        client_key: row.client_key.clone(),
        attachments: Vec::new(),
    }
}

/// The messages with their attachments filled in.
pub async fn with_attachments(
    store: &Store,
    mut messages: Vec<Message>,
) -> AppResult<Vec<Message>> {
    let ids: Vec<&str> = messages.iter().map(|m| m.id.as_str()).collect();
    let mut by_message: HashMap<String, Vec<Attachment>> = HashMap::new();
    for row in store.attachments_of(&ids).await? {
        if let Some(message_id) = &row.message_id {
            by_message
                .entry(message_id.clone())
                .or_default()
                .push(crate::uploads::patient::attachment(&row));
        }
    }
    for m in &mut messages {
        m.attachments = by_message.remove(&m.id).unwrap_or_default();
    }
    Ok(messages)
}

/// `POST /api/patients/{id}/messages/read`.
pub async fn mark_read(
    state: &AppState,
    access: &PatientAccess,
    request: &MarkReadRequest,
) -> AppResult<()> {
    let link = &access.link;
    let Some(conversation) = state
        .store
        .conversation_of_patient(&link.practice_id, &link.patient_id)
        .await?
    else {
        return Ok(());
    };
    let up_to = i64::try_from(request.up_to_seq).unwrap_or(i64::MAX);
    if up_to <= 0 {
        return Ok(());
    }
    let now = state.clock.now_ms();
    let mut tx = state.store.begin().await?;
    conversations::mark_read_by_account(&mut tx, &conversation.id, &access.account_id, up_to, now)
        .await?;
    tx.commit().await?;
    Ok(())
}
