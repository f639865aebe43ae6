//! Record items, profile and the caregiver overview (SPEC 3.7) on both databases: the gate,
//! appointment order with the practice's time zone, forms and plans, document download headers
//! and bytes, profile validation and audit, and the overview across practices.

use crate::helpers;
use helpers::people::{
    call, family, get, james_with_lily, oak_call, ok, practice_call, sign_in, verify, GRACE, MARIA,
};
use helpers::{Db, TestApp};
use serde_json::{json, Value};

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

async fn documents_download_as_attachments(db: Db) {
    let app = helpers::spawn(db).await;
    let f = family(&app).await;
    let token = app.token(Some("oak")).await;
    let pdf = b"%PDF-1.4\n% test\n<script>alert(1)</script>\n%%EOF\n".to_vec();
    let (s, doc) = upload(
        &app,
        &token,
        &f.robert,
        "title=Lab%20results&date=2026-03-02&file_name=An%C3%A1lisis%20%22final%22.pdf",
        "application/pdf",
        pdf.clone(),
    )
    .await;
    assert_eq!(s, 201, "{doc}");
    assert_eq!(doc["size_bytes"], pdf.len());
    assert_eq!(doc["file_name"], "Análisis final.pdf");
    let refused = [
        (
            "title=x&date=2026-03-02&file_name=x.html",
            "text/html",
            b"<p>".to_vec(),
            422,
            "error",
            "content_type_invalid",
        ),
        (
            "title=x&date=2026-13-02&file_name=x.pdf",
            "application/pdf",
            pdf.clone(),
            422,
            "field",
            "date",
        ),
        (
            "title=x&date=2026-03-02",
            "application/pdf",
            pdf.clone(),
            422,
            "error",
            "file_name_invalid",
        ),
        (
            "title=big&date=2026-03-02&file_name=big.pdf",
            "application/pdf",
            vec![b'x'; 10 * 1024 * 1024 + 1],
            413,
            "error",
            "file_too_large",
        ),
    ];
    for (query, content_type, bytes, status, key, value) in refused {
        let (s, b) = upload(&app, &token, &f.robert, query, content_type, bytes).await;
        assert_eq!(s, status, "{query}: {b}");
        assert_eq!(b[key], value, "{query}");
    }

    let grace = sign_in(&app, GRACE).await;
    verify(&app, &grace, &f.robert, "1941-06-30", None).await;
    let (_, list) = get(
        &app,
        &format!("/api/patients/{}/documents", f.robert),
        &grace,
    )
    .await;
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "refused uploads left nothing: {list}"
    );
    assert_eq!(list[0]["title"], "Lab results");
    assert_eq!(list[0]["date"], "2026-03-02");
    let path = format!(
        "/api/patients/{}/documents/{}/file",
        f.robert,
        doc["id"].as_str().unwrap()
    );
    let r = app.get_with_cookie(&path, &grace).await;
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "application/pdf");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("sandbox") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    let disposition = h["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    assert!(
        disposition.contains("filename*=UTF-8''An%C3%A1lisis%20final.pdf"),
        "{disposition}"
    );
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
    // Nobody else, and not through another patient's id.
    let maria = sign_in(&app, MARIA).await;
    assert_eq!(app.get_with_cookie(&path, &maria).await.status(), 404);
    let james = james_with_lily(&app, &f).await;
    let other = format!(
        "/api/patients/{}/documents/{}/file",
        f.lily,
        doc["id"].as_str().unwrap()
    );
    assert_eq!(app.get_with_cookie(&other, &james).await.status(), 404);
    let actions: Vec<String> = audit_actions(&app, &token, &f.robert)
        .await
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        actions.contains(&"practice.document.publish".to_owned()),
        "{actions:?}"
    );
    assert_eq!(
        actions.iter().filter(|a| *a == "document.download").count(),
        1
    );
}

