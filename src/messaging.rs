//! The conversation with the practice (SPEC 3.4), as the messages page keeps it: the server's
//! messages and this tab's unsent ones, polling for news, optimistic sends and their retries
//! under one `client_key`, read marks, and the draft kept in `sessionStorage` per patient (a
//! reload keeps it, sign-out forgets it). The page (`pages/patient/messages.rs`) draws it.

use crate::{
    api::{self, ApiClientError},
    components::load::refused,
    current_patient::{storage, Current},
    i18n::{Locale, Strings},
    session::Session,
};
use leptos::{prelude::*, task::spawn_local};
use std::time::Duration;
use wasm_bindgen::JsCast;
use wire::{
    attachments::{Attachment, SendWithAttachments},
    messages::{Message, SendMessageRequest, SenderKind, Thread},
};

/// How often the page asks for news while it is shown.
pub const POLL: Duration = Duration::from_secs(5);

/// One of this tab's messages that the server has not confirmed: `sending` while its request
/// runs, else it failed ("Not sent").
#[derive(Clone)]
pub struct Unsent {
    pub key: String,
    pub body: String,
    pub sending: bool,
    /// Its uploads (a reload forgets them: files cannot be kept).
    pub files: Vec<Attachment>,
}

/// The page's state. `Copy`: every field is a signal or a stored value.
#[derive(Clone, Copy)]
pub struct Talk {
    pub id: StoredValue<String>,
    pub session: Session,
    pub current: Current,
    pub locale: Locale,
    /// The server's messages, by `seq`.
    pub messages: RwSignal<Vec<Message>>,
    pub unsent: RwSignal<Vec<Unsent>>,
    /// The thread's `version` and `read_seq`, the highest `seq` posted as read, and whether a
    /// poll is under way.
    pub seen: StoredValue<(u64, u64, u64, bool)>,
    /// The polite live region's words.
    pub announce: RwSignal<String>,
    /// Where a refusal sends the person (the date check, the lock page).
    pub go: RwSignal<Option<String>>,
    /// The first answer: `None` while loading.
    pub loaded: RwSignal<Option<Result<(), ApiClientError>>>,
}

impl Talk {
    /// The page was left (an answer that comes later has nothing to update).
    pub fn gone(self) -> bool {
        self.id.try_with_value(|_| ()).is_none()
    }

    /// Says `text` in the polite live region; the same words again still change it, so they
    /// are read again.
    pub fn say(self, text: String) {
        self.announce
            .update(|said| *said = if *said == text { text + "\u{a0}" } else { text });
    }

    pub fn refuse(self, error: &ApiClientError) {
        if let Some(target) = refused(error, &self.id.get_value(), self.session, self.current) {
            let _ = self.go.try_set(Some(target));
        }
    }

    /// Adds or updates messages, kept in `seq` order; drops the unsent ones now stored.
    /// Whether one is new.
    pub fn insert(self, new: Vec<Message>) -> bool {
        let mut added = false;
        let _ = self.messages.try_update(|list| {
            for m in new {
                match list.binary_search_by_key(&m.seq, |x| x.seq) {
                    Ok(i) => list[i] = m,
                    Err(i) => {
                        added = true;
                        list.insert(i, m)
                    }
                }
            }
            let _ = self.unsent.try_update(|unsent| {
                unsent.retain(|u| !list.iter().any(|m| m.client_key.as_ref() == Some(&u.key)))
            });
        });
        added
    }

    /// A thread from the server; `news`: announce what others wrote since.
    pub fn apply(self, thread: Thread, news: bool) {
        let last = self.newest(|_| true);
        let from = thread
            .messages
            .iter()
            .rfind(|m| m.seq > last && !m.mine)
            .map(|m| (m.sender, m.author.clone()));
        self.seen.update_value(|s| {
            s.0 = thread.version;
            s.1 = thread.read_seq;
        });
        if self.insert(thread.messages) {
            to_bottom();
        }
        if let (true, Some((sender, author))) = (news, from) {
            let t = self.locale.t();
            let name = who(t, sender, false, author, &self.practice());
            self.say(t.new_message_from.replace("{name}", &name));
        }
        self.loaded.set(Some(Ok(())));
        self.mark();
    }

    pub fn newest(self, which: fn(&Message) -> bool) -> u64 {
        self.messages
            .try_with_untracked(|list| list.iter().rfind(|m| which(m)).map_or(0, |m| m.seq))
            .unwrap_or(0)
    }

    pub fn practice(self) -> String {
        self.current
            .practice(self.session)
            .map(|p| p.name)
            .unwrap_or_default()
    }

    /// Tells the server the person has seen what others wrote, once per new message, and only
    /// while the page can be seen.
    pub fn mark(self) {
        let (_, read, marked, _) = self.seen.get_value();
        if document().hidden() || self.newest(|m| !m.mine) <= read.max(marked) {
            return;
        }
        let newest = self.newest(|_| true);
        self.seen.update_value(|s| s.2 = newest);
        let id = self.id.get_value();
        let current = self.current;
        spawn_local(async move {
            if api::mark_read(&id, newest).await.is_ok() && !self.gone() {
                current.update(|p| p.unread_count = 0);
            }
        });
    }

