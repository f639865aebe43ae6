//! The session a code opens: its cookie, the remembered device, the idle and absolute limits,
//! signing out, bad cookies, and forgetting old codes and sessions.

use super::{error, mins, secs, ANA, BEN};
use crate::helpers;
use helpers::{session_cookie_of, set_cookies, spawn, Db, TestApp};
use std::time::Duration;
use wire::auth::SessionInfo;

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

on_both_databases!(
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
);
