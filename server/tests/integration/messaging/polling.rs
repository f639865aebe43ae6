//! Polling and read state: a reply reaches the thread and a poll (on another instance too), what
//! keeps a session alive, unread counts per account, and the practice's reading shown as read.

use super::{
    conversation_of, idle_seconds_left, inbox, mark_read, minutes, poll, practice_thread, reply,
    send, thread, unread_in_list,
};
use crate::helpers;
use helpers::people::*;
use helpers::{spawn, Db, TestApp};
use serde_json::{json, Value};

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

on_both_databases!(
    a_practice_reply_reaches_the_thread_and_polling_sees_it,
    polling_does_not_keep_the_session_alive_but_opening_the_thread_does,
    unread_counts_are_per_account,
    the_practice_reading_a_message_shows_as_read,
);
