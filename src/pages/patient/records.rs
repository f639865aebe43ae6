//! `/patients/{id}/records`: a patient's linked records (SPEC 3.7.1) on one page with a section
//! per kind, and sending documents to the practice (SPEC 3.8). Behind the date-of-birth check: a
//! refusal goes where `refused` says, like the other patient pages.

use super::back_to_patient;
use crate::{
    api::{self, ApiClientError},
    components::{
        file_picker::{send_blocked, waiting_note, FilePicker, Files},
        form::{
            busy_label, focus, report, set_value, value_of, ErrorSummary, FieldError, FieldState,
            Problem,
        },
        load::{failure, load, loading, refused},
        PageTitle,
    },
    current_patient::use_current,
    format::{iso_date_in_words, practice_time, size_in_words},
    i18n::{tr, tr_with, use_locale, Strings},
    messaging::new_key,
    session::use_session,
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use wire::{
    attachments::SendWithAttachments,
    messages::SendMessageRequest,
    records::{Appointment, AppointmentStatus, Document, Form, FormStatus, TreatmentPlan},
    text::message_body,
};

type Text = fn(&'static Strings) -> &'static str;

/// One item of any kind, as the page shows it: every kind goes through one renderer.
#[derive(Clone, PartialEq)]
struct Row {
    /// A heading over the rows that share it ("Coming up", "Past").
    group: Option<&'static str>,
    title: String,
    /// A download link for the title.
    href: Option<String>,
    detail: String,
    /// Text with its line breaks kept.
    body: Option<String>,
}

fn row(title: String, detail: String) -> Row {
    Row {
        group: None,
        title,
        href: None,
        detail,
        body: None,
    }
}

fn appointment(t: &'static Strings, a: &Appointment, _: &str) -> Row {
    let status = match a.status {
        AppointmentStatus::Confirmed => t.appt_confirmed,
        AppointmentStatus::Cancelled => t.appt_cancelled,
        AppointmentStatus::Completed => t.appt_completed,
        AppointmentStatus::NoShow => t.appt_no_show,
        AppointmentStatus::Scheduled => t.appt_scheduled,
    };
    Row {
        group: Some(if a.upcoming {
            t.appointments_upcoming
        } else {
            t.appointments_past
        }),
        ..row(
            practice_time(t, &a.starts_at, &a.practice_time_zone),
            format!("{} · {} · {status}", a.with_whom, a.location),
        )
    }
}

/// A document the practice published, or a file the patient side sent it (SPEC 3.8: labelled
/// so, and downloaded as the message's attachment).
fn document(t: &'static Strings, d: &Document, id: &str) -> Row {
    let size = size_in_words(d.size_bytes);
    let detail = format!(
        "{} · {} · {size}",
        iso_date_in_words(t, &d.date),
        d.file_name
    );
    let (href, detail) = if d.sent_to_practice {
        (
            format!("/api/patients/{id}/attachments/{}", d.id),
            format!("{} · {detail}", t.sent_to_practice),
        )
    } else {
        (
            format!("/api/patients/{id}/documents/{}/file", d.id),
            detail,
        )
    };
    Row {
        href: Some(href),
        ..row(d.title.clone(), detail)
    }
}

fn plan(t: &'static Strings, p: &TreatmentPlan, _: &str) -> Row {
    Row {
        body: Some(p.body.clone()),
        ..row(
            p.title.clone(),
            t.updated_on.replace(
                "{date}",
                &practice_time(t, &p.updated_at, &p.practice_time_zone),
            ),
        )
    }
}

fn form(t: &'static Strings, f: &Form, _: &str) -> Row {
    let status = match f.status {
        FormStatus::InProgress => t.form_in_progress,
        FormStatus::Completed => t.form_completed,
        FormStatus::Assigned => t.form_assigned,
    };
    let due = f.due_date.as_deref().filter(|d| !d.is_empty()).map(|due| {
        format!(
            " · {}",
            t.due_on.replace("{date}", &iso_date_in_words(t, due))
        )
    });
    row(
        f.title.clone(),
        format!("{status}{}", due.unwrap_or_default()),
    )
}

/// Rows of one kind, in the person's language.
type Rows = Signal<Option<Result<Vec<Row>, ApiClientError>>>;

/// Loads one kind (`fetch`, given the patient's id) and turns each item into a row with `make`.
fn rows<T: Send + Sync + 'static, F>(
    id: &str,
    fetch: impl FnOnce(String) -> F,
    make: fn(&'static Strings, &T, &str) -> Row,
) -> Rows
where
    F: std::future::Future<Output = Result<Vec<T>, ApiClientError>> + 'static,
{
    let locale = use_locale();
    let owned = id.to_owned();
    let state = load(owned.clone(), fetch(owned.clone()));
    Signal::derive(move || {
        let t = locale.t();
        state.with(|s| {
            s.as_ref().map(|answer| match answer {
                Ok(items) => Ok(items.iter().map(|item| make(t, item, &owned)).collect()),
                Err(error) => Err(error.clone()),
            })
        })
    })
}

/// A section: its heading, then the rows (grouped under `h3`s where they have groups), or the
/// empty state in words.
fn section(heading: Text, empty: Text, rows: Rows) -> impl IntoView {
    let list = move || {
        match rows.get() {
        None => loading(),
        Some(Err(error)) => failure(error),
        Some(Ok(rows)) if rows.is_empty() => view! { <p>{tr(empty)}</p> }.into_any(),
        Some(Ok(rows)) => rows
            .chunk_by(|a, b| a.group == b.group)
            .map(|group| {
                view! {
                    {group[0].group.map(|g| view! { <h3>{g}</h3> })}
                    <ul class="items">
                        {group
                            .iter()
                            .cloned()
                            .map(|row| {
                                let title = match row.href {
                                    Some(href) => view! {
                                        <a href=href download="">
                                            {row.title}
                                            <span class="visually-hidden">
                                                " (" {tr(|t| t.download)} ")"
                                            </span>
                                        </a>
                                    }
                                    .into_any(),
                                    None => view! { <strong>{row.title}</strong> }.into_any(),
                                };
                                view! {
                                    <li>
                                        {title}
                                        <span class="item-detail">{row.detail}</span>
                                        {row.body.map(|body| view! { <p class="item-body">{body}</p> })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })
            .collect_view()
            .into_any(),
    }
    };
    view! {
        <section>
            <h2>{tr(heading)}</h2>
            {list}
        </section>
    }
}

/// `/patients/{id}/records`: appointments, documents, treatment plans and forms.
#[component]
pub(super) fn Records(id: String) -> impl IntoView {
    let current = use_current();
    let sent = RwSignal::new(0u32);
    view! {
        <PageTitle page=|t| t.records_link />
        <h1 tabindex="-1">
            {tr_with(
                |t, name| t.records_heading.replace("{name}", name),
                untrack(|| current.first_name()),
            )}
        </h1>
        {section(
            |t| t.appointments_heading,
            |t| t.appointments_empty,
            rows(&id, |id| async move { api::appointments(&id).await }, appointment),
        )}
        {
            let id = id.clone();
            move || {
                // Loaded again after the person sends some.
                sent.track();
                section(
                    |t| t.documents_heading,
                    |t| t.documents_empty,
                    rows(&id, |id| async move { api::documents(&id).await }, document),
                )
            }
        }
        {send_documents(id.clone(), sent)}
        {section(
            |t| t.plans_heading,
            |t| t.plans_empty,
            rows(&id, |id| async move { api::treatment_plans(&id).await }, plan),
        )}
        {section(|t| t.forms_heading, |t| t.forms_empty, rows(&id, |id| async move { api::forms(&id).await }, form))}
        {back_to_patient(&id)}
    }
}

/// "Send documents to the practice" (SPEC 3.8): the same picker as the message box, an optional
/// note, then one message with the files to the patient's conversation. `sent` counts what was
/// sent, so the list above loads again.
fn send_documents(id: String, sent: RwSignal<u32>) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let current = use_current();
    let files = Files::new(id.clone());
    let note = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let done = RwSignal::new(String::new());
    // One key until it is sent: sending again after a lost answer stores nothing twice.
    let key = StoredValue::new(new_key());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        done.set(String::new());
        let uploads = match untrack(|| files.attachments()) {
            None => return focus("documents-files-waiting"),
            Some(uploads) if uploads.is_empty() => {
                return report(
                    problem,
                    Problem::Invalid("documents-files", |t| t.choose_files_first),
                )
            }
            Some(uploads) => uploads,
        };
        let body = match message_body(&note.get_untracked(), uploads.len()) {
            Ok(body) => body,
            Err(_) => return report(problem, Problem::Invalid("note", |t| t.note_too_long)),
        };
        problem.set(None);
        busy.set(true);
        let request = SendWithAttachments {
            message: SendMessageRequest {
                body,
                client_key: key.get_value(),
            },
            attachment_ids: uploads.into_iter().map(|a| a.id).collect(),
        };
        let id = id.clone();
        spawn_local(async move {
            let answer = api::send_message(&id, &request).await;
            if busy.try_set(false).is_some() {
                return;
            }
            match answer {
                Ok(_) => {
                    key.set_value(new_key());
                    files.clear();
                    note.set(String::new());
                    let practice = current
                        .practice(session)
                        .map(|p| p.name)
                        .unwrap_or_default();
                    done.set(locale.t().documents_sent.replace("{practice}", &practice));
                    sent.update(|n| *n += 1);
                }
                Err(error) => {
                    if refused(&error, &id, session, current).is_none() {
                        report(problem, Problem::from_api(&error));
                    }
                }
            }
        });
    };
    let state = FieldState {
        problem,
        field: "note",
    };
    view! {
        <section class="send-documents">
            <h2>{tr(|t| t.send_documents_heading)}</h2>
            <p>{tr(|t| t.send_documents_intro)}</p>
            <p class="notice" role="status">{move || done.get()}</p>
            <form novalidate on:submit=submit>
                <ErrorSummary problem target="documents-files" />
                <FieldError problem field="documents-files" />
                <FilePicker files id="documents" />
            {waiting_note(files, "documents")}
                <div class=state.class()>
                    <label for="note">{tr(|t| t.note_label)}</label>
                    <p class="hint" id="note-hint">{tr(|t| t.message_hint)}</p>
                    <FieldError problem field="note" />
                    <textarea
                        id="note"
                        name="note"
                        rows="3"
                        aria-invalid=state.invalid()
                        aria-describedby=state.described_by()
                        prop:value=value_of(note)
                        on:input=set_value(note)
                    ></textarea>
                </div>
                <button
                    type="submit"
                    aria-disabled=send_blocked(files, busy)
                >
                    {busy_label(busy, |t| t.send_documents_button, |t| t.sending)}
                </button>
            </form>
        </section>
    }
}
