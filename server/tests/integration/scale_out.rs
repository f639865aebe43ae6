//! Scale-out (SPEC 5, "at scale"): two server instances on two ports share one database and one
//! object store, and nothing else. A person signs in on one and continues on the other, a limit
//! counts requests made through both, a file uploaded through one is sent and downloaded through
//! the other, and a practice reply posted through one reaches a poll on the other. Runs on
//! SQLite and on PostgreSQL, as every server test does.

use crate::helpers;
use helpers::people::{call, family, get, oak_call, ok, upload, verify, JAMES};
use helpers::{session_cookie_of, spawn, Db, TestApp};
use serde_json::{json, Value};
use std::time::Duration;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// The error code of a refused request.
async fn refused(r: reqwest::Response) -> (u16, String) {
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    (status, body["error"].as_str().unwrap_or("").to_owned())
}

/// Requests a code on `on` and verifies it on `then`: the session cookie.
async fn sign_in_across(on: &TestApp, then: &TestApp, phone: &str) -> String {
    assert_eq!(on.request_code(phone).await.status(), 200);
    let code = on.last_code(phone).await;
    let r = then.verify(phone, &code, false).await;
    assert_eq!(
        r.status(),
        200,
        "a code sent through one instance works on the other"
    );
    session_cookie_of(&r)
}

async fn sign_in_and_continue_on_the_other_instance(db: Db) {
    let a = spawn(db).await;
    let b = a.another_instance().await;
    assert_ne!(a.base, b.base, "two ports");
    let f = family(&a).await;

    let james = sign_in_across(&a, &b, JAMES).await;
    let (status, patients) = get(&a, "/api/practices/oak/patients", &james).await;
    assert_eq!(status, 200, "a session made on b is known to a: {patients}");
    verify(
        &b,
        &james,
        &f.lily,
        "2016-09-03",
        Some(("James", "Carter", "1982-11-05")),
    )
    .await;
    let (status, _) = get(
        &a,
        &format!("/api/patients/{}/appointments", f.lily),
        &james,
    )
    .await;
    assert_eq!(status, 200, "the date-of-birth check made on b holds on a");

    // Signing out through a ends the session on b at once.
    let r = a.post_with_cookie("/api/auth/sign-out", &james).await;
    assert!(r.status().is_success(), "{}", r.status());
    let (status, _) = get(&b, "/api/practices/oak/patients", &james).await;
    assert_eq!(status, 401);
}

async fn limits_count_requests_made_through_both_instances(db: Db) {
    let a = spawn(db).await;
    let b = a.another_instance().await;
    let phone = "+19728486001";
    // 30 s between codes: a code asked for on a makes b wait too.
    assert_eq!(a.request_code(phone).await.status(), 200);
    assert_eq!(
        refused(b.request_code(phone).await).await,
        (429, "resend_too_soon".to_owned())
    );
    // Five codes an hour per number, wherever they were asked for: the sixth is refused on both.
    for i in 1..5 {
        a.clock.advance(secs(30));
        let on = if i % 2 == 0 { &a } else { &b };
        assert_eq!(on.request_code(phone).await.status(), 200, "code {}", i + 1);
    }
    a.clock.advance(secs(30));
    for on in [&a, &b] {
        assert_eq!(
            refused(on.request_code(phone).await).await,
            (429, "too_many_codes".to_owned())
        );
    }
    assert_eq!(
        a.texts_to(phone).await.len(),
        5,
        "refused requests send nothing"
    );

    // Five wrong guesses burn a code, whichever instance they reach.
    let other = "+19728486002";
    assert_eq!(b.request_code(other).await.status(), 200);
    let code = b.last_code(other).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for i in 0..5 {
        let on = if i % 2 == 0 { &a } else { &b };
        assert!(!on.verify(other, wrong, false).await.status().is_success());
    }
    assert!(
        !a.verify(other, &code, false).await.status().is_success(),
        "the right code no longer works after five wrong guesses on two instances"
    );
}

async fn files_and_messages_cross_instances_live(db: Db) {
    let a = spawn(db).await;
    let b = a.another_instance().await;
    let f = family(&a).await;
    let token = b.token(Some("oak")).await;
    let james = sign_in_across(&a, &b, JAMES).await;
    verify(
        &a,
        &james,
        &f.lily,
        "2016-09-03",
        Some(("James", "Carter", "1982-11-05")),
    )
    .await;

    // Uploaded through a, sent through b, downloaded by the practice through a and by James
    // through b: the object store is shared.
    let bytes = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".to_vec();
    let (status, file) = upload(&a, &james, &f.lily, "referral.pdf", bytes.clone()).await;
    assert_eq!(status, 201, "{file}");
    let id = file["id"].as_str().unwrap();
    let (status, body) = call(
        &b,
        "post",
        &format!("/api/patients/{}/messages", f.lily),
        Some(&james),
        Some(json!({"body": "The referral", "client_key": "key-scale-out-1", "attachment_ids": [id]})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let r = a
        .http
        .get(a.url(&format!("/api/practice/practices/oak/attachments/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.bytes().await.unwrap().to_vec(), bytes);
    let r = b
        .get_with_cookie(
            &format!("/api/patients/{}/attachments/{id}", f.lily),
            &james,
        )
        .await;
    assert_eq!(r.bytes().await.unwrap().to_vec(), bytes);

    // James's page polls a; the practice answers through b; the next poll on a has the reply.
    let path = format!("/api/patients/{}/messages", f.lily);
    let version = ok(get(&a, &path, &james).await)["version"].clone();
    let poll = format!("{path}?after_version={version}");
    assert_eq!(get(&a, &poll, &james).await.0, 204, "nothing new yet");
    let inbox = ok(oak_call(&b, &token, "get", "conversations", None).await);
    let c = inbox[0]["id"].as_str().unwrap();
    ok(oak_call(&b, &token, "get", &format!("conversations/{c}"), None).await);
    let (status, body) = oak_call(
        &b,
        &token,
        "post",
        &format!("conversations/{c}/messages"),
        Some(json!({"body": "Come in at 3 pm."})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let (status, t) = get(&a, &poll, &james).await;
    assert_eq!(status, 200, "the reply through b changed what a sees");
    let bodies: Vec<&str> = t["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["The referral", "Come in at 3 pm."]);
    // The practice read James's message through b: a shows it as read.
    assert!(t["messages"][0]["read_at"].is_string(), "{t}");
}

on_both_databases!(
    sign_in_and_continue_on_the_other_instance,
    limits_count_requests_made_through_both_instances,
    files_and_messages_cross_instances_live,
);
