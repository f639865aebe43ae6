//! Writing and sending: errors on submit, sending once, trying again, drafts and unsent messages.

use serde_json::{json, Value};
use wasm_bindgen_test::*;

use super::{items, msg, open, send_button, SEND};
use crate::browser::*;

#[wasm_bindgen_test]
async fn empty_and_too_long_messages_get_errors_on_submit_and_keep_the_text() {
    let (host, _app) = open(vec![]).await;
    assert!(text("main").contains("No messages yet"));
    send_button().click();
    wait_until("the summary shows", || visible("#error-summary")).await;
    assert!(text("#error-summary").contains("Write a message before you send it"));
    wait_until("the summary has focus", || is_focused("#error-summary")).await;
    assert_eq!(attr("#message", "aria-invalid").as_deref(), Some("true"));

    let long = "x".repeat(5_001);
    type_into("#message", &long);
    send_button().click();
    wait_until("the count is said", || {
        text("#error-summary").contains("Your message has 5,001 characters")
    })
    .await;
    assert!(text("#message-error").contains("5,000 characters or fewer"));
    assert_eq!(value("#message").len(), 5_001, "the text is kept");
    assert_eq!(count(SEND), 0);
    host.remove();
}

#[wasm_bindgen_test]
async fn sending_shows_at_once_then_sent_and_a_double_click_sends_once() {
    let (host, _app) = open(vec![msg(1, "practice", false, None, "How can we help?")]).await;
    hold(SEND);
    type_into("#message", "  Lily has a fever  ");
    send_button().click();
    send_button().click();
    wait_until("the message shows as sending", || {
        text(".msg-unsent").contains("Sending…")
    })
    .await;
    assert!(text(".msg-unsent").contains("Lily has a fever"));
    assert_eq!(value("#message"), "", "the box empties");
    assert_eq!(
        attr("form.composer button[type=submit]", "aria-disabled").as_deref(),
        Some("true")
    );
    sleep(50).await;
    send_button().click();
    assert_eq!(count(SEND), 1, "one request per click burst");
    let sent = last_body(SEND);
    assert_eq!(sent["body"], "Lily has a fever");
    let key = sent["client_key"].as_str().unwrap().to_owned();
    assert!(wire::messages::valid_client_key(&key), "{key}");

    let mut stored = msg(2, "patient", true, None, "Lily has a fever");
    stored["client_key"] = json!(key);
    stub_route(SEND, 201, stored);
    release(SEND);
    wait_until("the message is sent", || {
        find(".msg-unsent").is_none() && text(".thread li:nth-child(2)").contains("Sent")
    })
    .await;
    assert_eq!(items().len(), 2);
    host.remove();
}

#[wasm_bindgen_test]
async fn a_failed_send_keeps_the_text_and_try_again_reuses_its_key() {
    let (host, _app) = open(vec![]).await;
    stub_route(
        SEND,
        503,
        json!({ "error": "database_unavailable", "message": "x" }),
    );
    type_into("#message", "Can we move the visit?");
    send_button().click();
    wait_until("the send fails", || {
        text(".msg-unsent").contains("Not sent")
    })
    .await;
    assert!(text(".msg-unsent").contains("Can we move the visit?"));
    let key = last_body(SEND)["client_key"].as_str().unwrap().to_owned();

    let mut stored = msg(1, "patient", true, None, "Can we move the visit?");
    stored["client_key"] = json!(key);
    stub_route(SEND, 200, stored);
    find(".msg-unsent button").unwrap().click();
    wait_until("the retry is sent", || find(".msg-unsent").is_none()).await;
    assert_eq!(count(SEND), 2);
    assert_eq!(
        last_body(SEND)["client_key"],
        json!(key),
        "same key: never twice"
    );
    assert!(text(".thread").contains("Sent"));
    host.remove();
}

#[wasm_bindgen_test]
async fn the_draft_and_unsent_messages_survive_a_reload() {
    let (host, app) = open(vec![]).await;
    stub_route(
        SEND,
        503,
        json!({ "error": "database_unavailable", "message": "x" }),
    );
    type_into("#message", "First try");
    send_button().click();
    wait_until("the send fails", || {
        text(".msg-unsent").contains("Not sent")
    })
    .await;
    type_into("#message", "Half a thought\nsecond line");
    sleep(50).await;
    drop(app);
    host.remove();

    let (host, _app) = mount();
    wait_until("the page is back", || find("#message").is_some()).await;
    wait_until("the draft is back", || {
        value("#message") == "Half a thought\nsecond line"
    })
    .await;
    wait_until("the unsent message is back", || {
        text(".msg-unsent").contains("First try") && text(".msg-unsent").contains("Not sent")
    })
    .await;
    host.remove();
}

#[wasm_bindgen_test]
async fn signing_out_forgets_drafts_and_unsent_messages() {
    let (host, _app) = open(vec![]).await;
    stub_route("POST /api/auth/sign-out", 204, Value::Null);
    type_into("#message", "Private words");
    wait_until("the draft is kept", || {
        js("sessionStorage.getItem('portal.msg.p-lily') || ''")
            .as_string()
            .unwrap()
            .contains("Private words")
    })
    .await;
    find("header .top-button:not(.lang-switch)")
        .unwrap()
        .click();
    wait_until("signed out", || path() == "/sign-in").await;
    assert_eq!(js("sessionStorage.length").as_f64(), Some(0.0));
    host.remove();
}
