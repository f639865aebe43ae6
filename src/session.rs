//! Who is signed in (SPEC 3.1.7), shared through context: loaded once at start from
//! `GET /api/session`, replaced by every answer that carries a [`SessionInfo`], and timed out
//! on the page when the server's idle or absolute limit runs out.
//!
//! Countdowns use the page's monotonic clock (`performance.now()`) plus the server's
//! "seconds left" values, never the device's wall-clock time (which may be wrong or change).
//! One timer advances [`Session::clock`] every second; each countdown derives from it, so a
//! sleeping phone or a throttled background tab catches up on the next tick.

use crate::{
    api,
    components::form::{busy_attr, busy_label},
    i18n::{tr, use_locale},
};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{
    hooks::{use_location, use_navigate},
    NavigateOptions,
};
use std::time::Duration;
use wire::auth::{PracticeSummary, SessionInfo};

/// Seconds on the page's monotonic clock.
/// Seconds left, rounded up to whole seconds as people count them. `(now + 30.0) - now` can be
/// 30.000000000000004 in floating point; without the allowance `ceil` would say "31 seconds"
/// for a 30-second wait.
fn whole_seconds(left: f64) -> u64 {
    const ROUNDING: f64 = 1e-6;
    (left - ROUNDING).ceil().max(0.0) as u64
}

pub fn now() -> f64 {
    window().performance().map_or(0.0, |p| p.now() / 1000.0)
}

#[derive(Debug, Clone, PartialEq)]
pub enum SessionState {
    /// Waiting for `GET /api/session`.
    Loading,
    SignedOut,
    SignedIn(SessionInfo),
}

/// Why the person is on the sign-in page, said there in a `role="status"` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    SignedOut,
    /// 30 minutes without activity.
    Idle,
    /// 12 hours after signing in.
    Expired,
}

/// The code that was texted, for the code page.
#[derive(Debug, Clone, PartialEq)]
pub struct SentCode {
    /// E.164, as sent to the server.
    pub phone: String,
    /// `•••• 5861`.
    pub sent_to: String,
    /// 0 when not known.
    pub expires_in_seconds: u64,
}

/// The session and the sign-in in progress. `Copy`: every field is a signal.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub state: RwSignal<SessionState>,
    /// When the session ends on [`now`]'s clock, and whether the idle limit (not the 12-hour
    /// one) is what ends it.
    ends: RwSignal<(f64, bool)>,
    pub notice: RwSignal<Option<Notice>>,
    /// The page a signed-out person asked for, to go back to after signing in.
    pub return_to: RwSignal<Option<String>>,
    /// [`now`], advanced every second while the app runs.
    pub clock: RwSignal<f64>,
    /// The sign-in in progress: what was typed is kept across its pages and after errors.
    pub phone: RwSignal<String>,
    pub remember: RwSignal<bool>,
    pub sent: RwSignal<Option<SentCode>>,
    /// When another code may be asked for, on [`now`]'s clock.
    pub resend_at: RwSignal<Option<f64>>,
}

impl Session {
    /// Creates the session, provides it to the app, asks the server who is signed in and starts
    /// the clock (stopped when the app goes away).
    pub fn provide() -> Self {
        let session = Session {
            state: RwSignal::new(SessionState::Loading),
            ends: RwSignal::new((f64::INFINITY, true)),
            notice: RwSignal::new(None),
            return_to: RwSignal::new(
                crate::current_patient::storage()
                    .and_then(|s| s.get_item(RETURN_KEY).ok().flatten()),
            ),
            clock: RwSignal::new(now()),
            phone: RwSignal::new(String::new()),
            remember: RwSignal::new(true),
            sent: RwSignal::new(None),
            resend_at: RwSignal::new(None),
        };
        provide_context(session);
        // A device that never signed in (or signed out) has no session to ask about: that
        // saves a request on the first load, and a 401 in the console.
        if !remembered() {
            session.state.set(SessionState::SignedOut);
        }
        spawn_local(async move {
            if !remembered() {
                return;
            }
            let answer = api::session().await;
            // A sign-in that finished first wins over this older answer.
            if session.state.try_get_untracked() == Some(SessionState::Loading) {
                match answer {
                    Ok(info) => session.signed_in(info),
                    Err(api::ApiClientError::Api { status: 401, .. }) => session.signed_out(None),
                    // Offline or a server fault: signed out for now, but still remembered.
                    Err(_) => session.state.set(SessionState::SignedOut),
                }
            }
        });
        if let Ok(timer) =
            set_interval_with_handle(move || session.clock.set(now()), Duration::from_secs(1))
        {
            on_cleanup(move || timer.clear());
        }
        session
    }

