//! Tokens and practices: a valid token is required, an administrator creates and updates a
//! practice, its input is checked, and a practice token sees only its practice.

use super::{get, lakeside, lily, post, with_practice};
use crate::helpers;
use helpers::{spawn, Db};
use serde_json::json;
use wire::api::{ApiError, Patient, Practice};

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
    assert_eq!(
        none.json::<ApiError>().await.unwrap().error.as_str(),
        "unauthorized"
    );
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
        assert_eq!(
            r.json::<ApiError>().await.unwrap().error.as_str(),
            code,
            "{body}"
        );
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
        not_json.json::<ApiError>().await.unwrap().error.as_str(),
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
        assert_eq!(
            r.json::<ApiError>().await.unwrap().error.as_str(),
            "not_found"
        );
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

on_both_databases!(
    requires_a_valid_token,
    administrator_creates_then_updates_a_practice,
    practice_input_is_checked,
    a_practice_token_sees_only_its_practice,
);
