//! Messaging (SPEC 3.4) from both sides, on both databases: what a patient, a guardian or a
//! practice would notice. Time moves with `app.clock`.

use crate::helpers;
use helpers::people::*;
use helpers::{spawn, Db, TestApp};
use serde_json::{json, Value};
use std::time::Duration;

fn minutes(m: u64) -> Duration {
    Duration::from_secs(m * 60)
}

async fn send(app: &TestApp, cookie: &str, patient: &str, body: &str, key: &str) -> (u16, Value) {
    call(
        app,
        "post",
        &format!("/api/patients/{patient}/messages"),
        Some(cookie),
        Some(json!({"body": body, "client_key": key})),
    )
    .await
}

async fn thread(app: &TestApp, cookie: &str, patient: &str) -> Value {
    ok(get(app, &format!("/api/patients/{patient}/messages"), cookie).await)
}

async fn poll(app: &TestApp, cookie: &str, patient: &str, version: &Value) -> (u16, Value) {
    get(
        app,
        &format!("/api/patients/{patient}/messages?after_version={version}"),
        cookie,
    )
    .await
}

async fn mark_read(app: &TestApp, cookie: &str, patient: &str, up_to_seq: u64) -> u16 {
    call(
        app,
        "post",
        &format!("/api/patients/{patient}/messages/read"),
        Some(cookie),
        Some(json!({ "up_to_seq": up_to_seq })),
    )
    .await
    .0
}

async fn unread_in_list(app: &TestApp, cookie: &str, patient: &str) -> u64 {
    let list = ok(get(app, "/api/practices/oak/patients", cookie).await);
    list.as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == patient)
        .expect("the patient is listed")["unread_count"]
        .as_u64()
        .unwrap()
}

/// The practice's inbox, via the API.
async fn inbox(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let body = ok(oak_call(app, token, "get", &format!("conversations{query}"), None).await);
    body.as_array().unwrap().clone()
}

async fn conversation_of(app: &TestApp, token: &str, patient: &str) -> String {
    let body = ok(oak_call(
        app,
        token,
        "post",
        &format!("patients/{patient}/conversation"),
        None,
    )
    .await);
    body["id"].as_str().unwrap().to_owned()
}

async fn reply(app: &TestApp, token: &str, conversation: &str, body: Value) -> (u16, Value) {
    oak_call(
        app,
        token,
        "post",
        &format!("conversations/{conversation}/messages"),
        Some(body),
    )
    .await
}

async fn practice_thread(app: &TestApp, token: &str, conversation: &str) -> Value {
    ok(oak_call(
        app,
        token,
        "get",
        &format!("conversations/{conversation}"),
        None,
    )
    .await)
}

async fn idle_seconds_left(app: &TestApp, cookie: &str) -> u64 {
    let body = ok(get(app, "/api/session", cookie).await);
    body["idle_seconds_left"].as_u64().unwrap()
}

async fn messages_are_plain_text_of_one_to_five_thousand_characters(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let james = james_with_lily(&app, &f).await;
    for empty in ["", "   ", " \n\t "] {
        let (status, body) = send(&app, &james, &f.lily, empty, "key-empty-1").await;
        assert_eq!(status, 422);
        assert_eq!(body["error"], "message_empty");
        assert_eq!(body["field"], "body");
    }
    let (status, body) = send(&app, &james, &f.lily, &"x".repeat(5_001), "key-long-1").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("message_too_long"))
    );
    assert_eq!(body["field"], "body");
    let (status, body) = send(&app, &james, &f.lily, &"x".repeat(5_000), "key-long-2").await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["body"].as_str().unwrap().chars().count(), 5_000);
    let (status, body) = send(&app, &james, &f.lily, "hello", "bad key!").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("client_key_invalid"))
    );

    let script = "<script>alert('hi')</script> & <b>bold</b>";
    let (status, sent) = send(&app, &james, &f.lily, script, "key-script-1").await;
    assert_eq!(status, 201);
    assert_eq!(sent["body"], script);
    assert_eq!(sent["mine"], true);
    assert_eq!(sent["client_key"], "key-script-1");
    let t = thread(&app, &james, &f.lily).await;
    let last = t["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last["body"], script,
        "stored and returned verbatim, as text"
    );
    assert_eq!(last["sender"], "patient");
    assert_eq!(last["author"], Value::Null);
    // The practice sees exactly what was typed too.
    let token = app.token(Some("oak")).await;
    let c = conversation_of(&app, &token, &f.lily).await;
    let pt = practice_thread(&app, &token, &c).await;
    assert_eq!(
        pt["messages"].as_array().unwrap().last().unwrap()["body"],
        script
    );
    assert!(app
        .store
        .audit_for_patient(&f.lily)
        .await
        .unwrap()
        .iter()
        .any(|r| r.action == "message.send"));
}

