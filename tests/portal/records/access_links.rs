//! Family record linking (SPEC 3.6): a link opened signed in or out, a typed code, refusals.

use portal::i18n::{strings, Language};
use serde_json::json;
use wasm_bindgen_test::*;

use super::{
    lily, mount, preview, redeemed, refusal, session, start, submit, CODE, PREVIEW, REDEEM,
};
use crate::browser::*;

#[wasm_bindgen_test]
async fn a_link_opened_signed_out_comes_back_after_sign_in_and_adds_the_record_only_on_confirm() {
    let en = strings(Language::En);
    reset("/link/tok-123", "en");
    js("sessionStorage.clear()");
    stub_api(json!({
        "GET /api/session": signed_out(),
        "POST /api/auth/code": [200, { "sent_to": "•••• 0104", "resend_after_seconds": 30, "expires_in_seconds": 600 }],
        "POST /api/auth/verify": session(),
        PREVIEW: preview(),
        REDEEM: redeemed(),
        "GET /api/practices/lakeside/patients": [200, [lily()]],
    }));
    let (_host, _app) = mount();
    wait_until("signing in first", || heading() == en.sign_in_heading).await;
    assert_eq!(
        js("sessionStorage.getItem('portal.return')")
            .as_string()
            .as_deref(),
        Some("/link/tok-123"),
        "the link is kept for the way back, through a reload too"
    );
    type_into("#phone", "(972) 555-0104");
    submit();
    wait_until("the code page", || heading() == en.code_heading).await;
    type_into("#code", "123456");
    submit();
    wait_until("back on the link", || {
        heading() == "Add Lily Carter's record from Lakeside Family Medicine?"
    })
    .await;
    assert_eq!(path(), "/link/tok-123");
    assert_eq!(
        js("sessionStorage.getItem('portal.return')"),
        wasm_bindgen::JsValue::NULL
    );
    assert_eq!(count(REDEEM), 0, "looking never uses the link up");
    assert_eq!(attr("main .back a", "href").as_deref(), Some("/practices"));
    wait_until("focus on the question", || is_focused("main h1")).await;

    hold(REDEEM);
    find("main button").unwrap().click();
    wait_until("the button is busy", || text("main button") == en.adding).await;
    find("main button").unwrap().click();
    release(REDEEM);
    wait_until("the practice's list", || path() == "/practices/lakeside").await;
    assert_eq!(count(REDEEM), 1, "a double click adds once");
    assert_eq!(last_body(REDEEM), json!({ "token": "tok-123" }));
    assert!(
        count("GET /api/session") >= 1,
        "the session learns the practice"
    );
    wait_until("Lily is listed", || {
        text(".choices").contains("Lily Carter")
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_dead_link_and_a_record_already_there_say_so_in_words() {
    let en = strings(Language::En);
    start(
        "/link/tok-123",
        "en",
        json!({ PREVIEW: refusal(410, "link_not_usable") }),
    );
    let (_host, _app) = mount();
    wait_until("the dead-link page", || heading() == en.link_dead_heading).await;
    assert!(text("main").contains("This link no longer works. Ask the practice for a new one."));
    assert!(find("main button").is_none(), "nothing to confirm");
    assert_eq!(attr("main .back a", "href").as_deref(), Some("/practices"));
    drop(_app);

    start(
        "/link/tok-123",
        "es",
        json!({ PREVIEW: refusal(409, "already_linked") }),
    );
    let (_host, _app) = mount();
    let es = strings(Language::Es);
    wait_until("already linked", || heading() == es.link_already_heading).await;
    assert_eq!(attr("main a.button", "href").as_deref(), Some("/overview"));

    // Confirming a link that stopped working meanwhile.
    drop(_app);
    start(
        "/link/tok-123",
        "en",
        json!({ PREVIEW: preview(), REDEEM: refusal(410, "link_not_usable") }),
    );
    let (_host, _app) = mount();
    wait_until("the question", || heading().starts_with("Add Lily")).await;
    find("main button").unwrap().click();
    wait_until("the dead-link page", || heading() == en.link_dead_heading).await;
}

#[wasm_bindgen_test]
async fn a_session_that_ended_meanwhile_signs_in_again_and_keeps_the_link() {
    let en = strings(Language::En);
    start("/link/tok-123", "en", json!({ PREVIEW: signed_out() }));
    let (_host, _app) = mount();
    wait_until("signing in again", || heading() == en.sign_in_heading).await;
    assert_eq!(
        js("sessionStorage.getItem('portal.return')")
            .as_string()
            .as_deref(),
        Some("/link/tok-123")
    );
}

#[wasm_bindgen_test]
async fn signing_out_on_a_link_leaves_nothing_for_the_next_person() {
    let en = strings(Language::En);
    start(
        "/link/tok-123",
        "en",
        json!({ PREVIEW: preview(), "POST /api/auth/sign-out": [204, null] }),
    );
    let (_host, _app) = mount();
    wait_until("the question", || heading().starts_with("Add Lily")).await;
    find("header .top-button").unwrap().click();
    wait_until("signed out", || heading() == en.sign_in_heading).await;
    assert_eq!(
        js("sessionStorage.getItem('portal.return')"),
        wasm_bindgen::JsValue::NULL
    );
}

#[wasm_bindgen_test]
async fn a_typed_code_keeps_the_words_explains_waits_and_confirms() {
    let en = strings(Language::En);
    start(
        "/link",
        "en",
        json!({ CODE: refusal(410, "link_not_usable"), REDEEM: redeemed() }),
    );
    let (_host, _app) = mount();
    wait_until("the code question", || heading() == en.link_code_heading).await;
    assert_eq!(attr("#link-code", "autocomplete").as_deref(), Some("off"));
    assert_eq!(
        attr("#link-code", "autocapitalize").as_deref(),
        Some("none")
    );
    assert_eq!(attr("#link-code", "spellcheck").as_deref(), Some("false"));
    assert!(text("#link-code-hint").contains("apple river stone lamp"));

    submit();
    wait_until("empty is refused", || {
        text("#error-summary").contains(en.link_code_empty)
    })
    .await;
    assert_eq!(count(CODE), 0);
    wait_until("the summary takes focus", || is_focused("#error-summary")).await;

    type_into("#link-code", "Apple-River stone lamp");
    submit();
    wait_until("an unknown code", || {
        text("#link-code-error").contains(en.link_code_unusable)
    })
    .await;
    assert_eq!(
        value("#link-code"),
        "Apple-River stone lamp",
        "never clear what was typed"
    );
    assert_eq!(last_body(CODE), json!({ "code": "Apple-River stone lamp" }));

    stub_route(
        CODE,
        429,
        json!({ "error": "too_many_requests", "message": "Wait.", "retry_after_seconds": 125 }),
    );
    submit();
    wait_until("the wait in words", || {
        text("#error-summary").contains("2 minutes and 5 seconds")
    })
    .await;

    stub_route(CODE, 200, preview()[1].clone());
    submit();
    wait_until("the question", || {
        heading().starts_with("Add Lily Carter's record")
    })
    .await;
    wait_until("focus on the question", || is_focused("main h1")).await;
    find("main button").unwrap().click();
    wait_until("the practice's list", || path() == "/practices/lakeside").await;
    assert_eq!(
        last_body(REDEEM),
        json!({ "code": "Apple-River stone lamp" })
    );
}

#[wasm_bindgen_test]
async fn the_pages_without_records_and_with_practices_offer_the_code() {
    let en = strings(Language::En);
    reset("/practices", "en");
    js("sessionStorage.clear()");
    remember_session();
    let mut none = session();
    none[1]["practices"] = json!([]);
    stub_api(json!({ "GET /api/session": none }));
    let (_host, _app) = mount();
    wait_until("no records", || heading() == en.no_records_heading).await;
    assert_eq!(attr("main a.button", "href").as_deref(), Some("/link"));
    assert_eq!(text("main a.button"), en.have_code_link);
}
