//! Messaging (SPEC 3.4) from both sides, on both databases: what a patient, a guardian or a
//! practice would notice. Time moves with `app.clock`. This module holds the calls the tests
//! share, from the patient's side and from the practice's; each submodule is one part of it.

use crate::helpers;
use helpers::people::*;
use helpers::TestApp;
use serde_json::{json, Value};
use std::time::Duration;

mod history;
mod patient_side;
mod polling;
mod practice_side;

fn minutes(m: u64) -> Duration {
    Duration::from_secs(m * 60)
}

async fn send(app: &TestApp, cookie: &str, patient: &str, body: &str, key: &str) -> (u16, Value) {
    call(
        app,
        "post",
        &format!("/api/patients/{patient}/messages"),
        Some(cookie),
        Some(json!({"body": body, "client_key": key})),
    )
    .await
}

async fn thread(app: &TestApp, cookie: &str, patient: &str) -> Value {
    ok(get(app, &format!("/api/patients/{patient}/messages"), cookie).await)
}

async fn poll(app: &TestApp, cookie: &str, patient: &str, version: &Value) -> (u16, Value) {
    get(
        app,
        &format!("/api/patients/{patient}/messages?after_version={version}"),
        cookie,
    )
    .await
}

async fn mark_read(app: &TestApp, cookie: &str, patient: &str, up_to_seq: u64) -> u16 {
    call(
        app,
        "post",
        &format!("/api/patients/{patient}/messages/read"),
        Some(cookie),
        Some(json!({ "up_to_seq": up_to_seq })),
    )
    .await
    .0
}

async fn unread_in_list(app: &TestApp, cookie: &str, patient: &str) -> u64 {
    let list = ok(get(app, "/api/practices/oak/patients", cookie).await);
    list.as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == patient)
        .expect("the patient is listed")["unread_count"]
        .as_u64()
        .unwrap()
}

/// The practice's inbox, via the API.
async fn inbox(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let body = ok(oak_call(app, token, "get", &format!("conversations{query}"), None).await);
    body.as_array().unwrap().clone()
}

async fn conversation_of(app: &TestApp, token: &str, patient: &str) -> String {
    let body = ok(oak_call(
        app,
        token,
        "post",
        &format!("patients/{patient}/conversation"),
        None,
    )
    .await);
    body["id"].as_str().unwrap().to_owned()
}

async fn reply(app: &TestApp, token: &str, conversation: &str, body: Value) -> (u16, Value) {
    oak_call(
        app,
        token,
        "post",
        &format!("conversations/{conversation}/messages"),
        Some(body),
    )
    .await
}

async fn practice_thread(app: &TestApp, token: &str, conversation: &str) -> Value {
    ok(oak_call(
        app,
        token,
        "get",
        &format!("conversations/{conversation}"),
        None,
    )
    .await)
}

async fn idle_seconds_left(app: &TestApp, cookie: &str) -> u64 {
    let body = ok(get(app, "/api/session", cookie).await);
    body["idle_seconds_left"].as_u64().unwrap()
}
