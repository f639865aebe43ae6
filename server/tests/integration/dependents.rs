//! Adding a dependent (SPEC 3.5) on both databases: who may, what is checked, what the guardian
//! and the practice see, silent duplicate flags, and no twins from a double-submitted form.

use crate::helpers;
use helpers::people::*;
use helpers::{spawn, Db, TestApp};
use serde_json::{json, Value};

async fn add(app: &TestApp, cookie: &str, slug: &str, body: Value) -> (u16, Value) {
    call(
        app,
        "post",
        &format!("/api/practices/{slug}/dependents"),
        Some(cookie),
        Some(body),
    )
    .await
}

fn ana(dob: &str) -> Value {
    json!({"first_name": "Ana", "last_name": "Carter", "dob": date(dob)})
}

async fn practice_summary(app: &TestApp, cookie: &str, slug: &str) -> Value {
    let (status, session) = get(app, "/api/session", cookie).await;
    assert_eq!(status, 200);
    session["practices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == slug)
        .cloned()
        .unwrap_or(Value::Null)
}

async fn patient_count(app: &TestApp, slug: &str) -> usize {
    portal_server::practice::patients::list(
        &app.store,
        &portal_server::practice::Caller::cli(),
        slug,
        0,
    )
    .await
    .unwrap()
    .len()
}

async fn only_an_active_guardian_at_the_practice_may_add_a_dependent(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let refused = |answer: (u16, Value)| {
        assert_eq!(
            (answer.0, answer.1["error"].as_str()),
            (403, Some("guardian_link_required")),
            "{}",
            answer.1
        );
    };
    // Nobody at that practice: like the patient list, 404.
    let nobody = sign_in(&app, NOBODY).await;
    let (status, body) = add(&app, &nobody, "oak", ana("2021-05-01")).await;
    assert_eq!((status, body["error"].as_str()), (404, Some("not_found")));
    // A self patient.
    let maria = sign_in(&app, MARIA).await;
    verify(&app, &maria, &f.maria, "1985-04-12", None).await;
    refused(add(&app, &maria, "oak", ana("2021-05-01")).await);
    assert_eq!(
        practice_summary(&app, &maria, "oak").await["can_add_dependents"],
        false
    );
    // A guardian not yet activated, who is also a linked caregiver.
    let grace = sign_in(&app, GRACE).await;
    refused(add(&app, &grace, "oak", ana("2021-05-01")).await);
    // James before activating at Oak; at Elm still pending.
    let james = sign_in(&app, JAMES).await;
    refused(add(&app, &james, "oak", ana("2021-05-01")).await);
    assert_eq!(
        practice_summary(&app, &james, "oak").await["can_add_dependents"],
        false
    );
    verify(
        &app,
        &james,
        &f.lily,
        "2016-09-03",
        Some(("James", "Carter", "1982-11-05")),
    )
    .await;
    let oak = practice_summary(&app, &james, "oak").await;
    assert_eq!(
        (
            oak["can_add_dependents"].as_bool(),
            oak["asks_dependent_sex"].as_bool()
        ),
        (Some(true), Some(false))
    );
    let elm = practice_summary(&app, &james, "elm").await;
    assert_eq!(
        (
            elm["can_add_dependents"].as_bool(),
            elm["asks_dependent_sex"].as_bool()
        ),
        (Some(false), Some(true))
    );
    refused(add(&app, &james, "elm", json!({"first_name": "Ana", "last_name": "Carter", "dob": date("2021-05-01"), "sex": "female"})).await);
    // Locked by wrong dates of birth: not an active guardian until the lock ends.
    for _ in 0..2 {
        call(
            &app,
            "post",
            &format!("/api/patients/{}/verify-dob", f.lily),
            Some(&james),
            Some(json!({"dob": date("2016-09-04")})),
        )
        .await;
    }
    refused(add(&app, &james, "oak", ana("2021-05-01")).await);
    assert_eq!(
        practice_summary(&app, &james, "oak").await["can_add_dependents"],
        false
    );
    assert_eq!(patient_count(&app, "oak").await, 3, "nothing was added");
}

async fn what_the_guardian_types_is_checked(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let james = james_with_lily(&app, &f).await;
    let next_year = (chrono::Utc::now().date_naive() + chrono::Duration::days(400))
        .format("%Y-%m-%d")
        .to_string();
    let (status, body) = add(&app, &james, "oak", ana(&next_year)).await;
    assert_eq!(
        (status, body["field"].as_str()),
        (422, Some("dob")),
        "{body}"
    );
    assert!(
        body["error"].as_str().unwrap().starts_with("dob_"),
        "{body}"
    );
    let (status, body) = add(
        &app,
        &james,
        "oak",
        json!({"first_name": "Ana", "last_name": "Carter", "dob": date("2021-02-30")}),
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (422, Some("dob")),
        "{body}"
    );
    let (status, body) = add(
        &app,
        &james,
        "oak",
        json!({"first_name": "   ", "last_name": "Carter", "dob": date("2021-05-01")}),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str(), body["field"].as_str()),
        (422, Some("name_empty"), Some("first_name"))
    );
    let (status, body) = add(
        &app,
        &james,
        "oak",
        json!({"first_name": "Ana", "last_name": "x".repeat(101), "dob": date("2021-05-01")}),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str(), body["field"].as_str()),
        (422, Some("name_too_long"), Some("last_name"))
    );
    assert_eq!(patient_count(&app, "oak").await, 3);

    // Elm asks for the dependent's sex.
    verify(
        &app,
        &james,
        &f.noah,
        "2019-01-25",
        Some(("James", "Carter", "1982-11-05")),
    )
    .await;
    let (status, body) = add(
        &app,
        &james,
        "elm",
        json!({"first_name": "Ana", "last_name": "Carter", "dob": date("2021-05-01")}),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str(), body["field"].as_str()),
        (422, Some("sex_required"), Some("sex"))
    );
    let (status, body) = add(&app, &james, "elm", json!({"first_name": "Ana", "last_name": "Carter", "dob": date("2021-05-01"), "sex": "female"})).await;
    assert_eq!(status, 201, "{body}");
    let (sex,): (Option<String>,) = sqlx::query_as("SELECT sex FROM patients WHERE id = $1")
        .bind(body["id"].as_str().unwrap())
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(sex.as_deref(), Some("female"));
    // Oak does not ask: none is fine.
    let (status, _) = add(&app, &james, "oak", ana("2021-05-01")).await;
    assert_eq!(status, 201);
}

