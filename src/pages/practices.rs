//! After signing in (SPEC 3.2.1): the account's practices, or the "no records yet" page when
//! nothing is linked to the number; `/practices/{slug}`, the patients there.

use crate::{
    api,
    components::{
        load::{error_banner, load_signed_in, loading, replace},
        patient_choice::patient_choice,
        NotFound, PageTitle,
    },
    current_patient::use_current,
    format::national,
    i18n::{tr, use_locale},
    session::{use_session, RequireSignIn},
};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

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
            navigate(&format!("/practices/{}", only.slug), replace());
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
    let current = use_current();
    let list = load_signed_in({
        let slug = slug.clone();
        async move { api::patients(&slug).await }
    });
    move || match list.get() {
        None => loading(),
        Some(Err(error)) => error_banner(error),
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
