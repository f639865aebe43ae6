//! The pages of one patient (SPEC 3.3, 3.9), all under `/patients/{id}`: the date-of-birth check
//! (`/verify`, and a guardian's own details first at `/activate`), the lock (`/locked`), the
//! patient's page and its access history. Each shows the current patient bar at the top.

use crate::{
    api::{self, ApiClientError},
    components::{
        form::{
            busy_attr, busy_label, dob_error, report, set_value, value_of, ErrorSummary,
            FieldError, FieldState, Problem,
        },
        PageTitle,
    },
    i18n::{tr, tr_with, use_locale, Strings},
    pages::{
        messages::Conversation,
        practices::national,
        records::{ProfilePage, Records},
        NotFound,
    },
    patients::{use_current, Current},
    session::{use_session, RequireSignIn, Session},
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::{hooks::use_navigate, NavigateOptions};
use wasm_bindgen::JsCast;
use wire::{
    api::{LinkStatus, Relationship},
    patients::{GuardianDetails, TypedDate, VerifyDobRequest},
    DateOfBirth,
};

#[derive(Clone, Copy, PartialEq)]
enum Which {
    Home,
    Verify,
    Activate,
    Locked,
    History,
    Messages,
    Records,
    Profile,
}

pub(super) fn replace() -> NavigateOptions {
    NavigateOptions {
        replace: true,
        ..Default::default()
    }
}

/// The page for `/patients/{id}/…`.
pub fn patient_page(path: &str) -> AnyView {
    let rest = &path["/patients/".len()..];
    let (id, sub) = rest.split_once('/').unwrap_or((rest, ""));
    let which = match sub {
        "" => Which::Home,
        "verify" => Which::Verify,
        "activate" => Which::Activate,
        "locked" => Which::Locked,
        "access-history" => Which::History,
        "messages" => Which::Messages,
        "records" => Which::Records,
        "profile" => Which::Profile,
        _ => return view! { <NotFound /> }.into_any(),
    };
    let id = id.to_owned();
    view! {
        <RequireSignIn>
            <PatientFrame id=id.clone() which />
        </RequireSignIn>
    }
    .into_any()
}

/// The bar and the page, for the patient chosen from a practice's list. Anybody else (a
/// bookmark in a new tab) chooses again from the list: the bar must never guess.
#[component]
fn PatientFrame(id: String, which: Which) -> impl IntoView {
    let current = use_current();
    let navigate = use_navigate();
    let mine = id.clone();
    let known = Memo::new(move |_| {
        current
            .patient
            .with(|p| p.as_ref().is_some_and(|(_, p)| p.id == mine))
    });
    // After this event: a tap on the list chooses the patient in a handler that may run after
    // the router's.
    Effect::new(move |_| {
        if !known.get() {
            let navigate = navigate.clone();
            request_animation_frame(move || {
                if !known.get_untracked() {
                    navigate("/practices", replace());
                }
            });
        }
    });
    move || {
        known.get().then(|| {
            let id = id.clone();
            view! {
                <PatientBar />
                {match which {
                    Which::Home => view! { <PatientHome id /> }.into_any(),
                    Which::Verify => view! { <Verify id /> }.into_any(),
                    Which::Activate => view! { <Activate id /> }.into_any(),
                    Which::Locked => view! { <Locked id /> }.into_any(),
                    Which::History => view! { <AccessHistory id /> }.into_any(),
                    Which::Messages => view! { <Conversation id /> }.into_any(),
                    Which::Records => view! { <Records id /> }.into_any(),
                    Which::Profile => view! { <ProfilePage id /> }.into_any(),
                }}
            }
        })
    }
}

/// Who the person is acting for, always at the top (UX.md: writing about the wrong child is the
/// worst mistake), with one tap to switch patient, or practice when there are several.
#[component]
fn PatientBar() -> impl IntoView {
    let session = use_session();
    let current = use_current();
    let locale = use_locale();
    // Fixed while the page is shown: the page is the chosen patient's.
    let (slug, name) = current
        .patient
        .with_untracked(|p| {
            p.as_ref()
                .map(|(slug, p)| (slug.clone(), format!("{} {}", p.first_name, p.last_name)))
        })
        .unwrap_or_default();
    let many = untrack(|| session.info()).is_some_and(|i| i.practices.len() > 1);
    let practice = current.practice(session).map(|p| p.name);
    view! {
        <nav class="patient-bar" aria-label=move || locale.t().bar_label>
            <p>
                <span class="bar-label">{tr(|t| t.bar_patient)}</span>
                " "
                <strong>{name}</strong>
                " "
                <span class="bar-practice">{practice}</span>
            </p>
            <p class="bar-links">
                <a href=format!("/practices/{slug}")>{tr(|t| t.switch_patient)}</a>
                <a href="/practices" hidden=!many>{tr(|t| t.switch_practice)}</a>
                <a href="/overview">{tr(|t| t.overview_link)}</a>
            </p>
        </nav>
    }
}

/// Where a refused patient-scoped request sends the person: the check (`verify_first`) or the
/// lock page (`locked`, whose wait is kept). `None`: show the error on the page.
pub(crate) fn refused(
    error: &ApiClientError,
    id: &str,
    session: Session,
    current: Current,
) -> Option<String> {
    let ApiClientError::Api { body, .. } = error else {
        return None;
    };
    match body.error.as_str() {
        "verify_first" => Some(format!("/patients/{id}/verify")),
        "locked" => {
            let wait = body.retry_after_seconds.unwrap_or(3600);
            current.update(|p| p.status = LinkStatus::Locked);
            current.lock_until.set(Some(session.deadline(wait)));
            Some(format!("/patients/{id}/locked"))
        }
        "signed_out" => {
            session.signed_out(None);
            None
        }
        _ => None,
    }
}

/// Loads something about the patient; on `verify_first` or `locked` goes where [`refused`]
/// says.
pub(super) fn load<T: Send + Sync + 'static>(
    id: String,
    fetch: impl std::future::Future<Output = Result<T, ApiClientError>> + 'static,
) -> RwSignal<Option<Result<T, ApiClientError>>> {
    let session = use_session();
    let current = use_current();
    let navigate = use_navigate();
    let state = RwSignal::new(None);
    spawn_local(async move {
        let answer = fetch.await;
        if let Err(error) = &answer {
            if let Some(target) = refused(error, &id, session, current) {
                navigate(&target, replace());
                return;
            }
        }
        let _ = state.try_set(Some(answer));
    });
    state
}

