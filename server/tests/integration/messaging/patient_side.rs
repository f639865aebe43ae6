//! Sending from the patient's side: what a message may be, one message per client key however
//! often it is sent, and the conversation routes behind the gate.

use super::{conversation_of, practice_thread, send, thread};
use crate::helpers;
use helpers::people::*;
use helpers::{spawn, Db};
use serde_json::{json, Value};

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

on_both_databases!(
    messages_are_plain_text_of_one_to_five_thousand_characters,
    the_same_client_key_sent_eight_times_at_once_stores_one_message,
    conversation_routes_are_behind_the_gate,
);
