//! Record items: behind the gate, appointments upcoming first then past in the practice's time
//! zone, and plans and forms in their order.

use super::{at, audit_actions, publish, utc};
use crate::helpers;
use helpers::people::{call, family, get, oak_call, ok, sign_in, verify, GRACE, MARIA};
use helpers::Db;
use serde_json::json;

async fn records_are_behind_the_gate(db: Db) {
    let app = helpers::spawn(db).await;
    let f = family(&app).await;
    let token = app.token(Some("oak")).await;
    publish(&app, &token, &f.robert, "appointments", json!({"starts_at": at(&app, 60), "duration_minutes": 30, "location": "Room 2", "with_whom": "Dr. Ann Lee"})).await;
    let kinds = [
        "appointments",
        "treatment-plans",
        "forms",
        "documents",
        "profile",
    ];
    let maria = sign_in(&app, MARIA).await;
    let grace = sign_in(&app, GRACE).await;
    for kind in kinds {
        let path = format!("/api/patients/{}/{kind}", f.robert);
        let (s, b) = get(&app, &path, &maria).await;
        assert_eq!(s, 404, "another account: {kind} {b}");
        let (s, b) = get(&app, &path, &grace).await;
        assert_eq!(s, 403, "unverified: {kind} {b}");
        assert_eq!(b["error"], "verify_first");
        let (s, _) = call(&app, "get", &path, None, None).await;
        assert_eq!(s, 401);
    }
    verify(&app, &grace, &f.robert, "1941-06-30", None).await;
    for kind in kinds {
        let path = format!("/api/patients/{}/{kind}", f.robert);
        let (s, b) = get(&app, &path, &grace).await;
        assert_eq!(s, 200, "{kind}: {b}");
    }
    // One audit row per request, not per item.
    let actions: Vec<String> = audit_actions(&app, &token, &f.robert)
        .await
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    for action in [
        "appointments.view",
        "treatment_plans.view",
        "forms.view",
        "documents.view",
        "profile.view",
    ] {
        assert_eq!(
            actions.iter().filter(|a| *a == action).count(),
            1,
            "{action}: {actions:?}"
        );
    }
    // Another practice's token cannot publish for Oak's patient.
    let elm = app.token(Some("elm")).await;
    let (s, _) = oak_call(
        &app,
        &elm,
        "post",
        &format!("patients/{}/forms", f.robert),
        Some(json!({"title": "Intake"})),
    )
    .await;
    assert_eq!(s, 404);
}

