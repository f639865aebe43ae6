//! The practice API (SPEC 4): tokens, practices, patients and guardian contacts.

use crate::helpers;
use helpers::{spawn, Db, TestApp};
use serde_json::{json, Value};
use wire::api::{ApiError, ContactLink, LinkStatus, Patient, Practice, Relationship};

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

async fn requires_a_valid_token(db: Db) {
    let app = spawn(db).await;
    let none = app
        .http
        .get(app.url("/api/practice/practices"))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 401);
    assert_eq!(none.headers()["www-authenticate"], "Bearer");
    assert_eq!(none.json::<ApiError>().await.unwrap().error, "unauthorized");
    assert_eq!(
        get(&app, "ppt_guessed", "/api/practice/practices")
            .await
            .status(),
        401
    );
    let admin = app.token(None).await;
    assert_eq!(
        get(&app, &admin, "/api/practice/practices").await.status(),
        200
    );
    let (secret, row) = app
        .store
        .create_token("to revoke", None, app.clock.now_ms())
        .await
        .unwrap();
    assert!(app
        .store
        .revoke_token(&row.id, app.clock.now_ms())
        .await
        .unwrap());
    assert_eq!(
        get(&app, &secret, "/api/practice/practices").await.status(),
        401
    );
}

async fn administrator_creates_then_updates_a_practice(db: Db) {
    let (app, admin) = with_practice(db).await;
    let mut changed = lakeside();
    changed["name"] = json!("Lakeside Family Clinic");
    let r = post(&app, &admin, "/api/practice/practices", changed).await;
    assert_eq!(r.status(), 200, "same slug updates");
    let practice: Practice = r.json().await.unwrap();
    assert_eq!(practice.name, "Lakeside Family Clinic");
    assert_eq!(practice.phone.e164(), "+19725550100");
    let all: Vec<Practice> = get(&app, &admin, "/api/practice/practices")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
}

