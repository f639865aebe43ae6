//! The code itself: its text, precise answers to bad numbers and bad codes, the same answer for
//! known and unknown numbers, expiry, one use, burning after wrong guesses, storage as keyed
//! hashes, and no text to a number that opted out.

use super::{error, known_patient, mins, secs, wrong, ANA, BEN, UNKNOWN};
use crate::helpers;
use helpers::{set_cookies, spawn, Db};
use std::time::Duration;
use wire::auth::{SendCodeResponse, SessionInfo};

async fn code_is_six_digits_in_a_text_with_the_webotp_line(db: Db) {
    let app = spawn(db).await;
    let r = app.request_code("(972) 848-5861").await;
    assert_eq!(r.status(), 200);
    let body: SendCodeResponse = r.json().await.unwrap();
    assert_eq!(
        body,
        SendCodeResponse {
            sent_to: "•••• 5861".into(),
            resend_after_seconds: 30,
            expires_in_seconds: 600,
        }
    );
    let texts = app.texts_to(ANA).await;
    assert_eq!(texts.len(), 1);
    let text = &texts[0];
    assert!(text.starts_with("Patient Portal: "), "{text}");
    let code = app.last_code(ANA).await;
    assert_eq!(code.len(), 6);
    assert!(code.bytes().all(|b| b.is_ascii_digit()));
    assert!(text.ends_with(&format!("\n\n@127.0.0.1 #{code}")), "{text}");
}

