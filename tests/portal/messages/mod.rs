//! Messaging and adding dependents (SPEC 3.4, 3.5) in a real browser (headless Chromium), against
//! a stubbed `fetch` (`browser`). Run by scripts/test (wasm-tests stage: wasm-bindgen-test-runner, headless Chromium).
//! `thread`: reading the conversation, polls and counts; `composer`: writing and sending, drafts;
//! `dependents`: adding a child or dependent.

use serde_json::{json, Value};

use crate::browser::*;

mod composer;
mod dependents;
mod thread;

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
