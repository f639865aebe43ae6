//! `/overview`: everyone the account acts for at every practice, with what is new (a
//! caregiver's desktop view, UX.md), each row chosen like the practice's patient list.

use crate::{
    api,
    components::{
        load::{failure, load_signed_in, loading},
        patient_choice::patient_choice,
        PageTitle,
    },
    current_patient::{use_current, Current},
    format::practice_time,
    i18n::{tr, use_locale},
    session::RequireSignIn,
};
use leptos::prelude::*;
use wire::{api::LinkStatus, patients::PatientSummary, records::OverviewEntry};

/// `/overview`: everyone the account acts for at every practice, with what is new.
#[component]
pub fn Overview() -> impl IntoView {
    view! {
        <RequireSignIn>
            <OverviewList />
        </RequireSignIn>
    }
}

#[component]
fn OverviewList() -> impl IntoView {
    let current = use_current();
    let list = load_signed_in(api::overview());
    let entries = move || match list.get() {
        None => loading(),
        Some(Err(error)) => failure(error),
        Some(Ok(entries)) if entries.is_empty() => {
            view! { <p>{tr(|t| t.overview_empty)}</p> }.into_any()
        }
        Some(Ok(entries)) => view! {
            <ul class="choices overview">
                {entries.into_iter().map(|entry| person(entry, current)).collect_view()}
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

/// One person, drawn like the practice's patient list, with the practice and (once the date of
/// birth is checked) the next appointment under the badge.
fn person(e: OverviewEntry, current: Current) -> impl IntoView {
    let locale = use_locale();
    let next = e.verified.then(|| {
        let next = e.next_appointment;
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
    let patient = PatientSummary {
        id: e.patient_id,
        first_name: e.first_name,
        last_name: e.last_name,
        relationship: e.relationship,
        status: if e.locked {
            LinkStatus::Locked
        } else {
            LinkStatus::Active
        },
        verified: e.verified,
        birth_month_year: None,
        locked_seconds_left: None,
        unread_count: e.unread_count,
    };
    // A lock's wait comes with the gate's answer on the patient's page.
    let href = e.locked.then(|| format!("/patients/{}", patient.id));
    patient_choice(
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
}
