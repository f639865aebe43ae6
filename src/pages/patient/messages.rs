//! `/patients/{id}/messages`: the patient's conversation with the practice (SPEC 3.4).
//!
//! Newest at the bottom; practice, patient-side and system messages told apart by position and a
//! label. Sending is optimistic: the message shows at once ("Sending…"), then "Sent" / "Read", or
//! "Not sent" with "Try again" under the same `client_key`, so a retry never stores it twice. The
//! draft and unsent messages are kept in `sessionStorage` per patient (a reload keeps them,
//! sign-out forgets them). New messages come by polling `?after_version=` every 5 seconds while
//! the page is shown and visible. The conversation's state is `crate::messaging`; this draws it.

use crate::{
    api,
    components::{
        file_picker::{attachment_list, send_blocked, waiting_note, FilePicker, Files},
        form::{
            busy_label, focus, report, set_value, value_of, ErrorSummary, FieldError, FieldState,
            Problem,
        },
        load::{failure, loading, replace},
        PageTitle,
    },
    current_patient::use_current,
    format::practice_time,
    i18n::{tr, tr_with, use_locale},
    messaging::{keep, kept, new_key, who, Talk, POLL},
    session::use_session,
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;
use wire::{attachments::Attachment, messages::SenderKind, text::message_body, MessageError};

/// The page, under the patient bar.
#[component]
pub(super) fn Conversation(id: String) -> impl IntoView {
    let current = use_current();
    let locale = use_locale();
    let navigate = use_navigate();
    let (draft, unsent) = kept(&id);
    let draft = RwSignal::new(draft);
    let talk = Talk::new(id.clone(), use_session(), current, locale, unsent);
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
    {
        let id = id.clone();
        Effect::new(move |_| talk.unsent.with(|list| keep(&id, draft.get(), list)));
    }

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
        match message_body(&draft.get_untracked(), uploads.len()) {
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
