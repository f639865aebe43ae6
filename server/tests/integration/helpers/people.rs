//! People and practices for the messaging and dependents tests: Oak Family Medicine (does not
//! ask a dependent's sex) and Elm Pediatrics (asks), signed-in and verified helpers.

use super::TestApp;
use portal_server::practice::{self, Caller};
use portal_server::store::{accounts, contacts};
use serde_json::{json, Value};
use std::time::Duration;
use wire::api::{LinkStatus, Relationship};

pub const JAMES: &str = "+19725550102";
pub const MARIA: &str = "+19725550101";
pub const GRACE: &str = "+19725550103";
pub const NOBODY: &str = "+19725550109";

pub struct Family {
    /// Oak: Lily Carter (2016-09-03), guardians JAMES and GRACE (pending).
    pub lily: String,
    /// Oak: Maria Lopez (1985-04-12), self MARIA.
    pub maria: String,
    /// Oak: Robert Kim (1941-06-30), linked to GRACE (active).
    pub robert: String,
    /// Elm: Noah Carter (2019-01-25), guardian JAMES (pending).
    pub noah: String,
}

pub async fn patient(app: &TestApp, slug: &str, body: Value) -> String {
    practice::patients::create(
        &app.store,
        &Caller::cli(),
        slug,
        &serde_json::from_value(body).unwrap(),
        app.clock.now_ms(),
    )
    .await
    .unwrap()
    .0
    .id
}

pub async fn guardian(app: &TestApp, slug: &str, patient: &str, phone: &str) {
    portal_server::contacts::add_guardian(
        &app.store,
        &Caller::cli(),
        slug,
        patient,
        &serde_json::from_value(json!({ "phone": phone })).unwrap(),
        app.clock.now_ms(),
    )
    .await
    .unwrap();
}