async fn the_same_client_key_sent_eight_times_at_once_stores_one_message(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let james = james_with_lily(&app, &f).await;
    let sends = (0..8).map(|_| {
        send(
            &app,
            &james,
            &f.lily,
            "Is Lily due a booster?",
            "retry-key-42",
        )
    });
    let answers = futures_join_all(sends).await;
    let created = answers.iter().filter(|(s, _)| *s == 201).count();
    let repeated = answers.iter().filter(|(s, _)| *s == 200).count();
    assert_eq!((created, repeated), (1, 7), "{answers:?}");
    let ids: std::collections::HashSet<_> = answers
        .iter()
        .map(|(_, b)| b["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 1, "every answer is the one stored message");
    let t = thread(&app, &james, &f.lily).await;
    assert_eq!(t["messages"].as_array().unwrap().len(), 1);
    // Another key is another message.
    let (status, _) = send(
        &app,
        &james,
        &f.lily,
        "Is Lily due a booster?",
        "retry-key-43",
    )
    .await;
    assert_eq!(status, 201);
}

/// Runs the futures concurrently on this task.
async fn futures_join_all<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let handles: Vec<_> = futures.map(Box::pin).collect();
    let mut out = Vec::new();
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all = true;
        for (i, slot) in pending.iter_mut().enumerate() {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        results[i] = Some(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all = false,
                }
            }
        }
        if all {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    for r in results {
        out.push(r.unwrap());
    }
    out
}

async fn conversation_routes_are_behind_the_gate(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let maria = sign_in(&app, MARIA).await;
    let grace = sign_in(&app, GRACE).await;
    // Maria does not act for Lily: exactly like a patient that does not exist.
    for (method, path, body) in [
        ("get", format!("/api/patients/{}/messages", f.lily), None),
        (
            "get",
            format!("/api/patients/{}/messages?after_version=0", f.lily),
            None,
        ),
        (
            "post",
            format!("/api/patients/{}/messages", f.lily),
            Some(json!({"body": "hi", "client_key": "abcdefgh"})),
        ),
        (
            "post",
            format!("/api/patients/{}/messages/read", f.lily),
            Some(json!({"up_to_seq": 1})),
        ),
    ] {
        let (status, answer) = call(&app, method, &path, Some(&maria), body.clone()).await;
        assert_eq!(
            (status, answer["error"].as_str()),
            (404, Some("not_found")),
            "{method} {path}"
        );
        // Grace is Lily's guardian but has not verified yet.
        let (status, answer) = call(&app, method, &path, Some(&grace), body).await;
        assert_eq!(
            (status, answer["error"].as_str()),
            (403, Some("verify_first")),
            "{method} {path}"
        );
        let (status, _) = call(&app, method, &path, None, None).await;
        assert_eq!(status, 401);
    }
}

/// Two instances behind a load balancer share everything through the database: a session made on
/// one works on the other, and a reply posted through one reaches a poll on the other.
async fn a_practice_reply_reaches_the_thread_and_polling_sees_it(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let token = app.token(Some("oak")).await;
    let james = james_with_lily(&app, &f).await;
    // No conversation yet: version 0, nothing, and nothing is created by looking.
    let t = thread(&app, &james, &f.lily).await;
    assert_eq!(
        (
            t["version"].as_u64(),
            t["messages"].as_array().unwrap().len()
        ),
        (Some(0), 0)
    );
    assert_eq!(poll(&app, &james, &f.lily, &json!(0)).await.0, 204);
    assert!(inbox(&app, &token, "").await.is_empty());

    let (status, _) = send(&app, &james, &f.lily, "Lily has a rash", "key-rash-01").await;
    assert_eq!(status, 201);
    let t = thread(&app, &james, &f.lily).await;
    let version = t["version"].clone();
    assert_eq!(
        poll(&app, &james, &f.lily, &version).await.0,
        204,
        "nothing changed"
    );
    let views = |app: &TestApp| {
        let store = app.store.clone();
        let lily = f.lily.clone();
        async move {
            store
                .audit_for_patient(&lily)
                .await
                .unwrap()
                .iter()
                .filter(|r| r.action == "messages.view")
                .count()
        }
    };
    let before = views(&app).await;
    for _ in 0..5 {
        assert_eq!(poll(&app, &james, &f.lily, &version).await.0, 204);
    }
    assert_eq!(views(&app).await, before, "204 polls are not audited");

    let c = inbox(&app, &token, "").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, sent) = reply(
        &app,
        &token,
        &c,
        json!({"body": "Please send a photo.", "author": "Dr. Ann Lee"}),
    )
    .await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!(sent["sender"], "practice");
    let (status, t) = poll(&app, &james, &f.lily, &version).await;
    assert_eq!(status, 200);
    assert_eq!(views(&app).await, before + 1);
    let last = t["messages"].as_array().unwrap().last().unwrap();
    assert_eq!(last["body"], "Please send a photo.");
    assert_eq!(last["sender"], "practice");
    assert_eq!(last["author"], "Dr. Ann Lee · Oak Family Medicine");
    assert_eq!(last["mine"], false);
    assert_eq!(last["client_key"], Value::Null);
    assert!(t["version"].as_u64() > version.as_u64());
    // Without a staff name: the practice's name.
    reply(&app, &token, &c, json!({"body": "Thanks!"})).await;
    let t = thread(&app, &james, &f.lily).await;
    assert_eq!(
        t["messages"].as_array().unwrap().last().unwrap()["author"],
        "Oak Family Medicine"
    );
    let seqs: Vec<u64> = t["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, vec![1, 2, 3]);

    // Another guardian sees James's message under his name, not as hers.
    let grace = grace_with_lily(&app, &f).await;
    let t = thread(&app, &grace, &f.lily).await;
    let first = &t["messages"][0];
    assert_eq!(first["author"], "James Carter");
    assert_eq!(first["mine"], false);
    assert_eq!(first["client_key"], Value::Null);
}

async fn polling_does_not_keep_the_session_alive_but_opening_the_thread_does(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let james = james_with_lily(&app, &f).await;
    let t = thread(&app, &james, &f.lily).await;
    app.clock.advance(minutes(20));
    assert_eq!(poll(&app, &james, &f.lily, &t["version"]).await.0, 204);
    assert_eq!(mark_read(&app, &james, &f.lily, 1).await, 204);
    assert_eq!(
        idle_seconds_left(&app, &james).await,
        600,
        "polls and reads are not activity"
    );
    app.clock.advance(minutes(11));
    let (status, body) = poll(&app, &james, &f.lily, &t["version"]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("signed_out")),
        "an open page still times out"
    );

    let james = james_with_lily(&app, &f).await;
    app.clock.advance(minutes(20));
    thread(&app, &james, &f.lily).await;
    assert_eq!(
        idle_seconds_left(&app, &james).await,
        1800,
        "opening the thread is activity"
    );
    app.clock.advance(minutes(20));
    let (status, _) = send(&app, &james, &f.lily, "still here", "key-still-1").await;
    assert_eq!(status, 201);
    assert_eq!(
        idle_seconds_left(&app, &james).await,
        1800,
        "sending is activity"
    );
}

