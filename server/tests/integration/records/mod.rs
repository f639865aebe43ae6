//! Record items, profile and the caregiver overview (SPEC 3.7) on both databases: the gate,
//! appointment order with the practice's time zone, forms and plans, document download headers
//! and bytes, profile validation and audit, and the overview across practices. This module holds
//! the calls the tests share; each submodule is one part of it.

use crate::helpers;
use helpers::people::oak_call;
use helpers::TestApp;
use serde_json::Value;

mod documents;
mod items;
mod overview;
mod profile;

const MIN: i64 = 60_000;

fn at(app: &TestApp, offset_minutes: i64) -> String {
    let ms = app.clock.now_ms() + offset_minutes * MIN;
    let tz = chrono::FixedOffset::west_opt(6 * 3600).unwrap();
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .with_timezone(&tz)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

fn utc(app: &TestApp, offset_minutes: i64) -> String {
    chrono::DateTime::from_timestamp_millis(app.clock.now_ms() + offset_minutes * MIN)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

async fn publish(app: &TestApp, token: &str, patient: &str, kind: &str, body: Value) -> String {
    let (s, b) = oak_call(
        app,
        token,
        "post",
        &format!("patients/{patient}/{kind}"),
        Some(body),
    )
    .await;
    assert_eq!(s, 201, "{kind}: {b}");
    b["id"].as_str().unwrap().to_owned()
}

async fn upload(
    app: &TestApp,
    token: &str,
    patient: &str,
    query: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let r = app
        .http
        .post(app.url(&format!(
            "/api/practice/practices/oak/patients/{patient}/documents?{query}"
        )))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn audit_actions(app: &TestApp, token: &str, patient: &str) -> Vec<Value> {
    let (_, audit) = oak_call(
        app,
        token,
        "get",
        &format!("patients/{patient}/audit"),
        None,
    )
    .await;
    audit.as_array().unwrap().clone()
}
