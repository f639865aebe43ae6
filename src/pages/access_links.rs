//! Medical access links (SPEC 3.6): `/link/{token}` from the e-mail, or `/link` to type the
//! four-word code; both end on one page that names whose record will be added and asks to
//! confirm. Looking never uses the link up; only "Add record" does.

use crate::{
    api::{self, ApiClientError, LinkKey},
    components::{
        form::{
            busy_attr, busy_label, report, set_value, value_of, ErrorSummary, FieldError,
            FieldState, Problem,
        },
        load::{failure, loading, replace},
        PageTitle,
    },
    i18n::{tr, use_locale, Strings},
    session::{use_session, RequireSignIn, Session},
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;
use wire::access_links::AccessLinkPreview;
use wire::ErrorCode;

type Text = fn(&'static Strings) -> &'static str;

/// Where the link stands on the page.
#[derive(Clone)]
enum Step {
    /// Asking for the code (`/link`), or waiting for the preview.
    Ask,
    /// Whose record the link adds.
    Confirm(AccessLinkPreview),
    /// 410 (expired, used, revoked or unknown, one page for all) or 409 (the account already
    /// acts for the patient, `true`: a link to the records).
    Said(Text, Text, bool),
    Failed(ApiClientError),
}

/// The page for `/link` (no token) and `/link/{token}`.
pub fn link_page(token: Option<String>) -> AnyView {
    view! {
        <RequireSignIn>
            <LinkPage token=token.clone() />
        </RequireSignIn>
    }
    .into_any()
}

/// The step an error answer leads to. A 401 (the session ended meanwhile) signs out: the sign-in page comes, then this link again.
fn step_of(error: ApiClientError, session: Session) -> Step {
    if error.status() == Some(401) {
        session.signed_out(None);
    }
    match &error {
        ApiClientError::Api { body, .. } if body.error == ErrorCode::LinkNotUsable => {
            Step::Said(|t| t.link_dead_heading, |t| t.link_dead_body, false)
        }
        ApiClientError::Api { body, .. } if body.error == ErrorCode::AlreadyLinked => {
            Step::Said(|t| t.link_already_heading, |t| t.link_already_body, true)
        }
        _ => Step::Failed(error),
    }
}

/// The link as a request names it: the code as typed (`typed`), else its token.
fn link(typed: bool, key: &str) -> LinkKey<'_> {
    if typed {
        LinkKey::Code(key)
    } else {
        LinkKey::Token(key)
    }
}

#[component]
fn LinkPage(token: Option<String>) -> impl IntoView {
    let session = use_session();
    let locale = use_locale();
    let navigate = use_navigate();
    let typed = token.is_none();
    let step = RwSignal::new(Step::Ask);
    let code = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    // The link's token, or the code as typed: what the preview and redeeming are asked with.
    let token = StoredValue::new(token);
    let key = move || {
        token
            .get_value()
            .unwrap_or_else(|| code.get_untracked().trim().to_owned())
    };

    // Shows the preview, or on the code form the problem (a typo must not lose the words).
    let preview = move || {
        let key = key();
        busy.set(true);
        spawn_local(async move {
            let answer = api::preview_link(link(typed, &key)).await;
            let _ = busy.try_set(false);
            let next = match answer {
                Ok(found) => Step::Confirm(found),
                Err(error) => match (typed, step_of(error.clone(), session)) {
                    (true, Step::Said(_, _, false)) => {
                        return report(
                            problem,
                            Problem::Invalid("link-code", |t| t.link_code_unusable),
                        )
                    }
                    (true, Step::Failed(_)) => return report(problem, Problem::from_api(&error)),
                    (_, step) => step,
                },
            };
            if step.try_set(next).is_none() {
                request_animation_frame(crate::app::focus_heading);
            }
        });
    };
    if !typed {
        preview();
    }
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if code.get_untracked().trim().is_empty() {
            return report(
                problem,
                Problem::Invalid("link-code", |t| t.link_code_empty),
            );
        }
        problem.set(None);
        preview();
    };
    let confirm = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let key = key();
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::redeem_link(link(typed, &key)).await {
                Ok(added) => {
                    let slug = added.practice_slug;
                    // The practice may be new to this account: the session lists it.
                    if let Ok(info) = api::session().await {
                        session.signed_in(info);
                    }
                    navigate(&format!("/practices/{slug}"), replace());
                }
                Err(error) => {
                    let _ = busy.try_set(false);
                    if step.try_set(step_of(error, session)).is_none() {
                        request_animation_frame(crate::app::focus_heading);
                    }
                }
            }
        });
    };

    let state = FieldState {
        problem,
        field: "link-code",
    };
    let ask = move || {
        if !typed {
            return loading();
        }
        view! {
            <ErrorSummary problem target="link-code" />
            <form novalidate on:submit=submit>
                <div class=state.class()>
                    <h1 tabindex="-1">
                        <label for="link-code">{tr(|t| t.link_code_heading)}</label>
                    </h1>
                    <p class="hint" id="link-code-hint">{tr(|t| t.link_code_hint)}</p>
                    <FieldError problem field="link-code" />
                    <input
                        id="link-code"
                        name="link-code"
                        type="text"
                        autocomplete="off"
                        autocapitalize="none"
                        spellcheck="false"
                        aria-describedby=state.described_by()
                        aria-invalid=state.invalid()
                        prop:value=value_of(code)
                        on:input=set_value(code)
                    />
                </div>
                <button type="submit" aria-disabled=busy_attr(busy)>
                    {busy_label(busy, |t| t.continue_button, |t| t.status_checking)}
                </button>
            </form>
        }
        .into_any()
    };
    let back = view! {
        <p class="back">
            <a href="/practices">{tr(|t| t.link_not_now)}</a>
        </p>
    };
    view! {
        <PageTitle page=|t| t.link_page_title />
        {move || match step.get() {
            Step::Ask => ask(),
            Step::Confirm(found) => {
                let name = format!("{} {}", found.patient_first_name, found.patient_last_name);
                let practice = found.practice_name;
                view! {
                    <h1 tabindex="-1">
                        {move || {
                            locale
                                .t()
                                .link_heading
                                .replace("{name}", &name)
                                .replace("{practice}", &practice)
                        }}
                    </h1>
                    <p>{tr(|t| t.link_intro)}</p>
                    <button type="button" aria-disabled=busy_attr(busy) on:click=confirm.clone()>
                        {busy_label(busy, |t| t.link_confirm_button, |t| t.adding)}
                    </button>
                }
                .into_any()
            }
            Step::Said(heading, body, more) => view! {
                <h1 tabindex="-1">{tr(heading)}</h1>
                <p>{tr(body)}</p>
                <p hidden=!more>
                    <a class="button" href="/overview">{tr(|t| t.link_see_records)}</a>
                </p>
            }
            .into_any(),
            Step::Failed(error) => failure(error),
        }}
        {back}
    }
}
