//! Date-of-birth verification (SPEC 3.3): what counts as an attempt, the hour's lock after two
//! wrong answers and what the practice is told, and answers sent at the same time.

use super::{
    attempts, code, date, family, james_details, list, secs, sign_in_remembered, verify, HOUR,
};
use crate::helpers;
use helpers::people::{audit_actions, get, ok, post_at_once, sign_in, JAMES};
use helpers::{spawn, Db};
use serde_json::{json, Value};
use wire::api::{DobLockout, LinkStatus, Relationship};
use wire::messages::SenderKind;

async fn impossible_dates_are_not_counted(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let james = sign_in(&app, JAMES).await;
    let next_year = (chrono::Utc::now()
        .date_naive()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap()
        + 1)
    .to_string();
    for (dob, expected) in [
        (date("2", "30", "1982"), "dob_invalid_day"),
        (date("13", "5", "1982"), "dob_invalid_month"),
        (date("1", "5", &next_year), "dob_in_future"),
        (date("Nov", "5", "1982"), "dob_not_a_number"),
        (date("11", "5", "82"), "dob_year_not_four_digits"),
        (date("", "5", "1982"), "dob_missing"),
    ] {
        let (status, body) = verify(&app, &james, &ids.james, dob.clone(), None).await;
        assert_eq!((status, code(&body)), (422, expected), "{dob}");
        assert_eq!(body["field"], "dob");
    }
    assert_eq!(attempts(&app, JAMES, &ids.james).await, 0);
    let (status, body) = verify(&app, &james, &ids.james, date("11", "6", "1982"), None).await;
    assert_eq!((status, code(&body)), (403, "dob_incorrect"));
    assert!(
        body["message"].as_str().unwrap().contains("1 try left"),
        "{body}"
    );
    assert_eq!(attempts(&app, JAMES, &ids.james).await, 1);
    // A right answer resets the count.
    ok(verify(&app, &james, &ids.james, date("11", "5", "1982"), None).await);
    assert_eq!(attempts(&app, JAMES, &ids.james).await, 0);
}

async fn the_guardians_own_dob_is_a_wrong_attempt_with_a_hint(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let james = sign_in(&app, JAMES).await;
    let (status, body) = verify(
        &app,
        &james,
        &ids.lily,
        date("11", "5", "1982"),
        Some(james_details()),
    )
    .await;
    assert_eq!((status, code(&body)), (403, "dob_incorrect"));
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("patient's date of birth"), "{message}");
    assert!(message.contains("not your own"), "{message}");
    assert!(message.contains("1 try left"), "{message}");
    assert_eq!(attempts(&app, JAMES, &ids.lily).await, 1);
    let oak = list(&app, &james, "oak").await;
    assert_eq!(
        oak[1].status,
        LinkStatus::PendingActivation,
        "not activated"
    );
}

