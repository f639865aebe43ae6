//! `/patients/{id}/messages`: the patient's conversation with the practice (SPEC 3.4).
//!
//! Newest at the bottom; practice, patient-side and system messages told apart by position and a
//! label. Sending is optimistic: the message shows at once ("Sending…"), then "Sent" / "Read", or
//! "Not sent" with "Try again" under the same `client_key`, so a retry never stores it twice. The
//! draft and unsent messages are kept in `sessionStorage` per patient (a reload keeps them,
//! sign-out forgets them). New messages come by polling `?after_version=` every 5 seconds while
//! the page is shown and visible.

use super::patient::{failure, loading, practice_time, refused, replace};
use crate::{
    api::{self, ApiClientError},
    components::{
        file_picker::{attachment_list, send_blocked, waiting_note, FilePicker, Files},
        form::{
            busy_label, focus, report, set_value, value_of, ErrorSummary, FieldError, FieldState,
            Problem,
        },
        PageTitle,
    },
    i18n::{tr, tr_with, use_locale, Locale, Strings},
    patients::{storage, use_current, Current},
    session::{use_session, Session},
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wire::{
    attachments::{Attachment, SendWithAttachments},
    messages::{Message, SendMessageRequest, SenderKind, Thread},
    text::message_text,
    MessageError,
};

/// How often the page asks for news while it is shown.
const POLL: Duration = Duration::from_secs(5);

/// One of this tab's messages that the server has not confirmed: `sending` while its request
/// runs, else it failed ("Not sent").
#[derive(Clone)]
struct Unsent {
    key: String,
    body: String,
    sending: bool,
    /// Its uploads (a reload forgets them: files cannot be kept).
    files: Vec<Attachment>,
}

/// The page's state. `Copy`: every field is a signal or a stored value.
#[derive(Clone, Copy)]
struct Talk {
    id: StoredValue<String>,
    session: Session,
    current: Current,
    locale: Locale,
    /// The server's messages, by `seq`.
    messages: RwSignal<Vec<Message>>,
    unsent: RwSignal<Vec<Unsent>>,
    /// The thread's `version` and `read_seq`, the highest `seq` posted as read, and whether a
    /// poll is under way.
    seen: StoredValue<(u64, u64, u64, bool)>,
    /// The polite live region's words.
    announce: RwSignal<String>,
    /// Where a refusal sends the person (the date check, the lock page).
    go: RwSignal<Option<String>>,
    /// The first answer: `None` while loading.
    loaded: RwSignal<Option<Result<(), ApiClientError>>>,
}

impl Talk {
    /// The page was left (an answer that comes later has nothing to update).
    fn gone(self) -> bool {
        self.id.try_with_value(|_| ()).is_none()
    }

    /// Says `text` in the polite live region; the same words again still change it, so they
    /// are read again.
    fn say(self, text: String) {
        self.announce
            .update(|said| *said = if *said == text { text + "\u{a0}" } else { text });
    }

    fn refuse(self, error: &ApiClientError) {
        if let Some(target) = refused(error, &self.id.get_value(), self.session, self.current) {
            let _ = self.go.try_set(Some(target));
        }
    }

    /// Adds or updates messages, kept in `seq` order; drops the unsent ones now stored.
    /// Whether one is new.
    fn insert(self, new: Vec<Message>) -> bool {
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
    fn apply(self, thread: Thread, news: bool) {
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

    fn newest(self, which: fn(&Message) -> bool) -> u64 {
        self.messages
            .try_with_untracked(|list| list.iter().rfind(|m| which(m)).map_or(0, |m| m.seq))
            .unwrap_or(0)
    }

    fn practice(self) -> String {
        self.current
            .practice(self.session)
            .map(|p| p.name)
            .unwrap_or_default()
    }

    /// Tells the server the person has seen what others wrote, once per new message, and only
    /// while the page can be seen.
    fn mark(self) {
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
    fn poll(self) {
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
    fn send(self, key: String, body: String, files: Vec<Attachment>, busy: Option<RwSignal<bool>>) {
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
pub(super) fn new_key() -> String {
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
fn who(
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

/// The page, under the patient bar.
#[component]
pub fn Conversation(id: String) -> impl IntoView {
    let current = use_current();
    let locale = use_locale();
    let navigate = use_navigate();
    let stored_as = format!("portal.msg.{id}");
    // What this tab kept: the draft, and messages not confirmed (shown as not sent: their
    // request was lost with the page).
    // Kept as a JSON array of strings, the draft then each key and text, written and read by
    // the browser's `JSON` (no serde code for it in the WebAssembly).
    let kept = storage()
        .and_then(|s| s.get_item(&stored_as).ok().flatten())
        .and_then(|json| js_sys::JSON::parse(&json).ok())
        .filter(|kept| kept.is_array())
        .map(|kept| js_sys::Array::from(&kept));
    let mut kept = kept
        .iter()
        .flat_map(|a| a.iter())
        .map(|v| v.as_string().unwrap_or_default());
    let draft = RwSignal::new(kept.next().unwrap_or_default());
    let mut unsent = Vec::new();
    while let (Some(key), Some(body)) = (kept.next(), kept.next()) {
        unsent.push(Unsent {
            key,
            body,
            sending: false,
            files: Vec::new(),
        });
    }
    let talk = Talk {
        id: StoredValue::new(id.clone()),
        session: use_session(),
        current,
        locale,
        messages: RwSignal::new(Vec::new()),
        unsent: RwSignal::new(unsent),
        seen: StoredValue::new((0, 0, 0, false)),
        announce: RwSignal::new(String::new()),
        go: RwSignal::new(None),
        loaded: RwSignal::new(None),
    };
    let loaded = talk.loaded;
    let earlier = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    let files = Files::new(id.clone());
    let practice = talk.practice();
    // Times in the practice's zone (UX.md), whatever this device's clock says.
    let zone = current
        .practice(talk.session)
        .map(|p| p.time_zone)
        .unwrap_or_default();
    let patient = current
        .patient
        .with_untracked(|p| {
            p.as_ref()
                .map(|(_, p)| format!("{} {}", p.first_name, p.last_name))
        })
        .unwrap_or_default();

    Effect::new(move |_| {
        if let Some(target) = talk.go.get() {
            navigate(&target, replace());
        }
    });
    Effect::new(move |_| {
        let kept = js_sys::Array::of1(&draft.get().into());
        talk.unsent.with(|list| {
            for u in list {
                kept.push(&u.key.as_str().into());
                kept.push(&u.body.as_str().into());
            }
        });
        let json = js_sys::JSON::stringify(&kept).map(String::from);
        if let (Some(s), Ok(json)) = (storage(), json) {
            let _ = s.set_item(&stored_as, &json);
        }
    });

    spawn_local(async move {
        let answer = api::thread(&talk.id.get_value(), "").await;
        if talk.gone() {
            return;
        }
        match answer {
            Ok(thread) => {
                if let Some(thread) = thread {
                    earlier.set(thread.has_earlier);
                    talk.apply(thread, false);
                }
                loaded.set(Some(Ok(())));
            }
            Err(error) => {
                talk.refuse(&error);
                loaded.set(Some(Err(error)));
            }
        }
    });
    // Polls while the page is shown; at once when the tab comes back into view.
    let timer = set_interval_with_handle(move || talk.poll(), POLL).ok();
    let listener = window_event_listener_untyped("visibilitychange", move |_| {
        talk.poll();
        talk.mark();
    });
    on_cleanup(move || {
        if let Some(timer) = timer {
            timer.clear();
        }
        listener.remove();
    });

    let show_earlier = move |_| {
        let first = talk
            .messages
            .with_untracked(|m| m.first().map_or(0, |m| m.seq));
        spawn_local(async move {
            let query = format!("?before={first}");
            let answer = api::thread(&talk.id.get_value(), &query).await;
            if let (Ok(Some(thread)), false) = (answer, talk.gone()) {
                earlier.set(thread.has_earlier);
                talk.insert(thread.messages);
            }
        });
    };

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        // Send waits until every chosen file is uploaded (the page says which are not).
        let Some(uploads) = untrack(|| files.attachments()) else {
            return focus("message-files-waiting");
        };
        match message_text(&draft.get_untracked()) {
            // With files the text may be empty.
            Err(MessageError::Empty) if !uploads.is_empty() => {
                problem.set(None);
                busy.set(true);
                files.clear();
                talk.send(new_key(), String::new(), uploads, Some(busy));
            }
            Err(MessageError::Empty) => report(problem, Problem::MessageEmpty),
            Err(MessageError::TooLong { chars }) => report(problem, Problem::MessageTooLong(chars)),
            Ok(body) => {
                problem.set(None);
                draft.set(String::new());
                busy.set(true);
                files.clear();
                talk.send(new_key(), body, uploads, Some(busy));
            }
        }
    };

    // One row type for stored and unsent messages: one copy of the rendering code.
    let thread = {
        let practice = practice.clone();
        let id = id.clone();
        move || {
            let zone = zone.clone();
            let t = locale.t();
            let mut rows: Vec<Row> = talk.messages.with(|list| {
                list.iter()
                    .map(|m| Row {
                        class: match m.sender {
                            SenderKind::System => "msg msg-system",
                            SenderKind::Practice => "msg msg-practice",
                            SenderKind::Patient => "msg msg-mine",
                        },
                        who: who(t, m.sender, m.mine, m.author.clone(), &practice),
                        body: match m.event.as_deref() {
                            Some("dependent_added") => t
                                .msg_dependent_added
                                .replace("{name}", m.author.as_deref().unwrap_or_default())
                                .replace("{patient}", &patient),
                            _ => m.body.clone(),
                        },
                        at: Some(m.sent_at.clone()),
                        state: m.mine.then_some(if m.read_at.is_some() {
                            t.msg_read
                        } else {
                            t.msg_sent
                        }),
                        retry: None,
                        files: m.attachments.clone(),
                        links: true,
                    })
                    .collect()
            });
            talk.unsent.with(|list| {
                rows.extend(list.iter().map(|u| Row {
                    class: "msg msg-mine msg-unsent",
                    who: t.rel_self.into(),
                    body: u.body.clone(),
                    at: None,
                    state: Some(if u.sending { t.sending } else { t.msg_not_sent }),
                    retry: (!u.sending).then(|| (u.key.clone(), u.body.clone())),
                    files: u.files.clone(),
                    links: false,
                }))
            });
            rows.into_iter()
                .map(|row| {
                    let time = row.at.map(|at| {
                        view! { <time datetime=at.clone()>{practice_time(t, &at, &zone)}</time> }
                    });
                    let files = attachment_list(t, &id, &row.files, row.links);
                    let no_text = row.body.is_empty();
                    let retry = row.retry.map(|(key, body)| {
                        let uploads = row.files.clone();
                        let again = move |_| {
                            talk.send(key.clone(), body.clone(), uploads.clone(), None);
                            // The button goes: focus goes back to the message box.
                            focus("message");
                        };
                        view! {
                            <button type="button" class="button-secondary" on:click=again>
                                {t.try_again}
                            </button>
                        }
                    });
                    view! {
                        <li class=row.class>
                            <p class="msg-who">{row.who}</p>
                            <p class="msg-body" hidden=no_text>{row.body}</p>
                            {files}
                            <p class="msg-meta">
                                {time} {row.state.map(|s| view! { <span class="msg-state">{s}</span> })}
                                {retry}
                            </p>
                        </li>
                    }
                })
                .collect_view()
        }
    };
    let empty = move || {
        loaded.with(|l| matches!(l, Some(Ok(()))))
            && talk.messages.with(Vec::is_empty)
            && talk.unsent.with(Vec::is_empty)
    };
    let field = FieldState {
        problem,
        field: "message",
    };

    view! {
        <PageTitle page=|t| t.messages_link />
        <h1 tabindex="-1">
            {tr_with(|t, p| t.messages_heading.replace("{practice}", p), practice)}
        </h1>
        <p class="visually-hidden" role="status">
            {move || talk.announce.get()}
        </p>
        {move || match loaded.get() {
            None => loading(),
            Some(Err(error)) => failure(error),
            Some(Ok(())) => ().into_any(),
        }}
        <p hidden=move || !earlier.get()>
            <button type="button" class="button-secondary" on:click=show_earlier>
                {tr(|t| t.show_earlier)}
            </button>
        </p>
        <ol class="thread">{thread}</ol>
        <p hidden=move || !empty()>{tr(|t| t.messages_empty)}</p>
        // Not for a patient that is not there (404: the not-found page says so).
        <form
            class="composer"
            novalidate
            on:submit=submit
            hidden=move || loaded.with(|l| matches!(l, Some(Err(e)) if e.status() == Some(404)))
        >
            <ErrorSummary problem target="message" />
            <div class=field.class()>
                <label for="message">{tr(|t| t.message_label)}</label>
                <p class="hint" id="message-hint">{tr(|t| t.message_hint)}</p>
                <FieldError problem field="message" />
                <textarea
                    id="message"
                    name="message"
                    rows="5"
                    aria-invalid=field.invalid()
                    aria-describedby=field.described_by()
                    prop:value=value_of(draft)
                    on:input=set_value(draft)
                ></textarea>
            </div>
            <FilePicker files id="message" />
            {waiting_note(files, "message")}
            <button
                type="submit"
                aria-disabled=send_blocked(files, busy)
            >
                {busy_label(busy, |t| t.send_message_button, |t| t.sending)}
            </button>
        </form>
    }
}

/// One message in the thread, stored or not.
struct Row {
    class: &'static str,
    who: String,
    body: String,
    /// When it was stored (RFC 3339).
    at: Option<String>,
    state: Option<&'static str>,
    /// Not sent: its key and text, for "Try again".
    retry: Option<(String, String)>,
    files: Vec<Attachment>,
    /// Its files can be downloaded (it is stored).
    links: bool,
}
