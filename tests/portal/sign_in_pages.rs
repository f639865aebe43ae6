//! Sign-in pages in a real browser (headless Chromium), against a stubbed `fetch`: each test
//! says what the API answers, so the pages' behaviour is checked without a server (the real
//! journeys are in tests/e2e). Run by scripts/test (wasm-tests stage: wasm-bindgen-test-runner, headless Chromium).

use leptos::prelude::*;
use portal::i18n::{strings, Language};
use serde_json::{json, Value};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use crate::browser::*;

fn session_info(idle: u64, practices: Value) -> Value {
    json!({
        "phone": "•••• 0102",
        "idle_seconds_left": idle,
        "absolute_seconds_left": 43200,
        "remembered_device": true,
        "practices": practices,
    })
}

fn two_practices() -> Value {
    json!([
        { "slug": "north-clinic", "name": "North Clinic", "phone": "+19725550100", "time_zone": "America/Chicago" },
        { "slug": "lake-dental", "name": "Lake Dental", "phone": "+12145550199", "time_zone": "America/Chicago" },
    ])
}

#[wasm_bindgen_test]
async fn phone_errors_show_on_submit_with_the_summary_focused_and_the_text_kept() {
    reset("/sign-in", "en");
    stub_api(json!({ "GET /api/session": signed_out() }));
    let en = strings(Language::En);
    let (host, _app) = mount();
    wait_until("the phone page renders", || heading() == en.sign_in_heading).await;
    assert_eq!(document().title(), "Sign in – Patient Portal");
    assert_eq!(text("label[for=phone]"), "Mobile phone number");
    assert_eq!(attr("#phone", "type").as_deref(), Some("tel"));
    assert_eq!(attr("#phone", "autocomplete").as_deref(), Some("tel"));
    assert_eq!(attr("#phone", "inputmode").as_deref(), Some("tel"));
    assert!(
        js("document.querySelector('#remember').checked")
            .as_bool()
            .unwrap(),
        "remember this device is checked by default"
    );
    assert!(!visible("#error-summary"), "no error before submitting");

    // Nothing typed.
    find("button[type=submit]").unwrap().click();
    wait_until("the summary shows", || visible("#error-summary")).await;
    wait_until("the summary takes focus", || is_focused("#error-summary")).await;
    assert_eq!(attr("#error-summary", "role").as_deref(), Some("alert"));
    assert!(text("#error-summary").contains(en.phone_empty));

    // Too short: the message says how to fix it, next to the field and in the summary.
    type_into("#phone", "972-848-586");
    find("#phone").unwrap().focus().unwrap();
    find("button[type=submit]").unwrap().click();
    wait_until("the error changes", || {
        text("#error-summary").contains(en.phone_wrong_length)
    })
    .await;
    wait_until("the summary takes focus again", || {
        is_focused("#error-summary")
    })
    .await;
    assert!(text("#phone-error").contains("Enter a 10-digit US mobile number"));
    assert_eq!(attr("#phone", "aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        attr("#phone", "aria-describedby").as_deref(),
        Some("phone-hint phone-error")
    );
    assert_eq!(value("#phone"), "972-848-586", "what was typed stays");

    // The summary's link moves focus to the field.
    find("#error-summary a").unwrap().click();
    assert!(is_focused("#phone"));

    // Letters, and a number from another country.
    type_into("#phone", "call me");
    find("button[type=submit]").unwrap().click();
    wait_until("letters are refused", || {
        text("#error-summary").contains(en.phone_invalid_characters)
    })
    .await;
    type_into("#phone", "+44 20 7946 0958");
    find("button[type=submit]").unwrap().click();
    wait_until("non-US numbers are refused", || {
        text("#error-summary").contains(en.phone_not_us)
    })
    .await;
    assert!(
        !calls().iter().any(|c| c == "POST /api/auth/code"),
        "nothing is sent while the number is wrong"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn spanish_messages() {
    reset("/sign-in", "es");
    stub_api(json!({ "GET /api/session": signed_out() }));
    let es = strings(Language::Es);
    let (host, _app) = mount();
    wait_until("the phone page renders in Spanish", || {
        heading() == "¿Cuál es su número de celular?"
    })
    .await;
    assert_eq!(text("label[for=phone]"), "Número de celular");
    assert_eq!(text("button[type=submit]"), "Enviarme un código");
    find("button[type=submit]").unwrap().click();
    wait_until("the summary shows in Spanish", || {
        text("#error-summary").contains("Escriba su número de celular")
    })
    .await;
    assert!(text("#error-summary h2").contains(es.error_summary_title));

    // A server answer, translated: the number texted STOP.
    stub_route(
        "POST /api/auth/code",
        403,
        json!({ "error": "opted_out", "message": "This number opted out." }),
    );
    type_into("#phone", "(972) 555-0102");
    find("button[type=submit]").unwrap().click();
    wait_until("the opted-out message shows", || {
        text("#error-summary").contains(es.opted_out)
    })
    .await;
    assert!(es.opted_out.contains("START"));
    assert_eq!(value("#phone"), "(972) 555-0102");
    host.remove();
}

#[wasm_bindgen_test]
async fn code_page_counts_down_to_a_new_code_and_signs_in() {
    reset("/sign-in", "en");
    stub_api(json!({
        "GET /api/session": signed_out(),
        "POST /api/auth/code": [200, { "sent_to": "•••• 0102", "resend_after_seconds": 30, "expires_in_seconds": 600 }],
        "POST /api/auth/verify": [401, { "error": "code_incorrect", "message": "Wrong code." }],
    }));
    let en = strings(Language::En);
    let (host, _app) = mount();
    wait_until("the phone page renders", || heading() == en.sign_in_heading).await;
    type_into("#phone", "(972) 555-0102");
    find("#remember").unwrap().click();
    find("button[type=submit]").unwrap().click();

    wait_until("the code page renders", || heading() == en.code_heading).await;
    assert_eq!(path(), "/sign-in/code");
    assert_eq!(last_body("POST /api/auth/code")["phone"], "+19725550102");
    assert_eq!(
        text(".sent-to"),
        "We sent a code to ••••\u{a0}0102. The code works for 10 minutes.",
        "the masked number stays on one line"
    );
    assert_eq!(attr("#code", "inputmode").as_deref(), Some("numeric"));
    assert_eq!(
        attr("#code", "autocomplete").as_deref(),
        Some("one-time-code")
    );
    assert_eq!(attr("#code", "maxlength"), None);
    assert_eq!(attr("#code", "pattern"), None);
    wait_until("focus moves to the heading", || is_focused("main h1")).await;

    // The resend button waits 30 seconds, and says so.
    assert!(attr("#resend", "disabled").is_some());
    let wait = text(".resend .wait");
    assert!(
        wait == "You can ask for a new code in 30 seconds."
            || wait == "You can ask for a new code in 29 seconds.",
        "{wait}"
    );
    sleep(1100).await;
    wait_until("the countdown moves", || {
        let now = text(".resend .wait");
        now.starts_with("You can ask for a new code in 2") && now != wait
    })
    .await;

    // A code with a letter: refused before sending.
    type_into("#code", "12a456");
    find("form button[type=submit]").unwrap().click();
    wait_until("the letter is refused", || {
        text("#error-summary").contains(en.code_not_digits)
    })
    .await;

    // A wrong code: the server's answer, and the code stays.
    type_into("#code", "123 456");
    find("form button[type=submit]").unwrap().click();
    wait_until("the wrong code is explained", || {
        text("#error-summary").contains(en.code_incorrect)
    })
    .await;
    assert!(text("#code-error").contains(en.code_incorrect));
    assert_eq!(value("#code"), "123 456");
    let sent = last_body("POST /api/auth/verify");
    assert_eq!(sent["phone"], "+19725550102");
    assert_eq!(sent["code"], "123456");
    assert_eq!(sent["remember_device"], false, "the box was unchecked");

    // Burned after 5 wrong tries.
    stub_route(
        "POST /api/auth/verify",
        410,
        json!({ "error": "code_locked", "message": "Ask for a new code." }),
    );
    find("form button[type=submit]").unwrap().click();
    wait_until("the locked code is explained", || {
        text("#error-summary").contains(en.code_locked)
    })
    .await;

    // The right code: the practice list (two practices).
    stub_route(
        "POST /api/auth/verify",
        200,
        session_info(1800, two_practices()),
    );
    find("form button[type=submit]").unwrap().click();
    wait_until("the practice list renders", || {
        heading() == en.practices_heading
    })
    .await;
    assert_eq!(path(), "/practices");
    assert!(text(".choices").contains("North Clinic"));
    assert!(text(".choices").contains("(214) 555-0199"));
    assert!(visible(".top-button:not(.lang-switch)"), "Sign out shows");

    // (Following the link is left to tests/e2e: routers of the apps mounted by earlier tests
    // here still listen to clicks.)
    assert_eq!(
        attr(".choices a", "href").as_deref(),
        Some("/practices/north-clinic")
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn one_practice_is_skipped_and_none_shows_the_ways_forward() {
    reset("/practices", "en");
    remember_session();
    stub_api(json!({
        "GET /api/session": [200, session_info(1800, json!([two_practices()[0]]))],
    }));
    let en = strings(Language::En);
    let (host, _app) = mount();
    wait_until("the only practice opens", || heading() == "North Clinic").await;
    assert_eq!(path(), "/practices/north-clinic");
    assert_eq!(attr("a.tel", "href").as_deref(), Some("tel:+19725550100"));
    assert_eq!(text("a.tel"), "(972) 555-0100");
    assert!(
        find("a[href='/practices']").is_none(),
        "no other practice to choose"
    );
    drop(_app);
    host.remove();

    reset("/practices", "es");
    remember_session();
    stub_api(json!({ "GET /api/session": [200, session_info(1800, json!([]))] }));
    let es = strings(Language::Es);
    let (host, _app) = mount();
    wait_until("the no-records page renders", || {
        heading() == es.no_records_heading
    })
    .await;
    assert!(text("main").contains("••••\u{a0}0102"));
    assert!(text(".steps").contains(es.no_records_link));
    assert!(text(".steps").contains(es.no_records_ask));
    let _ = en;
    host.remove();
}

#[wasm_bindgen_test]
async fn signed_out_visitors_go_to_sign_in_and_come_back() {
    reset("/practices/north-clinic", "en");
    stub_api(json!({
        "GET /api/session": signed_out(),
        "POST /api/auth/code": [200, { "sent_to": "•••• 0102", "resend_after_seconds": 30, "expires_in_seconds": 600 }],
        "POST /api/auth/verify": [200, session_info(1800, two_practices())],
    }));
    let en = strings(Language::En);
    let (host, _app) = mount();
    wait_until("sign-in asks for the number", || {
        heading() == en.sign_in_heading
    })
    .await;
    assert_eq!(path(), "/sign-in");
    type_into("#phone", "972 555 0102");
    find("button[type=submit]").unwrap().click();
    wait_until("the code page renders", || heading() == en.code_heading).await;
    type_into("#code", "123456");
    find("form button[type=submit]").unwrap().click();
    wait_until("back to the page asked for", || heading() == "North Clinic").await;
    assert_eq!(path(), "/practices/north-clinic");
    host.remove();
}

#[wasm_bindgen_test]
async fn idle_warning_appears_two_minutes_before_and_stay_signed_in_refreshes() {
    reset("/practices", "en");
    remember_session();
    stub_api(json!({
        "GET /api/session": [200, session_info(121, two_practices())],
        "POST /api/session/refresh": [200, session_info(1800, two_practices())],
    }));
    let en = strings(Language::En);
    let (host, _app) = mount();
    wait_until("the practice list renders", || {
        heading() == en.practices_heading
    })
    .await;
    let dialog_open = || js("document.querySelector('dialog.dialog').open").as_bool() == Some(true);
    assert!(!dialog_open());
    wait_until("the warning opens", dialog_open).await;
    assert_eq!(text("#idle-title"), "You will be signed out in 2 minutes");
    assert_eq!(
        attr("dialog.dialog", "role").as_deref(),
        Some("alertdialog")
    );
    assert!(
        find("dialog.dialog").unwrap().contains(
            document()
                .active_element()
                .as_ref()
                .map(|e| e.unchecked_ref())
        ),
        "focus moves into the dialog"
    );
    wait_until("the countdown moves", || {
        text("#idle-title") == "You will be signed out in 1 minute and 59 seconds"
    })
    .await;

    find("dialog.dialog button").unwrap().click();
    wait_until("the warning closes", || !dialog_open()).await;
    assert!(calls().iter().any(|c| c == "POST /api/session/refresh"));
    assert_eq!(heading(), en.practices_heading, "the page stays");
    host.remove();
}

#[wasm_bindgen_test]
async fn when_the_time_runs_out_the_sign_in_page_says_why() {
    reset("/practices", "es");
    remember_session();
    stub_api(json!({
        "GET /api/session": [200, session_info(2, two_practices())],
        "POST /api/auth/sign-out": [204, null],
    }));
    let es = strings(Language::Es);
    let (host, _app) = mount();
    wait_until("signed out after the idle time", || {
        heading() == es.sign_in_heading
    })
    .await;
    assert_eq!(path(), "/sign-in");
    wait_until("the reason shows", || {
        text("[role=status]") == es.idle_signed_out_notice
    })
    .await;
    host.remove();
}

#[wasm_bindgen_test]
async fn sign_out_ends_the_session_and_says_so() {
    reset("/practices", "en");
    remember_session();
    stub_api(json!({
        "GET /api/session": [200, session_info(1800, two_practices())],
        "POST /api/auth/sign-out": [204, null],
    }));
    let en = strings(Language::En);
    let (host, _app) = mount();
    wait_until("the practice list renders", || {
        heading() == en.practices_heading
    })
    .await;
    let sign_out = find("header .top-button:not(.lang-switch)").unwrap();
    assert_eq!(sign_out.text_content().unwrap(), "Sign out");
    sign_out.click();
    wait_until("the sign-in page says so", || {
        heading() == en.sign_in_heading && text("[role=status]") == en.signed_out_notice
    })
    .await;
    assert!(calls().iter().any(|c| c == "POST /api/auth/sign-out"));
    assert_eq!(value("#phone"), "", "no number left for the next person");
    assert!(find("header .top-button:not(.lang-switch)")
        .unwrap()
        .hidden());
    host.remove();
}