async fn practice_input_is_checked(db: Db) {
    let (app, admin) = with_practice(db).await;
    let cases = [
        (
            json!({"slug": "Bad Slug", "name": "x", "phone": "(972) 555-0100", "time_zone": "America/Chicago"}),
            422,
            "slug_invalid",
        ),
        (
            json!({"slug": "ok", "name": "  ", "phone": "(972) 555-0100", "time_zone": "America/Chicago"}),
            422,
            "name_empty",
        ),
        (
            json!({"slug": "ok", "name": "x", "phone": "(972) 555-0100", "time_zone": "Central"}),
            422,
            "time_zone_invalid",
        ),
        (
            json!({"slug": "ok", "name": "x", "phone": "555-0100", "time_zone": "America/Chicago"}),
            422,
            "invalid_body",
        ),
        (
            json!({"slug": "ok", "name": "x", "phone": "(972) 555-0100", "time_zone": "America/Chicago", "extra": 1}),
            422,
            "invalid_body",
        ),
    ];
    for (body, status, code) in cases {
        let r = post(&app, &admin, "/api/practice/practices", body.clone()).await;
        assert_eq!(r.status(), status, "{body}");
        assert_eq!(r.json::<ApiError>().await.unwrap().error, code, "{body}");
    }
    let not_json = app
        .http
        .post(app.url("/api/practice/practices"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    assert_eq!(
        not_json.json::<ApiError>().await.unwrap().error,
        "invalid_body"
    );
}

async fn a_practice_token_sees_only_its_practice(db: Db) {
    let (app, admin) = with_practice(db).await;
    let other = json!({"slug": "riverbend", "name": "Riverbend Pediatrics", "phone": "(214) 555-0199", "time_zone": "America/New_York"});
    assert_eq!(
        post(&app, &admin, "/api/practice/practices", other.clone())
            .await
            .status(),
        201
    );
    let lily: Patient = post(
        &app,
        &admin,
        "/api/practice/practices/riverbend/patients",
        lily(),
    )
    .await
    .json()
    .await
    .unwrap();

    let token = app.token(Some("lakeside")).await;
    let visible: Vec<Practice> = get(&app, &token, "/api/practice/practices")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        visible.iter().map(|p| p.slug.as_str()).collect::<Vec<_>>(),
        ["lakeside"]
    );
    // Another practice's data answers exactly like something that does not exist.
    for path in [
        "/api/practice/practices/riverbend/patients".to_string(),
        format!("/api/practice/practices/riverbend/patients/{}", lily.id),
        format!("/api/practice/practices/lakeside/patients/{}", lily.id),
        "/api/practice/practices/nowhere/patients".to_string(),
    ] {
        let r = get(&app, &token, &path).await;
        assert_eq!(r.status(), 404, "{path}");
        assert_eq!(r.json::<ApiError>().await.unwrap().error, "not_found");
    }
    assert_eq!(
        post(&app, &token, "/api/practice/practices", other)
            .await
            .status(),
        404
    );
    let new = json!({"slug": "newplace", "name": "New", "phone": "(214) 555-0198", "time_zone": "America/New_York"});
    assert_eq!(
        post(&app, &token, "/api/practice/practices", new)
            .await
            .status(),
        403
    );
    assert_eq!(
        post(&app, &token, "/api/practice/practices", lakeside())
            .await
            .status(),
        200,
        "may update its own"
    );
}

async fn patients_are_created_updated_and_listed(db: Db) {
    let (app, admin) = with_practice(db).await;
    let r = post(
        &app,
        &admin,
        "/api/practice/practices/lakeside/patients",
        lily(),
    )
    .await;
    assert_eq!(r.status(), 201);
    let created: Patient = r.json().await.unwrap();
    assert_eq!(created.first_name, "Lily", "names are trimmed");
    assert_eq!(created.dob.iso(), "2016-09-03");

    // The same external id again updates instead of duplicating.
    let mut again = lily();
    again["email"] = json!("parent@example.com");
    let r = post(
        &app,
        &admin,
        "/api/practice/practices/lakeside/patients",
        again,
    )
    .await;
    assert_eq!(r.status(), 200);
    let updated: Patient = r.json().await.unwrap();
    assert_eq!(updated.id, created.id);
    assert_eq!(updated.email.as_deref(), Some("parent@example.com"));

    let mut put = lily();
    put["last_name"] = json!("Carter-Diaz");
    put["preferred_language"] = json!("es");
    let r = send(
        &app,
        reqwest::Method::PUT,
        &admin,
        &format!("/api/practice/practices/lakeside/patients/{}", created.id),
        Some(put),
    )
    .await;
    assert_eq!(r.status(), 200);
    let shown: Patient = get(
        &app,
        &admin,
        &format!("/api/practice/practices/lakeside/patients/{}", created.id),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(shown.last_name, "Carter-Diaz");
    assert_eq!(shown.preferred_language, wire::api::Language::Es);

    let list: Vec<Patient> = get(&app, &admin, "/api/practice/practices/lakeside/patients")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 1);

    let r = send(
        &app,
        reqwest::Method::PUT,
        &admin,
        "/api/practice/practices/lakeside/patients/nope",
        Some(lily()),
    )
    .await;
    assert_eq!(r.status(), 404);
}

async fn patient_input_is_checked(db: Db) {
    let (app, admin) = with_practice(db).await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    let cases = [
        (
            json!({"first_name": "A", "last_name": "B", "dob": tomorrow}),
            "dob_in_future",
            Some("dob"),
        ),
        (
            json!({"first_name": "A", "last_name": "B", "dob": "2015-02-30"}),
            "invalid_body",
            None,
        ),
        (
            json!({"first_name": "", "last_name": "B", "dob": "2015-02-03"}),
            "name_empty",
            Some("first_name"),
        ),
        (
            json!({"first_name": "A", "last_name": "B", "dob": "2015-02-03", "email": "nope"}),
            "email_invalid",
            Some("email"),
        ),
        (
            json!({"first_name": "A", "last_name": "B", "dob": "2015-02-03", "mobile_phone": "12"}),
            "invalid_body",
            None,
        ),
        (
            json!({"first_name": "A", "last_name": "B", "dob": "2015-02-03", "preferred_language": "fr"}),
            "invalid_body",
            None,
        ),
    ];
    for (body, code, field) in cases {
        let r = post(
            &app,
            &admin,
            "/api/practice/practices/lakeside/patients",
            body.clone(),
        )
        .await;
        assert_eq!(r.status(), 422, "{body}");
        let e: ApiError = r.json().await.unwrap();
        assert_eq!(e.error, code, "{body}");
        assert_eq!(e.field.as_deref(), field, "{body}");
    }
    let list: Vec<Patient> = get(&app, &admin, "/api/practice/practices/lakeside/patients")
        .await
        .json()
        .await
        .unwrap();
    assert!(list.is_empty(), "nothing was stored");
}

async fn own_mobile_number_makes_a_self_contact(db: Db) {
    let (app, admin) = with_practice(db).await;
    let body = json!({"first_name": "Maria", "last_name": "Lopez", "dob": "1985-04-12", "mobile_phone": "972-555-0101"});
    let maria: Patient = post(
        &app,
        &admin,
        "/api/practice/practices/lakeside/patients",
        body.clone(),
    )
    .await
    .json()
    .await
    .unwrap();
    let path = format!(
        "/api/practice/practices/lakeside/patients/{}/contacts",
        maria.id
    );
    let contacts: Vec<ContactLink> = get(&app, &admin, &path).await.json().await.unwrap();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].relationship, Relationship::Self_);
    assert_eq!(contacts[0].status, LinkStatus::Active);
    assert_eq!(contacts[0].phone.e164(), "+19725550101");

    // A new number replaces the old one: the old number can no longer act as the patient.
    let mut changed = body;
    changed["mobile_phone"] = json!("972-555-0111");
    let put = format!("/api/practice/practices/lakeside/patients/{}", maria.id);
    assert_eq!(
        send(&app, reqwest::Method::PUT, &admin, &put, Some(changed))
            .await
            .status(),
        200
    );
    let contacts: Vec<ContactLink> = get(&app, &admin, &path).await.json().await.unwrap();
    let status = |phone: &str| {
        contacts
            .iter()
            .find(|c| c.phone.e164() == phone)
            .map(|c| c.status)
    };
    assert_eq!(status("+19725550101"), Some(LinkStatus::Revoked));
    assert_eq!(status("+19725550111"), Some(LinkStatus::Active));
}

