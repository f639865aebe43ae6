//! Choosing a patient, date-of-birth verification, guardian activation, the authorization gate
//! and the audit log (SPEC 3.2, 3.3, 3.9), on both databases. Time moves with `app.clock`.

use crate::helpers;
use helpers::people::{
    audit_actions, call, get, guardian, ok, patient, post_at_once, sign_in, GRACE, JAMES, MARIA,
};
use helpers::{session_cookie_of, set_cookies, spawn, Db, TestApp};
use portal_server::practice::{self, Caller};
use portal_server::store::accounts;
use serde_json::{json, Value};
use std::time::Duration;
use wire::api::{DobLockout, LinkStatus, Relationship};
use wire::messages::SenderKind;
use wire::patients::PatientSummary;

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
    accounts::insert_link(
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

// ---- the list (SPEC 3.2) ----

async fn the_list_has_self_dependents_and_linked_with_badges(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let james = sign_in(&app, JAMES).await;
    let oak = list(&app, &james, "oak").await;
    let names: Vec<_> = oak
        .iter()
        .map(|p| (p.first_name.as_str(), p.last_name.as_str(), p.relationship))
        .collect();
    assert_eq!(
        names,
        [
            ("James", "Carter", Relationship::Self_),
            ("Lily", "Carter", Relationship::Guardian),
            ("Lily", "Moss", Relationship::Guardian),
            ("Robert", "Kim", Relationship::Linked),
        ],
        "self first, then by first name"
    );
    assert_eq!(oak[0].status, LinkStatus::Active);
    assert_eq!(oak[1].status, LinkStatus::PendingActivation);
    assert_eq!(oak[3].status, LinkStatus::Active);
    assert!(oak.iter().all(|p| !p.verified && p.unread_count == 0));
    assert!(
        oak.iter().all(|p| p.birth_month_year.is_none()),
        "no date hints before verification"
    );
    assert_eq!(oak[1].id, ids.lily);

    // Verifying Lily Carter shows her month/year (a namesake is in the list), not Lily Moss's.
    let (status, body) = verify(
        &app,
        &james,
        &ids.lily,
        date("9", "3", "2016"),
        Some(james_details()),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let oak = list(&app, &james, "oak").await;
    assert!(oak[1].verified);
    assert_eq!(oak[1].status, LinkStatus::Active);
    assert_eq!(oak[1].birth_month_year.as_deref(), Some("09/2016"));
    assert_eq!(oak[2].birth_month_year, None);
    assert!(!oak[2].verified);
    // James is verified but has no namesake: no hint.
    verify(&app, &james, &ids.james, date("11", "05", "1982"), None).await;
    let oak = list(&app, &james, "oak").await;
    assert!(oak[0].verified);
    assert_eq!(oak[0].birth_month_year, None);

    let elm = list(&app, &james, "elm").await;
    assert_eq!(elm.len(), 1);
    assert_eq!(elm[0].id, ids.noah);

    // Maria acts for no one at elm, and nobody has a practice called "nowhere".
    let maria = sign_in(&app, MARIA).await;
    assert_eq!(list(&app, &maria, "oak").await.len(), 1);
    let (status, body) = get(&app, "/api/practices/elm/patients", &maria).await;
    assert_eq!((status, code(&body)), (404, "not_found"));
    let (status, _) = get(&app, "/api/practices/nowhere/patients", &maria).await;
    assert_eq!(status, 404);
    let (status, body) = call(&app, "get", "/api/practices/oak/patients", None, None).await;
    assert_eq!((status, code(&body)), (401, "signed_out"));
    let _ = ids.robert;
}

// ---- verification (SPEC 3.3) ----

async fn impossible_dates_are_not_counted(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let james = sign_in(&app, JAMES).await;
    let next_year = (chrono::Utc::now()
        .date_naive()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap()
        + 1)
    .to_string();
    for (dob, expected) in [
        (date("2", "30", "1982"), "dob_invalid_day"),
        (date("13", "5", "1982"), "dob_invalid_month"),
        (date("1", "5", &next_year), "dob_in_future"),
        (date("Nov", "5", "1982"), "dob_not_a_number"),
        (date("11", "5", "82"), "dob_year_not_four_digits"),
        (date("", "5", "1982"), "dob_missing"),
    ] {
        let (status, body) = verify(&app, &james, &ids.james, dob.clone(), None).await;
        assert_eq!((status, code(&body)), (422, expected), "{dob}");
        assert_eq!(body["field"], "dob");
    }
    assert_eq!(attempts(&app, JAMES, &ids.james).await, 0);
    let (status, body) = verify(&app, &james, &ids.james, date("11", "6", "1982"), None).await;
    assert_eq!((status, code(&body)), (403, "dob_incorrect"));
    assert!(
        body["message"].as_str().unwrap().contains("1 try left"),
        "{body}"
    );
    assert_eq!(attempts(&app, JAMES, &ids.james).await, 1);
    // A right answer resets the count.
    ok(verify(&app, &james, &ids.james, date("11", "5", "1982"), None).await);
    assert_eq!(attempts(&app, JAMES, &ids.james).await, 0);
}

async fn the_guardians_own_dob_is_a_wrong_attempt_with_a_hint(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let james = sign_in(&app, JAMES).await;
    let (status, body) = verify(
        &app,
        &james,
        &ids.lily,
        date("11", "5", "1982"),
        Some(james_details()),
    )
    .await;
    assert_eq!((status, code(&body)), (403, "dob_incorrect"));
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("patient's date of birth"), "{message}");
    assert!(message.contains("not your own"), "{message}");
    assert!(message.contains("1 try left"), "{message}");
    assert_eq!(attempts(&app, JAMES, &ids.lily).await, 1);
    let oak = list(&app, &james, "oak").await;
    assert_eq!(
        oak[1].status,
        LinkStatus::PendingActivation,
        "not activated"
    );
}

async fn two_wrong_answers_lock_the_link_for_an_hour(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let james = sign_in(&app, JAMES).await;
    let (status, _) = verify(&app, &james, &ids.james, date("1", "1", "1980"), None).await;
    assert_eq!(status, 403);
    let (status, body) = verify(&app, &james, &ids.james, date("1", "2", "1980"), None).await;
    assert_eq!((status, code(&body)), (423, "locked"), "{body}");
    assert_eq!(body["retry_after_seconds"], 3600);
    assert!(
        body["message"].as_str().unwrap().contains("(972) 555-0100"),
        "{body}"
    );

    // The practice is told: a staff-only system message, and the lockouts list.
    let oak = app.store.practice_by_slug("oak").await.unwrap().unwrap();
    let messages = app
        .store
        .messages_for_patient(&oak.id, &ids.james)
        .await
        .unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].sender_kind, SenderKind::System);
    assert_eq!(messages[0].visible_to_patient, 0);
    assert!(
        messages[0].body.contains("•••• 0102"),
        "{}",
        messages[0].body
    );
    let token = app.token(Some("oak")).await;
    let lockouts: Vec<DobLockout> = app
        .http
        .get(app.url("/api/practice/practices/oak/lockouts"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(lockouts.len(), 1);
    assert_eq!(lockouts[0].patient_id, ids.james);
    assert_eq!(lockouts[0].patient_name, "James Carter");
    assert_eq!(lockouts[0].relationship, Relationship::Self_);
    assert_eq!(lockouts[0].phone, "•••• 0102");

    // Locked: even the right date gets 423, and so does every patient route.
    let (status, body) = verify(&app, &james, &ids.james, date("11", "5", "1982"), None).await;
    assert_eq!((status, code(&body)), (423, "locked"));
    let (status, _) = get(&app, &format!("/api/patients/{}", ids.james), &james).await;
    assert_eq!(status, 423);
    let summary = list(&app, &james, "oak").await;
    assert_eq!(summary[0].status, LinkStatus::Locked);
    assert_eq!(summary[0].locked_seconds_left, Some(3600));
    assert_eq!(
        attempts(&app, JAMES, &ids.james).await,
        2,
        "locked answers count nothing"
    );

    // Another link of the same account is not locked.
    let (status, _) = verify(&app, &james, &ids.robert, date("6", "30", "1941"), None).await;
    assert_eq!(status, 200);

    app.clock.advance(secs(59 * 60));
    let james = sign_in(&app, JAMES).await;
    let (status, body) = verify(&app, &james, &ids.james, date("11", "5", "1982"), None).await;
    assert_eq!((status, code(&body)), (423, "locked"));
    assert!(body["retry_after_seconds"].as_u64().unwrap() <= 60);

    app.clock.advance(secs(60));
    // The lock is over and the count starts again: one wrong answer is not a lock.
    let (status, body) = verify(&app, &james, &ids.james, date("1", "1", "1980"), None).await;
    assert_eq!((status, code(&body)), (403, "dob_incorrect"));
    let (status, _) = verify(&app, &james, &ids.james, date("11", "5", "1982"), None).await;
    assert_eq!(status, 200);
    let lockouts: Vec<Value> = app
        .http
        .get(app.url("/api/practice/practices/oak/lockouts"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(lockouts.is_empty());
    let actions = audit_actions(&app, &ids.james).await;
    assert_eq!(actions.iter().filter(|a| *a == "dob.lock").count(), 1);
    assert_eq!(
        actions.iter().filter(|a| *a == "dob.verify.fail").count(),
        3
    );
}

/// Wrong answers more than an hour apart are two runs of one: no lock.
async fn a_wrong_answer_is_forgotten_after_an_hour(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let james = sign_in(&app, JAMES).await;
    let (status, _) = verify(&app, &james, &ids.james, date("1", "1", "1980"), None).await;
    assert_eq!(status, 403);
    app.clock.advance(secs(HOUR));
    let james = sign_in(&app, JAMES).await;
    let (status, body) = verify(&app, &james, &ids.james, date("1", "1", "1980"), None).await;
    assert_eq!((status, code(&body)), (403, "dob_incorrect"), "{body}");
    assert!(body["message"].as_str().unwrap().contains("1 try left"));
    let r = app
        .http
        .post(app.url(&format!("/api/patients/{}/verify-dob", ids.james)))
        .header(reqwest::header::COOKIE, &james)
        .json(&json!({ "dob": date("1", "1", "1980") }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 423, "two wrong answers within the hour lock");
    assert_eq!(r.headers()["retry-after"], "3600");
}

async fn parallel_wrong_answers_cannot_pass_the_limit(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let james = sign_in(&app, JAMES).await;
    let path = format!("/api/patients/{}/verify-dob", ids.james);
    let statuses = post_at_once(
        &app,
        (0..12)
            .map(|i| {
                let dob = date("1", &(i + 1).to_string(), "1970");
                (path.clone(), james.clone(), json!({ "dob": dob }))
            })
            .collect(),
    )
    .await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 403).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 423).count(),
        11,
        "{statuses:?}"
    );
    assert_eq!(attempts(&app, JAMES, &ids.james).await, 2);
    let oak = app.store.practice_by_slug("oak").await.unwrap().unwrap();
    assert_eq!(
        app.store
            .messages_for_patient(&oak.id, &ids.james)
            .await
            .unwrap()
            .len(),
        1
    );
    let actions = audit_actions(&app, &ids.james).await;
    assert_eq!(actions.iter().filter(|a| *a == "dob.lock").count(), 1);
    assert_eq!(
        actions.iter().filter(|a| *a == "dob.verify.fail").count(),
        2
    );
}

/// Right answers at the same time (more than the pool has connections) all succeed: a
/// transaction holding the write lock never waits for another connection.
async fn parallel_right_answers_all_succeed(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let (session, _) = sign_in_remembered(&app, JAMES, None).await;
    let path = format!("/api/patients/{}/verify-dob", ids.lily);
    let body = json!({ "dob": date("9", "3", "2016"), "guardian": james_details() });
    let statuses = post_at_once(
        &app,
        (0..12)
            .map(|_| (path.clone(), session.clone(), body.clone()))
            .collect(),
    )
    .await;
    assert_eq!(statuses, [200; 12]);
    assert_eq!(
        get(&app, &format!("/api/patients/{}", ids.lily), &session)
            .await
            .0,
        200
    );
}

async fn guardian_activation_saves_the_guardian_and_activates(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let james = sign_in(&app, JAMES).await;
    let right = || date("9", "3", "2016");
    let (status, body) = verify(&app, &james, &ids.lily, right(), None).await;
    assert_eq!((status, code(&body)), (422, "guardian_details_required"));
    assert_eq!(body["field"], "guardian");
    let too_young =
        json!({"first_name": "James", "last_name": "Carter", "dob": date("1", "1", "2020")});
    for (details, expected, field) in [
        (
            json!({"first_name": "  ", "last_name": "Carter", "dob": date("11", "5", "1982")}),
            "name_empty",
            "guardian.first_name",
        ),
        (
            json!({"first_name": "James", "last_name": "", "dob": date("11", "5", "1982")}),
            "name_empty",
            "guardian.last_name",
        ),
        (
            json!({"first_name": "James", "last_name": "Carter", "dob": date("2", "30", "1982")}),
            "dob_invalid_day",
            "guardian.dob",
        ),
        (too_young, "guardian_too_young", "guardian.dob"),
    ] {
        let (status, body) = verify(&app, &james, &ids.lily, right(), Some(details)).await;
        assert_eq!((status, code(&body)), (422, expected), "{body}");
        assert_eq!(body["field"], field);
    }
    assert_eq!(
        attempts(&app, JAMES, &ids.lily).await,
        0,
        "invalid details are not attempts"
    );
    let (status, body) = verify(&app, &james, &ids.lily, right(), Some(james_details())).await;
    assert_eq!(status, 200, "{body}");
    let (first, last, dob): (Option<String>, Option<String>, Option<String>) =
        sqlx::query_as("SELECT first_name, last_name, dob FROM accounts WHERE phone = $1")
            .bind(JAMES)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(
        (first.as_deref(), last.as_deref(), dob.as_deref()),
        (Some("James"), Some("Carter"), Some("1982-11-05"))
    );
    let contacts = app.store.links_for_patient(&ids.lily).await.unwrap();
    assert_eq!(contacts[0].status, LinkStatus::Active);
    assert!(contacts[0].dob_verified_at.is_some());
    let body = ok(get(&app, &format!("/api/patients/{}", ids.lily), &james).await);
    assert_eq!(body["dob"], "2016-09-03");
    assert_eq!(body["practice_phone"], "+19725550100");
    // Once active, later verifications need no details.
    let james2 = sign_in(&app, JAMES).await;
    let (status, _) = verify(&app, &james2, &ids.lily, right(), None).await;
    assert_eq!(status, 200);
    let actions = audit_actions(&app, &ids.lily).await;
    assert_eq!(
        actions.iter().filter(|a| *a == "guardian.activate").count(),
        1
    );
}

// ---- how long a verification lasts ----

async fn a_verification_lasts_30_days_on_a_remembered_device(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let (session, device) = sign_in_remembered(&app, JAMES, None).await;
    let body = ok(verify(&app, &session, &ids.james, date("11", "5", "1982"), None).await);
    let lasts = body["verified_for_seconds"].as_u64().unwrap();
    assert!(lasts > 29 * DAY && lasts <= 30 * DAY, "{lasts}");
    let path = format!("/api/patients/{}", ids.james);
    assert_eq!(get(&app, &path, &session).await.0, 200);

    // A new session on the same device, days later: not asked again.
    app.clock.advance(secs(10 * DAY));
    let (session, device) = sign_in_remembered(&app, JAMES, Some(&device)).await;
    assert_eq!(get(&app, &path, &session).await.0, 200);
    assert!(list(&app, &session, "oak").await[0].verified);

    // Another browser (no device cookie) must verify.
    let other = sign_in(&app, JAMES).await;
    let (status, body) = get(&app, &path, &other).await;
    assert_eq!((status, code(&body)), (403, "verify_first"));

    // After 30 days the device is forgotten and the verification with it.
    app.clock.advance(secs(20 * DAY));
    let (session, _) = sign_in_remembered(&app, JAMES, Some(&device)).await;
    let (status, body) = get(&app, &path, &session).await;
    assert_eq!((status, code(&body)), (403, "verify_first"));
}

async fn without_a_remembered_device_a_verification_lasts_the_session(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let session = sign_in(&app, JAMES).await;
    let body = ok(verify(&app, &session, &ids.james, date("11", "5", "1982"), None).await);
    let lasts = body["verified_for_seconds"].as_u64().unwrap();
    assert!(lasts <= 12 * HOUR, "{lasts}");
    let path = format!("/api/patients/{}", ids.james);
    assert_eq!(get(&app, &path, &session).await.0, 200);
    let next = sign_in(&app, JAMES).await;
    let (status, body) = get(&app, &path, &next).await;
    assert_eq!((status, code(&body)), (403, "verify_first"));
}

async fn guardians_verify_again_after_30_days_even_on_a_remembered_device(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let (session, device) = sign_in_remembered(&app, JAMES, None).await;
    let body = ok(verify(
        &app,
        &session,
        &ids.lily,
        date("9", "3", "2016"),
        Some(james_details()),
    )
    .await);
    assert!(body["verified_for_seconds"].as_u64().unwrap() <= 30 * DAY);
    let expires: Vec<(i64, i64)> =
        sqlx::query_as("SELECT verified_at, expires_at FROM dob_verifications")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    assert!(expires.iter().all(|(v, e)| e - v <= 30 * DAY as i64 * 1000));
    let path = format!("/api/patients/{}", ids.lily);
    app.clock.advance(secs(29 * DAY));
    let (session, device) = sign_in_remembered(&app, JAMES, Some(&device)).await;
    assert_eq!(get(&app, &path, &session).await.0, 200);
    app.clock.advance(secs(DAY));
    let (session, _) = sign_in_remembered(&app, JAMES, Some(&device)).await;
    let (status, body) = get(&app, &path, &session).await;
    assert_eq!((status, code(&body)), (403, "verify_first"));
    // Already active: the guardian only types the child's date of birth again.
    let (status, _) = verify(&app, &session, &ids.lily, date("9", "3", "2016"), None).await;
    assert_eq!(status, 200);
    assert_eq!(get(&app, &path, &session).await.0, 200);
}

// ---- the gate ----

async fn another_familys_patients_are_not_found(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let maria = sign_in(&app, MARIA).await;
    let (status, unknown) = get(&app, "/api/patients/no-such-patient", &maria).await;
    assert_eq!(status, 404);
    for id in [&ids.james, &ids.lily, &ids.noah] {
        let (status, body) = get(&app, &format!("/api/patients/{id}"), &maria).await;
        assert_eq!(
            (status, &body),
            (404, &unknown),
            "identical to a patient that does not exist"
        );
        let (status, body) = verify(&app, &maria, id, date("11", "5", "1982"), None).await;
        assert_eq!((status, code(&body)), (404, "not_found"));
    }
    // A revoked link is no link: the practice removes James's own number.
    practice::patients::update(
        &app.store,
        &Caller::cli(),
        "oak",
        &ids.james,
        &serde_json::from_value(
            json!({"first_name": "James", "last_name": "Carter", "dob": "1982-11-05"}),
        )
        .unwrap(),
        app.clock.now_ms(),
    )
    .await
    .unwrap();
    let james = sign_in(&app, JAMES).await;
    let (status, _) = verify(&app, &james, &ids.james, date("11", "5", "1982"), None).await;
    assert_eq!(status, 404);
    let (status, _) = get(&app, &format!("/api/patients/{}", ids.james), &james).await;
    assert_eq!(status, 404);
    let _ = ids.maria;
}

/// Walks every patient-scoped route of the OpenAPI document (`/api/patients/{id}…`) and checks
/// the gate's three refusals on each, so a new route cannot forget it.
async fn every_patient_route_is_gated(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let doc: Value = app
        .http
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut routes = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let full = if path.starts_with("/api/") {
            path.clone()
        } else {
            format!("/api{path}")
        };
        if !(full.starts_with("/api/patients/") && full.contains("{id}")) {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let tags: Vec<&str> = op["tags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap())
                .collect();
            assert!(
                tags.contains(&"patient"),
                "{method} {full} must be tagged `patient`"
            );
            // JSON bodies carry an example; a raw file body (an upload) gets a few bytes: the
            // gate refuses before the body is read.
            let body = op.get("requestBody").map(|b| {
                let content = &b["content"];
                match content.get("application/json") {
                    Some(json) => json["example"].clone(),
                    None => Value::String("file bytes".into()),
                }
            });
            if let Some(b) = &body {
                assert!(
                    !b.is_null(),
                    "{method} {full}: give the request body an example, the gate test sends it"
                );
            }
            routes.push((method.clone(), full.clone(), body));
        }
    }
    assert!(routes.len() >= 3, "{routes:?}");
    let at = |path: &str, id: &str| {
        let mut p = path.replace("{id}", id);
        while let (Some(a), Some(b)) = (p.find('{'), p.find('}')) {
            p.replace_range(a..=b, "x");
        }
        p
    };

    let maria = sign_in(&app, MARIA).await;
    let james = sign_in(&app, JAMES).await;
    // Lock James's link to Lily Moss.
    verify(
        &app,
        &james,
        &ids.lily_moss,
        date("1", "1", "2018"),
        Some(james_details()),
    )
    .await;
    let (status, _) = verify(
        &app,
        &james,
        &ids.lily_moss,
        date("1", "2", "2018"),
        Some(james_details()),
    )
    .await;
    assert_eq!(status, 423);

    for (method, path, body) in &routes {
        let what = format!("{method} {path}");
        let (status, b) = call(&app, method, &at(path, &ids.lily), None, body.clone()).await;
        assert_eq!((status, code(&b)), (401, "signed_out"), "{what} signed out");
        // (a) no link, or no such patient: 404.
        for id in [&ids.lily, &"no-such-patient".to_owned()] {
            let (status, b) = call(&app, method, &at(path, id), Some(&maria), body.clone()).await;
            assert_eq!(
                (status, code(&b)),
                (404, "not_found"),
                "{what} without a link"
            );
        }
        // (b) a link without a verification: 403 verify_first (verify-dob itself is the way in).
        if !path.ends_with("/verify-dob") {
            for id in [&ids.lily, &ids.james, &ids.robert] {
                let (status, b) =
                    call(&app, method, &at(path, id), Some(&james), body.clone()).await;
                assert_eq!(
                    (status, code(&b)),
                    (403, "verify_first"),
                    "{what} unverified"
                );
            }
        }
        // (c) a locked link: 423.
        let (status, b) = call(
            &app,
            method,
            &at(path, &ids.lily_moss),
            Some(&james),
            body.clone(),
        )
        .await;
        assert_eq!((status, code(&b)), (423, "locked"), "{what} locked");
        assert!(b["retry_after_seconds"].as_u64().unwrap() > 0);
    }
}

// ---- audit (SPEC 3.9) ----

async fn reads_and_changes_are_audited_with_the_client_address(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let james = sign_in(&app, JAMES).await;
    verify(
        &app,
        &james,
        &ids.lily,
        date("9", "3", "2016"),
        Some(james_details()),
    )
    .await;
    get(&app, &format!("/api/patients/{}", ids.lily), &james).await;
    get(
        &app,
        &format!("/api/patients/{}/access-history", ids.lily),
        &james,
    )
    .await;
    let rows = app.store.audit_for_patient(&ids.lily).await.unwrap();
    let account_rows: Vec<_> = rows.iter().filter(|r| r.actor_kind == "account").collect();
    let actions: Vec<&str> = account_rows.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "guardian.activate",
            "dob.verify",
            "patient.view",
            "access_history.view"
        ]
    );
    assert!(account_rows
        .iter()
        .all(|r| r.client_addr.as_deref() == Some("127.0.0.1")));

    // The practice reads the same log, and the CLI function behind it.
    let token = app.token(Some("oak")).await;
    let r = app
        .http
        .get(app.url(&format!(
            "/api/practice/practices/oak/patients/{}/audit",
            ids.lily
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let entries: Vec<wire::api::AuditEntry> = r.json().await.unwrap();
    let view = entries.iter().find(|e| e.action == "patient.view").unwrap();
    assert_eq!(view.actor_kind, "account");
    assert_eq!(view.actor_phone.as_deref(), Some(JAMES));
    assert_eq!(view.client_addr.as_deref(), Some("127.0.0.1"));
    let cli = practice::audit::for_patient(&app.store, &Caller::cli(), "oak", &ids.lily)
        .await
        .unwrap();
    assert_eq!(cli, entries);
    // Another practice's token sees nothing of it.
    let elm = app.token(Some("elm")).await;
    let r = app
        .http
        .get(app.url(&format!(
            "/api/practice/practices/oak/patients/{}/audit",
            ids.lily
        )))
        .bearer_auth(&elm)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

async fn access_history_says_who(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    // Grace also acts for Lily (a second guardian).
    guardian(&app, "oak", &ids.lily, GRACE).await;
    let grace = sign_in(&app, GRACE).await;
    let grace_details =
        json!({"first_name": "Grace", "last_name": "Kim", "dob": date("2", "2", "1950")});
    assert_eq!(
        verify(
            &app,
            &grace,
            &ids.lily,
            date("9", "3", "2016"),
            Some(grace_details)
        )
        .await
        .0,
        200
    );
    get(&app, &format!("/api/patients/{}", ids.lily), &grace).await;
    let james = sign_in(&app, JAMES).await;
    assert_eq!(
        verify(
            &app,
            &james,
            &ids.lily,
            date("9", "3", "2016"),
            Some(james_details())
        )
        .await
        .0,
        200
    );
    let body = ok(get(
        &app,
        &format!("/api/patients/{}/access-history", ids.lily),
        &james,
    )
    .await);
    let events: Vec<wire::patients::AccessEvent> = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(events[0].action, "access_history.view", "newest first");
    assert_eq!(events[0].who, "you");
    let grace_view = events.iter().find(|e| e.action == "patient.view").unwrap();
    assert_eq!(grace_view.who, "guardian •••• 0103");
    assert!(
        !body.to_string().contains("5550103"),
        "never the other person's number"
    );
    let created = events
        .iter()
        .find(|e| e.action == "practice.patient.create")
        .unwrap();
    assert_eq!(created.who, "practice");
}

/// `lockouts --practice` and `audit --practice --patient` print what the practice API answers.
async fn lockouts_and_audit_from_the_command_line(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let james = sign_in(&app, JAMES).await;
    verify(&app, &james, &ids.james, date("1", "1", "1980"), None).await;
    let (status, _) = verify(&app, &james, &ids.james, date("1", "2", "1980"), None).await;
    assert_eq!(status, 423);
    let run = |args: &[&str]| app.cli_json(args);
    let lockouts = run(&["lockouts", "--practice", "oak"]);
    assert_eq!(lockouts.as_array().unwrap().len(), 1, "{lockouts}");
    assert_eq!(lockouts[0]["patient_id"], ids.james.as_str());
    assert_eq!(lockouts[0]["phone"], "•••• 0102");
    let audit = run(&["audit", "--practice", "oak", "--patient", &ids.james]);
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "practice.patient.create",
            "dob.verify.fail",
            "dob.verify.fail",
            "dob.lock"
        ]
    );
    assert_eq!(audit[3]["actor_phone"], JAMES);
    assert_eq!(run(&["lockouts", "--practice", "elm"]), json!([]));
}

on_both_databases!(
    lockouts_and_audit_from_the_command_line,
    the_list_has_self_dependents_and_linked_with_badges,
    impossible_dates_are_not_counted,
    the_guardians_own_dob_is_a_wrong_attempt_with_a_hint,
    two_wrong_answers_lock_the_link_for_an_hour,
    a_wrong_answer_is_forgotten_after_an_hour,
    parallel_wrong_answers_cannot_pass_the_limit,
    parallel_right_answers_all_succeed,
    guardian_activation_saves_the_guardian_and_activates,
    a_verification_lasts_30_days_on_a_remembered_device,
    without_a_remembered_device_a_verification_lasts_the_session,
    guardians_verify_again_after_30_days_even_on_a_remembered_device,
    another_familys_patients_are_not_found,
    every_patient_route_is_gated,
    reads_and_changes_are_audited_with_the_client_address,
    access_history_says_who,
);
