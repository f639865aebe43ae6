//! The date-of-birth check (SPEC 3.3): `/patients/{id}/verify`, a guardian's own details first
//! at `/activate`, and the lock after two wrong dates at `/locked`.

use crate::{
    api,
    components::{
        fields::{name_input, DateFields, DateInput},
        form::{busy_attr, busy_label, dob_error, report, ErrorSummary, Problem},
        load::{refused, replace},
        PageTitle,
    },
    current_patient::use_current,
    format::national,
    i18n::{tr, tr_with, use_locale},
    session::use_session,
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::{hooks::use_navigate, NavigateOptions};
use wire::ErrorCode;
use wire::{
    api::{LinkStatus, Relationship},
    patients::{GuardianDetails, VerifyDobRequest},
};

/// `/patients/{id}/verify`: "What is Lily's date of birth?"
#[component]
pub(super) fn Verify(id: String) -> impl IntoView {
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
            let shown = match error.code() {
                Some(ErrorCode::DobIncorrect) => Problem::DobIncorrect(is_self),
                Some(ErrorCode::GuardianDetailsRequired) => return navigate(&activate, replace()),
                code => code
                    .and_then(dob_error)
                    .map_or_else(|| Problem::from_api(&error), Problem::Dob),
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
pub(super) fn Activate(id: String) -> impl IntoView {
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

/// `/patients/{id}/locked`: two wrong dates locked the check (SPEC 3.3.2): how long, and the
/// practice's phone number.
#[component]
pub(super) fn Locked(id: String) -> impl IntoView {
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
