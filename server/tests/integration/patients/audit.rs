//! The audit log (SPEC 3.9): what is recorded with the client address, the access history a
//! family reads, and the practice's view of both from the API and the command line.

use super::{date, family, james_details, verify};
use crate::helpers;
use helpers::people::{get, guardian, ok, sign_in, GRACE, JAMES};
use helpers::{spawn, Db};
use portal_server::practice::{self, Caller};
use serde_json::json;

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
    let account_rows: Vec<_> = rows
        .iter()
        .filter(|r| r.actor_kind.as_str() == "account")
        .collect();
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
    reads_and_changes_are_audited_with_the_client_address,
    access_history_says_who,
);