async fn appointments_come_upcoming_first_then_past_in_the_practices_zone(db: Db) {
    let app = helpers::spawn(db).await;
    let f = family(&app).await;
    let token = app.token(Some("oak")).await;
    let appt = |offset: i64, who: &str, ext: &str| {
        json!({"starts_at": at(&app, offset), "duration_minutes": 30, "location": "Oak clinic, Room 2",
               "with_whom": who, "external_id": ext})
    };
    for (offset, who, ext) in [
        (-3 * 24 * 60, "old", "a1"),
        (-2 * 60, "recent", "a2"),
        (10 * 24 * 60, "far", "a3"),
        (24 * 60, "soon", "a4"),
        (-10, "now", "a5"),
    ] {
        publish(
            &app,
            &token,
            &f.robert,
            "appointments",
            appt(offset, who, ext),
        )
        .await;
    }
    // The same external id again updates, it does not add.
    let mut changed = appt(10 * 24 * 60, "far", "a3");
    changed["status"] = json!("cancelled");
    publish(&app, &token, &f.robert, "appointments", changed).await;
    let (s, b) = oak_call(&app, &token, "post", &format!("patients/{}/appointments", f.robert), Some(json!({"starts_at": "tomorrow at 3", "duration_minutes": 30, "location": "x", "with_whom": "y"})))
    .await;
    assert_eq!(s, 422);
    assert_eq!(b["field"], "starts_at");
    let (s, b) = oak_call(&app, &token, "post", &format!("patients/{}/appointments", f.robert), Some(json!({"starts_at": at(&app, 5), "duration_minutes": 0, "location": "x", "with_whom": "y"})))
    .await;
    assert_eq!(s, 422);
    assert_eq!(b["field"], "duration_minutes");
    let soon = utc(&app, 24 * 60);

    let grace = sign_in(&app, GRACE).await;
    verify(&app, &grace, &f.robert, "1941-06-30", None).await;
    let list = ok(get(
        &app,
        &format!("/api/patients/{}/appointments", f.robert),
        &grace,
    )
    .await);
    let list = list.as_array().unwrap();
    let who: Vec<&str> = list
        .iter()
        .map(|a| a["with_whom"].as_str().unwrap())
        .collect();
    assert_eq!(
        who,
        ["now", "soon", "far", "recent", "old"],
        "still going counts as upcoming"
    );
    let upcoming: Vec<bool> = list
        .iter()
        .map(|a| a["upcoming"].as_bool().unwrap())
        .collect();
    assert_eq!(upcoming, [true, true, true, false, false]);
    assert_eq!(list[1]["starts_at"], soon);
    assert!(list[1]["starts_at"].as_str().unwrap().ends_with('Z'));
    assert!(list
        .iter()
        .all(|a| a["practice_time_zone"] == "America/Chicago"));
    assert_eq!(list[2]["status"], "cancelled");
    assert_eq!(list[1]["status"], "scheduled");
    assert_eq!(list[1]["duration_minutes"], 30);
    assert_eq!(list[1]["location"], "Oak clinic, Room 2");
}

async fn plans_and_forms_in_their_order(db: Db) {
    let app = helpers::spawn(db).await;
    let f = family(&app).await;
    let token = app.token(Some("oak")).await;
    publish(&app, &token, &f.robert, "treatment-plans", json!({"title": "Blood pressure", "body": "Walk 20 minutes a day.\nCheck your pressure on Mondays."})).await;
    for form in [
        json!({"title": "Intake", "status": "assigned", "due_date": "2030-05-01"}),
        json!({"title": "Consent", "status": "in_progress", "due_date": "2030-04-01"}),
        json!({"title": "History", "status": "completed"}),
        json!({"title": "Survey"}),
    ] {
        publish(&app, &token, &f.robert, "forms", form).await;
    }
    let (s, b) = oak_call(
        &app,
        &token,
        "post",
        &format!("patients/{}/forms", f.robert),
        Some(json!({"title": "Bad", "due_date": "2030-02-30"})),
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(b["field"], "due_date");
    let (s, b) = oak_call(
        &app,
        &token,
        "post",
        &format!("patients/{}/treatment-plans", f.robert),
        Some(json!({"title": " ", "body": "x"})),
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(b["field"], "title");

    let grace = sign_in(&app, GRACE).await;
    verify(&app, &grace, &f.robert, "1941-06-30", None).await;
    let (_, forms) = get(&app, &format!("/api/patients/{}/forms", f.robert), &grace).await;
    let titles: Vec<&str> = forms
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Consent", "Intake", "Survey", "History"]);
    assert_eq!(forms[0]["status"], "in_progress");
    assert_eq!(forms[0]["due_date"], "2030-04-01");
    assert_eq!(forms[2]["status"], "assigned");
    let (_, plans) = get(
        &app,
        &format!("/api/patients/{}/treatment-plans", f.robert),
        &grace,
    )
    .await;
    assert_eq!(plans[0]["title"], "Blood pressure");
    assert!(plans[0]["body"].as_str().unwrap().contains("\nCheck"));
    assert_eq!(plans[0]["practice_time_zone"], "America/Chicago");
}

on_both_databases!(
    records_are_behind_the_gate,
    appointments_come_upcoming_first_then_past_in_the_practices_zone,
    plans_and_forms_in_their_order,
);