async fn profile_updates_are_checked_audited_and_shown_to_the_practice(db: Db) {
    let app = helpers::spawn(db).await;
    let f = family(&app).await;
    let token = app.token(Some("oak")).await;
    let grace = sign_in(&app, GRACE).await;
    verify(&app, &grace, &f.robert, "1941-06-30", None).await;
    let path = format!("/api/patients/{}/profile", f.robert);
    let (s, p) = get(&app, &path, &grace).await;
    assert_eq!(s, 200);
    assert_eq!(
        p,
        json!({"address": {"line1": null, "line2": null, "city": null, "state": null, "zip": null}, "email": null, "preferred_language": "en"})
    );
    for (body, code, field) in [
        (
            json!({"address": {"zip": "7500"}}),
            "zip_invalid",
            "address.zip",
        ),
        (
            json!({"address": {"zip": "75001-12"}}),
            "zip_invalid",
            "address.zip",
        ),
        (
            json!({"address": {"state": "Texas"}}),
            "state_invalid",
            "address.state",
        ),
        (json!({"email": "robert@"}), "email_invalid", "email"),
        (
            json!({"address": {"line1": "x".repeat(101)}}),
            "text_too_long",
            "address.line1",
        ),
    ] {
        let (s, b) = call(&app, "patch", &path, Some(&grace), Some(body)).await;
        assert_eq!(s, 422, "{b}");
        assert_eq!(b["error"], code);
        assert_eq!(b["field"], field);
    }
    let (s, b) = call(
        &app,
        "patch",
        &path,
        Some(&grace),
        Some(json!({"preferred_language": "fr"})),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    let b = ok(call(
        &app,
        "patch",
        &path,
        Some(&grace),
        Some(json!({"address": {"line1": " 12 Elm St ", "city": "Dallas", "state": "tx", "zip": "75001"},
                    "email": "robert.kim@example.com", "preferred_language": "es"})),
    )
    .await);
    assert_eq!(
        b["changed"],
        json!([
            "address.line1",
            "address.city",
            "address.state",
            "address.zip",
            "email",
            "preferred_language"
        ])
    );
    assert_eq!(b["profile"]["address"]["line1"], "12 Elm St");
    assert_eq!(b["profile"]["address"]["state"], "TX");
    // The same again changes nothing and writes no audit row.
    let (s, b) = call(
        &app,
        "patch",
        &path,
        Some(&grace),
        Some(json!({"address": {"zip": "75001"}})),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(b["changed"], json!([]));
    let (s, b) = call(
        &app,
        "patch",
        &path,
        Some(&grace),
        Some(json!({"address": {"line1": ""}})),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(b["changed"], json!(["address.line1"]));
    assert_eq!(b["profile"]["address"]["line1"], Value::Null);

    let (_, patient) = oak_call(&app, &token, "get", &format!("patients/{}", f.robert), None).await;
    assert_eq!(patient["email"], "robert.kim@example.com");
    assert_eq!(patient["preferred_language"], "es");
    assert_eq!(patient["address"]["zip"], "75001");
    assert_eq!(patient["address"]["city"], "Dallas");
    let updates: Vec<Value> = audit_actions(&app, &token, &f.robert)
        .await
        .into_iter()
        .filter(|e| e["action"] == "profile.update")
        .collect();
    assert_eq!(updates.len(), 2, "{updates:?}");
    assert_eq!(
        updates[0]["detail"],
        "fields: address.line1, address.city, address.state, address.zip, email, preferred_language"
    );
    assert_eq!(updates[0]["actor_phone"], GRACE);
    let text = serde_json::to_string(&updates).unwrap();
    assert!(
        !text.contains("75001") && !text.contains("robert.kim"),
        "no values: {text}"
    );
}

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

on_both_databases!(
    records_are_behind_the_gate,
    appointments_come_upcoming_first_then_past_in_the_practices_zone,
    plans_and_forms_in_their_order,
    documents_download_as_attachments,
    profile_updates_are_checked_audited_and_shown_to_the_practice,
    the_overview_shows_next_appointments_only_for_verified_patients,
);
