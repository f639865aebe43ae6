//! Sign in with a phone code (SPEC 3.1): every number of the spec, on both databases. Time moves
//! with the test clock (`app.clock.advance`), never by sleeping.

use crate::helpers;
use helpers::{session_cookie_of, set_cookies, spawn, Db, TestApp};
use portal_server::practice::{self, Caller};
use std::time::Duration;
use wire::api::ApiError;
use wire::auth::{SendCodeResponse, SessionInfo};

const ANA: &str = "+19728485861";
/// Same last four digits as ANA, so the masked number in the answer is the same too.
const UNKNOWN: &str = "+12148485861";
const BEN: &str = "+19728485862";

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn mins(m: u64) -> Duration {
    Duration::from_secs(m * 60)
}

async fn error(r: reqwest::Response) -> (u16, ApiError) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

fn wrong(code: &str) -> String {
    format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000)
}

/// A practice with a patient whose own number is ANA.
async fn known_patient(app: &TestApp) {
    let caller = Caller::cli();
    practice::practices::upsert(
        &app.store,
        &caller,
        &serde_json::from_value(serde_json::json!({
            "slug": "oak", "name": "Oak Pediatrics", "phone": "+19725550100", "time_zone": "America/Chicago"
        }))
        .unwrap(),
        app.clock.now_ms(),
    )
    .await
    .unwrap();
    practice::patients::create(
        &app.store,
        &caller,
        "oak",
        &serde_json::from_value(serde_json::json!({
            "first_name": "Ana", "last_name": "Diaz", "dob": "1990-04-02", "mobile_phone": ANA
        }))
        .unwrap(),
        app.clock.now_ms(),
    )
    .await
    .unwrap();
}

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

async fn resend_waits_30_seconds(db: Db) {
    let app = spawn(db).await;
    assert_eq!(app.request_code(ANA).await.status(), 200);
    let r = app.request_code(ANA).await;
    assert_eq!(r.headers()["retry-after"], "30");
    let (status, e) = error(r).await;
    assert_eq!((status, e.error.as_str()), (429, "resend_too_soon"));
    assert_eq!(e.retry_after_seconds, Some(30));
    assert!(e.message.contains("30 seconds"), "{}", e.message);
    app.clock.advance(secs(29));
    let (status, e) = error(app.request_code(ANA).await).await;
    assert_eq!((status, e.retry_after_seconds), (429, Some(1)));
    app.clock.advance(secs(1));
    assert_eq!(app.request_code(ANA).await.status(), 200);
    assert_eq!(
        app.texts_to(ANA).await.len(),
        2,
        "refused requests send nothing"
    );
}

async fn five_codes_per_number_per_hour(db: Db) {
    let app = spawn(db).await;
    for i in 0..5 {
        if i > 0 {
            app.clock.advance(secs(30));
        }
        assert_eq!(app.request_code(ANA).await.status(), 200, "code {}", i + 1);
    }
    app.clock.advance(secs(30));
    let (status, e) = error(app.request_code(ANA).await).await;
    assert_eq!((status, e.error.as_str()), (429, "too_many_codes"));
    // The first code was 150 s ago: it leaves the hour in 3,450 s.
    assert_eq!(e.retry_after_seconds, Some(3450));
    assert!(e.message.contains("58 minutes"), "{}", e.message);
    // Another number is not affected.
    assert_eq!(app.request_code(BEN).await.status(), 200);
    app.clock.advance(secs(3449));
    let (status, e) = error(app.request_code(ANA).await).await;
    assert_eq!((status, e.retry_after_seconds), (429, Some(1)));
    app.clock.advance(secs(1));
    assert_eq!(app.request_code(ANA).await.status(), 200);
    assert_eq!(app.texts_to(ANA).await.len(), 6);
}