async fn guardians_are_added_once_and_wait_for_activation(db: Db) {
    let (app, admin) = with_practice(db).await;
    let lily: Patient = post(
        &app,
        &admin,
        "/api/practice/practices/lakeside/patients",
        lily(),
    )
    .await
    .json()
    .await
    .unwrap();
    let path = format!(
        "/api/practice/practices/lakeside/patients/{}/guardians",
        lily.id
    );
    let r = post(&app, &admin, &path, json!({"phone": "+1 972 555 0102"})).await;
    assert_eq!(r.status(), 201);
    let link: ContactLink = r.json().await.unwrap();
    assert_eq!(link.relationship, Relationship::Guardian);
    assert_eq!(link.status, LinkStatus::PendingActivation);
    assert!(link.dob_verified_at.is_none());

    let r = post(&app, &admin, &path, json!({"phone": "(972) 555-0102"})).await;
    assert_eq!(r.status(), 200, "adding again changes nothing");
    assert_eq!(r.json::<ContactLink>().await.unwrap().id, link.id);

    let r = post(&app, &admin, &path, json!({"phone": "not a phone"})).await;
    assert_eq!(r.status(), 422);
    let r = post(
        &app,
        &admin,
        "/api/practice/practices/lakeside/patients/nope/guardians",
        json!({"phone": "(972) 555-0102"}),
    )
    .await;
    assert_eq!(r.status(), 404);

    // A patient's own number cannot also be added as their guardian.
    let adult = json!({"first_name": "Maria", "last_name": "Lopez", "dob": "1985-04-12", "mobile_phone": "972-555-0101"});
    let maria: Patient = post(
        &app,
        &admin,
        "/api/practice/practices/lakeside/patients",
        adult,
    )
    .await
    .json()
    .await
    .unwrap();
    let r = post(
        &app,
        &admin,
        &format!(
            "/api/practice/practices/lakeside/patients/{}/guardians",
            maria.id
        ),
        json!({"phone": "972-555-0101"}),
    )
    .await;
    assert_eq!(r.status(), 409);
    assert_eq!(r.json::<ApiError>().await.unwrap().error, "already_linked");
}

async fn changes_are_audited_and_the_log_is_append_only(db: Db) {
    let (app, admin) = with_practice(db).await;
    let lily: Patient = post(
        &app,
        &admin,
        "/api/practice/practices/lakeside/patients",
        lily(),
    )
    .await
    .json()
    .await
    .unwrap();
    post(
        &app,
        &admin,
        &format!(
            "/api/practice/practices/lakeside/patients/{}/guardians",
            lily.id
        ),
        json!({"phone": "(972) 555-0102"}),
    )
    .await;
    let events = app.store.audit_for_patient(&lily.id).await.unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["practice.patient.create", "practice.guardian.add"]
    );
    assert!(events
        .iter()
        .all(|e| e.actor_kind == "practice_token" && e.actor_id.is_some()));
    assert_eq!(events[0].client_addr.as_deref(), Some("127.0.0.1"));

    for statement in [
        "UPDATE audit_events SET action = 'x'",
        "DELETE FROM audit_events",
    ] {
        let result = sqlx::query(statement).execute(app.store.pool()).await;
        assert!(result.is_err(), "{statement} must be refused");
    }
    assert_eq!(
        app.store.audit_for_patient(&lily.id).await.unwrap().len(),
        2
    );
}

async fn concurrent_creates_with_one_external_id_make_one_patient(db: Db) {
    let (app, admin) = with_practice(db).await;
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let request = app
                .http
                .post(app.url("/api/practice/practices/lakeside/patients"))
                .bearer_auth(&admin)
                .json(&lily());
            tokio::spawn(async move { request.send().await.unwrap().status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 201),
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "exactly one request created it: {statuses:?}"
    );
    let list: Vec<Patient> = get(&app, &admin, "/api/practice/practices/lakeside/patients")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
}

on_both_databases!(
    requires_a_valid_token,
    administrator_creates_then_updates_a_practice,
    practice_input_is_checked,
    a_practice_token_sees_only_its_practice,
    patients_are_created_updated_and_listed,
    patient_input_is_checked,
    own_mobile_number_makes_a_self_contact,
    guardians_are_added_once_and_wait_for_activation,
    changes_are_audited_and_the_log_is_append_only,
    concurrent_creates_with_one_external_id_make_one_patient,
);