/// The answer's error, said on the page (a 404 is the not-found page).
pub(super) fn failure(error: ApiClientError) -> AnyView {
    if error.status() == Some(404) {
        return view! { <NotFound /> }.into_any();
    }
    let locale = use_locale();
    view! { <p class="banner-error" role="alert">{move || error.message(locale.t())}</p> }
        .into_any()
}

pub(super) fn loading() -> AnyView {
    view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }.into_any()
}

/// `/patients/{id}`: the patient's name and date of birth, and what can be seen.
#[component]
fn PatientHome(id: String) -> impl IntoView {
    let current = use_current();
    let detail = load(id.clone(), {
        let id = id.clone();
        async move { api::patient(&id).await }
    });
    move || match detail.get() {
        None => loading(),
        Some(Err(error)) => failure(error),
        Some(Ok(patient)) => {
            current.update(|p| p.verified = true);
            let unread = current
                .patient
                .with_untracked(|p| p.as_ref().map_or(0, |(_, p)| p.unread_count));
            let dob = patient.dob.clone();
            view! {
                <PageTitle page=|t| t.patient_page_title />
                <h1 tabindex="-1">{format!("{} {}", patient.first_name, patient.last_name)}</h1>
                // What patients come for: first, and a button.
                <p>
                    <a class="button messages-link" href=format!("/patients/{}/messages", patient.id)>
                        {tr(|t| t.messages_link)}
                        {(unread > 0)
                            .then(|| view! { " · " {tr_with(unread_words, unread.to_string())} })}
                    </a>
                </p>
                <dl class="facts">
                    <dt>{tr(|t| t.dob_label)}</dt>
                    <dd>{tr_with(iso_date_in_words, dob)}</dd>
                    <dt>{tr(|t| t.practice_label)}</dt>
                    <dd>{patient.practice_name}</dd>
                </dl>
                <ul class="choices">
                    {[
                        ("records", (|t| t.records_link) as fn(&'static Strings) -> &'static str),
                        ("profile", |t| t.profile_link),
                        ("access-history", |t| t.access_history_link),
                    ]
                        .map(|(sub, label)| {
                            view! {
                                <li>
                                    <a href=format!("/patients/{}/{sub}", patient.id)>
                                        <span class="choice-name">{tr(label)}</span>
                                    </a>
                                </li>
                            }
                        })}
                </ul>
            }
            .into_any()
        }
    }
}

/// `3 7 2015` as the person typed it.
#[derive(Clone, Copy)]
pub(super) struct DateInput {
    month: RwSignal<String>,
    day: RwSignal<String>,
    year: RwSignal<String>,
}

impl DateInput {
    pub(super) fn new(typed: Option<&TypedDate>) -> Self {
        let part =
            |f: fn(&TypedDate) -> &String| RwSignal::new(typed.map(f).cloned().unwrap_or_default());
        DateInput {
            month: part(|d| &d.month),
            day: part(|d| &d.day),
            year: part(|d| &d.year),
        }
    }

    fn typed(self) -> TypedDate {
        TypedDate {
            month: self.month.get_untracked(),
            day: self.day.get_untracked(),
            year: self.year.get_untracked(),
        }
    }

    /// Checked with the same rules as the server, against today's date here.
    pub(super) fn check(self) -> Result<TypedDate, wire::DobError> {
        let typed = self.typed();
        let now = js_sys::Date::new_0();
        let today = chrono::NaiveDate::from_ymd_opt(
            now.get_full_year() as i32,
            now.get_month() + 1,
            now.get_date(),
        )
        .unwrap_or_default();
        DateOfBirth::from_parts(&typed.month, &typed.day, &typed.year, today).map(|_| typed)
    }
}

/// Three numeric fields (month, day, year) that work with a phone keypad (SPEC 3.3.5). `own`:
/// the person's own date of birth, which the browser may fill in; never a patient's.
#[component]
pub(super) fn DateFields(
    field: &'static str,
    date: DateInput,
    problem: RwSignal<Option<Problem>>,
    own: bool,
    children: Children,
) -> impl IntoView {
    let state = FieldState { problem, field };
    let auto = move |part: &'static str| if own { part } else { "off" };
    let part = move |id: String,
                     label: fn(&'static Strings) -> &'static str,
                     value: RwSignal<String>,
                     autocomplete: &'static str,
                     class: &'static str| {
        view! {
            <div class="date-part">
                <label for=id.clone()>{tr(label)}</label>
                <input
                    id=id.clone()
                    name=id
                    class=class
                    type="text"
                    inputmode="numeric"
                    autocomplete=autocomplete
                    aria-invalid=state.invalid()
                    prop:value=value_of(value)
                    on:input=set_value(value)
                />
            </div>
        }
    };
    view! {
        <div class=state.class()>
            <fieldset role="group" aria-describedby=state.described_by()>
                <legend>{children()}</legend>
                <p class="hint" id=format!("{field}-hint")>{tr(|t| t.dob_hint)}</p>
                <FieldError problem field />
                <div class="date">
                    {part(field.to_owned(), |t| t.month_label, date.month, auto("bday-month"), "w2")}
                    {part(format!("{field}-day"), |t| t.day_label, date.day, auto("bday-day"), "w2")}
                    {part(format!("{field}-year"), |t| t.year_label, date.year, auto("bday-year"), "w4")}
                </div>
            </fieldset>
        </div>
    }
}

/// `/patients/{id}/verify`: "What is Lily's date of birth?"
#[component]
fn Verify(id: String) -> impl IntoView {
    let session = use_session();
    let current = use_current();
    let navigate = use_navigate();
    let date = DateInput::new(None);
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    let (is_self, pending) = current.patient.with_untracked(|p| {
        p.as_ref().map_or((false, false), |(_, p)| {
            (
                p.relationship == Relationship::Self_,
                p.status == LinkStatus::PendingActivation,
            )
        })
    });

    // A guardian's first time: their own details come first, on the page before.
    let activate = format!("/patients/{id}/activate");
    if pending && current.guardian.with_untracked(Option::is_none) {
        let navigate = navigate.clone();
        let activate = activate.clone();
        request_animation_frame(move || navigate(&activate, replace()));
    }

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let dob = match date.check() {
            Ok(dob) => dob,
            Err(error) => return report(problem, Problem::Dob(error)),
        };
        busy.set(true);
        let request = VerifyDobRequest {
            dob,
            guardian: current.guardian.get_untracked(),
        };
        let navigate = navigate.clone();
        let id = id.clone();
        let activate = activate.clone();
        spawn_local(async move {
            let answer = api::verify_dob(&id, &request).await;
            let _ = busy.try_set(false);
            let error = match answer {
                Ok(_) => {
                    current.guardian.set(None);
                    current.update(|p| {
                        p.verified = true;
                        p.status = LinkStatus::Active;
                    });
                    // An activated guardian may now add dependents here: the session's
                    // practices say so (`can_add_dependents`).
                    if pending {
                        if let Ok(info) = api::session().await {
                            session.signed_in(info);
                        }
                    }
                    return navigate(&format!("/patients/{id}"), replace());
                }
                Err(error) => error,
            };
            if let Some(target) = refused(&error, &id, session, current) {
                return navigate(&target, replace());
            }
            let code = match &error {
                ApiClientError::Api { body, .. } => body.error.as_str(),
                _ => "",
            };
            let shown = match code {
                "dob_incorrect" => Problem::DobIncorrect(is_self),
                "guardian_details_required" => return navigate(&activate, replace()),
                code => dob_error(code).map_or_else(|| Problem::from_api(&error), Problem::Dob),
            };
            report(problem, shown);
        });
    };

    let heading = tr_with(
        if is_self {
            |t, _| t.verify_heading_self.to_owned()
        } else {
            |t, name| t.verify_heading.replace("{name}", name)
        },
        untrack(|| current.first_name()),
    );
    view! {
        <PageTitle page=|t| t.verify_page_title />
        <ErrorSummary problem target="dob" />
        <form novalidate on:submit=submit>
            <DateFields field="dob" date problem own=false>
                <h1 tabindex="-1">{heading}</h1>
            </DateFields>
            <p>{tr(|t| t.verify_why)}</p>
            <button type="submit" aria-disabled=busy_attr(busy)>
                {busy_label(busy, |t| t.check_dob_button, |t| t.status_checking)}
            </button>
        </form>
    }
}

