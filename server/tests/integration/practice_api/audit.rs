//! Changes through the practice API are audited, and the log is append-only.

use super::{lily, post, with_practice};
use crate::helpers;
use helpers::Db;
use serde_json::json;
use wire::api::Patient;

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
        .all(|e| e.actor_kind.as_str() == "practice_token" && e.actor_id.is_some()));
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

on_both_databases!(changes_are_audited_and_the_log_is_append_only,);
