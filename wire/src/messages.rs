//! Conversations and messages (SPEC 3.4), seen from the patient side and from the practice.
//!
//! Each conversation has a `version` that grows with every change (a new message, a read, a
//! status change). The portal polls `GET /api/patients/{id}/messages?after_version=N`: `204` when
//! nothing changed, else the whole recent thread. Polling works through any proxy and across any
//! number of server instances, because the version lives in the database.

use serde::{Deserialize, Serialize};

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SenderKind {
    /// Someone acting for the patient (the patient, a guardian, a linked caregiver).
    Patient,
    Practice,
    System,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    Unassigned,
    Assigned,
    Closed,
}

crate::stored::stored_names!(SenderKind, "message sender", {
    Patient => "patient",
    Practice => "practice",
    System => "system",
});

crate::stored::stored_names!(ConversationStatus, "conversation status", {
    Unassigned => "unassigned",
    Assigned => "assigned",
    Closed => "closed",
});

/// A message as the patient side sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: String,
    /// Position in the conversation: 1, 2, 3… in the order the messages were stored.
    pub seq: u64,
    pub sender: SenderKind,
    /// Written by this account.
    pub mine: bool,
    /// Who wrote it: for the practice, the practice's name (and the staff member's, when given:
    /// "Dr. Ann Lee · Lakeside Family Medicine"); for another account acting for the patient,
    /// its name; `None` for this account's own messages and for system messages.
    pub author: Option<String>,
    /// Plain text; never interpreted as HTML. For system messages, English for the practice;
    /// the portal says known `event`s in the person's language instead.
    pub body: String,
    /// System messages: what happened, as a stable code. `dependent_added`: `author` (a
    /// guardian's name) created this conversation for the patient.
    pub event: Option<String>,
    /// RFC 3339.
    pub sent_at: String,
    /// Patient-side messages: when the practice first read it (RFC 3339). `None` otherwise.
    pub read_at: Option<String>,
    /// This account's own messages: the key the portal sent it with, so an optimistic message
    /// can be matched with the stored one.
    pub client_key: Option<String>,
    /// Files sent with the message (download each through
    /// `GET /api/patients/{id}/attachments/{attachment_id}`).
    #[serde(default)]
    pub attachments: Vec<crate::attachments::Attachment>,
}

/// `GET /api/patients/{id}/messages`: the newest messages of the patient's conversation with
/// the practice, oldest first (newest at the bottom).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Thread {
    /// Grows with every change; poll with `?after_version=` this value.
    pub version: u64,
    pub status: ConversationStatus,
    /// At most 200, oldest first. Staff-only notes are never included.
    pub messages: Vec<Message>,
    /// Older messages exist: ask with `?before=` the first message's `seq`.
    pub has_earlier: bool,
    /// The highest `seq` this account has read.
    pub read_seq: u64,
    /// Practice and system messages after `read_seq`.
    pub unread_count: u64,
}

/// `POST /api/patients/{id}/messages`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendMessageRequest {
    /// 1–5,000 characters once trimmed (`crate::text::message_text`).
    pub body: String,
    /// Chosen by the portal for each message (8–64 letters, digits or dashes). Sending again
    /// with the same key (a double click, a retry after a lost answer) stores nothing new and
    /// answers with the message stored the first time.
    pub client_key: String,
}

/// `POST /api/patients/{id}/messages/read`: everything up to `up_to_seq` has been seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkReadRequest {
    pub up_to_seq: u64,
}

/// Checks a `client_key`: 8–64 ASCII letters, digits or dashes.
pub fn valid_client_key(key: &str) -> bool {
    (8..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

// ---- The practice side (SPEC 4) ----

/// One conversation in a practice's inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationSummary {
    pub id: String,
    pub patient_id: String,
    pub patient_name: String,
    pub status: ConversationStatus,
    /// Whom staff assigned it to (free text: a name, a team).
    pub assigned_to: Option<String>,
    /// Patient-side messages the practice has not read yet.
    pub unread_count: u64,
    /// RFC 3339 time of the newest message, if any.
    pub last_message_at: Option<String>,
    /// The patient was flagged as a possible duplicate when a guardian added it (SPEC 3.5.3).
    pub possible_duplicate: bool,
    pub version: u64,
}

/// A message as the practice sees it, staff-only notes included.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PracticeMessage {
    pub id: String,
    pub seq: u64,
    pub sender: SenderKind,
    /// Patient side: the account's name (or its masked phone when it gave none) and
    /// relationship, e.g. "James Carter (guardian)"; practice: the staff name given, if any.
    pub author: Option<String>,
    /// The author's account id, for patient-side messages.
    pub account_id: Option<String>,
    /// False for staff-only notes (a date-of-birth lockout).
    pub visible_to_patient: bool,
    pub body: String,
    /// RFC 3339.
    pub sent_at: String,
    /// Patient-side messages: when the practice first read it. Practice messages: when someone
    /// on the patient side first read it.
    pub read_at: Option<String>,
    /// Files sent with the message (download each through
    /// `GET /api/practice/practices/{slug}/attachments/{attachment_id}`).
    #[serde(default)]
    pub attachments: Vec<crate::attachments::Attachment>,
}

/// `GET /api/practice/practices/{slug}/conversations/{conversation_id}`: reading it marks the
/// patient side's messages read by the practice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PracticeThread {
    pub conversation: ConversationSummary,
    /// Oldest first.
    pub messages: Vec<PracticeMessage>,
}

/// `POST /api/practice/practices/{slug}/conversations/{conversation_id}/messages`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    /// 1–5,000 characters once trimmed.
    pub body: String,
    /// The staff member's name as the patient should see it ("Dr. Ann Lee"); optional.
    #[serde(default)]
    pub author: Option<String>,
}

/// `POST /api/practice/practices/{slug}/conversations/{conversation_id}/assign`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// A person or team, 1–100 characters.
    pub assignee: String,
}

/// A patient added by a guardian whose name and date of birth match another patient of the
/// practice (SPEC 3.5.3). The guardian is never told.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PossibleDuplicate {
    /// The patient the guardian added.
    pub patient_id: String,
    /// The existing patient(s) with the same name and date of birth.
    pub matches: Vec<String>,
    pub patient_name: String,
    /// `YYYY-MM-DD`.
    pub dob: String,
    /// RFC 3339.
    pub flagged_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_keys() {
        assert!(valid_client_key("0f8c2a1e-7b3d-4c55-9e1a-2b3c4d5e6f70"));
        assert!(valid_client_key("abcdefgh"));
        assert!(!valid_client_key("short"));
        assert!(!valid_client_key(&"a".repeat(65)));
        assert!(!valid_client_key("has space1"));
        assert!(!valid_client_key("<script>x"));
    }

    #[test]
    fn sexes_use_plain_codes() {
        use crate::dependents::Sex;
        assert_eq!(serde_json::to_string(&Sex::Unknown).unwrap(), "\"unknown\"");
        assert_eq!(Sex::from_code("female"), Some(Sex::Female));
        assert_eq!(Sex::from_code("f"), None);
        assert_eq!(
            serde_json::to_string(&ConversationStatus::Unassigned).unwrap(),
            "\"unassigned\""
        );
    }
}