/// `/patients/{id}/activate`: a guardian's own name and date of birth, asked once, the first
/// time (SPEC 3.3.3). Kept in context and sent with the patient's date of birth on the next page.
#[component]
fn Activate(id: String) -> impl IntoView {
    let current = use_current();
    let navigate = use_navigate();
    let kept = current.guardian.get_untracked();
    let first = RwSignal::new(
        kept.as_ref()
            .map(|g| g.first_name.clone())
            .unwrap_or_default(),
    );
    let last = RwSignal::new(
        kept.as_ref()
            .map(|g| g.last_name.clone())
            .unwrap_or_default(),
    );
    let date = DateInput::new(kept.as_ref().map(|g| &g.dob));
    let problem = RwSignal::new(None::<Problem>);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let first_name = first.get_untracked().trim().to_owned();
        let last_name = last.get_untracked().trim().to_owned();
        let checked = if first_name.is_empty() {
            Err(Problem::FirstNameEmpty)
        } else if last_name.is_empty() {
            Err(Problem::LastNameEmpty)
        } else {
            date.check().map_err(Problem::OwnDob)
        };
        match checked {
            Err(shown) => report(problem, shown),
            Ok(dob) => {
                current.guardian.set(Some(GuardianDetails {
                    first_name,
                    last_name,
                    dob,
                }));
                navigate(
                    &format!("/patients/{id}/verify"),
                    NavigateOptions::default(),
                );
            }
        }
    };
    let name_field =
        move |id, label, value, autocomplete| name_input(problem, id, label, value, autocomplete);
    view! {
        <PageTitle page=|t| t.activate_page_title />
        <ErrorSummary problem target="first-name" />
        <h1 tabindex="-1">{tr(|t| t.activate_heading)}</h1>
        <p>
            {tr_with(
                |t, name| t.activate_intro.replace("{name}", name),
                untrack(|| current.first_name()),
            )}
        </p>
        <form novalidate on:submit=submit>
            {name_field("first-name", |t| t.first_name_label, first, "given-name")}
            {name_field("last-name", |t| t.last_name_label, last, "family-name")}
            <DateFields field="own-dob" date problem own=true>
                {tr(|t| t.own_dob_legend)}
            </DateFields>
            <button type="submit">{tr(|t| t.continue_button)}</button>
        </form>
    }
}

