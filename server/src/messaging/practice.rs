//! The practice's side of conversations (SPEC 3.4, 3.5.3, 4): the inbox, a thread with staff-only
//! notes, replies, assignment, closing, starting a conversation, and possible duplicates. The
//! practice API and the command line both call these.

use crate::error::{AppError, AppResult};
use crate::practice::Caller;
use crate::store::conversations::{self, InboxRow, NewMessage, ThreadMessageRow};
use crate::store::practices::PracticeRow;
use crate::store::{rfc3339, Store};
use crate::validate;
use wire::messages::{
    AssignRequest, ConversationStatus, ConversationSummary, PossibleDuplicate, PracticeMessage,
    PracticeThread, ReplyRequest, SenderKind,
};

/// Conversations per page of the inbox.
pub const PAGE: i64 = 500;

pub fn summary(row: InboxRow) -> ConversationSummary {
    ConversationSummary {
        patient_name: format!("{} {}", row.first_name, row.last_name),
        id: row.id,
        patient_id: row.patient_id,
        status: row.status,
        assigned_to: row.assigned_to,
        unread_count: row.unread_count.max(0) as u64,
        last_message_at: row.last_message_at.map(rfc3339),
        possible_duplicate: row.possible_duplicate != 0,
        version: row.version.max(0) as u64,
    }
}

pub fn status_code(s: ConversationStatus) -> &'static str {
    match s {
        ConversationStatus::Unassigned => "unassigned",
        ConversationStatus::Assigned => "assigned",
        ConversationStatus::Closed => "closed",
    }
}

fn practice_message(row: ThreadMessageRow) -> PracticeMessage {
    let author = match row.sender_kind.as_str() {
        "patient" => {
            let name = [
                row.account_first_name.as_deref(),
                row.account_last_name.as_deref(),
            ]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ");
            let who = if name.is_empty() {
                row.account_phone
                    .as_deref()
                    .map(crate::sign_in::masked)
                    .unwrap_or_default()
            } else {
                name
            };
            Some(match row.relationship.as_deref() {
                Some(rel) => format!("{who} ({rel})"),
                None => who,
            })
        }
        _ => row.author_name.clone(),
    };
    PracticeMessage {
        id: row.id,
        seq: row.seq.max(0) as u64,
        sender: row.sender_kind,
        author,
        account_id: row.sender_account_id,
        visible_to_patient: row.visible_to_patient != 0,
        body: row.body,
        sent_at: rfc3339(row.created_at),
        read_at: row.read_at.map(rfc3339),
        attachments: Vec::new(),
    }
}

