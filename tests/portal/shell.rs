//! The app shell in a real browser (headless Chromium): what a person sees and what the page
//! remembers. Run by scripts/test (wasm-tests stage: wasm-bindgen-test-runner, headless Chromium).

use leptos::{mount::mount_to, prelude::*};
use portal::{
    app::App,
    i18n::{preference::STORAGE_KEY, strings, Language},
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

use crate::browser;

/// Waits (up to 5 s) until `done` holds, letting the app render in between.
async fn wait_until(what: &str, done: impl Fn() -> bool) {
    if browser::eventually(done).await {
        return;
    }
    panic!("timed out waiting until {what}");
}

fn storage() -> web_sys::Storage {
    window().local_storage().unwrap().unwrap()
}

/// A fresh start: address `/`, nothing remembered, English chosen before on this device.
fn reset(path: &str) {
    window()
        .history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(path))
        .unwrap();
    storage().clear().unwrap();
    storage().set_item(STORAGE_KEY, "en").unwrap();
    document()
        .document_element()
        .unwrap()
        .set_attribute("lang", "en")
        .unwrap();
}

/// Mounts the whole app into a new element; unmounted when the handle is dropped.
fn mount() -> (web_sys::HtmlElement, impl Drop) {
    browser::forget_earlier_routers();
    let host: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&host).unwrap();
    let handle = mount_to(host.clone(), App);
    (host, handle)
}

fn find(host: &web_sys::HtmlElement, selector: &str) -> Option<web_sys::HtmlElement> {
    host.query_selector(selector)
        .unwrap()
        .map(JsCast::unchecked_into)
}

fn text(host: &web_sys::HtmlElement, selector: &str) -> String {
    find(host, selector)
        .and_then(|el| el.text_content())
        .unwrap_or_default()
}

fn is_focused(host: &web_sys::HtmlElement, selector: &str) -> bool {
    let active = document().active_element();
    find(host, selector).is_some_and(|el| active.as_ref() == Some(el.as_ref()))
}

#[wasm_bindgen_test]
async fn home_page_is_english_and_checks_the_service() {
    reset("/");
    let en = strings(Language::En);
    let (host, _app) = mount();

    wait_until("the home heading renders", || {
        text(&host, "main h1") == en.home_heading
    })
    .await;
    assert_eq!(text(&host, "main h1"), "Welcome to your patient portal");
    assert!(find(&host, "h1 ~ h1, header h1").is_none(), "one h1");
    assert!(text(&host, ".skip-link").contains(en.skip_to_content));
    // The title follows in an effect, after the page is drawn.
    wait_until("the tab title is set", || {
        document().title() == "Home – Patient Portal"
    })
    .await;
    // The first load leaves focus alone (the skip link comes first).
    assert!(!is_focused(&host, "main h1"));
    find(&host, ".skip-link").unwrap().click();
    assert!(
        is_focused(&host, "main"),
        "the skip link moves focus to main"
    );

    // A real GET /api/health: the test server has no API, so the practice is unreachable.
    assert!(
        find(&host, "[role=status]").is_some(),
        "the status line is a live region"
    );
    assert!(portal::api::health().await.is_err());
    wait_until("the status line reports the failure", || {
        text(&host, "[role=status]").contains(en.status_unreachable)
    })
    .await;
    assert!(
        find(&host, ".service-status button").is_some(),
        "offers to check again"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn language_switch_shows_spanish_and_remembers_it() {
    reset("/");
    let es = strings(Language::Es);
    let (host, _app) = mount();
    wait_until("the app renders", || find(&host, ".lang-switch").is_some()).await;
    assert_eq!(text(&host, ".lang-switch [lang=es]"), "Español");

    find(&host, ".lang-switch").unwrap().click();

    wait_until("the heading is in Spanish", || {
        text(&host, "main h1") == es.home_heading
    })
    .await;
    assert_eq!(
        text(&host, "main h1"),
        "Le damos la bienvenida a su portal del paciente"
    );
    assert!(text(&host, ".features").contains(es.home_can_message));
    assert_eq!(text(&host, ".lang-switch [lang=en]"), "English");
    wait_until("<html lang> follows", || {
        document()
            .document_element()
            .unwrap()
            .get_attribute("lang")
            .as_deref()
            == Some("es")
    })
    .await;
    assert_eq!(
        storage().get_item(STORAGE_KEY).unwrap().as_deref(),
        Some("es")
    );
    wait_until("the tab title follows", || {
        document().title() == "Inicio – Portal del paciente"
    })
    .await;

    // And back.
    find(&host, ".lang-switch").unwrap().click();
    wait_until("the heading is in English again", || {
        text(&host, "main h1") == strings(Language::En).home_heading
    })
    .await;
    assert_eq!(
        storage().get_item(STORAGE_KEY).unwrap().as_deref(),
        Some("en")
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn a_remembered_spanish_choice_is_used_on_the_next_visit() {
    reset("/");
    storage().set_item(STORAGE_KEY, "es").unwrap();
    let (host, _app) = mount();
    wait_until("the heading is in Spanish", || {
        text(&host, "main h1") == strings(Language::Es).home_heading
    })
    .await;
    host.remove();
}

#[wasm_bindgen_test]
async fn unknown_address_shows_the_404_page_and_focus_follows_navigation() {
    reset("/");
    let en = strings(Language::En);
    let (host, _app) = mount();
    wait_until("the home heading renders", || {
        text(&host, "main h1") == en.home_heading
    })
    .await;

    // A link the router handles, as a person would click it.
    let link: web_sys::HtmlElement = document().create_element("a").unwrap().unchecked_into();
    link.set_attribute("href", "/no-such-page").unwrap();
    host.append_child(&link).unwrap();
    link.click();

    wait_until("the 404 page renders", || {
        text(&host, "main h1") == en.not_found_heading
    })
    .await;
    assert_eq!(text(&host, "main h1"), "We can't find that page");
    assert_eq!(document().title(), "Page not found – Patient Portal");
    wait_until("focus moves to the new heading", || {
        is_focused(&host, "main h1")
    })
    .await;

    // Its link goes home, and focus follows again.
    find(&host, "main a[href='/']").unwrap().click();
    wait_until("home renders again", || {
        text(&host, "main h1") == en.home_heading
    })
    .await;
    wait_until("focus moves to the home heading", || {
        is_focused(&host, "main h1")
    })
    .await;
    host.remove();
}

#[wasm_bindgen_test]
async fn opening_an_unknown_address_directly_shows_the_404_page() {
    reset("/records/nothing-here");
    let (host, _app) = mount();
    wait_until("the 404 page renders", || {
        text(&host, "main h1") == strings(Language::En).not_found_heading
    })
    .await;
    host.remove();
    reset("/");
}
