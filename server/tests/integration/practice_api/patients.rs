//! Patients: created, updated and listed, their input checked, and one patient for one external
//! id however many create it at once.

use super::{get, lily, post, send, with_practice};
use crate::helpers;
use helpers::Db;
use serde_json::json;
use wire::api::{ApiError, Patient};

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
        assert_eq!(e.error.as_str(), code, "{body}");
        assert_eq!(e.field.as_deref(), field, "{body}");
    }
    let list: Vec<Patient> = get(&app, &admin, "/api/practice/practices/lakeside/patients")
        .await
        .json()
        .await
        .unwrap();
    assert!(list.is_empty(), "nothing was stored");
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
    patients_are_created_updated_and_listed,
    patient_input_is_checked,
    concurrent_creates_with_one_external_id_make_one_patient,
);