/// A name field (`first-name`, `last-name`) with its error.
pub(super) fn name_input(
    problem: RwSignal<Option<Problem>>,
    id: &'static str,
    label: fn(&'static Strings) -> &'static str,
    value: RwSignal<String>,
    autocomplete: &'static str,
) -> impl IntoView {
    let state = FieldState { problem, field: id };
    view! {
        <div class=state.class()>
            <label for=id>{tr(label)}</label>
            <FieldError problem field=id />
            <input
                id=id
                name=id
                type="text"
                autocomplete=autocomplete
                spellcheck="false"
                aria-invalid=state.invalid()
                aria-describedby=move || state.invalid()().map(|_| format!("{id}-error"))
                prop:value=value_of(value)
                on:input=set_value(value)
            />
        </div>
    }
}

/// "1 new message", "2 new messages": `n` is the count.
pub fn unread_words(t: &'static Strings, n: &str) -> String {
    if n == "1" {
        t.unread_one.to_owned()
    } else {
        t.unread.replace("{n}", n)
    }
}

/// `/patients/{id}/locked`: two wrong dates locked the check (SPEC 3.3.2): how long, and the
/// practice's phone number.
#[component]
fn Locked(id: String) -> impl IntoView {
    let session = use_session();
    let current = use_current();
    let locale = use_locale();
    let left = move || {
        current
            .lock_until
            .get()
            .map_or(0, |at| session.seconds_until(at))
    };
    let practice = current.practice(session);
    view! {
        <PageTitle page=|t| t.locked_page_title />
        <h1 tabindex="-1">{tr(|t| t.locked_heading)}</h1>
        <p class="wait">
            {move || {
                let t = locale.t();
                match left() {
                    0 => t.locked_over.to_owned(),
                    s => t.locked_body.replace("{time}", &t.time(s)),
                }
            }}
        </p>
        <p hidden=move || left() != 0>
            <a class="button" href=format!("/patients/{id}/verify")>
                {tr(|t| t.check_dob_button)}
            </a>
        </p>
        {practice
            .map(|practice| {
                view! {
                    <p>{tr_with(|t, name| t.locked_call.replace("{practice}", name), practice.name)}</p>
                    <p>
                        <a class="tel" href=format!("tel:{}", practice.phone)>
                            {national(&practice.phone)}
                        </a>
                    </p>
                }
            })}
    }
}

/// `/patients/{id}/access-history`: who looked at or changed the record, and when (SPEC 3.9).
#[component]
fn AccessHistory(id: String) -> impl IntoView {
    let current = use_current();
    let locale = use_locale();
    let zone = current
        .practice(use_session())
        .map(|p| p.time_zone)
        .unwrap_or_default();
    let events = load(id.clone(), {
        let id = id.clone();
        async move { api::access_history(&id).await }
    });
    let list = move || {
        match events.get() {
        None => loading(),
        Some(Err(error)) => failure(error),
        Some(Ok(events)) if events.is_empty() => {
            view! { <p>{tr(|t| t.history_empty)}</p> }.into_any()
        }
        Some(Ok(events)) => view! {
            <ol class="history">
                {events
                    .into_iter()
                    .map(|event| {
                        let at = event.at.clone();
                        let zone = zone.clone();
                        view! {
                            <li>
                                <strong>{tr_with(action, event.action)}</strong>
                                <span>
                                    {tr_with(who, event.who)}
                                    " · "
                                    <time datetime=at>{move || practice_time(locale.t(), &event.at, &zone)}</time>
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
        .into_any(),
    }
    };
    view! {
        <PageTitle page=|t| t.history_page_title />
        <h1 tabindex="-1">{tr(|t| t.history_page_title)}</h1>
        <p>
            {tr_with(
                |t, name| t.history_intro.replace("{name}", name),
                untrack(|| current.first_name()),
            )}
        </p>
        {list}
        <p class="back">
            <a href=format!("/patients/{id}")>{tr(|t| t.back_to_patient)}</a>
        </p>
    }
}

/// An audit action code in plain words; an unknown one as it is.
pub fn action(t: &'static Strings, code: &str) -> String {
    match code {
        "patient.view" => t.action_view,
        "dob.verify" => t.action_verify,
        "guardian.activate" => t.action_activate,
        "access_history.view" => t.action_history,
        c if c.starts_with("practice.") => t.action_practice,
        c => c,
    }
    .to_owned()
}

/// Who did it: `you`, `practice`, or another account by its relationship (and masked phone).
pub fn who(t: &'static Strings, who: &str) -> String {
    let (kind, rest) = who.split_once(' ').unwrap_or((who, ""));
    let words = match kind {
        "you" => t.rel_self,
        "practice" => t.who_practice,
        "guardian" => t.who_guardian,
        "self" => t.who_self,
        "linked" => t.who_linked,
        _ => return who.to_owned(),
    };
    if rest.is_empty() {
        words.to_owned()
    } else {
        format!("{words} ({})", rest.replace(' ', "\u{a0}"))
    }
}

/// `YYYY-MM-DD` as the language writes a date: `September 3, 2016`, `3 de septiembre de 2016`.
pub(super) fn iso_date_in_words(t: &'static Strings, iso: &str) -> String {
    in_words(t, iso, r#"{"dateStyle":"long","timeZone":"UTC"}"#)
}

/// An RFC 3339 time in the practice's time zone (UX.md: times follow the practice's zone), as
/// the language writes it, with the zone's short name: `November 22, 2026 at 3:05 PM CST`,
/// `22 de noviembre de 2026, 15:05 GMT-6`. Only characters of IANA names go into the options.
pub(super) fn practice_time(t: &'static Strings, at: &str, zone: &str) -> String {
    let zone = if !zone.is_empty()
        && zone
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b))
    {
        format!(r#","timeZone":"{zone}""#)
    } else {
        String::new()
    };
    in_words(
        t,
        at,
        &format!(
            r#"{{"year":"numeric","month":"long","day":"numeric","hour":"numeric","minute":"2-digit","timeZoneName":"short"{zone}}}"#
        ),
    )
}

/// The browser's `Date` reads and writes the time (`Intl`): no date parser, month names or
/// time-zone data in the WebAssembly. As it is when it is not a date.
fn in_words(t: &'static Strings, at: &str, options: &str) -> String {
    let date = js_sys::Date::new(&at.into());
    if date.get_time().is_nan() {
        return at.to_owned();
    }
    let options = js_sys::JSON::parse(options).unwrap_or_default();
    // Through `apply`, so options the browser refuses (it throws on a time zone it does not
    // know) leave the time as it came instead of stopping the page.
    js_sys::Reflect::get(&date, &"toLocaleString".into())
        .and_then(|f| {
            js_sys::Reflect::apply::<fn() -> wasm_bindgen::JsValue>(
                f.unchecked_ref(),
                &date,
                &js_sys::Array::of2(&t.locale_code.into(), &options),
            )
        })
        .ok()
        .and_then(|s: wasm_bindgen::JsValue| s.as_string())
        .unwrap_or_else(|| at.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{strings, Language};

    #[test]
    fn actions_and_people_in_plain_words() {
        let en = strings(Language::En);
        assert_eq!(action(en, "patient.view"), "Looked at the record");
        assert_eq!(action(en, "dob.verify"), "Checked the date of birth");
        assert_eq!(action(en, "guardian.activate"), "Activated guardian access");
        assert_eq!(
            action(en, "practice.patient.update"),
            "The practice updated the record"
        );
        assert_eq!(
            action(en, "access_history.view"),
            "Looked at the access history"
        );
        assert_eq!(action(en, "something.new"), "something.new");
        assert_eq!(who(en, "you"), "You");
        assert_eq!(who(en, "practice"), "The practice");
        assert_eq!(who(en, "guardian •••• 0102"), "A guardian (••••\u{a0}0102)");
        assert_eq!(who(strings(Language::Es), "self"), "El paciente");
    }
}