async fn a_new_dependent_is_verified_and_starts_a_conversation_in_the_unassigned_inbox(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let token = app.token(Some("oak")).await;
    let james = james_with_lily(&app, &f).await;
    // An older conversation that is already assigned.
    let (_, c) = oak_call(
        &app,
        &token,
        "post",
        &format!("patients/{}/conversation", f.lily),
        None,
    )
    .await;
    oak_call(
        &app,
        &token,
        "post",
        &format!("conversations/{}/assign", c["id"].as_str().unwrap()),
        Some(json!({"assignee": "Nurse Joy"})),
    )
    .await;

    let (status, added) = add(
        &app,
        &james,
        "oak",
        json!({"first_name": " Ana ", "last_name": "Carter", "dob": date("2021-05-01")}),
    )
    .await;
    assert_eq!(status, 201, "{added}");
    assert_eq!(added["first_name"], "Ana");
    assert_eq!(added["relationship"], "guardian");
    assert_eq!(added["status"], "active");
    assert_eq!(added["verified"], true);
    let id = added["id"].as_str().unwrap().to_owned();
    // No date-of-birth check needed: the guardian just gave it.
    let detail = ok(get(&app, &format!("/api/patients/{id}"), &james).await);
    assert_eq!(detail["dob"], "2021-05-01");
    let (_, list) = get(&app, "/api/practices/oak/patients", &james).await;
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        (row["verified"].as_bool(), row["unread_count"].as_u64()),
        (Some(true), Some(0))
    );

    let (status, thread) = get(&app, &format!("/api/patients/{id}/messages"), &james).await;
    assert_eq!(status, 200);
    let m = &thread["messages"][0];
    assert_eq!(m["sender"], "system");
    assert_eq!(m["event"], "dependent_added");
    assert_eq!(m["author"], "James Carter");
    assert_eq!(
        m["body"],
        "James Carter created this conversation for Ana Carter"
    );
    assert_eq!(
        (thread["status"].as_str(), thread["unread_count"].as_u64()),
        (Some("unassigned"), Some(0))
    );

    let (_, inbox) = oak_call(&app, &token, "get", "conversations", None).await;
    let top = &inbox[0];
    assert_eq!(
        (top["patient_name"].as_str(), top["status"].as_str()),
        (Some("Ana Carter"), Some("unassigned"))
    );
    assert_eq!(top["possible_duplicate"], false);
    let (_, pt) = oak_call(
        &app,
        &token,
        "get",
        &format!("conversations/{}", top["id"].as_str().unwrap()),
        None,
    )
    .await;
    assert_eq!(
        pt["messages"][0]["body"],
        "James Carter created this conversation for Ana Carter"
    );
    assert_eq!(pt["messages"][0]["visible_to_patient"], true);
    // The practice sees who added it, as a guardian.
    let (_, contacts) = oak_call(
        &app,
        &token,
        "get",
        &format!("patients/{id}/contacts"),
        None,
    )
    .await;
    assert_eq!(contacts[0]["relationship"], "guardian");
    assert_eq!(contacts[0]["status"], "active");
    let actions = audit_actions(&app, &id).await;
    assert!(actions.contains(&"dependent.add".to_owned()), "{actions:?}");
}

