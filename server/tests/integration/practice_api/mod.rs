//! The practice API (SPEC 4): tokens, practices, patients and guardian contacts. This module
//! holds the calls the tests share; each submodule is one part of the API.

use crate::helpers;
use helpers::{spawn, Db, TestApp};
use serde_json::{json, Value};

mod audit;
mod contacts;
mod patients;
mod practices;

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    token: &str,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app.http.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    send(app, reqwest::Method::POST, token, path, Some(body)).await
}

async fn get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    send(app, reqwest::Method::GET, token, path, None).await
}

fn lakeside() -> Value {
    json!({"slug": "lakeside", "name": "Lakeside Family Medicine", "phone": "(972) 555-0100", "time_zone": "America/Chicago"})
}

fn lily() -> Value {
    json!({"first_name": " Lily ", "last_name": "Carter", "dob": "2016-09-03", "external_id": "ehr-1"})
}

/// An app with the Lakeside practice and an administrator token.
async fn with_practice(db: Db) -> (TestApp, String) {
    let app = spawn(db).await;
    let admin = app.token(None).await;
    assert_eq!(
        post(&app, &admin, "/api/practice/practices", lakeside())
            .await
            .status(),
        201
    );
    (app, admin)
}
