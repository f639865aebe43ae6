//! Choosing a patient, date-of-birth verification, guardian activation, the authorization gate
//! and the audit log (SPEC 3.2, 3.3, 3.9), on both databases. Time moves with `app.clock`.
//! This module holds the family every test starts from and the calls they share; each
//! submodule is one part of the feature.

use crate::helpers;
use helpers::people::{call, get, guardian, ok, patient, JAMES, MARIA};
use helpers::{session_cookie_of, set_cookies, TestApp};
use portal_server::practice::{self, Caller};
use portal_server::store::{accounts, contacts};
use serde_json::{json, Value};
use std::time::Duration;
use wire::api::{LinkStatus, Relationship};
use wire::patients::PatientSummary;

mod audit;
mod choosing;
mod gate;
mod guardian_activation;
mod verification;
mod verification_lifetime;

const HOUR: u64 = 3600;
const DAY: u64 = 24 * HOUR;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

struct Ids {
    james: String,
    lily: String,
    lily_moss: String,
    robert: String,
    maria: String,
    noah: String,
}

/// Oak: James Carter (self, JAMES), his dependents Lily Carter and Lily Moss (guardian, pending),
/// Robert Kim (linked to JAMES), Maria Lopez (self, MARIA). Elm: Noah Carter (guardian JAMES).
async fn family(app: &TestApp) -> Ids {
    let caller = Caller::cli();
    for (slug, name, phone, tz) in [
        (
            "oak",
            "Oak Family Medicine",
            "+19725550100",
            "America/Chicago",
        ),
        ("elm", "Elm Pediatrics", "+12145550199", "America/New_York"),
    ] {
        practice::practices::upsert(
            &app.store,
            &caller,
            &serde_json::from_value(
                json!({"slug": slug, "name": name, "phone": phone, "time_zone": tz}),
            )
            .unwrap(),
            app.clock.now_ms(),
        )
        .await
        .unwrap();
    }
    let james = patient(app, "oak", json!({"first_name": "James", "last_name": "Carter", "dob": "1982-11-05", "mobile_phone": JAMES})).await;
    let lily = patient(
        app,
        "oak",
        json!({"first_name": "Lily", "last_name": "Carter", "dob": "2016-09-03"}),
    )
    .await;
    let lily_moss = patient(
        app,
        "oak",
        json!({"first_name": "Lily", "last_name": "Moss", "dob": "2018-03-07"}),
    )
    .await;
    let robert = patient(
        app,
        "oak",
        json!({"first_name": "Robert", "last_name": "Kim", "dob": "1941-06-30"}),
    )
    .await;
    let maria = patient(app, "oak", json!({"first_name": "Maria", "last_name": "Lopez", "dob": "1985-04-12", "mobile_phone": MARIA})).await;
    let noah = patient(
        app,
        "elm",
        json!({"first_name": "Noah", "last_name": "Carter", "dob": "2019-01-25"}),
    )
    .await;
    guardian(app, "oak", &lily, JAMES).await;
    guardian(app, "oak", &lily_moss, JAMES).await;
    guardian(app, "elm", &noah, JAMES).await;
    let mut tx = app.store.pool().begin().await.unwrap();
    let account = accounts::account_for_phone(&mut tx, JAMES, app.clock.now_ms())
        .await
        .unwrap();
    contacts::insert_link(
        &mut tx,
        &account,
        &robert,
        Relationship::Linked,
        LinkStatus::Active,
        app.clock.now_ms(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    Ids {
        james,
        lily,
        lily_moss,
        robert,
        maria,
        noah,
    }
}

/// Signs in with "remember this device", presenting `device` (a `portal_device=…` cookie) if
/// given. Returns the session cookie and the device cookie now in use.
async fn sign_in_remembered(app: &TestApp, phone: &str, device: Option<&str>) -> (String, String) {
    app.clock.advance(secs(31));
    assert_eq!(app.request_code(phone).await.status(), 200);
    let code = app.last_code(phone).await;
    let mut request = app
        .http
        .post(app.url("/api/auth/verify"))
        .json(&json!({ "phone": phone, "code": code, "remember_device": true }));
    if let Some(device) = device {
        request = request.header(reqwest::header::COOKIE, device);
    }
    let r = request.send().await.unwrap();
    assert_eq!(r.status(), 200);
    let new_device = set_cookies(&r)
        .into_iter()
        .find(|c| c.starts_with("portal_device="))
        .map(|c| c.split(';').next().unwrap().to_owned());
    let device = new_device
        .or(device.map(str::to_owned))
        .expect("a device cookie");
    (session_cookie_of(&r), device)
}

fn date(m: &str, d: &str, y: &str) -> Value {
    json!({"month": m, "day": d, "year": y})
}

fn james_details() -> Value {
    json!({"first_name": " James ", "last_name": "Carter", "dob": date("11", "5", "1982")})
}

async fn verify(
    app: &TestApp,
    cookie: &str,
    patient: &str,
    dob: Value,
    guardian: Option<Value>,
) -> (u16, Value) {
    let mut body = json!({ "dob": dob });
    if let Some(g) = guardian {
        body["guardian"] = g;
    }
    call(
        app,
        "post",
        &format!("/api/patients/{patient}/verify-dob"),
        Some(cookie),
        Some(body),
    )
    .await
}

async fn list(app: &TestApp, cookie: &str, slug: &str) -> Vec<PatientSummary> {
    let body = ok(get(app, &format!("/api/practices/{slug}/patients"), cookie).await);
    serde_json::from_value(body).unwrap()
}

async fn attempts(app: &TestApp, phone: &str, patient: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT l.dob_failed_attempts FROM contact_links l JOIN accounts a ON a.id = l.account_id
          WHERE a.phone = $1 AND l.patient_id = $2",
    )
    .bind(phone)
    .bind(patient)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    n
}

fn code(body: &Value) -> &str {
    body["error"].as_str().unwrap_or("")
}
