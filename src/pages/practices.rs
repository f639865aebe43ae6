//! After signing in (SPEC 3.2.1): the account's practices, or the "no records yet" page when
//! nothing is linked to the number; `/practices/{slug}`, the patients there.

use crate::{
    api::{self, ApiClientError},
    components::PageTitle,
    i18n::{tr, tr_with, use_locale, Strings},
    pages::NotFound,
    patients::{use_current, Current},
    session::{use_session, RequireSignIn},
};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{
    hooks::{use_location, use_navigate},
    NavigateOptions,
};
use wire::{
    api::{LinkStatus, Relationship},
    patients::PatientSummary,
    PhoneNumber,
};

/// `(972) 555-0100` from E.164, for people; the raw value if it is not a US number.
pub fn national(e164: &str) -> String {
    PhoneNumber::parse(e164).map_or_else(|_| e164.to_owned(), |phone| phone.national())
}

/// `/practices`: "Which practice do you want to see?" (skipped when there is only one).
#[component]
pub fn Practices() -> impl IntoView {
    view! {
        <RequireSignIn>
            <PracticeList />
        </RequireSignIn>
    }
}

#[component]
fn PracticeList() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let practices = Memo::new(move |_| session.info().map(|i| i.practices).unwrap_or_default());
    Effect::new(move |_| {
        if let [only] = &practices.get()[..] {
            navigate(
                &format!("/practices/{}", only.slug),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    move || match practices.get().len() {
        0 => view! { <NoRecords /> }.into_any(),
        1 => ().into_any(),
        _ => view! {
            <PageTitle page=|t| t.practices_page_title />
            <h1 tabindex="-1">{tr(|t| t.practices_heading)}</h1>
            <ul class="choices">
                {practices
                    .get()
                    .into_iter()
                    .map(|practice| {
                        view! {
                            <li>
                                <a href=format!("/practices/{}", practice.slug)>
                                    <span class="choice-name">{practice.name}</span>
                                    <span class="choice-detail">{national(&practice.phone)}</span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {more_links()}
        }
        .into_any(),
    }
}

/// Everyone at once, and typing a code from an access-link e-mail.
fn more_links() -> impl IntoView {
    view! {
        <ul class="more-links">
            <li>
                <a href="/overview">{tr(|t| t.overview_link)}</a>
            </li>
            <li>
                <a href="/link">{tr(|t| t.have_code_link)}</a>
            </li>
        </ul>
    }
}

/// The account is signed in but linked to nothing: the two ways forward (SPEC 3.1.5).
#[component]
fn NoRecords() -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let phone = move || {
        session
            .info()
            .map(|i| crate::session::unbroken(&i.phone))
            .unwrap_or_default()
    };
    view! {
        <PageTitle page=|t| t.no_records_page_title />
        <h1 tabindex="-1">{tr(|t| t.no_records_heading)}</h1>
        <p>{move || locale.t().no_records_intro.replace("{phone}", &phone())}</p>
        <p>{tr(|t| t.no_records_ways)}</p>
        <ol class="steps">
            <li>{tr(|t| t.no_records_link)}</li>
            <li>{tr(|t| t.no_records_ask)}</li>
        </ol>
        <p>
            <a class="button" href="/link">{tr(|t| t.have_code_link)}</a>
        </p>
    }
}

/// `/practices/{slug}`: the patients at the practice, and how to reach it.
#[component]
pub fn PracticePage() -> impl IntoView {
    view! {
        <RequireSignIn>
            <PracticeDetails />
        </RequireSignIn>
    }
}

#[component]
fn PracticeDetails() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let found = Memo::new(move |_| {
        let slug = location
            .pathname
            .with(|path| path.strip_prefix("/practices/").map(str::to_owned))?;
        let info = session.info()?;
        let many = info.practices.len() > 1;
        info.practices
            .into_iter()
            .find(|practice| practice.slug == slug)
            .map(|practice| (practice, many))
    });
    move || match found.get() {
        // Not one of this account's practices: the same page as any unknown address.
        None => view! { <NotFound /> }.into_any(),
        Some((practice, many)) => {
            let tel = format!("tel:{}", practice.phone);
            view! {
                <PageTitle page=|t| t.practices_page_title />
                <h1 tabindex="-1">{practice.name}</h1>
                <h2>{tr(|t| t.patients_heading)}</h2>
                <PatientList slug=practice.slug.clone() />
                {practice
                    .can_add_dependents
                    .then(|| {
                        view! {
                            <p>
                                <a
                                    class="button-secondary"
                                    href=format!("/practices/{}/add-dependent", practice.slug)
                                >
                                    {tr(|t| t.add_dependent_link)}
                                </a>
                            </p>
                        }
                    })}
                <h2>{tr(|t| t.practice_phone)}</h2>
                <p>
                    <a class="tel" href=tel>
                        {national(&practice.phone)}
                    </a>
                </p>
                {many
                    .then(|| {
                        view! {
                            <p class="back">
                                <a href="/practices">{tr(|t| t.practice_other)}</a>
                            </p>
                        }
                    })}
                {more_links()}
            }
            .into_any()
        }
    }
}

/// The patients this account acts for at the practice (SPEC 3.2): name, relationship, and
/// whether the date of birth is checked, in words beside an icon. Shown even when there is only
/// one, so the person sees whom they act for before anything else.
#[component]
fn PatientList(slug: String) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let current = use_current();
    let list = RwSignal::new(None::<Result<Vec<PatientSummary>, ApiClientError>>);
    let wanted = slug.clone();
    spawn_local(async move {
        let answer = api::patients(&wanted).await;
        if let Err(ApiClientError::Api { status: 401, .. }) = answer {
            session.signed_out(None);
        }
        let _ = list.try_set(Some(answer));
    });
    move || match list.get() {
        None => view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }.into_any(),
        Some(Err(error)) => view! {
            <p class="banner-error" role="alert">{move || error.message(locale.t())}</p>
        }
        .into_any(),
        Some(Ok(patients)) => {
            let slug = slug.clone();
            view! {
                <ul class="choices">
                    {patients
                        .into_iter()
                        .map(|patient| {
                            patient_choice(slug.clone(), patient, current, None, ().into_any())
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }
    }
}

/// One patient to choose; `href` instead of the next step, and `extra` lines under the badge
/// (the overview's practice and next appointment).
pub(super) fn patient_choice(
    slug: String,
    patient: PatientSummary,
    current: Current,
    href: Option<String>,
    extra: AnyView,
) -> impl IntoView {
    let relationship: fn(&'static Strings) -> &'static str = match patient.relationship {
        Relationship::Self_ => |t| t.rel_self,
        Relationship::Guardian => |t| t.rel_guardian,
        Relationship::Linked => |t| t.rel_linked,
    };
    let (class, icon, badge): (_, _, fn(&'static Strings) -> &'static str) =
        match (patient.status, patient.verified) {
            (LinkStatus::Locked, _) => ("badge badge-locked", "✕", |t| t.badge_locked),
            (_, true) => ("badge badge-ok", "✓", |t| t.badge_verified),
            _ => ("badge", "!", |t| t.badge_needs_check),
        };
    let born = patient
        .birth_month_year
        .clone()
        .map(|date| tr_with(|t, date| t.born.replace("{date}", date), date));
    let unread = patient.unread_count;
    // Straight to what comes next: the patient's page once checked, else the check (a
    // guardian's first time starts with their own details) or the lock.
    let next = match (patient.status, patient.verified) {
        (LinkStatus::Locked, _) => "/locked",
        (_, true) => "",
        (LinkStatus::PendingActivation, _) => "/activate",
        _ => "/verify",
    };
    let href = href.unwrap_or_else(|| format!("/patients/{}{next}", patient.id));
    let name = format!("{} {}", patient.first_name, patient.last_name);
    view! {
        <li>
            <a href=href on:click=move |_| current.choose(slug.clone(), patient.clone())>
                <span class="choice-name">{name}</span>
                <span class="choice-detail">
                    {tr(relationship)}
                    {born.map(|born| view! { " · " {born} })}
                </span>
                <span class=class>
                    <span aria-hidden="true">{icon}" "</span>
                    {tr(badge)}
                </span>
                {(unread > 0)
                    .then(|| {
                        view! {
                            <span class="unread">
                                {tr_with(super::patient::unread_words, unread.to_string())}
                            </span>
                        }
                    })}
                {extra}
            </a>
        </li>
    }
}
