//! The profile: updates checked, audited and shown to the practice.

use super::audit_actions;
use crate::helpers;
use helpers::people::{call, family, get, oak_call, ok, sign_in, verify, GRACE};
use helpers::Db;
use serde_json::{json, Value};

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

on_both_databases!(profile_updates_are_checked_audited_and_shown_to_the_practice,);
