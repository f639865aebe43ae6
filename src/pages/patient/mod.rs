//! The pages of one patient, all under `/patients/{id}`: this frame routes them and shows at the
//! top of each whom the person acts for ([`PatientBar`]). Its children are the pages: the
//! patient's page (`home`), the date-of-birth check and its lock (`verify`), the access history
//! (`history`), the conversation (`messages`), the record items (`records`) and the
//! demographics (`profile`). They depend on this frame and on shared modules, never on each
//! other.

mod history;
mod home;
mod messages;
mod profile;
mod records;
mod verify;

use crate::{
    components::{load::replace, NotFound},
    current_patient::use_current,
    i18n::{tr, use_locale},
    session::{use_session, RequireSignIn},
};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

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
                    Which::Home => view! { <home::PatientHome id /> }.into_any(),
                    Which::Verify => view! { <verify::Verify id /> }.into_any(),
                    Which::Activate => view! { <verify::Activate id /> }.into_any(),
                    Which::Locked => view! { <verify::Locked id /> }.into_any(),
                    Which::History => view! { <history::AccessHistory id /> }.into_any(),
                    Which::Messages => view! { <messages::Conversation id /> }.into_any(),
                    Which::Records => view! { <records::Records id /> }.into_any(),
                    Which::Profile => view! { <profile::ProfilePage id /> }.into_any(),
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

/// The way back to the patient's page, at the foot of each page under it.
fn back_to_patient(id: &str) -> impl IntoView {
    view! {
        <p class="back">
            <a href=format!("/patients/{id}")>{tr(|t| t.back_to_patient)}</a>
        </p>
    }
}