async fn two_wrong_answers_lock_the_link_for_an_hour(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let james = sign_in(&app, JAMES).await;
    let (status, _) = verify(&app, &james, &ids.james, date("1", "1", "1980"), None).await;
    assert_eq!(status, 403);
    let (status, body) = verify(&app, &james, &ids.james, date("1", "2", "1980"), None).await;
    assert_eq!((status, code(&body)), (423, "locked"), "{body}");
    assert_eq!(body["retry_after_seconds"], 3600);
    assert!(
        body["message"].as_str().unwrap().contains("(972) 555-0100"),
        "{body}"
    );

    // The practice is told: a staff-only system message, and the lockouts list.
    let oak = app.store.practice_by_slug("oak").await.unwrap().unwrap();
    let messages = app
        .store
        .messages_for_patient(&oak.id, &ids.james)
        .await
        .unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].sender_kind, SenderKind::System);
    assert_eq!(messages[0].visible_to_patient, 0);
    assert!(
        messages[0].body.contains("•••• 0102"),
        "{}",
        messages[0].body
    );
    let token = app.token(Some("oak")).await;
    let lockouts: Vec<DobLockout> = app
        .http
        .get(app.url("/api/practice/practices/oak/lockouts"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(lockouts.len(), 1);
    assert_eq!(lockouts[0].patient_id, ids.james);
    assert_eq!(lockouts[0].patient_name, "James Carter");
    assert_eq!(lockouts[0].relationship, Relationship::Self_);
    assert_eq!(lockouts[0].phone, "•••• 0102");

    // Locked: even the right date gets 423, and so does every patient route.
    let (status, body) = verify(&app, &james, &ids.james, date("11", "5", "1982"), None).await;
    assert_eq!((status, code(&body)), (423, "locked"));
    let (status, _) = get(&app, &format!("/api/patients/{}", ids.james), &james).await;
    assert_eq!(status, 423);
    let summary = list(&app, &james, "oak").await;
    assert_eq!(summary[0].status, LinkStatus::Locked);
    assert_eq!(summary[0].locked_seconds_left, Some(3600));
    assert_eq!(
        attempts(&app, JAMES, &ids.james).await,
        2,
        "locked answers count nothing"
    );

    // Another link of the same account is not locked.
    let (status, _) = verify(&app, &james, &ids.robert, date("6", "30", "1941"), None).await;
    assert_eq!(status, 200);

    app.clock.advance(secs(59 * 60));
    let james = sign_in(&app, JAMES).await;
    let (status, body) = verify(&app, &james, &ids.james, date("11", "5", "1982"), None).await;
    assert_eq!((status, code(&body)), (423, "locked"));
    assert!(body["retry_after_seconds"].as_u64().unwrap() <= 60);

    app.clock.advance(secs(60));
    // The lock is over and the count starts again: one wrong answer is not a lock.
    let (status, body) = verify(&app, &james, &ids.james, date("1", "1", "1980"), None).await;
    assert_eq!((status, code(&body)), (403, "dob_incorrect"));
    let (status, _) = verify(&app, &james, &ids.james, date("11", "5", "1982"), None).await;
    assert_eq!(status, 200);
    let lockouts: Vec<Value> = app
        .http
        .get(app.url("/api/practice/practices/oak/lockouts"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(lockouts.is_empty());
    let actions = audit_actions(&app, &ids.james).await;
    assert_eq!(actions.iter().filter(|a| *a == "dob.lock").count(), 1);
    assert_eq!(
        actions.iter().filter(|a| *a == "dob.verify.fail").count(),
        3
    );
}

/// Wrong answers more than an hour apart are two runs of one: no lock.
async fn a_wrong_answer_is_forgotten_after_an_hour(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let james = sign_in(&app, JAMES).await;
    let (status, _) = verify(&app, &james, &ids.james, date("1", "1", "1980"), None).await;
    assert_eq!(status, 403);
    app.clock.advance(secs(HOUR));
    let james = sign_in(&app, JAMES).await;
    let (status, body) = verify(&app, &james, &ids.james, date("1", "1", "1980"), None).await;
    assert_eq!((status, code(&body)), (403, "dob_incorrect"), "{body}");
    assert!(body["message"].as_str().unwrap().contains("1 try left"));
    let r = app
        .http
        .post(app.url(&format!("/api/patients/{}/verify-dob", ids.james)))
        .header(reqwest::header::COOKIE, &james)
        .json(&json!({ "dob": date("1", "1", "1980") }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 423, "two wrong answers within the hour lock");
    assert_eq!(r.headers()["retry-after"], "3600");
}

async fn parallel_wrong_answers_cannot_pass_the_limit(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let james = sign_in(&app, JAMES).await;
    let path = format!("/api/patients/{}/verify-dob", ids.james);
    let statuses = post_at_once(
        &app,
        (0..12)
            .map(|i| {
                let dob = date("1", &(i + 1).to_string(), "1970");
                (path.clone(), james.clone(), json!({ "dob": dob }))
            })
            .collect(),
    )
    .await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 403).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 423).count(),
        11,
        "{statuses:?}"
    );
    assert_eq!(attempts(&app, JAMES, &ids.james).await, 2);
    let oak = app.store.practice_by_slug("oak").await.unwrap().unwrap();
    assert_eq!(
        app.store
            .messages_for_patient(&oak.id, &ids.james)
            .await
            .unwrap()
            .len(),
        1
    );
    let actions = audit_actions(&app, &ids.james).await;
    assert_eq!(actions.iter().filter(|a| *a == "dob.lock").count(), 1);
    assert_eq!(
        actions.iter().filter(|a| *a == "dob.verify.fail").count(),
        2
    );
}

/// Right answers at the same time (more than the pool has connections) all succeed: a
/// transaction holding the write lock never waits for another connection.
async fn parallel_right_answers_all_succeed(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let (session, _) = sign_in_remembered(&app, JAMES, None).await;
    let path = format!("/api/patients/{}/verify-dob", ids.lily);
    let body = json!({ "dob": date("9", "3", "2016"), "guardian": james_details() });
    let statuses = post_at_once(
        &app,
        (0..12)
            .map(|_| (path.clone(), session.clone(), body.clone()))
            .collect(),
    )
    .await;
    assert_eq!(statuses, [200; 12]);
    assert_eq!(
        get(&app, &format!("/api/patients/{}", ids.lily), &session)
            .await
            .0,
        200
    );
}

on_both_databases!(
    impossible_dates_are_not_counted,
    the_guardians_own_dob_is_a_wrong_attempt_with_a_hint,
    two_wrong_answers_lock_the_link_for_an_hour,
    a_wrong_answer_is_forgotten_after_an_hour,
    parallel_wrong_answers_cannot_pass_the_limit,
    parallel_right_answers_all_succeed,
);
