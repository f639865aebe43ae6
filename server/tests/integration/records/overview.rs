//! The caregiver overview across practices: next appointments, only for verified patients.

use super::{at, publish};
use crate::helpers;
use helpers::people::{call, family, get, james_with_lily, ok, practice_call};
use helpers::Db;
use serde_json::{json, Value};

async fn the_overview_shows_next_appointments_only_for_verified_patients(db: Db) {
    let app = helpers::spawn(db).await;
    let f = family(&app).await;
    let oak = app.token(Some("oak")).await;
    let elm = app.token(Some("elm")).await;
    publish(&app, &oak, &f.lily, "appointments", json!({"starts_at": at(&app, 48 * 60), "duration_minutes": 20, "location": "Oak", "with_whom": "Dr. Lee"})).await;
    publish(&app, &oak, &f.lily, "appointments", json!({"starts_at": at(&app, -48 * 60), "duration_minutes": 20, "location": "Oak", "with_whom": "Dr. Past"})).await;
    let (s, _) = practice_call(
        &app,
        "post",
        &format!("/api/practice/practices/elm/patients/{}/appointments", f.noah),
        &elm,
        Some(json!({"starts_at": at(&app, 24 * 60), "duration_minutes": 20, "location": "Elm", "with_whom": "Dr. Noah"})),
    )
    .await;
    assert_eq!(s, 201);
    let (s, _) = call(&app, "get", "/api/overview", None, None).await;
    assert_eq!(s, 401);
    let james = james_with_lily(&app, &f).await;
    let overview = ok(get(&app, "/api/overview", &james).await);
    let rows = overview.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{overview}");
    let lily = rows
        .iter()
        .find(|r| r["patient_id"] == f.lily.as_str())
        .unwrap();
    let noah = rows
        .iter()
        .find(|r| r["patient_id"] == f.noah.as_str())
        .unwrap();
    assert_eq!(lily["practice_name"], "Oak Family Medicine");
    assert_eq!(lily["relationship"], "guardian");
    assert_eq!(lily["verified"], true);
    assert_eq!(lily["next_appointment"]["with_whom"], "Dr. Lee");
    assert_eq!(
        lily["next_appointment"]["practice_time_zone"],
        "America/Chicago"
    );
    assert_eq!(noah["practice_name"], "Elm Pediatrics");
    assert_eq!(noah["verified"], false);
    assert_eq!(
        noah["next_appointment"],
        Value::Null,
        "nothing before the date of birth"
    );
    assert_eq!(noah["unread_count"], 0);
}

on_both_databases!(the_overview_shows_next_appointments_only_for_verified_patients,);