    /// A deadline `seconds` from now; also brings [`Session::clock`] up to date, so the
    /// countdown starts from the full time.
    pub fn deadline(self, seconds: u64) -> f64 {
        let now = now();
        self.clock.set(now);
        now + seconds as f64
    }

    /// Whole seconds left until `deadline` (reactive: follows the clock).
    pub fn seconds_until(self, deadline: f64) -> u64 {
        whole_seconds(deadline - self.clock.get())
    }

    pub fn signed_in(self, info: SessionInfo) {
        let idle = info.idle_seconds_left <= info.absolute_seconds_left;
        let left = info.idle_seconds_left.min(info.absolute_seconds_left);
        self.ends.set((self.deadline(left), idle));
        self.notice.set(None);
        remember(true);
        self.state.set(SessionState::SignedIn(info));
    }

    pub fn signed_out(self, notice: Option<Notice>) {
        // The next person at a shared device must not find this number in the field: kept only
        // after a timeout on a remembered device, for signing back in.
        let remembered = self.state.with_untracked(
            |state| matches!(state, SessionState::SignedIn(info) if info.remembered_device),
        );
        if notice == Some(Notice::SignedOut) || !remembered {
            self.phone.set(String::new());
        }
        self.sent.set(None);
        remember(false);
        self.notice.set(notice);
        self.state.set(SessionState::SignedOut);
    }

    /// The page to come back to after signing in. An access link's page is also kept in this
    /// tab's `sessionStorage`, so the link opened while signed out survives a reload on the way
    /// (SPEC 3.6.2); nothing else is kept past a sign-out.
    pub fn set_return(self, page: Option<String>) {
        if let Some(storage) = crate::current_patient::storage() {
            let _ = match &page {
                Some(page) if page.starts_with("/link") => storage.set_item(RETURN_KEY, page),
                _ => storage.remove_item(RETURN_KEY),
            };
        }
        self.return_to.set(page);
    }

    /// Whether someone is signed in (reactive).
    pub fn is_signed_in(self) -> bool {
        self.state
            .with(|state| matches!(state, SessionState::SignedIn(_)))
    }

    /// The signed-in session's details (reactive).
    pub fn info(self) -> Option<SessionInfo> {
        self.state.with(|state| match state {
            SessionState::SignedIn(info) => Some(info.clone()),
            _ => None,
        })
    }

    /// One of the signed-in account's practices, by slug (not reactive).
    pub fn practice(self, slug: &str) -> Option<PracticeSummary> {
        untrack(|| self.info())?
            .practices
            .into_iter()
            .find(|p| p.slug == slug)
    }

    /// Seconds until the session ends, while signed in (reactive: follows the clock).
    pub fn seconds_left(self) -> Option<u64> {
        self.is_signed_in()
            .then(|| self.seconds_until(self.ends.get().0))
    }

    /// Whether the idle limit (not the 12-hour one) is what ends the session (reactive).
    pub fn ends_idle(self) -> bool {
        self.ends.get().1
    }

    /// The session ran out: the server has ended it already; signing out there as well clears
    /// the cookie.
    fn expire(self) {
        let idle = self.ends.get_untracked().1;
        self.signed_out(Some(if idle { Notice::Idle } else { Notice::Expired }));
        spawn_local(async {
            let _ = api::sign_out().await;
        });
    }
}

/// The `localStorage` key that says this device may have a session (the cookie itself is
/// HttpOnly, out of the page's reach).
pub const SESSION_FLAG: &str = "portal.session";

/// The `sessionStorage` key of [`Session::set_return`].
pub const RETURN_KEY: &str = "portal.return";

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// Whether this device signed in and did not sign out: still true after a load that could
/// not reach the server.
pub fn remembered() -> bool {
    storage().is_some_and(|s| s.get_item(SESSION_FLAG).ok().flatten().is_some())
}

fn remember(signed_in: bool) {
    if let Some(storage) = storage() {
        let _ = if signed_in {
            storage.set_item(SESSION_FLAG, "1")
        } else {
            storage.remove_item(SESSION_FLAG)
        };
    }
}

/// `•••• 5861` kept on one line (a no-break space), so a line never ends with the dots.
pub fn unbroken(masked: &str) -> String {
    masked.replace(' ', "\u{a0}")
}