async fn invalid_numbers_get_a_precise_422_and_no_text(db: Db) {
    let app = spawn(db).await;
    for (input, code) in [
        ("", "phone_empty"),
        ("call me", "phone_invalid_characters"),
        ("+44 20 7946 0958", "phone_not_us"),
        ("972-848-586", "phone_wrong_length"),
        ("(072) 848-5861", "phone_invalid_area_code"),
        ("(972) 048-5861", "phone_invalid_exchange"),
    ] {
        let (status, e) = error(app.request_code(input).await).await;
        assert_eq!((status, e.error.as_str()), (422, code), "{input:?}");
        assert_eq!(e.field.as_deref(), Some("phone"));
        let (status, e) = error(app.verify(input, "123456", false).await).await;
        assert_eq!((status, e.error.as_str()), (422, code), "{input:?}");
    }
    assert!(app.store.list_outbox(10).await.unwrap().is_empty());
    let r = app
        .http
        .post(app.url("/api/auth/code"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

async fn malformed_codes_get_a_precise_422(db: Db) {
    let app = spawn(db).await;
    app.request_code(ANA).await;
    for (input, code) in [
        ("", "code_empty"),
        ("12a456", "code_not_digits"),
        ("12345", "code_wrong_length"),
        ("1234567", "code_wrong_length"),
    ] {
        let (status, e) = error(app.verify(ANA, input, false).await).await;
        assert_eq!((status, e.error.as_str()), (422, code), "{input:?}");
        assert_eq!(e.field.as_deref(), Some("code"));
    }
    // Malformed input is not a guess: the code still works.
    let code = app.last_code(ANA).await;
    assert_eq!(app.verify(ANA, &code, false).await.status(), 200);
}

async fn known_and_unknown_numbers_get_the_same_answer_and_both_may_sign_in(db: Db) {
    let app = spawn(db).await;
    known_patient(&app).await;
    let known = app.request_code(ANA).await;
    let unknown = app.request_code(UNKNOWN).await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    assert_eq!(app.texts_to(ANA).await.len(), 1);
    assert_eq!(
        app.texts_to(UNKNOWN).await.len(),
        1,
        "an unknown number gets a code too"
    );

    let r = app.verify(ANA, &app.last_code(ANA).await, false).await;
    let info: SessionInfo = r.json().await.unwrap();
    assert_eq!(info.phone, "•••• 5861");
    assert_eq!(info.practices.len(), 1);
    assert_eq!(info.practices[0].slug, "oak");
    assert_eq!(info.practices[0].name, "Oak Pediatrics");
    assert_eq!(info.practices[0].phone, "+19725550100");
    assert_eq!(info.practices[0].time_zone, "America/Chicago");

    let r = app
        .verify(UNKNOWN, &app.last_code(UNKNOWN).await, false)
        .await;
    assert_eq!(r.status(), 200);
    let info: SessionInfo = r.json().await.unwrap();
    assert!(info.practices.is_empty(), "nothing linked yet");
}

async fn code_expires_after_ten_minutes(db: Db) {
    let app = spawn(db).await;
    app.request_code(ANA).await;
    app.request_code(BEN).await;
    app.clock.advance(mins(10) - Duration::from_millis(1));
    let r = app.verify(ANA, &app.last_code(ANA).await, false).await;
    assert_eq!(r.status(), 200, "valid until the last millisecond");
    app.clock.advance(Duration::from_millis(1));
    let (status, e) = error(app.verify(BEN, &app.last_code(BEN).await, false).await).await;
    assert_eq!((status, e.error.as_str()), (410, "code_expired"));
}

async fn code_works_once(db: Db) {
    let app = spawn(db).await;
    app.request_code(ANA).await;
    let code = app.last_code(ANA).await;
    assert_eq!(app.verify(ANA, &code, false).await.status(), 200);
    let (status, e) = error(app.verify(ANA, &code, false).await).await;
    assert_eq!((status, e.error.as_str()), (410, "code_expired"));
}

async fn never_requested_code_is_expired(db: Db) {
    let app = spawn(db).await;
    let (status, e) = error(app.verify(ANA, "123456", false).await).await;
    assert_eq!((status, e.error.as_str()), (410, "code_expired"));
}

async fn five_wrong_guesses_burn_the_code(db: Db) {
    let app = spawn(db).await;
    app.request_code(ANA).await;
    let code = app.last_code(ANA).await;
    for left in (1..=4).rev() {
        let (status, e) = error(app.verify(ANA, &wrong(&code), false).await).await;
        assert_eq!((status, e.error.as_str()), (401, "code_incorrect"));
        assert!(e.message.contains(&format!("{left} tr")), "{}", e.message);
    }
    let (status, e) = error(app.verify(ANA, &wrong(&code), false).await).await;
    assert_eq!(
        (status, e.error.as_str()),
        (410, "code_locked"),
        "the 5th wrong guess burns it"
    );
    let (status, e) = error(app.verify(ANA, &code, false).await).await;
    assert_eq!(
        (status, e.error.as_str()),
        (410, "code_locked"),
        "then even the right code is refused"
    );
    // A new code must be asked for, and works.
    app.clock.advance(secs(30));
    assert_eq!(app.request_code(ANA).await.status(), 200);
    let fresh = app.last_code(ANA).await;
    assert_eq!(app.verify(ANA, &fresh, false).await.status(), 200);
}

async fn a_code_for_another_number_is_refused(db: Db) {
    let app = spawn(db).await;
    app.request_code(ANA).await;
    app.request_code(BEN).await;
    let ana_code = app.last_code(ANA).await;
    let ben_code = app.last_code(BEN).await;
    if ana_code != ben_code {
        let (status, e) = error(app.verify(BEN, &ana_code, false).await).await;
        assert_eq!((status, e.error.as_str()), (401, "code_incorrect"));
    }
    // A number without a code of its own gets nothing from someone else's.
    let (status, e) = error(app.verify(UNKNOWN, &ana_code, false).await).await;
    assert_eq!((status, e.error.as_str()), (410, "code_expired"));
    assert_eq!(app.verify(ANA, &ana_code, false).await.status(), 200);
}

async fn a_new_code_replaces_the_previous_one(db: Db) {
    let app = spawn(db).await;
    app.request_code(ANA).await;
    let first = app.last_code(ANA).await;
    app.clock.advance(secs(30));
    app.request_code(ANA).await;
    let second = app.last_code(ANA).await;
    if first != second {
        let (status, e) = error(app.verify(ANA, &first, false).await).await;
        assert_eq!((status, e.error.as_str()), (401, "code_incorrect"));
    }
    assert_eq!(app.verify(ANA, &second, false).await.status(), 200);
}

async fn codes_are_stored_only_as_keyed_hashes(db: Db) {
    use sha2::{Digest, Sha256};
    let app = spawn(db).await;
    app.request_code(ANA).await;
    let code = app.last_code(ANA).await;
    let sha = |s: &str| format!("{:x}", Sha256::digest(s.as_bytes()));
    let forbidden = [code.clone(), sha(&code), sha(&format!("{ANA}:{code}"))];
    let check = |rows: Vec<(String,)>, table: &str| {
        for (row,) in rows {
            for f in &forbidden {
                assert!(!row.contains(f.as_str()), "{table} holds the code: {row}");
            }
        }
    };
    let codes: Vec<(String,)> = sqlx::query_as(
        "SELECT id || '|' || phone || '|' || code_hash || '|' || state FROM sign_in_codes",
    )
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    assert_eq!(codes.len(), 1);
    check(codes, "sign_in_codes");
    let hits: Vec<(String,)> = sqlx::query_as("SELECT key FROM rate_limit_hits")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    check(hits, "rate_limit_hits");
    let r = app.verify(ANA, &code, true).await;
    let cookies = set_cookies(&r);
    let sessions: Vec<(String,)> =
        sqlx::query_as("SELECT token_hash || '|' || account_id FROM sessions")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    check(sessions.clone(), "sessions");
    let devices: Vec<(String,)> = sqlx::query_as("SELECT token_hash FROM devices")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    // Neither cookie's token is stored as it is.
    for cookie in cookies {
        let token = cookie.split(';').next().unwrap().split_once('=').unwrap().1;
        for (row,) in sessions.iter().chain(devices.iter()) {
            assert!(!row.contains(token));
        }
    }
}

async fn opted_out_numbers_get_403_and_no_text_until_start(db: Db) {
    let app = spawn(db).await;
    // Development mode with the outbox: the webhook takes unsigned (simulated) texts.
    let text = |body: &'static str| {
        app.http
            .post(app.url("/api/twilio/sms"))
            .form(&[("From", ANA), ("Body", body)])
            .send()
    };
    assert_eq!(text("Stop ").await.unwrap().status(), 200);
    let (status, e) = error(app.request_code(ANA).await).await;
    assert_eq!((status, e.error.as_str()), (403, "opted_out"));
    assert!(e.message.contains("START"), "{}", e.message);
    assert!(app.texts_to(ANA).await.is_empty(), "no text at all");
    // Other numbers are not affected.
    assert_eq!(app.request_code(BEN).await.status(), 200);
    let r = text("start").await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("<Message>"));
    assert_eq!(app.request_code(ANA).await.status(), 200);
    assert_eq!(app.texts_to(ANA).await.len(), 1);
}

on_both_databases!(
    code_is_six_digits_in_a_text_with_the_webotp_line,
    invalid_numbers_get_a_precise_422_and_no_text,
    malformed_codes_get_a_precise_422,
    known_and_unknown_numbers_get_the_same_answer_and_both_may_sign_in,
    code_expires_after_ten_minutes,
    code_works_once,
    never_requested_code_is_expired,
    five_wrong_guesses_burn_the_code,
    a_code_for_another_number_is_refused,
    a_new_code_replaces_the_previous_one,
    codes_are_stored_only_as_keyed_hashes,
    opted_out_numbers_get_403_and_no_text_until_start,
);
