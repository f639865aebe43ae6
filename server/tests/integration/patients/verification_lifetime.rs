//! How long a verification lasts: 30 days on a remembered device, the session otherwise, and
//! never more than 30 days for a guardian.

use super::{code, date, family, james_details, list, secs, sign_in_remembered, verify, DAY, HOUR};
use crate::helpers;
use helpers::people::{get, ok, sign_in, JAMES};
use helpers::{spawn, Db};

async fn a_verification_lasts_30_days_on_a_remembered_device(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let (session, device) = sign_in_remembered(&app, JAMES, None).await;
    let body = ok(verify(&app, &session, &ids.james, date("11", "5", "1982"), None).await);
    let lasts = body["verified_for_seconds"].as_u64().unwrap();
    assert!(lasts > 29 * DAY && lasts <= 30 * DAY, "{lasts}");
    let path = format!("/api/patients/{}", ids.james);
    assert_eq!(get(&app, &path, &session).await.0, 200);

    // A new session on the same device, days later: not asked again.
    app.clock.advance(secs(10 * DAY));
    let (session, device) = sign_in_remembered(&app, JAMES, Some(&device)).await;
    assert_eq!(get(&app, &path, &session).await.0, 200);
    assert!(list(&app, &session, "oak").await[0].verified);

    // Another browser (no device cookie) must verify.
    let other = sign_in(&app, JAMES).await;
    let (status, body) = get(&app, &path, &other).await;
    assert_eq!((status, code(&body)), (403, "verify_first"));

    // After 30 days the device is forgotten and the verification with it.
    app.clock.advance(secs(20 * DAY));
    let (session, _) = sign_in_remembered(&app, JAMES, Some(&device)).await;
    let (status, body) = get(&app, &path, &session).await;
    assert_eq!((status, code(&body)), (403, "verify_first"));
}

async fn without_a_remembered_device_a_verification_lasts_the_session(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let session = sign_in(&app, JAMES).await;
    let body = ok(verify(&app, &session, &ids.james, date("11", "5", "1982"), None).await);
    let lasts = body["verified_for_seconds"].as_u64().unwrap();
    assert!(lasts <= 12 * HOUR, "{lasts}");
    let path = format!("/api/patients/{}", ids.james);
    assert_eq!(get(&app, &path, &session).await.0, 200);
    let next = sign_in(&app, JAMES).await;
    let (status, body) = get(&app, &path, &next).await;
    assert_eq!((status, code(&body)), (403, "verify_first"));
}

async fn guardians_verify_again_after_30_days_even_on_a_remembered_device(db: Db) {
    let app = spawn(db).await;
    let ids = family(&app).await;
    let (session, device) = sign_in_remembered(&app, JAMES, None).await;
    let body = ok(verify(
        &app,
        &session,
        &ids.lily,
        date("9", "3", "2016"),
        Some(james_details()),
    )
    .await);
    assert!(body["verified_for_seconds"].as_u64().unwrap() <= 30 * DAY);
    let expires: Vec<(i64, i64)> =
        sqlx::query_as("SELECT verified_at, expires_at FROM dob_verifications")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    assert!(expires.iter().all(|(v, e)| e - v <= 30 * DAY as i64 * 1000));
    let path = format!("/api/patients/{}", ids.lily);
    app.clock.advance(secs(29 * DAY));
    let (session, device) = sign_in_remembered(&app, JAMES, Some(&device)).await;
    assert_eq!(get(&app, &path, &session).await.0, 200);
    app.clock.advance(secs(DAY));
    let (session, _) = sign_in_remembered(&app, JAMES, Some(&device)).await;
    let (status, body) = get(&app, &path, &session).await;
    assert_eq!((status, code(&body)), (403, "verify_first"));
    // Already active: the guardian only types the child's date of birth again.
    let (status, _) = verify(&app, &session, &ids.lily, date("9", "3", "2016"), None).await;
    assert_eq!(status, 200);
    assert_eq!(get(&app, &path, &session).await.0, 200);
}

on_both_databases!(
    a_verification_lasts_30_days_on_a_remembered_device,
    without_a_remembered_device_a_verification_lasts_the_session,
    guardians_verify_again_after_30_days_even_on_a_remembered_device,
);
