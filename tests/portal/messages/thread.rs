//! Reading the conversation: who wrote what, polls, Spanish, earlier messages, the counts.

use serde_json::{json, Value};
use wasm_bindgen_test::*;

use super::{items, lily, msg, open, start, start_in, thread, READ, THREAD};
use crate::browser::*;

#[wasm_bindgen_test]
async fn the_thread_labels_who_wrote_each_message_keeps_html_as_text_and_marks_it_read() {
    let mut created = msg(
        1,
        "system",
        false,
        Some("James Carter"),
        "English for staff",
    );
    created["event"] = json!("dependent_added");
    let mut mine = msg(
        3,
        "patient",
        true,
        None,
        "<b>Hi</b> <img src=x onerror=alert(1)>\nline two",
    );
    mine["read_at"] = json!("2026-11-20T16:00:00Z");
    let (host, _app) = open(vec![
        created,
        msg(2, "practice", false, None, "Hello from the practice"),
        mine,
        msg(
            4,
            "patient",
            false,
            Some("Anna Carter"),
            "I am Lily's mother too",
        ),
    ])
    .await;
    assert_eq!(heading(), "Messages with Lakeside Family Medicine");
    assert!(text(".patient-bar").contains("Lily Carter"));
    let items = items();
    assert_eq!(items.len(), 4, "{items:?}");
    assert!(items[0].starts_with("Portal notice"), "{items:?}");
    assert!(items[0].contains("James Carter created this conversation for Lily Carter."));
    assert!(items[1].starts_with("Lakeside Family Medicine"));
    assert!(items[2].starts_with("You"));
    assert!(
        items[2].contains("Read"),
        "own message read by the practice"
    );
    assert!(items[3].starts_with("Anna Carter"), "newest last");
    assert!(attr(".thread li:nth-child(1)", "class")
        .unwrap()
        .contains("msg-system"));
    assert!(attr(".thread li:nth-child(2)", "class")
        .unwrap()
        .contains("msg-practice"));
    assert!(attr(".thread li:nth-child(3)", "class")
        .unwrap()
        .contains("msg-mine"));
    // HTML is text: no element made from it, line breaks kept as typed.
    assert!(find(".msg-body b").is_none() && find(".msg-body img").is_none());
    assert_eq!(
        text(".thread li:nth-child(3) .msg-body"),
        "<b>Hi</b> <img src=x onerror=alert(1)>\nline two"
    );
    assert!(find(".thread time[datetime='2026-11-20T15:05:00Z']").is_some());
    // In the practice's zone (Chicago, 6 hours behind UTC in November), whatever this device's.
    let time = text(".thread li:nth-child(2) time");
    assert!(
        time.contains("November 20, 2026") && time.contains("9:05") && time.contains("CST"),
        "{time}"
    );
    // Seen while visible: read up to the newest message of others.
    wait_until("mark-read is posted", || calls().contains(&READ.to_owned())).await;
    assert_eq!(last_body(READ), json!({ "up_to_seq": 4 }));
    assert_eq!(count(READ), 1, "once per change");
    // Composer: label, hint, no maxlength (it would cut a paste).
    assert_eq!(text("label[for=message]"), "Your message");
    assert!(text("#message-hint").contains("call 911"));
    assert_eq!(attr("#message", "maxlength"), None);
    host.remove();
}

#[wasm_bindgen_test]
async fn a_poll_shows_a_new_practice_message_and_announces_it() {
    let (host, _app) = open(vec![msg(1, "patient", true, None, "Hello")]).await;
    // Nothing new: 204.
    stub_route(THREAD, 204, Value::Null);
    js("document.dispatchEvent(new Event('visibilitychange', { bubbles: true }))");
    wait_until("the page asks", || {
        last_query(THREAD).starts_with("?after_version=1")
    })
    .await;
    let reply = msg(2, "practice", false, None, "Please come in at 3 pm");
    stub_route(
        THREAD,
        200,
        thread(2, 0, vec![msg(1, "patient", true, None, "Hello"), reply])[1].clone(),
    );
    js("document.dispatchEvent(new Event('visibilitychange', { bubbles: true }))");
    wait_until("the reply shows", || {
        text(".thread").contains("Please come in at 3 pm")
    })
    .await;
    assert_eq!(
        text("main [role=status]"),
        "New message from Lakeside Family Medicine"
    );
    wait_until("it is marked read", || {
        last_body(READ) == json!({ "up_to_seq": 2 })
    })
    .await;
    host.remove();
}