async fn conversation(
    store: &Store,
    practice: &PracticeRow,
    conversation_id: &str,
) -> AppResult<conversations::ConversationRow> {
    store
        .conversation_in_practice(&practice.id, conversation_id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn summary_of(store: &Store, conversation_id: &str) -> AppResult<ConversationSummary> {
    Ok(summary(
        store
            .inbox_row(conversation_id)
            .await?
            .ok_or(AppError::NotFound)?,
    ))
}

/// The inbox: unassigned first, then assigned, then closed; newest activity first within each.
pub async fn list(
    store: &Store,
    caller: &Caller,
    slug: &str,
    status: Option<ConversationStatus>,
    offset: i64,
) -> AppResult<Vec<ConversationSummary>> {
    let practice = caller.practice(store, slug).await?;
    Ok(store
        .inbox(&practice.id, status.map(status_code), PAGE, offset.max(0))
        .await?
        .into_iter()
        .map(summary)
        .collect())
}

/// Every message, staff-only notes included. Reading marks the patient side's messages read by
/// the practice (the first read only).
pub async fn show(
    store: &Store,
    caller: &Caller,
    slug: &str,
    conversation_id: &str,
    now: i64,
) -> AppResult<PracticeThread> {
    let practice = caller.practice(store, slug).await?;
    let c = conversation(store, &practice, conversation_id).await?;
    let mut tx = store.begin().await?;
    conversations::mark_read_by_practice(&mut tx, &c.id, now).await?;
    caller
        .audit(
            &mut tx,
            &practice.id,
            &c.patient_id,
            "practice.conversation.view",
            now,
        )
        .await?;
    tx.commit().await?;
    let mut messages: Vec<PracticeMessage> = store
        .all_messages(&c.id)
        .await?
        .into_iter()
        .map(practice_message)
        .collect();
    let ids: Vec<&str> = messages.iter().map(|m| m.id.as_str()).collect();
    let mut files: std::collections::HashMap<String, Vec<_>> = Default::default();
    for row in store.attachments_of(&ids).await? {
        if let Some(message_id) = &row.message_id {
            files
                .entry(message_id.clone())
                .or_default()
                .push(crate::uploads::patient::attachment(&row));
        }
    }
    for m in &mut messages {
        m.attachments = files.remove(&m.id).unwrap_or_default();
    }
    Ok(PracticeThread {
        conversation: summary_of(store, &c.id).await?,
        messages,
    })
}

/// A reply the patient side sees, signed with the staff member's name when given.
pub async fn reply(
    store: &Store,
    caller: &Caller,
    slug: &str,
    conversation_id: &str,
    request: &ReplyRequest,
    now: i64,
) -> AppResult<PracticeMessage> {
    let practice = caller.practice(store, slug).await?;
    let c = conversation(store, &practice, conversation_id).await?;
    let body = wire::text::message_text(&request.body)
        .map_err(|e| AppError::invalid(e.code(), "body", e.to_string()))?;
    let author = request
        .author
        .as_deref()
        .map(|a| validate::name(a, "author"))
        .transpose()?;
    let mut tx = store.begin().await?;
    let m = conversations::insert_message(
        &mut tx,
        &NewMessage {
            conversation_id: &c.id,
            sender_kind: SenderKind::Practice,
            sender_account_id: None,
            visible_to_patient: true,
            body: &body,
            client_key: None,
            author_name: author.as_deref(),
            event: None,
        },
        now,
    )
    .await?;
    caller
        .audit(
            &mut tx,
            &practice.id,
            &c.patient_id,
            "practice.message.send",
            now,
        )
        .await?;
    tx.commit().await?;
    Ok(PracticeMessage {
        id: m.id,
        seq: m.seq.max(0) as u64,
        sender: wire::messages::SenderKind::Practice,
        author: m.author_name,
        account_id: None,
        visible_to_patient: true,
        body: m.body,
        sent_at: rfc3339(m.created_at),
        read_at: None,
        attachments: Vec::new(),
    })
}

pub async fn assign(
    store: &Store,
    caller: &Caller,
    slug: &str,
    conversation_id: &str,
    request: &AssignRequest,
    now: i64,
) -> AppResult<ConversationSummary> {
    let practice = caller.practice(store, slug).await?;
    let c = conversation(store, &practice, conversation_id).await?;
    let assignee = validate::name(&request.assignee, "assignee")?;
    let mut tx = store.begin().await?;
    conversations::assign(&mut tx, &c.id, &assignee).await?;
    caller
        .audit(
            &mut tx,
            &practice.id,
            &c.patient_id,
            "practice.conversation.assign",
            now,
        )
        .await?;
    tx.commit().await?;
    summary_of(store, &c.id).await
}

pub async fn close(
    store: &Store,
    caller: &Caller,
    slug: &str,
    conversation_id: &str,
    now: i64,
) -> AppResult<ConversationSummary> {
    let practice = caller.practice(store, slug).await?;
    let c = conversation(store, &practice, conversation_id).await?;
    let mut tx = store.begin().await?;
    conversations::close(&mut tx, &c.id).await?;
    caller
        .audit(
            &mut tx,
            &practice.id,
            &c.patient_id,
            "practice.conversation.close",
            now,
        )
        .await?;
    tx.commit().await?;
    summary_of(store, &c.id).await
}

/// The patient's conversation, created (`unassigned`) when missing, so the practice can write
/// first.
pub async fn start(
    store: &Store,
    caller: &Caller,
    slug: &str,
    patient_id: &str,
    now: i64,
) -> AppResult<ConversationSummary> {
    let (practice, _) = caller.patient(store, slug, patient_id).await?;
    let mut tx = store.begin().await?;
    let id = conversations::conversation_for(&mut tx, &practice.id, patient_id, now).await?;
    tx.commit().await?;
    summary_of(store, &id).await
}

/// Patients added by guardians with the same name and date of birth as another, newest first.
pub async fn duplicates(
    store: &Store,
    caller: &Caller,
    slug: &str,
) -> AppResult<Vec<PossibleDuplicate>> {
    let practice = caller.practice(store, slug).await?;
    let mut out: Vec<PossibleDuplicate> = Vec::new();
    for row in store.possible_duplicates(&practice.id).await? {
        match out.iter_mut().find(|d| d.patient_id == row.patient_id) {
            Some(d) => d.matches.push(row.existing_patient_id),
            None => out.push(PossibleDuplicate {
                patient_id: row.patient_id,
                matches: vec![row.existing_patient_id],
                patient_name: format!("{} {}", row.first_name, row.last_name),
                dob: row.dob,
                flagged_at: rfc3339(row.flagged_at),
            }),
        }
    }
    Ok(out)
}
