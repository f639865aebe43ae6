//! Messaging and adding dependents (SPEC 3.4, 3.5) in a real browser (headless Chromium), against
//! a stubbed `fetch` (`browser`). Run by scripts/test (wasm-tests stage: wasm-bindgen-test-runner, headless Chromium).

use serde_json::{json, Value};
use wasm_bindgen_test::*;

use crate::browser::*;

const THREAD: &str = "GET /api/patients/p-lily/messages";
const SEND: &str = "POST /api/patients/p-lily/messages";
const READ: &str = "POST /api/patients/p-lily/messages/read";

fn session() -> Value {
    json!([200, {
        "phone": "•••• 0102",
        "idle_seconds_left": 1800,
        "absolute_seconds_left": 43200,
        "remembered_device": true,
        "practices": [
            { "slug": "lakeside", "name": "Lakeside Family Medicine", "phone": "+19725550100",
              "time_zone": "America/Chicago", "can_add_dependents": true, "asks_dependent_sex": true },
            { "slug": "riverbend", "name": "Riverbend Pediatrics", "phone": "+12145550199",
              "time_zone": "America/Chicago", "can_add_dependents": true, "asks_dependent_sex": false },
        ],
    }])
}

fn lily(unread: u64) -> Value {
    json!({
        "id": "p-lily", "first_name": "Lily", "last_name": "Carter", "relationship": "guardian",
        "status": "active", "verified": true, "birth_month_year": null,
        "locked_seconds_left": null, "unread_count": unread,
    })
}

fn msg(seq: u64, sender: &str, mine: bool, author: Option<&str>, body: &str) -> Value {
    json!({
        "id": format!("m{seq}"), "seq": seq, "sender": sender, "mine": mine, "author": author,
        "body": body, "event": null, "sent_at": "2026-11-20T15:05:00Z", "read_at": null,
        "client_key": null,
    })
}

fn thread(version: u64, read_seq: u64, messages: Vec<Value>) -> Value {
    json!([200, {
        "version": version, "status": "assigned", "messages": messages, "has_earlier": false,
        "read_seq": read_seq, "unread_count": 0,
    }])
}

fn start(path: &str, routes: Value) {
    start_in(path, "en", routes);
}

fn start_in(path: &str, language: &str, routes: Value) {
    reset(path, language);
    js("sessionStorage.clear()");
    js(&format!(
        "sessionStorage.setItem('portal.patient', {})",
        json!(json!(["lakeside", lily(0)]).to_string())
    ));
    remember_session();
    let mut all = json!({ "GET /api/session": session(), READ: [204, null] });
    for (key, answer) in routes.as_object().unwrap() {
        all[key] = answer.clone();
    }
    stub_api(all);
}

/// Lily's conversation, loaded with `messages`.
async fn open(messages: Vec<Value>) -> (web_sys::HtmlElement, impl Drop) {
    start(
        "/patients/p-lily/messages",
        json!({ THREAD: thread(1, 0, messages) }),
    );
    let app = mount();
    wait_until("the thread loads", || {
        find("#message").is_some() && find(".loading").is_none()
    })
    .await;
    app
}

fn send_button() -> web_sys::HtmlElement {
    find("form.composer button[type=submit]").unwrap()
}

fn items() -> Vec<String> {
    let n = js("document.querySelectorAll('.thread li').length")
        .as_f64()
        .unwrap() as usize;
    (1..=n)
        .map(|i| text(&format!(".thread li:nth-child({i})")))
        .collect()
}

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
async fn the_list_counts_new_messages_in_words_and_offers_adding_a_dependent() {
    start(
        "/practices/lakeside",
        json!({ "GET /api/practices/lakeside/patients": [200, [lily(1)]] }),
    );
    let (host, _app) = mount();
    wait_until("the list renders", || find(".choices li").is_some()).await;
    assert!(text(".choices li").contains("1 new message"));
    assert!(!text(".choices li").contains("1 new messages"));
    assert_eq!(
        text("a[href='/practices/lakeside/add-dependent']"),
        "Add a child or dependent"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn adding_a_dependent_checks_on_submit_then_opens_the_new_conversation() {
    let mut new = lily(0);
    new["id"] = json!("p-noah");
    new["first_name"] = json!("Noah");
    start(
        "/practices/lakeside/add-dependent",
        json!({
            "POST /api/practices/lakeside/dependents": [201, new],
            "GET /api/patients/p-noah/messages": thread(1, 1, vec![]),
        }),
    );
    let (host, _app) = mount();
    wait_until("the form renders", || find("#first-name").is_some()).await;
    assert_eq!(heading(), "Add a child or dependent");
    assert_eq!(
        attr("#dob", "autocomplete").as_deref(),
        Some("off"),
        "not the person's own"
    );
    let submit = || find("form button[type=submit]").unwrap().click();

    type_into("#first-name", "   ");
    submit();
    wait_until("a name of spaces is refused", || {
        text("#error-summary").contains("Enter their first name")
    })
    .await;
    assert_eq!(attr("#first-name", "aria-invalid").as_deref(), Some("true"));
    // Every problem at once, each beside its field too.
    assert!(text("#error-summary").contains("Enter the month, day and year"));
    assert!(text("#error-summary").contains("Choose one of the answers for sex"));
    assert!(visible("#dob-error") && visible("#sex-error") && visible("#last-name-error"));
    wait_until("the summary has focus", || is_focused("#error-summary")).await;

    type_into("#first-name", " Noah ");
    type_into("#last-name", "Carter");
    type_into("#dob", "1");
    type_into("#dob-day", "1");
    type_into("#dob-year", "2099");
    submit();
    wait_until("a future date is refused", || {
        text("#error-summary").contains("cannot be in the future")
    })
    .await;

    type_into("#dob-year", "2022");
    submit();
    wait_until("sex is asked here", || {
        text("#error-summary").contains("Choose one of the answers for sex")
    })
    .await;
    assert_eq!(count("POST /api/practices/lakeside/dependents"), 0);

    find("#sex-male").unwrap().click();
    submit();
    wait_until("the new conversation opens", || {
        path() == "/patients/p-noah/messages" && text(".patient-bar").contains("Noah Carter")
    })
    .await;
    assert_eq!(
        last_body("POST /api/practices/lakeside/dependents"),
        json!({
            "first_name": "Noah", "last_name": "Carter",
            "dob": { "month": "1", "day": "1", "year": "2022" }, "sex": "male",
        })
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn sex_is_asked_only_where_the_practice_wants_it_and_refusals_are_explained() {
    start(
        "/practices/riverbend/add-dependent",
        json!({
            "POST /api/practices/riverbend/dependents":
                [403, { "error": "guardian_link_required", "message": "x" }],
        }),
    );
    let (host, _app) = mount();
    wait_until("the form renders", || find("#first-name").is_some()).await;
    assert!(find("input[name=sex]").is_none());
    type_into("#first-name", "Noah");
    type_into("#last-name", "Carter");
    type_into("#dob", "3");
    type_into("#dob-day", "7");
    type_into("#dob-year", "2015");
    find("form button[type=submit]").unwrap().click();
    wait_until("the refusal is explained", || {
        text("#error-summary").contains("only if you are already a guardian")
    })
    .await;
    assert_eq!(value("#first-name"), "Noah", "nothing typed is lost");
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
