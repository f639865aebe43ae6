//! A patient's linked records (SPEC 3.7.1) on one page with a section per kind, and the
//! demographics the account may change (SPEC 3.7.2). Both behind the date-of-birth check: a
//! refusal goes where `refused` says, like the other patient pages.

use super::patient::{failure, iso_date_in_words, load, loading, practice_time};
use crate::{
    api::{self, ApiClientError},
    components::{
        form::{
            busy_attr, busy_label, report, set_value, value_of, ErrorSummary, FieldError,
            FieldState, Problem,
        },
        PageTitle,
    },
    i18n::{tr, tr_with, use_locale, Language, Strings},
    patients::use_current,
    session::use_session,
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use serde::de::DeserializeOwned;
use wire::records::{
    valid_email, valid_zip, Address, Appointment, AppointmentStatus, Document, Form, FormStatus,
    Profile, ProfileUpdate, TreatmentPlan,
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
        AppointmentStatus::Scheduled => t.appt_scheduled,
        AppointmentStatus::Confirmed => t.appt_confirmed,
        AppointmentStatus::Cancelled => t.appt_cancelled,
        AppointmentStatus::Completed => t.appt_completed,
        AppointmentStatus::NoShow => t.appt_no_show,
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

fn document(t: &'static Strings, d: &Document, id: &str) -> Row {
    let kb = d.size_bytes.div_ceil(1024);
    let size = if kb < 1024 {
        format!("{kb} KB")
    } else {
        format!("{:.1} MB", kb as f64 / 1024.0)
    };
    Row {
        href: Some(format!("/api/patients/{id}/documents/{}/file", d.id)),
        ..row(
            d.title.clone(),
            format!(
                "{} · {} · {size}",
                iso_date_in_words(t, &d.date),
                d.file_name
            ),
        )
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
        FormStatus::Assigned => t.form_assigned,
        FormStatus::InProgress => t.form_in_progress,
        FormStatus::Completed => t.form_completed,
    };
    let due = f.due_date.as_ref().map(|d| {
        format!(
            " · {}",
            t.due_on.replace("{date}", &iso_date_in_words(t, d))
        )
    });
    row(
        f.title.clone(),
        format!("{status}{}", due.unwrap_or_default()),
    )
}

/// Loads one kind and turns it into rows in the person's language.
fn rows<T: DeserializeOwned + Send + Sync + 'static>(
    id: &str,
    kind: &'static str,
    make: fn(&'static Strings, &T, &str) -> Row,
) -> Signal<Option<Result<Vec<Row>, ApiClientError>>> {
    let locale = use_locale();
    let owned = id.to_owned();
    let state = load(owned.clone(), {
        let id = owned.clone();
        async move { api::record_list::<T>(&id, kind).await }
    });
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
            rows::<Appointment>(&id, "appointments", appointment),
        )}
        {section(|t| t.documents_heading, |t| t.documents_empty, rows::<Document>(&id, "documents", document))}
        {section(
            |t| t.plans_heading,
            |t| t.plans_empty,
            rows::<TreatmentPlan>(&id, "treatment-plans", plan),
        )}
        {section(|t| t.forms_heading, |t| t.forms_empty, rows::<Form>(&id, "forms", form))}
        <p class="back">
            <a href=format!("/patients/{id}")>{tr(|t| t.back_to_patient)}</a>
        </p>
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
    let profile = load(id.clone(), {
        let id = id.clone();
        async move { api::profile(&id).await }
    });
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
            Some(Ok(profile)) => untrack(|| profile_form(id.clone(), profile)).into_any(),
        }}
        <p class="back">
            <a href=back>{tr(|t| t.back_to_patient)}</a>
        </p>
    }
}

fn values(p: &Profile) -> [String; 6] {
    let a = &p.address;
    [&a.line1, &a.line2, &a.city, &a.state, &a.zip, &p.email].map(|v| v.clone().unwrap_or_default())
}

fn profile_form(id: String, profile: Profile) -> impl IntoView {
    let session = use_session();
    let texts = values(&profile).map(RwSignal::new);
    let language = RwSignal::new(profile.preferred_language);
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
        let [line1, line2, city, state, zip, email] = typed;
        let update = ProfileUpdate {
            address: Some(Address {
                line1: Some(line1),
                line2: Some(line2),
                city: Some(city),
                state: Some(state.to_ascii_uppercase()),
                zip: Some(zip),
            }),
            email: Some(email),
            preferred_language: Some(language.get_untracked()),
        };
        busy.set(true);
        let id = id.clone();
        spawn_local(async move {
            let answer = api::update_profile(&id, &update).await;
            let _ = busy.try_set(false);
            let error = match answer {
                Ok(updated) => {
                    for (signal, value) in texts.iter().zip(values(&updated.profile)) {
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
        let answer = api::overview().await;
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
                        let next = e.verified.then(|| {
                            let next = e.next_appointment.clone();
                            move || {
                                let t = locale.t();
                                match &next {
                                    Some(a) => t.next_appointment.replace(
                                        "{date}",
                                        &practice_time(t, &a.starts_at, &a.practice_time_zone),
                                    ),
                                    None => t.no_next_appointment.to_owned(),
                                }
                            }
                        });
                        let patient = wire::patients::PatientSummary {
                            id: e.patient_id.clone(),
                            first_name: e.first_name,
                            last_name: e.last_name,
                            relationship: e.relationship,
                            status: if e.locked {
                                wire::api::LinkStatus::Locked
                            } else {
                                wire::api::LinkStatus::Active
                            },
                            verified: e.verified,
                            birth_month_year: None,
                            locked_seconds_left: None,
                            unread_count: e.unread_count,
                        };
                        // A lock's wait comes with the gate's answer on the patient's page.
                        let href = e.locked.then(|| format!("/patients/{}", e.patient_id));
                        super::practices::patient_choice(
                            e.practice_slug,
                            patient,
                            current,
                            href,
                            view! {
                                <span class="choice-detail">{e.practice_name}</span>
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
