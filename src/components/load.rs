//! Loading what a page shows, and saying when it failed. Every page that fetches on its own
//! uses [`fetched`] (through [`load`] for a patient's data, [`load_signed_in`] for the
//! account's): a signal that is `None` until the answer comes, which the page matches on with
//! [`loading`] and [`failure`].
//!
//! `fetched` is the portal's one hand-written stand-in for Leptos's `LocalResource` and
//! `<Suspense>`: one spawned future and one signal, and a refused answer is dealt with (the
//! person sent to the date-of-birth check or the lock page, or signed out) before the page
//! shows anything. Pages never copy this pattern; they call it.

use super::NotFound;
use crate::{
    api::ApiClientError,
    current_patient::{use_current, Current},
    i18n::{tr, use_locale},
    session::{use_session, Session},
};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{hooks::use_navigate, NavigateOptions};
use std::future::Future;
use wire::api::LinkStatus;
use wire::ErrorCode;

/// An answer a page waits for: `None` while it comes.
pub type Loaded<T> = RwSignal<Option<Result<T, ApiClientError>>>;

/// Navigation that replaces the address instead of adding one (a redirect: back does not
/// return to it).
pub fn replace() -> NavigateOptions {
    NavigateOptions {
        replace: true,
        ..Default::default()
    }
}

/// Where a refused patient-scoped request sends the person: the check (`verify_first`) or the
/// lock page (`locked`, whose wait is kept). `None`: show the error on the page.
pub fn refused(
    error: &ApiClientError,
    id: &str,
    session: Session,
    current: Current,
) -> Option<String> {
    let ApiClientError::Api { body, .. } = error else {
        return None;
    };
    match body.error {
        ErrorCode::VerifyFirst => Some(format!("/patients/{id}/verify")),
        ErrorCode::Locked => {
            let wait = body.retry_after_seconds.unwrap_or(3600);
            current.update(|p| p.status = LinkStatus::Locked);
            current.lock_until.set(Some(session.deadline(wait)));
            Some(format!("/patients/{id}/locked"))
        }
        ErrorCode::SignedOut => {
            session.signed_out(None);
            None
        }
        _ => None,
    }
}

/// Runs `fetch` and keeps its answer, unless `handled` says a refusal was dealt with (the
/// page is being left: nothing to show).
pub fn fetched<T: Send + Sync + 'static>(
    fetch: impl Future<Output = Result<T, ApiClientError>> + 'static,
    handled: impl FnOnce(&ApiClientError) -> bool + 'static,
) -> Loaded<T> {
    let state = RwSignal::new(None);
    spawn_local(async move {
        let answer = fetch.await;
        if let Err(error) = &answer {
            if handled(error) {
                return;
            }
        }
        let _ = state.try_set(Some(answer));
    });
    state
}

/// Loads something about the patient `id`; on `verify_first` or `locked` goes where
/// [`refused`] says.
pub fn load<T: Send + Sync + 'static>(
    id: String,
    fetch: impl Future<Output = Result<T, ApiClientError>> + 'static,
) -> Loaded<T> {
    let session = use_session();
    let current = use_current();
    let navigate = use_navigate();
    fetched(fetch, move |error| {
        let target = refused(error, &id, session, current);
        if let Some(target) = &target {
            navigate(target, replace());
        }
        target.is_some()
    })
}

/// Loads something about the signed-in account; a 401 (the session ended) signs out, and the
/// error is shown meanwhile.
pub fn load_signed_in<T: Send + Sync + 'static>(
    fetch: impl Future<Output = Result<T, ApiClientError>> + 'static,
) -> Loaded<T> {
    let session = use_session();
    fetched(fetch, move |error| {
        if let ApiClientError::Api { status: 401, .. } = error {
            session.signed_out(None);
        }
        false
    })
}

/// "Loading…", said to screen readers too.
pub fn loading() -> AnyView {
    view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }.into_any()
}

/// The answer's error, said on the page (a 404 is the not-found page).
pub fn failure(error: ApiClientError) -> AnyView {
    if error.status() == Some(404) {
        return view! { <NotFound /> }.into_any();
    }
    error_banner(error)
}

/// The answer's error in the person's language, as an alert.
pub fn error_banner(error: ApiClientError) -> AnyView {
    let locale = use_locale();
    view! { <p class="banner-error" role="alert">{move || error.message(locale.t())}</p> }
        .into_any()
}
