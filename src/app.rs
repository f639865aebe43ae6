//! The application: language, session and page-title context, the router, and the frame every
//! page shares (skip link, header, `main`, the idle-timeout warning).

use crate::{
    components::{ErrorPage, Header, NotFound},
    current_patient::Current,
    i18n::{tr, Locale},
    pages::{on_demand, EnterCode, Home, OnDemand, SignIn},
    session::{IdleWarning, Session, SessionState},
};
use leptos::prelude::*;
use leptos_router::{
    components::Router,
    hooks::use_location,
    location::{BrowserUrl, LocationProvider},
};
use wasm_bindgen::JsCast;

/// The whole portal.
#[component]
pub fn App() -> impl IntoView {
    let locale = Locale::provide();
    // `<html lang>` follows the chosen language, for screen readers and hyphenation. Set
    // directly: `leptos_meta` cost about 1.5 KB of the first load (brotli) for this one attribute.
    Effect::new(move |_| {
        let code = locale.language().code();
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", code);
        }
    });
    let session = Session::provide();
    let current = Current::provide();
    // Signed out: the next person at this device must not find the last patient chosen, nor
    // message drafts. Not when a reload merely could not reach the server (still remembered):
    // an unsent message must survive a reload while offline.
    Effect::new(move |_| {
        if session.state.with(|s| *s == SessionState::SignedOut) && !crate::session::remembered() {
            current.forget();
        }
    });
    view! {
        <Router>
            <Frame />
        </Router>
    }
}

/// The parts around every page. Inside the router, so it can follow navigation.
#[component]
fn Frame() -> impl IntoView {
    let main_ref = NodeRef::<leptos::html::Main>::new();
    let location = use_location();
    let browser_url = use_context::<BrowserUrl>();
    focus_heading_on_navigation();

    // The router would turn `#main` into a navigation that scrolls but leaves focus where
    // it was; moving focus is the point of a skip link.
    let skip = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        if let Some(main) = main_ref.get() {
            let _ = main.focus();
        }
    };
    view! {
        <a class="skip-link" href="#main" on:click=skip>
            {tr(|t| t.skip_to_content)}
        </a>
        <Header />
        <main id="main" tabindex="-1" node_ref=main_ref>
            <ErrorBoundary fallback=|_| view! { <ErrorPage /> }>
                {move || {
                    let view = page(&location.pathname.get());
                    // A followed link changes the address bar only once the router is told the
                    // new page is ready (`<Routes>` would say so); without it the bar kept the
                    // old address, so a reload or a bookmark opened the page before.
                    if let Some(url) = browser_url.clone() {
                        request_animation_frame(move || url.ready_to_complete());
                    }
                    view
                }}
            </ErrorBoundary>
        </main>
        <IdleWarning />
    }
}

/// The page for an address. The router (`<Router>`) still keeps the address, follows links and
/// the back button; choosing the page is this `match` rather than `<Routes>`, whose matching
/// machinery cost about 30 KB of the first load (brotli), a fifth of the budget (SPEC 6).
fn page(path: &str) -> AnyView {
    let later = match path.trim_end_matches('/') {
        "" => return view! { <Home /> }.into_any(),
        "/sign-in" => return view! { <SignIn /> }.into_any(),
        "/sign-in/code" => return view! { <EnterCode /> }.into_any(),
        "/practices" => OnDemand::Practices,
        "/overview" => OnDemand::Overview,
        "/link" => OnDemand::Link(None),
        p if p.starts_with("/link/") => OnDemand::Link(Some(p[6..].to_owned())),
        p if p.starts_with("/practices/") => match p[11..].strip_suffix("/add-dependent") {
            Some(slug) => OnDemand::AddDependent(slug.to_owned()),
            None => OnDemand::Practice,
        },
        p if p.starts_with("/patients/") => OnDemand::Patient(p.to_owned()),
        _ => return view! { <NotFound /> }.into_any(),
    };
    loaded(on_demand(later))
}

/// A page of `on_demand`: with the `split` feature its chunk may still be loading, and the page
/// shows once it has come (the "Loading…" of `index.html` is gone by then: the frame is there).
/// After a navigation (not on the first load) the heading is focused once the page is there, as
/// `focus_heading_on_navigation` does for the others.
///
/// Consecutive pages alternate between the two sides of an `Either`, so each is built afresh.
/// One `Suspend` rebuilt in place of another keeps the page before on screen until the new
/// chunk has come, but that page's owner is already disposed: its effects and handlers then
/// touched disposed signals and the portal panicked. Built afresh, the page before goes at
/// once, and a page whose chunk has already come shows in the same frame.
#[cfg(feature = "split")]
fn loaded(page: impl std::future::Future<Output = AnyView> + Send + 'static) -> AnyView {
    use leptos::either::Either;
    let page = Suspend::new(async move {
        let page = page.await;
        if NAVIGATED.with(std::cell::Cell::get) {
            request_animation_frame(focus_heading);
        }
        page
    });
    let side: Either<_, _> = if LEFT.with(|left| left.replace(!left.get())) {
        Either::Left(page)
    } else {
        Either::Right(page)
    };
    side.into_any()
}
#[cfg(feature = "split")]
thread_local! {
    /// Some navigation happened since the first load.
    static NAVIGATED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The side of `Either` the next on-demand page takes.
    static LEFT: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}
#[cfg(not(feature = "split"))]
fn loaded(page: AnyView) -> AnyView {
    page
}

/// UX.md: "focus moves to the new page's heading on navigation", so screen reader users hear
/// the new page and keyboard users start from its top. Not on the first load: there the
/// browser starts at the top, before the skip link.
fn focus_heading_on_navigation() {
    let location = use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|previous| previous != path) {
            #[cfg(feature = "split")]
            NAVIGATED.with(|navigated| navigated.set(true));
            // After this navigation's rendering has finished.
            request_animation_frame(focus_heading);
        }
        path
    });
}

/// Moves focus to the page's `h1` (also when a page changes its step in place).
pub fn focus_heading() {
    let heading = document().query_selector("main h1").ok().flatten();
    if let Some(heading) = heading.and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = heading.focus();
    }
}
