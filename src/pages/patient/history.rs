//! The access history (SPEC 3.9).

use super::back_to_patient;
use crate::{
    api,
    components::{
        load::{failure, load, loading},
        PageTitle,
    },
    current_patient::use_current,
    format::practice_time,
    i18n::{tr, tr_with, use_locale, Strings},
    session::use_session,
};
use leptos::prelude::*;

/// `/patients/{id}/access-history`: who looked at or changed the record, and when (SPEC 3.9).
#[component]
pub(super) fn AccessHistory(id: String) -> impl IntoView {
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
        {back_to_patient(&id)}
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