#[wasm_bindgen_test]
async fn a_poll_that_says_signed_out_ends_the_session() {
    let (host, _app) = open(vec![]).await;
    stub_route(
        THREAD,
        401,
        json!({ "error": "signed_out", "message": "Sign in first." }),
    );
    js("document.dispatchEvent(new Event('visibilitychange', { bubbles: true }))");
    wait_until("the sign-in page", || path() == "/sign-in").await;
    host.remove();
}

#[wasm_bindgen_test]
async fn the_conversation_speaks_spanish() {
    let mut created = msg(
        1,
        "system",
        false,
        Some("James Carter"),
        "English for staff",
    );
    created["event"] = json!("dependent_added");
    start_in(
        "/patients/p-lily/messages",
        "es",
        json!({ THREAD: thread(1, 1, vec![created]) }),
    );
    let (host, _app) = mount();
    wait_until("the thread loads", || find(".thread li").is_some()).await;
    assert_eq!(heading(), "Mensajes con Lakeside Family Medicine");
    assert!(text(".thread li").contains("James Carter creó esta conversación para Lily Carter."));
    let time = text(".thread li time");
    assert!(
        time.contains("20 de noviembre de 2026") && time.contains("9:05"),
        "{time}"
    );
    assert_eq!(text("label[for=message]"), "Su mensaje");
    assert!(text("#message-hint").contains("llame al 911"));
    host.remove();
}

#[wasm_bindgen_test]
async fn earlier_messages_come_on_request_above_the_others() {
    start("/patients/p-lily/messages", json!({}));
    let mut newest = thread(9, 9, vec![msg(9, "practice", false, None, "Newest")]);
    newest[1]["has_earlier"] = json!(true);
    stub_route(THREAD, 200, newest[1].clone());
    let (host, _app) = mount();
    wait_until("the thread loads", || find(".thread li").is_some()).await;
    let more = find("main p:not([hidden]) > button.button-secondary").expect("the button shows");
    assert_eq!(more.text_content().unwrap(), "Show earlier messages");
    stub_route(
        THREAD,
        200,
        thread(9, 9, vec![msg(7, "patient", true, None, "Older")])[1].clone(),
    );
    more.click();
    wait_until("older messages show", || items().len() == 2).await;
    assert!(last_query(THREAD).starts_with("?before=9"));
    assert!(items()[0].contains("Older") && items()[1].contains("Newest"));
    assert!(
        find("main p:not([hidden]) > button.button-secondary").is_none(),
        "no more"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn the_patient_page_leads_to_the_messages_with_the_count() {
    start(
        "/patients/p-lily",
        json!({ "GET /api/patients/p-lily": [200, {
            "id": "p-lily", "first_name": "Lily", "last_name": "Carter", "dob": "2016-09-03",
            "relationship": "guardian", "practice_slug": "lakeside",
            "practice_name": "Lakeside Family Medicine", "practice_phone": "+19725550100",
        }] }),
    );
    js(&format!(
        "sessionStorage.setItem('portal.patient', {})",
        json!(json!(["lakeside", lily(2)]).to_string())
    ));
    let (host, _app) = mount();
    wait_until("the page renders", || find("a.messages-link").is_some()).await;
    assert_eq!(text("a.messages-link"), "Messages · 2 new messages");
    assert_eq!(
        attr("a.messages-link", "href").as_deref(),
        Some("/patients/p-lily/messages")
    );
    host.remove();
}