    /// Asks for news, unless hidden or already asking.
    pub fn poll(self) {
        let (version, _, _, polling) = self.seen.get_value();
        if polling || document().hidden() {
            return;
        }
        self.seen.update_value(|s| s.3 = true);
        let query = format!("?after_version={version}");
        let id = self.id.get_value();
        spawn_local(async move {
            let answer = api::thread(&id, &query).await;
            // The page may be gone.
            if self.seen.try_update_value(|s| s.3 = false).is_none() {
                return;
            }
            match answer {
                Ok(Some(thread)) => self.apply(thread, true),
                Ok(None) => {}
                Err(error) => self.refuse(&error),
            }
        });
    }

    /// Sends (or sends again) the message with this key and these uploads.
    pub fn send(
        self,
        key: String,
        body: String,
        files: Vec<Attachment>,
        busy: Option<RwSignal<bool>>,
    ) {
        let attachment_ids = files.iter().map(|a| a.id.clone()).collect();
        self.unsent
            .update(|unsent| match unsent.iter_mut().find(|u| u.key == key) {
                Some(u) => u.sending = true,
                None => unsent.push(Unsent {
                    key: key.clone(),
                    body: body.clone(),
                    sending: true,
                    files,
                }),
            });
        to_bottom();
        let id = self.id.get_value();
        spawn_local(async move {
            let request = SendWithAttachments {
                message: SendMessageRequest {
                    body,
                    client_key: key.clone(),
                },
                attachment_ids,
            };
            let answer = api::send_message(&id, &request).await;
            if self.gone() {
                return;
            }
            if let Some(busy) = busy {
                busy.set(false);
            }
            match answer {
                Ok(message) => {
                    self.insert(vec![message]);
                }
                Err(error) => {
                    self.unsent.update(|unsent| {
                        unsent
                            .iter_mut()
                            .filter(|u| u.key == key)
                            .for_each(|u| u.sending = false)
                    });
                    self.say(self.locale.t().msg_not_sent.to_owned());
                    self.refuse(&error);
                }
            }
        });
    }
}

/// A fresh `client_key`: 128 random bits from `crypto.getRandomValues`, in hex.
pub fn new_key() -> String {
    let bytes = js_sys::Uint8Array::new_with_length(16);
    let crypto = js_sys::Reflect::get(&window(), &"crypto".into()).unwrap_or_default();
    if let Some(fill) = js_sys::Reflect::get(&crypto, &"getRandomValues".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    {
        let _ = fill.call1(&crypto, &bytes);
    }
    bytes.to_vec().iter().map(|b| format!("{b:02x}")).collect()
}

/// Scrolls to the newest message and the message box, once drawn.
fn to_bottom() {
    request_animation_frame(|| window().scroll_to_with_x_and_y(0.0, 1e7));
}

/// Who wrote a message, as its label says.
pub fn who(
    t: &'static Strings,
    sender: SenderKind,
    mine: bool,
    author: Option<String>,
    practice: &str,
) -> String {
    match sender {
        SenderKind::System => t.msg_system.to_owned(),
        _ if mine => t.rel_self.to_owned(),
        SenderKind::Practice => author.unwrap_or_else(|| practice.to_owned()),
        SenderKind::Patient => author.unwrap_or_else(|| t.who_guardian.to_owned()),
    }
}

impl Talk {
    /// The state of patient `id`'s conversation, with the messages this tab did not send.
    pub fn new(
        id: String,
        session: Session,
        current: Current,
        locale: Locale,
        unsent: Vec<Unsent>,
    ) -> Self {
        Talk {
            id: StoredValue::new(id),
            session,
            current,
            locale,
            messages: RwSignal::new(Vec::new()),
            unsent: RwSignal::new(unsent),
            seen: StoredValue::new((0, 0, 0, false)),
            announce: RwSignal::new(String::new()),
            go: RwSignal::new(None),
            loaded: RwSignal::new(None),
        }
    }
}

/// Where this tab keeps patient `id`'s draft and unsent messages.
fn stored_as(id: &str) -> String {
    format!("portal.msg.{id}")
}

/// What this tab kept: the draft, and messages not confirmed (shown as not sent: their
/// request was lost with the page). Kept as a JSON array of strings, the draft then each key
/// and text, written and read by the browser's `JSON` (no serde code for it in the
/// WebAssembly).
pub fn kept(id: &str) -> (String, Vec<Unsent>) {
    let kept = storage()
        .and_then(|s| s.get_item(&stored_as(id)).ok().flatten())
        .and_then(|json| js_sys::JSON::parse(&json).ok())
        .filter(|kept| kept.is_array())
        .map(|kept| js_sys::Array::from(&kept));
    let mut kept = kept
        .iter()
        .flat_map(|a| a.iter())
        .map(|v| v.as_string().unwrap_or_default());
    let draft = kept.next().unwrap_or_default();
    let mut unsent = Vec::new();
    while let (Some(key), Some(body)) = (kept.next(), kept.next()) {
        unsent.push(Unsent {
            key,
            body,
            sending: false,
            files: Vec::new(),
        });
    }
    (draft, unsent)
}

/// Keeps the draft and the unsent messages, for [`kept`].
pub fn keep(id: &str, draft: String, unsent: &[Unsent]) {
    let kept = js_sys::Array::of1(&draft.into());
    for u in unsent {
        kept.push(&u.key.as_str().into());
        kept.push(&u.body.as_str().into());
    }
    let json = js_sys::JSON::stringify(&kept).map(String::from);
    if let (Some(s), Ok(json)) = (storage(), json) {
        let _ = s.set_item(&stored_as(id), &json);
    }
}
