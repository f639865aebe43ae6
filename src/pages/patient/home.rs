//! `/patients/{id}`: the patient's page, once the date of birth is checked.

use crate::{
    api,
    components::{
        load::{failure, load, loading},
        PageTitle,
    },
    current_patient::use_current,
    format::{iso_date_in_words, unread_words},
    i18n::{tr, tr_with, Strings},
};
use leptos::prelude::*;

/// `/patients/{id}`: the patient's name and date of birth, and what can be seen.
#[component]
pub(super) fn PatientHome(id: String) -> impl IntoView {
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
