//! The limits on asking and guessing: the resend wait, codes per number and per client address
//! (behind a proxy too), and verifies sent at the same time.

use super::{error, mins, secs, wrong, ANA, BEN};
use crate::helpers;
use helpers::{spawn, Db, TestApp};

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

on_both_databases!(
    resend_waits_30_seconds,
    five_codes_per_number_per_hour,
    one_client_address_may_ask_for_20_codes_an_hour,
    behind_a_proxy_the_limit_is_per_forwarded_address,
    two_verifies_of_one_code_at_once_open_one_session,
    concurrent_wrong_guesses_never_exceed_five,
);