async fn one_client_address_may_ask_for_20_codes_an_hour(db: Db) {
    let app = spawn(db).await;
    for i in 0..20 {
        let phone = format!("+1972848{:04}", 6000 + i);
        assert_eq!(app.request_code(&phone).await.status(), 200, "{phone}");
    }
    let (status, e) = error(app.request_code("+19728487000").await).await;
    assert_eq!((status, e.error.as_str()), (429, "too_many_requests"));
    assert_eq!(e.retry_after_seconds, Some(3600));
    assert!(app.texts_to("+19728487000").await.is_empty());
    app.clock.advance(mins(60));
    assert_eq!(app.request_code("+19728487000").await.status(), 200);
}

async fn behind_a_proxy_the_limit_is_per_forwarded_address(db: Db) {
    let ask = |app: &TestApp, phone: String, forwarded: &'static str| {
        app.http
            .post(app.url("/api/auth/code"))
            .header("x-forwarded-for", forwarded)
            .json(&serde_json::json!({ "phone": phone }))
            .send()
    };
    let app = helpers::spawn_with(db, |c| {
        c.trust_forwarded_for = true;
        c.sign_in_codes_per_ip_per_hour = 2;
    })
    .await;
    // The client forges the first entry; the proxy's own entry (the last) is what counts.
    for (i, forwarded) in ["1.1.1.1, 203.0.113.7", "2.2.2.2, 203.0.113.7"]
        .iter()
        .enumerate()
    {
        let r = ask(&app, format!("+1972848600{i}"), forwarded)
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let r = ask(&app, "+19728486009".into(), "3.3.3.3, 203.0.113.7")
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    let r = ask(&app, "+19728486009".into(), "203.0.113.8")
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "another client behind the proxy");

    // Without the setting the header is ignored: the connection's address counts.
    let app = helpers::spawn_with(db, |c| c.sign_in_codes_per_ip_per_hour = 2).await;
    for (i, forwarded) in ["203.0.113.1", "203.0.113.2"].iter().enumerate() {
        let r = ask(&app, format!("+1972848600{i}"), forwarded)
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let r = ask(&app, "+19728486009".into(), "203.0.113.3")
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
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

async fn two_verifies_of_one_code_at_once_open_one_session(db: Db) {
    let app = spawn(db).await;
    app.request_code(ANA).await;
    let code = app.last_code(ANA).await;
    let results = verify_at_once(&app, 8, ANA, &code).await;
    let ok = results.iter().filter(|s| **s == 200).count();
    assert_eq!(ok, 1, "{results:?}");
    assert!(
        results.iter().all(|s| *s == 200 || *s == 410),
        "{results:?}"
    );
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(n, 1);
}

async fn concurrent_wrong_guesses_never_exceed_five(db: Db) {
    let app = spawn(db).await;
    app.request_code(ANA).await;
    let code = app.last_code(ANA).await;
    let bad = wrong(&code);
    let results = verify_at_once(&app, 20, ANA, &bad).await;
    assert_eq!(
        results.iter().filter(|s| **s == 401).count(),
        4,
        "{results:?}"
    );
    assert_eq!(
        results.iter().filter(|s| **s == 410).count(),
        16,
        "{results:?}"
    );
    let (guesses, state): (i64, String) =
        sqlx::query_as("SELECT wrong_guesses, state FROM sign_in_codes")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!((guesses, state.as_str()), (5, "locked"));
    let (status, e) = error(app.verify(ANA, &code, false).await).await;
    assert_eq!((status, e.error.as_str()), (410, "code_locked"));
}

/// `n` verifies of `code` for `phone` at the same time; their statuses.
async fn verify_at_once(app: &TestApp, n: usize, phone: &str, code: &str) -> Vec<u16> {
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let http = app.http.clone();
            let url = app.url("/api/auth/verify");
            let body = serde_json::json!({ "phone": phone, "code": code });
            tokio::spawn(async move {
                http.post(url)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for h in handles {
        statuses.push(h.await.unwrap());
    }
    statuses
}

async fn session_cookie_is_httponly_secure_samesite_strict(db: Db) {
    let app = spawn(db).await;
    app.request_code(ANA).await;
    let r = app.verify(ANA, &app.last_code(ANA).await, false).await;
    let cookies = set_cookies(&r);
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    let session = &cookies[0];
    assert!(session.starts_with("portal_session="));
    let token = session
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1;
    assert!(token.len() >= 43, "256-bit token: {token}");
    for attr in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(
            session.split("; ").any(|a| a == attr),
            "{attr} missing: {session}"
        );
    }
    assert!(
        !session.contains("Max-Age") && !session.contains("Expires"),
        "a browser-session cookie: {session}"
    );
    let info: SessionInfo = r.json().await.unwrap();
    assert_eq!(info.idle_seconds_left, 1800);
    assert_eq!(info.absolute_seconds_left, 12 * 3600);
    assert!(!info.remembered_device);
}

async fn remembered_device_gets_a_30_day_cookie(db: Db) {
    let app = spawn(db).await;
    app.request_code(ANA).await;
    let r = app.verify(ANA, &app.last_code(ANA).await, true).await;
    let cookies = set_cookies(&r);
    let device = cookies
        .iter()
        .find(|c| c.starts_with("portal_device="))
        .expect("a device cookie");
    for attr in [
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Path=/",
        "Max-Age=2592000",
    ] {
        assert!(device.split("; ").any(|a| a == attr), "{attr}: {device}");
    }
    let session = session_cookie_of(&r);
    let device_cookie = device.split(';').next().unwrap().to_owned();
    let info: SessionInfo = r.json().await.unwrap();
    assert!(info.remembered_device);
    let (n, account): (i64, String) =
        sqlx::query_as("SELECT COUNT(*), MIN(account_id) FROM devices")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(n, 1);
    let (owner,): (String,) = sqlx::query_as("SELECT id FROM accounts WHERE phone = $1")
        .bind(ANA)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(account, owner, "the device belongs to the account");
    let info: SessionInfo = app
        .get_with_cookie("/api/session", &session)
        .await
        .json()
        .await
        .unwrap();
    assert!(info.remembered_device);

    // Signing in again on the same device keeps the same remembered device.
    app.clock.advance(secs(30));
    app.request_code(ANA).await;
    let code = app.last_code(ANA).await;
    let r = app
        .http
        .post(app.url("/api/auth/verify"))
        .header("cookie", &device_cookie)
        .json(&serde_json::json!({ "phone": ANA, "code": code, "remember_device": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(set_cookies(&r)
        .iter()
        .all(|c| !c.starts_with("portal_device=")));
    let info: SessionInfo = r.json().await.unwrap();
    assert!(info.remembered_device);
    // Unticking "remember" forgets the device.
    app.clock.advance(secs(30));
    app.request_code(ANA).await;
    let code = app.last_code(ANA).await;
    let r = app
        .http
        .post(app.url("/api/auth/verify"))
        .header("cookie", &device_cookie)
        .json(&serde_json::json!({ "phone": ANA, "code": code, "remember_device": false }))
        .send()
        .await
        .unwrap();
    assert!(set_cookies(&r)
        .iter()
        .any(|c| c.starts_with("portal_device=;") && c.contains("Max-Age=0")));
    let info: SessionInfo = r.json().await.unwrap();
    assert!(!info.remembered_device);
    let (revoked,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM devices WHERE revoked_at IS NOT NULL")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(revoked, 1);
}

async fn session_ends_after_30_idle_minutes_and_reading_it_does_not_extend_it(db: Db) {
    let app = spawn(db).await;
    let cookie = app.sign_in(ANA).await;
    app.clock.advance(mins(20));
    let info: SessionInfo = app
        .get_with_cookie("/api/session", &cookie)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        info.idle_seconds_left, 600,
        "GET /api/session is not activity"
    );
    app.clock.advance(mins(10) - secs(1));
    assert_eq!(
        app.get_with_cookie("/api/session", &cookie).await.status(),
        200
    );
    app.clock.advance(secs(1));
    let (status, e) = error(app.get_with_cookie("/api/session", &cookie).await).await;
    assert_eq!((status, e.error.as_str()), (401, "signed_out"));
    // Ended is ended: "stay signed in" cannot bring it back.
    let (status, _) = error(app.post_with_cookie("/api/session/refresh", &cookie).await).await;
    assert_eq!(status, 401);
}

async fn staying_signed_in_restarts_the_idle_timer(db: Db) {
    let app = spawn(db).await;
    let cookie = app.sign_in(ANA).await;
    app.clock.advance(mins(20));
    let r = app.post_with_cookie("/api/session/refresh", &cookie).await;
    assert_eq!(r.status(), 200);
    let info: SessionInfo = r.json().await.unwrap();
    assert_eq!(info.idle_seconds_left, 1800);
    assert_eq!(info.absolute_seconds_left, 12 * 3600 - 20 * 60);
    app.clock.advance(mins(29));
    assert_eq!(
        app.get_with_cookie("/api/session", &cookie).await.status(),
        200,
        "49 minutes after sign-in, 29 after the refresh"
    );
    app.clock.advance(mins(1));
    assert_eq!(
        app.get_with_cookie("/api/session", &cookie).await.status(),
        401
    );
}

async fn the_idle_timer_is_written_at_most_every_ten_seconds(db: Db) {
    let app = spawn(db).await;
    let cookie = app.sign_in(ANA).await;
    app.clock.advance(secs(9));
    assert_eq!(
        idle_left_after_refresh(&app, &cookie).await,
        1800 - 9,
        "a request within 10 s of the last restart does not write the session"
    );
    app.clock.advance(secs(1));
    assert_eq!(idle_left_after_refresh(&app, &cookie).await, 1800);
}

async fn idle_left_after_refresh(app: &TestApp, cookie: &str) -> u64 {
    let r = app.post_with_cookie("/api/session/refresh", cookie).await;
    assert_eq!(r.status(), 200);
    r.json::<SessionInfo>().await.unwrap().idle_seconds_left
}

async fn session_ends_after_12_hours_whatever_happens(db: Db) {
    let app = spawn(db).await;
    let cookie = app.sign_in(ANA).await;
    for _ in 0..28 {
        app.clock.advance(mins(25));
        assert_eq!(
            app.post_with_cookie("/api/session/refresh", &cookie)
                .await
                .status(),
            200
        );
    }
    // 11 h 40 min so far.
    app.clock.advance(mins(20) - secs(1));
    let info: SessionInfo = app
        .get_with_cookie("/api/session", &cookie)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(info.absolute_seconds_left, 1);
    assert_eq!(
        info.idle_seconds_left, 1,
        "never more than the absolute limit"
    );
    app.clock.advance(secs(1));
    let (status, e) = error(app.get_with_cookie("/api/session", &cookie).await).await;
    assert_eq!((status, e.error.as_str()), (401, "signed_out"));
    let (status, _) = error(app.post_with_cookie("/api/session/refresh", &cookie).await).await;
    assert_eq!(status, 401);
}

async fn sign_out_revokes_the_session_on_the_server(db: Db) {
    let app = spawn(db).await;
    let cookie = app.sign_in(ANA).await;
    assert_eq!(
        app.get_with_cookie("/api/session", &cookie).await.status(),
        200
    );
    let r = app.post_with_cookie("/api/auth/sign-out", &cookie).await;
    assert_eq!(r.status(), 204);
    let cleared = set_cookies(&r);
    assert!(
        cleared
            .iter()
            .any(|c| c.starts_with("portal_session=;") && c.contains("Max-Age=0")),
        "{cleared:?}"
    );
    let (revoked,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE revoked_at IS NOT NULL")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(revoked, 1);
    // The old cookie, replayed, no longer works.
    let (status, e) = error(app.get_with_cookie("/api/session", &cookie).await).await;
    assert_eq!((status, e.error.as_str()), (401, "signed_out"));
    let (status, _) = error(app.post_with_cookie("/api/session/refresh", &cookie).await).await;
    assert_eq!(status, 401);
    // Signing out again is harmless.
    assert_eq!(
        app.post_with_cookie("/api/auth/sign-out", &cookie)
            .await
            .status(),
        204
    );
}

async fn missing_or_tampered_cookies_are_signed_out(db: Db) {
    let app = spawn(db).await;
    let cookie = app.sign_in(ANA).await;
    let r = app.http.get(app.url("/api/session")).send().await.unwrap();
    let (status, e) = error(r).await;
    assert_eq!((status, e.error.as_str()), (401, "signed_out"));
    let mut tampered = cookie.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    for bad in [
        tampered.as_str(),
        "portal_session=",
        "portal_session=nonsense",
        "portal_session=../../etc",
        "other=1",
    ] {
        let (status, e) = error(app.get_with_cookie("/api/session", bad).await).await;
        assert_eq!((status, e.error.as_str()), (401, "signed_out"), "{bad}");
        let status = app
            .post_with_cookie("/api/session/refresh", bad)
            .await
            .status();
        assert_eq!(status, 401, "{bad}");
    }
    assert_eq!(
        app.get_with_cookie("/api/session", &format!("a=b; {cookie}"))
            .await
            .status(),
        200
    );
}

async fn a_new_sign_in_ends_the_previous_session_of_the_browser(db: Db) {
    let app = spawn(db).await;
    let first = app.sign_in(ANA).await;
    app.request_code(BEN).await;
    let code = app.last_code(BEN).await;
    let r = app
        .http
        .post(app.url("/api/auth/verify"))
        .header("cookie", &first)
        .json(&serde_json::json!({ "phone": BEN, "code": code }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let second = session_cookie_of(&r);
    assert_eq!(
        app.get_with_cookie("/api/session", &first).await.status(),
        401
    );
    let info: SessionInfo = app
        .get_with_cookie("/api/session", &second)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(info.phone, "•••• 5862");
}

async fn old_codes_and_sessions_are_forgotten(db: Db) {
    let app = spawn(db).await;
    app.sign_in(ANA).await;
    app.clock.advance(Duration::from_secs(37 * 3600));
    app.sign_in(ANA).await;
    let count = |table: &'static str| {
        let pool = app.store.pool().clone();
        async move {
            let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&pool)
                .await
                .unwrap();
            n
        }
    };
    assert_eq!(count("sign_in_codes").await, 1);
    assert_eq!(count("sessions").await, 1);
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
    resend_waits_30_seconds,
    five_codes_per_number_per_hour,
    one_client_address_may_ask_for_20_codes_an_hour,
    behind_a_proxy_the_limit_is_per_forwarded_address,
    codes_are_stored_only_as_keyed_hashes,
    two_verifies_of_one_code_at_once_open_one_session,
    concurrent_wrong_guesses_never_exceed_five,
    session_cookie_is_httponly_secure_samesite_strict,
    remembered_device_gets_a_30_day_cookie,
    session_ends_after_30_idle_minutes_and_reading_it_does_not_extend_it,
    staying_signed_in_restarts_the_idle_timer,
    the_idle_timer_is_written_at_most_every_ten_seconds,
    session_ends_after_12_hours_whatever_happens,
    sign_out_revokes_the_session_on_the_server,
    missing_or_tampered_cookies_are_signed_out,
    a_new_sign_in_ends_the_previous_session_of_the_browser,
    old_codes_and_sessions_are_forgotten,
    opted_out_numbers_get_403_and_no_text_until_start,
);