pub async fn family(app: &TestApp) -> Family {
    for (slug, name, phone, tz, asks) in [
        (
            "oak",
            "Oak Family Medicine",
            "+19725550100",
            "America/Chicago",
            false,
        ),
        (
            "elm",
            "Elm Pediatrics",
            "+12145550199",
            "America/New_York",
            true,
        ),
    ] {
        practice::practices::upsert(
            &app.store,
            &Caller::cli(),
            &serde_json::from_value(json!({"slug": slug, "name": name, "phone": phone,
                "time_zone": tz, "asks_dependent_sex": asks}))
            .unwrap(),
            app.clock.now_ms(),
        )
        .await
        .unwrap();
    }
    let lily = patient(
        app,
        "oak",
        json!({"first_name": "Lily", "last_name": "Carter", "dob": "2016-09-03"}),
    )
    .await;
    let maria = patient(app, "oak", json!({"first_name": "Maria", "last_name": "Lopez", "dob": "1985-04-12", "mobile_phone": MARIA})).await;
    let robert = patient(
        app,
        "oak",
        json!({"first_name": "Robert", "last_name": "Kim", "dob": "1941-06-30"}),
    )
    .await;
    let noah = patient(
        app,
        "elm",
        json!({"first_name": "Noah", "last_name": "Carter", "dob": "2019-01-25"}),
    )
    .await;
    guardian(app, "oak", &lily, JAMES).await;
    guardian(app, "oak", &lily, GRACE).await;
    guardian(app, "elm", &noah, JAMES).await;
    let mut tx = app.store.pool().begin().await.unwrap();
    let grace = accounts::account_for_phone(&mut tx, GRACE, app.clock.now_ms())
        .await
        .unwrap();
    contacts::insert_link(
        &mut tx,
        &grace,
        &robert,
        Relationship::Linked,
        LinkStatus::Active,
        app.clock.now_ms(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    Family {
        lily,
        maria,
        robert,
        noah,
    }
}

/// Signs in (not remembered), after waiting out the 30 s between codes.
pub async fn sign_in(app: &TestApp, phone: &str) -> String {
    app.clock.advance(Duration::from_secs(31));
    app.sign_in(phone).await
}

fn request(app: &TestApp, method: &str, path: &str) -> reqwest::RequestBuilder {
    let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    app.http.request(method, app.url(path))
}

/// Sends the request; its status and body (JSON, else the text as a JSON string).
async fn answer(request: reqwest::RequestBuilder) -> (u16, Value) {
    let r = request.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A portal API call, with the session cookie if given.
pub async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = request(app, method, path);
    if let Some(cookie) = cookie {
        request = request.header(reqwest::header::COOKIE, cookie);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    answer(request).await
}

/// A portal API `GET` with the session cookie.
pub async fn get(app: &TestApp, path: &str, cookie: &str) -> (u16, Value) {
    call(app, "get", path, Some(cookie), None).await
}

/// A practice API call with a Bearer token.
pub async fn practice_call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = request(app, method, path).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    answer(request).await
}

/// A practice API call under Oak (`/api/practice/practices/oak/{path}`) with this token.
pub async fn oak_call(
    app: &TestApp,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    practice_call(
        app,
        method,
        &format!("/api/practice/practices/oak/{path}"),
        token,
        body,
    )
    .await
}

/// The body of an answer that must be 200.
#[track_caller]
pub fn ok((status, body): (u16, Value)) -> Value {
    assert_eq!(status, 200, "{body}");
    body
}

/// Sends these portal `POST`s (path, session cookie, body) all at once, each on a task of its
/// own; their statuses, in the same order.
pub async fn post_at_once(app: &TestApp, requests: Vec<(String, String, Value)>) -> Vec<u16> {
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|(path, cookie, body)| {
            let request = app
                .http
                .post(app.url(&path))
                .header(reqwest::header::COOKIE, cookie)
                .json(&body);
            tokio::spawn(async move { request.send().await.unwrap().status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses
}

/// The actions in the patient's audit log, as the store has them.
pub async fn audit_actions(app: &TestApp, patient: &str) -> Vec<String> {
    app.store
        .audit_for_patient(patient)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect()
}

pub fn date(iso: &str) -> Value {
    let mut parts = iso.split('-');
    let (y, m, d) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    json!({"month": m, "day": d, "year": y})
}

/// Verifies `patient`'s date of birth; a pending guardian activates with `own` (first, last,
/// dob).
pub async fn verify(
    app: &TestApp,
    cookie: &str,
    patient: &str,
    dob: &str,
    own: Option<(&str, &str, &str)>,
) {
    let mut body = json!({ "dob": date(dob) });
    if let Some((first, last, own_dob)) = own {
        body["guardian"] = json!({"first_name": first, "last_name": last, "dob": date(own_dob)});
    }
    let (status, answer) = call(
        app,
        "post",
        &format!("/api/patients/{patient}/verify-dob"),
        Some(cookie),
        Some(body),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
}

/// `phone`, signed in, with Lily verified as her guardian `own` (first, last, dob): the
/// guardian link activated.
async fn guardian_of_lily(
    app: &TestApp,
    f: &Family,
    phone: &str,
    own: (&str, &str, &str),
) -> String {
    let cookie = sign_in(app, phone).await;
    verify(app, &cookie, &f.lily, "2016-09-03", Some(own)).await;
    cookie
}

/// James, signed in, with Lily verified (his guardian link activated).
pub async fn james_with_lily(app: &TestApp, f: &Family) -> String {
    guardian_of_lily(app, f, JAMES, ("James", "Carter", "1982-11-05")).await
}

/// Grace, signed in, with Lily verified (her guardian link activated).
pub async fn grace_with_lily(app: &TestApp, f: &Family) -> String {
    guardian_of_lily(app, f, GRACE, ("Grace", "Kim", "1960-02-14")).await
}

/// Uploads a file for a message of `patient`'s (raw body, the name in `X-File-Name`): the status
/// and the answer.
pub async fn upload(
    app: &TestApp,
    cookie: &str,
    patient: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let r = app
        .http
        .post(app.url(&format!("/api/patients/{patient}/attachments")))
        .header(reqwest::header::COOKIE, cookie)
        .header("x-file-name", name)
        .header("content-type", "image/jpeg")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}