async fn staff_only_notes_never_reach_the_patient_side(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let token = app.token(Some("oak")).await;
    let maria = sign_in(&app, MARIA).await;
    // Two wrong dates of birth lock Maria's link and leave a staff-only note for the practice.
    for _ in 0..2 {
        call(
            &app,
            "post",
            &format!("/api/patients/{}/verify-dob", f.maria),
            Some(&maria),
            Some(json!({"dob": date("1985-04-13")})),
        )
        .await;
    }
    app.clock.advance(minutes(61));
    let maria = sign_in(&app, MARIA).await;
    verify(&app, &maria, &f.maria, "1985-04-12", None).await;
    let c = conversation_of(&app, &token, &f.maria).await;
    reply(&app, &token, &c, json!({"body": "Hello Maria"})).await;
    let pt = practice_thread(&app, &token, &c).await;
    let notes: Vec<&Value> = pt["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["visible_to_patient"] == false)
        .collect();
    assert_eq!(notes.len(), 1, "{pt}");
    assert_eq!(notes[0]["sender"], "system");

    let t = thread(&app, &maria, &f.maria).await;
    let messages = t["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1, "{t}");
    assert_eq!(messages[0]["body"], "Hello Maria");
    assert_eq!(t["unread_count"], 1, "the note does not count either");
    assert_eq!(unread_in_list(&app, &maria, &f.maria).await, 1);
}

async fn unread_counts_are_per_account(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let token = app.token(Some("oak")).await;
    let james = james_with_lily(&app, &f).await;
    let grace = grace_with_lily(&app, &f).await;
    let c = conversation_of(&app, &token, &f.lily).await;
    assert_eq!(unread_in_list(&app, &james, &f.lily).await, 0);
    reply(&app, &token, &c, json!({"body": "Lab results are in."})).await;
    let (_, second) = reply(&app, &token, &c, json!({"body": "All normal."})).await;
    assert_eq!(unread_in_list(&app, &james, &f.lily).await, 2);
    assert_eq!(unread_in_list(&app, &grace, &f.lily).await, 2);
    let t = thread(&app, &james, &f.lily).await;
    assert_eq!(
        (t["read_seq"].as_u64(), t["unread_count"].as_u64()),
        (Some(0), Some(2))
    );

    assert_eq!(mark_read(&app, &james, &f.lily, 1).await, 204);
    assert_eq!(unread_in_list(&app, &james, &f.lily).await, 1);
    assert_eq!(
        mark_read(&app, &james, &f.lily, second["seq"].as_u64().unwrap()).await,
        204
    );
    assert_eq!(unread_in_list(&app, &james, &f.lily).await, 0);
    // Never backwards; and past the end is clamped to the last message.
    assert_eq!(mark_read(&app, &james, &f.lily, 1).await, 204);
    assert_eq!(mark_read(&app, &james, &f.lily, 1_000).await, 204);
    let t = thread(&app, &james, &f.lily).await;
    assert_eq!(
        (t["read_seq"].as_u64(), t["unread_count"].as_u64()),
        (Some(2), Some(0))
    );
    reply(&app, &token, &c, json!({"body": "One more thing."})).await;
    assert_eq!(
        unread_in_list(&app, &james, &f.lily).await,
        1,
        "the clamp did not read ahead"
    );

    // Grace has read nothing: James reading does not clear hers.
    assert_eq!(unread_in_list(&app, &grace, &f.lily).await, 3);
    // The practice sees when the patient side first read its messages.
    let pt = practice_thread(&app, &token, &c).await;
    assert!(pt["messages"][0]["read_at"].is_string());
    assert!(pt["messages"][2]["read_at"].is_null());
}

async fn the_practice_reading_a_message_shows_as_read(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let token = app.token(Some("oak")).await;
    let james = james_with_lily(&app, &f).await;
    send(
        &app,
        &james,
        &f.lily,
        "Can we move the appointment?",
        "key-move-01",
    )
    .await;
    let t = thread(&app, &james, &f.lily).await;
    assert_eq!(t["messages"][0]["read_at"], Value::Null);
    let listed = inbox(&app, &token, "").await;
    assert_eq!(listed[0]["unread_count"], 1);
    let c = listed[0]["id"].as_str().unwrap().to_owned();
    let pt = practice_thread(&app, &token, &c).await;
    assert_eq!(pt["messages"][0]["author"], "James Carter (guardian)");
    assert_eq!(pt["conversation"]["unread_count"], 0);
    let (status, t2) = poll(&app, &james, &f.lily, &t["version"]).await;
    assert_eq!(status, 200, "reading changed the version");
    let read_at = t2["messages"][0]["read_at"].clone();
    assert!(read_at.is_string(), "{t2}");
    // The first read stays.
    app.clock.advance(minutes(5));
    practice_thread(&app, &token, &c).await;
    let t3 = thread(&app, &james, &f.lily).await;
    assert_eq!(t3["messages"][0]["read_at"], read_at);
    assert_eq!(
        t3["version"], t2["version"],
        "a second read changes nothing"
    );
    let actions = audit_actions(&app, &f.lily).await;
    assert!(actions.contains(&"practice.conversation.view".to_owned()));
}

async fn assign_close_and_a_patient_message_reopens(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let token = app.token(Some("oak")).await;
    let james = james_with_lily(&app, &f).await;
    send(&app, &james, &f.lily, "Question", "key-question").await;
    let c = inbox(&app, &token, "").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = |action: &str| format!("/api/practice/practices/oak/conversations/{c}/{action}");
    let (status, s) = practice_call(
        &app,
        "post",
        &path("assign"),
        &token,
        Some(json!({"assignee": "Front desk"})),
    )
    .await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(
        (s["status"].as_str(), s["assigned_to"].as_str()),
        (Some("assigned"), Some("Front desk"))
    );
    let (status, s) = practice_call(
        &app,
        "post",
        &path("assign"),
        &token,
        Some(json!({"assignee": "  "})),
    )
    .await;
    assert_eq!((status, s["field"].as_str()), (422, Some("assignee")));
    let (status, s) = practice_call(&app, "post", &path("close"), &token, None).await;
    assert_eq!((status, s["status"].as_str()), (200, Some("closed")));
    assert_eq!(thread(&app, &james, &f.lily).await["status"], "closed");
    send(&app, &james, &f.lily, "One more question", "key-question-2").await;
    let t = thread(&app, &james, &f.lily).await;
    assert_eq!(
        t["status"], "assigned",
        "reopened, to the person it was assigned to"
    );
    let actions = audit_actions(&app, &f.lily).await;
    for a in [
        "practice.conversation.assign",
        "practice.conversation.close",
    ] {
        assert!(actions.contains(&a.to_owned()), "{a}");
    }

    // Never assigned: back to the Unassigned inbox.
    let maria = sign_in(&app, MARIA).await;
    verify(&app, &maria, &f.maria, "1985-04-12", None).await;
    send(&app, &maria, &f.maria, "Hola", "key-hola-01").await;
    let c2 = conversation_of(&app, &token, &f.maria).await;
    oak_call(
        &app,
        &token,
        "post",
        &format!("conversations/{c2}/close"),
        None,
    )
    .await;
    send(&app, &maria, &f.maria, "¿Hola?", "key-hola-02").await;
    assert_eq!(thread(&app, &maria, &f.maria).await["status"], "unassigned");
}

async fn the_inbox_lists_unassigned_first_then_newest(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let token = app.token(Some("oak")).await;
    let james = james_with_lily(&app, &f).await;
    let maria = sign_in(&app, MARIA).await;
    verify(&app, &maria, &f.maria, "1985-04-12", None).await;
    // Robert: started by the practice, assigned. Lily: oldest unassigned. Maria: newest unassigned.
    let robert = conversation_of(&app, &token, &f.robert).await;
    reply(
        &app,
        &token,
        &robert,
        json!({"body": "Robert's refill is ready."}),
    )
    .await;
    oak_call(
        &app,
        &token,
        "post",
        &format!("conversations/{robert}/assign"),
        Some(json!({"assignee": "Nurse Joy"})),
    )
    .await;
    app.clock.advance(minutes(1));
    send(&app, &james, &f.lily, "First", "key-first-01").await;
    app.clock.advance(minutes(1));
    send(&app, &maria, &f.maria, "Second", "key-second-1").await;
    app.clock.advance(minutes(1));
    reply(
        &app,
        &token,
        &robert,
        json!({"body": "Newest, but assigned."}),
    )
    .await;
    let names: Vec<String> = inbox(&app, &token, "")
        .await
        .iter()
        .map(|c| c["patient_name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["Maria Lopez", "Lily Carter", "Robert Kim"]);
    let only: Vec<Value> = inbox(&app, &token, "?status=assigned").await;
    assert_eq!(only.len(), 1);
    assert_eq!(only[0]["patient_name"], "Robert Kim");
    let maria_c = &inbox(&app, &token, "?status=unassigned").await[0];
    assert_eq!(maria_c["unread_count"], 1);
    assert!(maria_c["last_message_at"].is_string());
    assert!(inbox(&app, &token, "?offset=3").await.is_empty());
}

async fn another_practice_gets_404(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let oak = app.token(Some("oak")).await;
    let elm = app.token(Some("elm")).await;
    let c = conversation_of(&app, &oak, &f.lily).await;
    for (method, path, body) in [
        (
            "get",
            "/api/practice/practices/oak/conversations".to_owned(),
            None,
        ),
        (
            "get",
            format!("/api/practice/practices/oak/conversations/{c}"),
            None,
        ),
        (
            "post",
            format!("/api/practice/practices/oak/conversations/{c}/messages"),
            Some(json!({"body": "x"})),
        ),
        (
            "post",
            format!("/api/practice/practices/oak/conversations/{c}/assign"),
            Some(json!({"assignee": "x"})),
        ),
        (
            "post",
            format!("/api/practice/practices/oak/conversations/{c}/close"),
            None,
        ),
        (
            "post",
            format!(
                "/api/practice/practices/oak/patients/{}/conversation",
                f.lily
            ),
            None,
        ),
        (
            "get",
            "/api/practice/practices/oak/possible-duplicates".to_owned(),
            None,
        ),
        // Its own practice's path with another practice's conversation or patient.
        (
            "get",
            format!("/api/practice/practices/elm/conversations/{c}"),
            None,
        ),
        (
            "post",
            format!(
                "/api/practice/practices/elm/patients/{}/conversation",
                f.lily
            ),
            None,
        ),
    ] {
        let (status, answer) = practice_call(&app, method, &path, &elm, body).await;
        assert_eq!(
            (status, answer["error"].as_str()),
            (404, Some("not_found")),
            "{method} {path}"
        );
    }
    let (status, _) = oak_call(&app, "wrong", "get", "conversations", None).await;
    assert_eq!(status, 401);
    assert_eq!(
        practice_thread(&app, &oak, &c).await["messages"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

async fn the_command_line_lists_shows_replies_assigns_and_closes(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let james = james_with_lily(&app, &f).await;
    send(&app, &james, &f.lily, "From the portal", "key-portal-1").await;
    let run = |args: &[&str]| app.cli_json(args);
    let listed = run(&["conversations", "list", "--practice", "oak"]);
    let c = listed[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(listed[0]["patient_name"], "Lily Carter");
    assert_eq!(listed[0]["status"], "unassigned");
    let shown = run(&["conversations", "show", "--practice", "oak", &c]);
    assert_eq!(shown["messages"][0]["body"], "From the portal");
    let replied = run(&[
        "conversations",
        "reply",
        "--practice",
        "oak",
        &c,
        "--body",
        "From the desk",
        "--author",
        "Ann Lee",
    ]);
    assert_eq!(replied["author"], "Ann Lee");
    let t = thread(&app, &james, &f.lily).await;
    assert_eq!(t["messages"][1]["author"], "Ann Lee · Oak Family Medicine");
    let assigned = run(&[
        "conversations",
        "assign",
        "--practice",
        "oak",
        &c,
        "--to",
        "Front desk",
    ]);
    assert_eq!(assigned["status"], "assigned");
    assert_eq!(
        run(&[
            "conversations",
            "list",
            "--practice",
            "oak",
            "--status",
            "unassigned"
        ]),
        json!([])
    );
    let closed = run(&["conversations", "close", "--practice", "oak", &c]);
    assert_eq!(closed["status"], "closed");
    let started = run(&[
        "conversations",
        "start",
        "--practice",
        "oak",
        "--patient",
        &f.maria,
    ]);
    assert_eq!(
        (started["patient_name"].as_str(), started["status"].as_str()),
        (Some("Maria Lopez"), Some("unassigned"))
    );
    assert_eq!(run(&["duplicates", "--practice", "oak"]), json!([]));
    for help in [
        vec!["conversations", "--help"],
        vec!["duplicates", "--help"],
        vec!["conversations", "reply", "--help"],
    ] {
        assert!(!helpers::run_server_ok(&[], &help).is_empty());
    }
}

/// Messages stored before messaging existed (DOB-lockout notes) get seq 1, 2, 3… per
/// conversation in the order they were written, and their conversation's last seq.
async fn the_migration_numbers_existing_messages(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let url = helpers::fresh_database(db, dir.path()).await;
    let store = portal_server::store::Store::connect(&url, 2).await.unwrap();
    let kind = match db {
        Db::Sqlite => "sqlite",
        Db::Postgres => "postgres",
    };
    let old = dir.path().join("old-migrations");
    std::fs::create_dir_all(&old).unwrap();
    for file in [
        "0001_foundation.sql",
        "0002_sign_in.sql",
        "0003_patients.sql",
    ] {
        let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(kind)
            .join(file);
        std::fs::copy(from, old.join(file)).unwrap();
    }
    sqlx::migrate::Migrator::new(old.as_path())
        .await
        .unwrap()
        .run(store.pool())
        .await
        .unwrap();
    let pool = store.pool();
    for sql in [
        "INSERT INTO practices (id, slug, name, phone, time_zone, created_at, updated_at)
         VALUES ('pr', 'oak', 'Oak', '+19725550100', 'America/Chicago', 1, 1)",
        "INSERT INTO patients (id, practice_id, first_name, last_name, dob, created_at, updated_at)
         VALUES ('pa', 'pr', 'Lily', 'Carter', '2016-09-03', 1, 1)",
        "INSERT INTO patients (id, practice_id, first_name, last_name, dob, created_at, updated_at)
         VALUES ('pb', 'pr', 'Noah', 'Carter', '2019-01-25', 1, 1)",
        "INSERT INTO conversations (id, practice_id, patient_id, status, created_at, updated_at)
         VALUES ('ca', 'pr', 'pa', 'unassigned', 1, 1)",
        "INSERT INTO conversations (id, practice_id, patient_id, status, created_at, updated_at)
         VALUES ('cb', 'pr', 'pb', 'unassigned', 1, 1)",
        "INSERT INTO messages (id, conversation_id, sender_kind, visible_to_patient, body, created_at)
         VALUES ('m-z', 'ca', 'system', 0, 'first', 100)",
        "INSERT INTO messages (id, conversation_id, sender_kind, visible_to_patient, body, created_at)
         VALUES ('m-b', 'ca', 'system', 0, 'third', 300)",
        "INSERT INTO messages (id, conversation_id, sender_kind, visible_to_patient, body, created_at)
         VALUES ('m-a', 'ca', 'system', 0, 'second', 200)",
        "INSERT INTO messages (id, conversation_id, sender_kind, visible_to_patient, body, created_at)
         VALUES ('m-c', 'cb', 'system', 0, 'only', 50)",
    ] {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
    store.migrate().await.unwrap();
    let seqs: Vec<(String, i64)> =
        sqlx::query_as("SELECT body, seq FROM messages ORDER BY conversation_id, seq")
            .fetch_all(pool)
            .await
            .unwrap();
    let seqs: Vec<(&str, i64)> = seqs.iter().map(|(b, s)| (b.as_str(), *s)).collect();
    assert_eq!(
        seqs,
        [("first", 1), ("second", 2), ("third", 3), ("only", 1)]
    );
    let last: Vec<(i64,)> = sqlx::query_as("SELECT last_seq FROM conversations ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(last, [(3,), (1,)]);
    // The next message continues the numbering.
    let mut tx = pool.begin().await.unwrap();
    portal_server::store::conversations::insert_staff_note(&mut tx, "ca", "fourth", 400)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (seq,): (i64,) = sqlx::query_as("SELECT seq FROM messages WHERE body = 'fourth'")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(seq, 4);
}

async fn a_long_thread_comes_in_pages_of_two_hundred(db: Db) {
    let app = spawn(db).await;
    let f = family(&app).await;
    let token = app.token(Some("oak")).await;
    let james = james_with_lily(&app, &f).await;
    let c = conversation_of(&app, &token, &f.lily).await;
    let mut tx = app.store.pool().begin().await.unwrap();
    for i in 1..=205 {
        portal_server::store::conversations::insert_message(
            &mut tx,
            &portal_server::store::conversations::NewMessage {
                conversation_id: &c,
                sender_kind: wire::messages::SenderKind::Practice,
                sender_account_id: None,
                visible_to_patient: true,
                body: &format!("message {i}"),
                client_key: None,
                author_name: None,
                event: None,
            },
            app.clock.now_ms(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let t = thread(&app, &james, &f.lily).await;
    let messages = t["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 200);
    assert_eq!(t["has_earlier"], true);
    assert_eq!(messages[0]["seq"], 6, "the newest 200, oldest first");
    assert_eq!(messages[199]["body"], "message 205");
    assert_eq!(t["unread_count"], 205);
    let (status, earlier) = get(
        &app,
        &format!("/api/patients/{}/messages?before=6", f.lily),
        &james,
    )
    .await;
    assert_eq!(status, 200);
    let older: Vec<u64> = earlier["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(older, [1, 2, 3, 4, 5]);
    assert_eq!(earlier["has_earlier"], false);
}

on_both_databases!(
    a_long_thread_comes_in_pages_of_two_hundred,
    the_migration_numbers_existing_messages,
    messages_are_plain_text_of_one_to_five_thousand_characters,
    the_same_client_key_sent_eight_times_at_once_stores_one_message,
    conversation_routes_are_behind_the_gate,
    a_practice_reply_reaches_the_thread_and_polling_sees_it,
    polling_does_not_keep_the_session_alive_but_opening_the_thread_does,
    staff_only_notes_never_reach_the_patient_side,
    unread_counts_are_per_account,
    the_practice_reading_a_message_shows_as_read,
    assign_close_and_a_patient_message_reopens,
    the_inbox_lists_unassigned_first_then_newest,
    another_practice_gets_404,
    the_command_line_lists_shows_replies_assigns_and_closes,
);
