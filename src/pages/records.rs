//! A patient's linked records (SPEC 3.7.1) on one page with a section per kind, and the
//! demographics the account may change (SPEC 3.7.2). Both behind the date-of-birth check: a
//! refusal goes where `refused` says, like the other patient pages.

use super::messages::new_key;
use super::patient::{failure, iso_date_in_words, load, loading, practice_time, refused};
use crate::{
    api::{self, ApiClientError},
    components::{
        file_picker::{send_blocked, waiting_note, FilePicker, Files},
        form::{
            busy_attr, busy_label, focus, report, set_value, value_of, ErrorSummary, FieldError,
            FieldState, Problem,
        },
        PageTitle,
    },
    i18n::{tr, tr_with, use_locale, Language, Strings},
    patients::use_current,
    session::use_session,
    uploads::size_in_words,
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use wire::{
    api::{LinkStatus, Relationship},
    attachments::SendWithAttachments,
    messages::SendMessageRequest,
    patients::PatientSummary,
    records::{valid_email, valid_zip},
    text::message_text,
    MessageError,
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

/// `starts_at`, `practice_time_zone`, `with_whom`, `location`, `status`, `upcoming`.
const APPOINTMENT: &[&str] = &[
    "starts_at",
    "practice_time_zone",
    "with_whom",
    "location",
    "status",
    "upcoming",
];

fn appointment(t: &'static Strings, a: &[String], _: &str) -> Row {
    let status = match a[4].as_str() {
        "confirmed" => t.appt_confirmed,
        "cancelled" => t.appt_cancelled,
        "completed" => t.appt_completed,
        "no_show" => t.appt_no_show,
        _ => t.appt_scheduled,
    };
    Row {
        group: Some(if a[5] == "true" {
            t.appointments_upcoming
        } else {
            t.appointments_past
        }),
        ..row(
            practice_time(t, &a[0], &a[1]),
            format!("{} · {} · {status}", a[2], a[3]),
        )
    }
}

const DOCUMENT: &[&str] = &[
    "id",
    "title",
    "date",
    "file_name",
    "size_bytes",
    "sent_to_practice",
];

/// A document the practice published, or a file the patient side sent it (SPEC 3.8: labelled
/// so, and downloaded as the message's attachment).
fn document(t: &'static Strings, d: &[String], id: &str) -> Row {
    let size = size_in_words(d[4].parse().unwrap_or(0));
    let detail = format!("{} · {} · {size}", iso_date_in_words(t, &d[2]), d[3]);
    let (href, detail) = if d[5] == "true" {
        (
            format!("/api/patients/{id}/attachments/{}", d[0]),
            format!("{} · {detail}", t.sent_to_practice),
        )
    } else {
        (
            format!("/api/patients/{id}/documents/{}/file", d[0]),
            detail,
        )
    };
    Row {
        href: Some(href),
        ..row(d[1].clone(), detail)
    }
}

const PLAN: &[&str] = &["title", "updated_at", "practice_time_zone", "body"];

fn plan(t: &'static Strings, p: &[String], _: &str) -> Row {
    Row {
        body: Some(p[3].clone()),
        ..row(
            p[0].clone(),
            t.updated_on
                .replace("{date}", &practice_time(t, &p[1], &p[2])),
        )
    }
}

const FORM: &[&str] = &["title", "status", "due_date"];

fn form(t: &'static Strings, f: &[String], _: &str) -> Row {
    let status = match f[1].as_str() {
        "in_progress" => t.form_in_progress,
        "completed" => t.form_completed,
        _ => t.form_assigned,
    };
    let due = (!f[2].is_empty()).then(|| {
        format!(
            " · {}",
            t.due_on.replace("{date}", &iso_date_in_words(t, &f[2]))
        )
    });
    row(f[0].clone(), format!("{status}{}", due.unwrap_or_default()))
}

/// One future type for every list and the profile, so `load` is built once for them.
async fn get(path: String, keys: &'static [&'static str]) -> Result<api::Items, ApiClientError> {
    api::items("GET", &path, None, keys).await
}

type Make = fn(&'static Strings, &[String], &str) -> Row;

/// Loads one kind and turns it into rows in the person's language.
fn rows(
    id: &str,
    kind: &'static str,
    keys: &'static [&'static str],
    make: Make,
) -> Signal<Option<Result<Vec<Row>, ApiClientError>>> {
    let locale = use_locale();
    let owned = id.to_owned();
    let state = load(
        owned.clone(),
        get(format!("/api/patients/{id}/{kind}"), keys),
    );
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
fn section(
    heading: Text,
    empty: Text,
    rows: Signal<Option<Result<Vec<Row>, ApiClientError>>>,
) -> impl IntoView {
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
            rows(&id, "appointments", APPOINTMENT, appointment),
        )}
        {
            let id = id.clone();
            move || {
                // Loaded again after the person sends some.
                sent.track();
                section(
                    |t| t.documents_heading,
                    |t| t.documents_empty,
                    rows(&id, "documents", DOCUMENT, document),
                )
            }
        }
        {send_documents(id.clone(), sent)}
        {section(
            |t| t.plans_heading,
            |t| t.plans_empty,
            rows(&id, "treatment-plans", PLAN, plan),
        )}
        {section(|t| t.forms_heading, |t| t.forms_empty, rows(&id, "forms", FORM, form))}
        <p class="back">
            <a href=format!("/patients/{id}")>{tr(|t| t.back_to_patient)}</a>
        </p>
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
        let body = match message_text(&note.get_untracked()) {
            Ok(body) => body,
            Err(MessageError::Empty) => String::new(),
            Err(MessageError::TooLong { chars }) => {
                let _ = chars;
                return report(problem, Problem::Invalid("note", |t| t.note_too_long));
            }
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

/// The profile's text fields: the page's `id`, the server's field name, label, `autocomplete`,
/// hint.
const FIELDS: [(&str, &str, Text, &str, Option<Text>); 6] = [
    (
        "line1",
        "address.line1",
        |t| t.address_line1_label,
        "address-line1",
        None,
    ),
    (
        "line2",
        "address.line2",
        |t| t.address_line2_label,
        "address-line2",
        None,
    ),
    (
        "city",
        "address.city",
        |t| t.city_label,
        "address-level2",
        None,
    ),
    (
        "state",
        "address.state",
        |t| t.state_label,
        "address-level1",
        Some(|t| t.state_hint),
    ),
    ("zip", "address.zip", |t| t.zip_label, "postal-code", None),
    ("email", "email", |t| t.email_label, "email", None),
];

/// What is wrong with a field's value (the server's rules, checked on submit), if anything.
fn check(field: &'static str, value: &str) -> Option<Problem> {
    let value = value.trim();
    let message: Text = match field {
        _ if value.is_empty() => return None,
        "zip" if !valid_zip(value) => |t| t.zip_invalid,
        "state" if !(value.len() == 2 && value.bytes().all(|b| b.is_ascii_alphabetic())) => {
            |t| t.state_invalid
        }
        "email" if !valid_email(value) => |t| t.email_invalid,
        _ if value.chars().count() > 100 => |t| t.text_too_long,
        _ => return None,
    };
    Some(Problem::Invalid(field, message))
}

/// `/patients/{id}/profile`: address, e-mail and preferred language.
#[component]
pub(super) fn ProfilePage(id: String) -> impl IntoView {
    let current = use_current();
    let profile = load(
        id.clone(),
        get(format!("/api/patients/{id}/profile"), &PROFILE),
    );
    let back = format!("/patients/{id}");
    view! {
        <PageTitle page=|t| t.profile_link />
        <h1 tabindex="-1">
            {tr_with(
                |t, name| t.profile_heading.replace("{name}", name),
                untrack(|| current.first_name()),
            )}
        </h1>
        {move || match profile.get() {
            None => loading(),
            Some(Err(error)) => failure(error),
            // Drawn once: later answers update the fields, never what is being typed.
            Some(Ok(mut profile)) => {
                let profile = profile.pop().unwrap_or_default();
                untrack(|| profile_form(id.clone(), profile)).into_any()
            }
        }}
        <p class="back">
            <a href=back>{tr(|t| t.back_to_patient)}</a>
        </p>
    }
}

/// The profile's values, as `GET …/profile` has them (the `PATCH` answer under `profile.`):
/// the six text fields of [`FIELDS`], then the language.
const PROFILE: [&str; 7] = [
    "address.line1",
    "address.line2",
    "address.city",
    "address.state",
    "address.zip",
    "email",
    "preferred_language",
];

fn profile_form(id: String, profile: Vec<String>) -> impl IntoView {
    let session = use_session();
    let texts: [RwSignal<String>; 6] =
        std::array::from_fn(|i| RwSignal::new(profile.get(i).cloned().unwrap_or_default()));
    let language = RwSignal::new(
        profile
            .get(6)
            .and_then(|code| Language::from_code(code))
            .unwrap_or_default(),
    );
    let problems = [(); 6].map(|_| RwSignal::new(None::<Problem>));
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        saved.set(false);
        problem.set(None);
        let typed = texts.map(|t| t.get_untracked().trim().to_owned());
        let mut first = None;
        for (i, (field, ..)) in FIELDS.iter().enumerate() {
            let found = check(field, &typed[i]);
            problems[i].set(found);
            first = first.or(found);
        }
        if let Some(found) = first {
            return report(
                problems[FIELDS
                    .iter()
                    .position(|f| Some(f.0) == found.field())
                    .unwrap_or(0)],
                found,
            );
        }
        // The whole profile: the server records only what changed.
        let q: Vec<String> = typed.iter().map(|v| api::quoted(v)).collect();
        let update = format!(
            r#"{{"address":{{"line1":{},"line2":{},"city":{},"state":{},"zip":{}}},"email":{},"preferred_language":"{}"}}"#,
            q[0],
            q[1],
            q[2],
            q[3].to_ascii_uppercase(),
            q[4],
            q[5],
            language.get_untracked().code()
        );
        busy.set(true);
        let id = id.clone();
        spawn_local(async move {
            let path = format!("/api/patients/{id}/profile");
            let keys = PROFILE.map(|k| format!("profile.{k}"));
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            let answer = api::items("PATCH", &path, Some(update), &keys).await;
            let _ = busy.try_set(false);
            let error = match answer {
                Ok(mut updated) => {
                    for (signal, value) in texts.iter().zip(updated.pop().unwrap_or_default()) {
                        signal.set(value);
                    }
                    saved.set(true);
                    return;
                }
                Err(error) => error,
            };
            let (code, field) = match &error {
                ApiClientError::Api { body, .. } => (body.error.as_str(), body.field.as_deref()),
                _ => ("", None),
            };
            if code == "signed_out" {
                return session.signed_out(None);
            }
            let at = FIELDS.iter().position(|f| Some(f.1) == field);
            let message: Option<Text> = match code {
                "zip_invalid" => Some(|t| t.zip_invalid),
                "state_invalid" => Some(|t| t.state_invalid),
                "email_invalid" => Some(|t| t.email_invalid),
                "text_too_long" => Some(|t| t.text_too_long),
                _ => None,
            };
            match (at, message) {
                (Some(i), Some(message)) => {
                    report(problems[i], Problem::Invalid(FIELDS[i].0, message))
                }
                _ => report(problem, Problem::from_api(&error)),
            }
        });
    };

    let field = move |i: usize| {
        let (id, _, label, autocomplete, hint) = FIELDS[i];
        let state = FieldState {
            problem: problems[i],
            field: id,
        };
        let value = texts[i];
        view! {
            <div class=state.class()>
                <label for=id>{tr(label)}</label>
                {hint.map(|hint| view! { <p class="hint" id=format!("{id}-hint")>{tr(hint)}</p> })}
                <FieldError problem=problems[i] field=id />
                <input
                    id=id
                    name=id
                    type=if id == "email" { "email" } else { "text" }
                    class=if id == "state" || id == "zip" { "w4" } else { "" }
                    inputmode=(id == "zip").then_some("numeric")
                    autocomplete=autocomplete
                    spellcheck="false"
                    aria-invalid=state.invalid()
                    aria-describedby=state.described_by()
                    prop:value=value_of(value)
                    on:input=set_value(value)
                />
            </div>
        }
    };
    let choice = move |value: Language, label: Text| {
        let id = format!("language-{}", value.code());
        view! {
            <div class="checkbox">
                <input
                    type="radio"
                    id=id.clone()
                    name="language"
                    prop:checked=move || language.get() == value
                    on:change=move |_| language.set(value)
                />
                <label for=id>{tr(label)}</label>
            </div>
        }
    };
    view! {
        <ErrorSummary problem target="line1" more=problems.to_vec() />
        <p>{tr(|t| t.profile_intro)}</p>
        <p class="notice" role="status">
            {move || saved.get().then(|| tr(|t| t.profile_saved)())}
        </p>
        <form novalidate on:submit=submit>
            <fieldset>
                <legend>{tr(|t| t.address_legend)}</legend>
                {(0..5).map(field).collect_view()}
            </fieldset>
            {field(5)}
            <fieldset class="field">
                <legend>{tr(|t| t.language_legend)}</legend>
                {choice(Language::En, |t| t.language_en)}
                {choice(Language::Es, |t| t.language_es)}
            </fieldset>
            <button type="submit" aria-disabled=busy_attr(busy)>
                {busy_label(busy, |t| t.save_button, |t| t.saving)}
            </button>
        </form>
    }
}

/// `GET /api/overview`'s fields, in the order the overview reads them.
const OVERVIEW: [&str; 11] = [
    "patient_id",
    "first_name",
    "last_name",
    "practice_slug",
    "practice_name",
    "relationship",
    "verified",
    "locked",
    "unread_count",
    "next_appointment.starts_at",
    "next_appointment.practice_time_zone",
];

/// `/overview`: everyone the account acts for at every practice, with what is new.
#[component]
pub fn Overview() -> impl IntoView {
    view! {
        <crate::session::RequireSignIn>
            <OverviewList />
        </crate::session::RequireSignIn>
    }
}

#[component]
fn OverviewList() -> impl IntoView {
    let session = use_session();
    let current = use_current();
    let locale = use_locale();
    let list = RwSignal::new(None);
    spawn_local(async move {
        let answer = api::items("GET", "/api/overview", None, &OVERVIEW).await;
        if let Err(ApiClientError::Api { status: 401, .. }) = answer {
            session.signed_out(None);
        }
        let _ = list.try_set(Some(answer));
    });
    let entries = move || match list.get() {
        None => loading(),
        Some(Err(error)) => failure(error),
        Some(Ok(entries)) if entries.is_empty() => {
            view! { <p>{tr(|t| t.overview_empty)}</p> }.into_any()
        }
        Some(Ok(entries)) => view! {
            <ul class="choices overview">
                {entries
                    .into_iter()
                    .map(|e| {
                        let verified = e[6] == "true";
                        let locked = e[7] == "true";
                        let next = verified.then(|| {
                            let (at, zone) = (e[9].clone(), e[10].clone());
                            move || {
                                let t = locale.t();
                                if at.is_empty() {
                                    t.no_next_appointment.to_owned()
                                } else {
                                    t.next_appointment
                                        .replace("{date}", &practice_time(t, &at, &zone))
                                }
                            }
                        });
                        let patient = PatientSummary {
                            id: e[0].clone(),
                            first_name: e[1].clone(),
                            last_name: e[2].clone(),
                            relationship: match e[5].as_str() {
                                "self" => Relationship::Self_,
                                "guardian" => Relationship::Guardian,
                                _ => Relationship::Linked,
                            },
                            status: if locked {
                                LinkStatus::Locked
                            } else {
                                LinkStatus::Active
                            },
                            verified,
                            birth_month_year: None,
                            locked_seconds_left: None,
                            unread_count: e[8].parse().unwrap_or(0),
                        };
                        // A lock's wait comes with the gate's answer on the patient's page.
                        let href = locked.then(|| format!("/patients/{}", e[0]));
                        super::practices::patient_choice(
                            e[3].clone(),
                            patient,
                            current,
                            href,
                            view! {
                                <span class="choice-detail">{e[4].clone()}</span>
                                {next.map(|next| view! { <span>{next}</span> })}
                            }
                            .into_any(),
                        )
                    })
                    .collect_view()}
            </ul>
        }
        .into_any(),
    };
    view! {
        <PageTitle page=|t| t.overview_heading />
        <h1 tabindex="-1">{tr(|t| t.overview_heading)}</h1>
        <p>{tr(|t| t.overview_intro)}</p>
        {entries}
        <p class="back">
            <a href="/link">{tr(|t| t.have_code_link)}</a>
        </p>
    }
}

/// These pages read answers by field name (`api::items`) instead of through serde, for bytes.
/// This keeps them tied to the wire types all the same: every name a page reads must be in the
/// JSON of the type the server sends, and a renamed field fails to compile here.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::link::{PREVIEW, REDEEMED};
    use serde_json::{to_value, Value};
    use wire::{
        access_links::{AccessLinkPreview, RedeemResponse},
        api::{Language, Relationship},
        records::{
            Address, Appointment, AppointmentStatus, Document, Form, FormStatus, OverviewEntry,
            Profile, TreatmentPlan,
        },
    };

    fn assert_has(what: &str, value: &Value, keys: &[&str]) {
        for key in keys {
            let found = key
                .split('.')
                .try_fold(value, |v, k| v.as_object().and_then(|o| o.get(k)));
            assert!(found.is_some(), "{what} has no `{key}`: {value}");
        }
    }

    fn appointment() -> Appointment {
        Appointment {
            id: "a".into(),
            starts_at: "2026-11-25T21:00:00Z".into(),
            duration_minutes: 30,
            location: "Room 2".into(),
            with_whom: "Dr. Ann Lee".into(),
            status: AppointmentStatus::Scheduled,
            upcoming: true,
            practice_time_zone: "America/Chicago".into(),
        }
    }

    #[test]
    fn every_field_the_pages_read_is_in_the_wire_types() {
        assert_has(
            "Appointment",
            &to_value(appointment()).unwrap(),
            APPOINTMENT,
        );
        let document = Document {
            id: "d".into(),
            title: "Vaccines".into(),
            date: "2026-11-02".into(),
            file_name: "v.pdf".into(),
            content_type: "application/pdf".into(),
            size_bytes: 1,
            sent_to_practice: true,
        };
        assert_has("Document", &to_value(document).unwrap(), DOCUMENT);
        let plan = TreatmentPlan {
            id: "p".into(),
            title: "Plan".into(),
            body: "Rest".into(),
            updated_at: "2026-11-02T00:00:00Z".into(),
            practice_time_zone: "America/Chicago".into(),
        };
        assert_has("TreatmentPlan", &to_value(plan).unwrap(), PLAN);
        let form = Form {
            id: "f".into(),
            title: "Consent".into(),
            status: FormStatus::Assigned,
            due_date: Some("2026-12-02".into()),
            updated_at: "2026-11-02T00:00:00Z".into(),
            practice_time_zone: "America/Chicago".into(),
        };
        assert_has("Form", &to_value(form).unwrap(), FORM);
        let profile = Profile {
            address: Address::default(),
            email: None,
            preferred_language: Language::Es,
        };
        assert_has("Profile", &to_value(profile).unwrap(), &PROFILE);
        let entry = OverviewEntry {
            patient_id: "p".into(),
            first_name: "Lily".into(),
            last_name: "Carter".into(),
            practice_slug: "lakeside".into(),
            practice_name: "Lakeside".into(),
            practice_time_zone: "America/Chicago".into(),
            relationship: Relationship::Linked,
            verified: true,
            locked: false,
            unread_count: 0,
            next_appointment: Some(appointment()),
        };
        assert_has("OverviewEntry", &to_value(entry).unwrap(), &OVERVIEW);
        let preview = AccessLinkPreview {
            patient_first_name: "Lily".into(),
            patient_last_name: "Carter".into(),
            practice_name: "Lakeside".into(),
            practice_slug: "lakeside".into(),
            expires_at: "2026-11-27T00:00:00Z".into(),
        };
        assert_has("AccessLinkPreview", &to_value(preview).unwrap(), &PREVIEW);
        let redeemed = RedeemResponse {
            patient_id: "p".into(),
            patient_first_name: "Lily".into(),
            patient_last_name: "Carter".into(),
            practice_slug: "lakeside".into(),
            practice_name: "Lakeside".into(),
            relationship: Relationship::Linked,
        };
        assert_has("RedeemResponse", &to_value(redeemed).unwrap(), &REDEEMED);
    }
}