async fn a_possible_duplicate_is_flagged_for_the_practice_and_never_shown(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let token = app.token(Some("oak")).await;
    let james = james_with_lily(&app, &f).await;
    let (status_plain, plain) = add(&app, &james, "oak", ana("2021-05-01")).await;
    // Maria Lopez already exists at Oak with this date of birth; James does not act for her.
    let (status_dup, dup) = add(
        &app,
        &james,
        "oak",
        json!({"first_name": "maria ", "last_name": "LOPEZ", "dob": date("1985-04-12")}),
    )
    .await;
    assert_eq!((status_plain, status_dup), (201, 201));
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&plain), keys(&dup), "the same shape either way");
    for field in [
        "relationship",
        "status",
        "verified",
        "unread_count",
        "birth_month_year",
        "locked_seconds_left",
    ] {
        assert_eq!(plain[field], dup[field], "{field}");
    }
    assert_ne!(dup["id"], f.maria.as_str(), "a new record, not Maria's");
    assert_eq!(patient_count(&app, "oak").await, 5);

    let (status, dups) = oak_call(&app, &token, "get", "possible-duplicates", None).await;
    assert_eq!(status, 200);
    let dups = dups.as_array().unwrap();
    assert_eq!(dups.len(), 1, "{dups:?}");
    assert_eq!(dups[0]["patient_id"], dup["id"]);
    assert_eq!(dups[0]["matches"], json!([f.maria]));
    assert_eq!(dups[0]["dob"], "1985-04-12");
    assert!(dups[0]["flagged_at"].is_string());
    let (_, inbox) = oak_call(&app, &token, "get", "conversations", None).await;
    let flagged: Vec<bool> = inbox
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["possible_duplicate"].as_bool().unwrap())
        .collect();
    assert_eq!(flagged.iter().filter(|b| **b).count(), 1);
    // And from the command line.
    let printed = app.cli_json(&["duplicates", "--practice", "oak"]);
    assert_eq!(printed[0]["patient_id"], dup["id"]);
}

async fn the_same_form_sent_twice_adds_one_patient(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let james = james_with_lily(&app, &f).await;
    let (first, a) = add(&app, &james, "oak", ana("2021-05-01")).await;
    let (again, b) = add(
        &app,
        &james,
        "oak",
        json!({"first_name": "ana", "last_name": " Carter", "dob": date("2021-05-01")}),
    )
    .await;
    assert_eq!((first, again), (201, 200));
    assert_eq!(a["id"], b["id"]);
    assert_eq!(patient_count(&app, "oak").await, 4);
    // A double tap: both at once.
    let body = json!({"first_name": "Ben", "last_name": "Carter", "dob": date("2022-07-14")});
    let (x, y) = tokio::join!(
        add(&app, &james, "oak", body.clone()),
        add(&app, &james, "oak", body)
    );
    let mut statuses = [x.0, y.0];
    statuses.sort();
    assert_eq!(statuses, [200, 201]);
    assert_eq!(x.1["id"], y.1["id"]);
    assert_eq!(patient_count(&app, "oak").await, 5);
    // Another date of birth is another child (twins have the same one, but then another name).
    let (status, _) = add(&app, &james, "oak", ana("2020-05-01")).await;
    assert_eq!(status, 201);
}

on_both_databases!(
    only_an_active_guardian_at_the_practice_may_add_a_dependent,
    what_the_guardian_types_is_checked,
    a_new_dependent_is_verified_and_starts_a_conversation_in_the_unassigned_inbox,
    a_possible_duplicate_is_flagged_for_the_practice_and_never_shown,
    the_same_form_sent_twice_adds_one_patient,
);