/// The app's [`Session`]; panics outside the app, which is a programming error.
pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Renders `children` only for a signed-in person; sends anybody else to `/sign-in`, and
/// back here after signing in.
#[component]
pub fn RequireSignIn(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let navigate = use_navigate();
    Effect::new(move |mounted: Option<()>| {
        if session.state.with(|s| *s == SessionState::SignedOut) {
            // After "Sign out" there is nothing to come back to: the next person at this device
            // must not land on the last one's page (an access link would add that record).
            let signed_out_here =
                mounted.is_some() && session.notice.get_untracked() == Some(Notice::SignedOut);
            session.set_return((!signed_out_here).then(|| location.pathname.get_untracked()));
            navigate(
                "/sign-in",
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    // Only when signing in or out: "stay signed in" must not rebuild the page.
    let signed_in = Memo::new(move |_| session.is_signed_in());
    move || {
        if signed_in.get() {
            children().into_any()
        } else {
            view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }.into_any()
        }
    }
}

/// Ends the session (`POST /api/auth/sign-out`) and goes to `/sign-in`, which says so.
/// Hidden while nobody is signed in.
#[component]
pub fn SignOutButton(class: &'static str) -> impl IntoView {
    let session = use_session();
    let locale = use_locale();
    let navigate = use_navigate();
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(None::<api::ApiClientError>);
    let click = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        failed.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            let answer = api::sign_out().await;
            let _ = busy.try_set(false);
            match answer {
                // 401: already signed out on the server.
                Ok(()) | Err(api::ApiClientError::Api { status: 401, .. }) => {
                    session.signed_out(Some(Notice::SignedOut));
                    navigate("/sign-in", NavigateOptions::default());
                }
                Err(error) => {
                    let _ = failed.try_set(Some(error));
                }
            }
        });
    };
    view! {
        <button
            type="button"
            class=class
            hidden=move || !session.is_signed_in()
            aria-disabled=busy_attr(busy)
            on:click=click
        >
            {busy_label(busy, |t| t.sign_out, |t| t.signing_out)}
        </button>
        <p class="banner-error" role="alert" hidden=move || failed.with(Option::is_none)>
            {move || failed.get().map(|error| error.message(locale.t()))}
        </p>
    }
}

/// The dialog 2 minutes before the session ends, with a countdown, "Stay signed in" and
/// "Sign out"; when the time is up, the sign-in page with the reason. The `<dialog>` is always
/// on the page, closed until needed: `showModal()` makes the rest of the page inert and moves
/// focus to its first button.
#[component]
pub fn IdleWarning() -> impl IntoView {
    let session = use_session();
    let locale = use_locale();
    let navigate = use_navigate();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let warn = Memo::new(move |_| matches!(session.seconds_left(), Some(1..=120)));
    Effect::new(move |_| {
        if session.seconds_left() == Some(0) {
            session.expire();
            navigate("/sign-in", NavigateOptions::default());
        }
    });
    Effect::new(move |_| {
        let show = warn.get();
        if let Some(dialog) = dialog.get() {
            if show && !dialog.open() {
                let _ = dialog.show_modal();
            } else if !show && dialog.open() {
                dialog.close();
            }
        }
    });

    let busy = RwSignal::new(false);
    let stay = move || {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let answer = api::refresh().await;
            let _ = busy.try_set(false);
            match answer {
                Ok(info) => session.signed_in(info),
                Err(api::ApiClientError::Api { status: 401, .. }) => session.expire(),
                // Offline: the countdown goes on, and the dialog comes back on the next tick.
                Err(_) => {}
            }
        });
    };
    // Escape closes a modal dialog: that is someone at the keyboard, so it means "stay".
    // Closing it from the code above (the warning is over) is not.
    let closed = move |_| {
        if warn.get_untracked() {
            stay();
        }
    };
    let heading = move || {
        let t = locale.t();
        t.idle_heading
            .replace("{time}", &t.time(session.seconds_left().unwrap_or(0)))
    };
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="idle-title"
            aria-describedby="idle-body"
            on:close=closed
        >
            <h2 id="idle-title">{heading}</h2>
            <p id="idle-body">
                {move || {
                    let t = locale.t();
                    if session.ends_idle() { t.idle_body } else { t.absolute_body }
                }}
            </p>
            <div class="actions">
                <button
                    type="button"
                    hidden=move || !session.ends_idle()
                    aria-disabled=busy_attr(busy)
                    on:click=move |_| stay()
                >
                    {tr(|t| t.stay_signed_in)}
                </button>
                <SignOutButton class="button-secondary" />
            </div>
        </dialog>
    }
}

#[cfg(test)]
mod tests {
    use super::whole_seconds;

    #[test]
    fn a_30_second_wait_never_shows_31() {
        // Values where plain `ceil` says 31 (found by search).
        for now in [16377.300102690473, 65530.813703609856, 49.50032240287339] {
            assert_eq!(whole_seconds((now + 30.0) - now), 30, "at {now}");
        }
        assert_eq!(whole_seconds(29.2), 30);
        assert_eq!(whole_seconds(0.0), 0);
        assert_eq!(whole_seconds(-3.0), 0);
    }
}
