//! Medical access links (SPEC 3.6) on both databases: the e-mail, preview and redeem, one answer
//! for every dead link, an account that already has the record, two accounts racing, a patient
//! without a usable e-mail address, the typed-code limits, and revoking a contact link.

use crate::helpers;
use helpers::people::{
    call, family, get, oak_call, ok, patient, post_at_once, sign_in, verify, Family, GRACE, JAMES,
    MARIA, NOBODY,
};
use helpers::{Db, TestApp};
use serde_json::{json, Value};
use std::time::Duration;

const DAY: u64 = 24 * 3600;

/// Ana Diaz at Oak: prefers Spanish, has an e-mail on file, and NOBODY's number as `self`.
async fn ana(app: &TestApp) -> String {
    patient(
        app,
        "oak",
        json!({"first_name": "Ana", "last_name": "Diaz", "dob": "2012-05-01",
               "email": "ana.diaz@example.com", "preferred_language": "es",
               "mobile_phone": NOBODY}),
    )
    .await
}

struct Emailed {
    body: String,
    subject: String,
    token: String,
    code: String,
}

async fn emails(app: &TestApp) -> Vec<(String, String, String)> {
    app.store
        .list_outbox(1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.channel == "email")
        .map(|m| (m.to_address, m.subject.unwrap_or_default(), m.body))
        .collect()
}

/// The newest e-mail, with the token from its link and the code from its code line.
async fn last_email(app: &TestApp) -> Emailed {
    let (_, subject, body) = emails(app).await.into_iter().next().expect("an e-mail");
    let at = body.find("/link/").expect("a link") + "/link/".len();
    let token: String = body[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let code = body
        .lines()
        .find(|l| l.contains("código") || l.contains("code:"))
        .and_then(|l| l.rsplit_once(": "))
        .map(|(_, c)| c.trim().to_owned())
        .expect("a code line");
    Emailed {
        body,
        subject,
        token,
        code,
    }
}

/// Creates (and e-mails) an access link for an Oak patient, with this practice token.
async fn create_link(app: &TestApp, token: &str, patient: &str) -> (u16, Value) {
    oak_call(
        app,
        token,
        "post",
        &format!("patients/{patient}/access-links"),
        None,
    )
    .await
}

/// The preview of the link in an e-mail (`GET /api/access-links/{token}`).
async fn open_link(app: &TestApp, cookie: &str, token: &str) -> (u16, Value) {
    get(app, &format!("/api/access-links/{token}"), cookie).await
}

/// The preview of a typed code.
async fn preview_code(app: &TestApp, cookie: &str, code: &str) -> (u16, Value) {
    call(
        app,
        "post",
        "/api/access-links/preview",
        Some(cookie),
        Some(json!({ "code": code })),
    )
    .await
}

/// Redeems a link: `{"token": …}` or `{"code": …}`.
async fn redeem(app: &TestApp, cookie: &str, body: Value) -> (u16, Value) {
    call(
        app,
        "post",
        "/api/access-links/redeem",
        Some(cookie),
        Some(body),
    )
    .await
}

/// Oak's list of the patient's access links.
async fn links_of(app: &TestApp, token: &str, patient: &str) -> (u16, Value) {
    oak_call(
        app,
        token,
        "get",
        &format!("patients/{patient}/access-links"),
        None,
    )
    .await
}

async fn revoke_link(app: &TestApp, token: &str, link: &str) -> (u16, Value) {
    oak_call(
        app,
        token,
        "post",
        &format!("access-links/{link}/revoke"),
        None,
    )
    .await
}

/// Oak's list of the patient's contact links.
async fn contacts_of(app: &TestApp, token: &str, patient: &str) -> (u16, Value) {
    oak_call(
        app,
        token,
        "get",
        &format!("patients/{patient}/contacts"),
        None,
    )
    .await
}

async fn revoke_contact(app: &TestApp, token: &str, patient: &str, contact: &str) -> (u16, Value) {
    oak_call(
        app,
        token,
        "post",
        &format!("patients/{patient}/contacts/{contact}/revoke"),
        None,
    )
    .await
}

async fn setup(app: &TestApp) -> (Family, String, String) {
    let f = family(app).await;
    let ana = ana(app).await;
    let token = app.token(Some("oak")).await;
    (f, ana, token)
}

async fn a_link_is_emailed_in_the_patients_language_and_adds_a_linked_record(db: Db) {
    let app = helpers::spawn(db).await;
    let (_f, ana, token) = setup(&app).await;
    let (status, link) = create_link(&app, &token, &ana).await;
    assert_eq!(status, 201, "{link}");
    assert_eq!(link["status"], "pending");
    assert_eq!(link["sent_to"], "ana.diaz@example.com");
    let all = emails(&app).await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].0, "ana.diaz@example.com");
    let mail = last_email(&app).await;
    assert!(
        mail.subject.contains("Oak Family Medicine"),
        "{}",
        mail.subject
    );
    assert!(mail.body.contains("Oak Family Medicine"), "{}", mail.body);
    assert!(mail.body.contains("Hola Ana"), "Spanish: {}", mail.body);
    assert!(mail
        .body
        .contains(&format!("{}/link/{}", app.config.public_base(), mail.token)));
    assert!(mail.token.len() >= 22, "≥ 128 bits: {}", mail.token);
    assert_eq!(mail.code.split(' ').count(), 4, "{}", mail.code);
    for dob in ["2012-05-01", "05/01/2012", "1/5/2012", "2012"] {
        assert!(!mail.body.contains(dob), "no date of birth: {}", mail.body);
    }
    let text = link.to_string();
    assert!(!text.contains(&mail.token) && !text.contains(&mail.code.replace(' ', "-")));

    let maria = sign_in(&app, MARIA).await;
    for _ in 0..2 {
        let preview = ok(open_link(&app, &maria, &mail.token).await);
        assert_eq!(
            preview,
            json!({"patient_first_name": "Ana", "patient_last_name": "Diaz",
                   "practice_name": "Oak Family Medicine", "practice_slug": "oak",
                   "expires_at": link["expires_at"]})
        );
    }
    let (status, redeemed) = redeem(&app, &maria, json!({"token": mail.token})).await;
    assert_eq!(status, 200, "{redeemed}");
    assert_eq!(redeemed["patient_id"], ana.as_str());
    assert_eq!(redeemed["relationship"], "linked");
    let (_, list) = get(&app, "/api/practices/oak/patients", &maria).await;
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == ana.as_str())
        .expect("Ana is in Maria's list");
    assert_eq!(row["relationship"], "linked");
    assert_eq!(row["status"], "active");
    assert_eq!(row["verified"], false);
    let (status, answer) = get(&app, &format!("/api/patients/{ana}"), &maria).await;
    assert_eq!(status, 403, "date of birth first: {answer}");
    assert_eq!(answer["error"], "verify_first");
    verify(&app, &maria, &ana, "2012-05-01", None).await;
    let (status, _) = get(&app, &format!("/api/patients/{ana}"), &maria).await;
    assert_eq!(status, 200);

    let (_, links) = links_of(&app, &token, &ana).await;
    assert_eq!(links[0]["status"], "used");
    assert!(links[0]["used_at"].is_string());
    let (status, answer) = revoke_link(&app, &token, link["id"].as_str().unwrap()).await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["error"], "link_used");
    let (_, audit) = oak_call(&app, &token, "get", &format!("patients/{ana}/audit"), None).await;
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"practice.access_link.create"),
        "{actions:?}"
    );
    assert!(actions.contains(&"access_link.redeem"), "{actions:?}");

    // Another practice's token cannot touch Oak's patient.
    let elm = app.token(Some("elm")).await;
    let (status, _) = create_link(&app, &elm, &ana).await;
    assert_eq!(status, 404);
}

async fn every_dead_link_and_code_gets_the_same_answer(db: Db) {
    let app = helpers::spawn(db).await;
    let (_f, ana, token) = setup(&app).await;
    // Used (by Maria), revoked, and one that will expire.
    create_link(&app, &token, &ana).await;
    let used = last_email(&app).await;
    let (_, revoked_link) = create_link(&app, &token, &ana).await;
    let revoked = last_email(&app).await;
    let (status, answer) = revoke_link(&app, &token, revoked_link["id"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], "revoked");
    create_link(&app, &token, &ana).await;
    let expiring = last_email(&app).await;

    let maria = sign_in(&app, MARIA).await;
    let (status, _) = redeem(&app, &maria, json!({"token": used.token})).await;
    assert_eq!(status, 200);

    let james = sign_in(&app, JAMES).await;
    let the_answer = json!({"error": "link_not_usable",
        "message": "This link no longer works. Ask the practice for a new one."});
    let check = |status: u16, body: Value, what: &str| {
        assert_eq!(status, 410, "{what}: {body}");
        assert_eq!(body, the_answer, "{what}");
    };
    let random_token = portal_server::secrets::random_token(32);
    for (what, t) in [
        ("used", used.token.as_str()),
        ("revoked", revoked.token.as_str()),
        ("unknown", random_token.as_str()),
    ] {
        let (s, b) = open_link(&app, &james, t).await;
        check(s, b, what);
        let (s, b) = redeem(&app, &james, json!({"token": t})).await;
        check(s, b, what);
    }
    let random_words = portal_server::access_links::words::random_code();
    for (what, c) in [
        ("used code", used.code.as_str()),
        ("revoked code", revoked.code.as_str()),
        ("random words", random_words.as_str()),
        ("not words", "hello world"),
    ] {
        let (s, b) = preview_code(&app, &james, c).await;
        check(s, b, what);
    }

    // Day 5 minus a little: still works (preview); day 5 plus one second: dead.
    app.clock.advance(Duration::from_secs(5 * DAY - 120));
    let james = sign_in(&app, JAMES).await;
    ok(open_link(&app, &james, &expiring.token).await);
    let (s, b) = preview_code(&app, &james, &expiring.code.to_uppercase()).await;
    assert_eq!(s, 200, "typed in capitals: {b}");
    app.clock.advance(Duration::from_secs(120 - 31 + 1));
    for _ in 0..1 {
        let (s, b) = open_link(&app, &james, &expiring.token).await;
        check(s, b, "expired");
        let (s, b) = redeem(&app, &james, json!({"code": expiring.code})).await;
        check(s, b, "expired code");
    }
    let (_, links) = links_of(&app, &token, &ana).await;
    let mut statuses: Vec<&str> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["status"].as_str().unwrap())
        .collect();
    statuses.sort();
    assert_eq!(statuses, ["expired", "revoked", "used"]);
}

async fn an_account_that_already_has_the_record_is_told_and_the_link_is_kept(db: Db) {
    let app = helpers::spawn(db).await;
    let (_f, ana, token) = setup(&app).await;
    create_link(&app, &token, &ana).await;
    let mail = last_email(&app).await;
    // NOBODY is Ana's own number (`self`).
    let own = sign_in(&app, NOBODY).await;
    let (s, b) = open_link(&app, &own, &mail.token).await;
    assert_eq!(s, 409, "{b}");
    assert_eq!(b["error"], "already_linked");
    assert!(b["message"].as_str().unwrap().contains("Ana Diaz"));
    let (s, b) = redeem(&app, &own, json!({"token": mail.token})).await;
    assert_eq!(s, 409, "{b}");
    assert_eq!(b["error"], "already_linked");
    let maria = sign_in(&app, MARIA).await;
    let (s, b) = redeem(&app, &maria, json!({"code": mail.code})).await;
    assert_eq!(s, 200, "the link was not used up: {b}");
}

async fn two_accounts_racing_for_one_link_exactly_one_wins(db: Db) {
    let app = helpers::spawn(db).await;
    let (_f, ana, token) = setup(&app).await;
    let maria = sign_in(&app, MARIA).await;
    let james = sign_in(&app, JAMES).await;
    let grace = sign_in(&app, GRACE).await;
    for _round in 0..3 {
        create_link(&app, &token, &ana).await;
        let mail = last_email(&app).await;
        let cookies = [maria.clone(), james.clone(), grace.clone()];
        let statuses = post_at_once(
            &app,
            cookies
                .iter()
                .cycle()
                .take(6)
                .map(|cookie| {
                    let body = json!({"token": mail.token});
                    ("/api/access-links/redeem".to_owned(), cookie.clone(), body)
                })
                .collect(),
        )
        .await;
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{statuses:?}"
        );
        assert!(
            statuses.iter().all(|s| [200, 409, 410].contains(s)),
            "{statuses:?}"
        );
        // Start the next round with nobody linked but Ana herself.
        let (_, contacts) = contacts_of(&app, &token, &ana).await;
        let linked: Vec<&Value> = contacts
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["relationship"] == "linked" && c["status"] == "active")
            .collect();
        assert_eq!(linked.len(), 1, "{contacts}");
        let (s, _) = revoke_contact(&app, &token, &ana, linked[0]["id"].as_str().unwrap()).await;
        assert_eq!(s, 200);
    }
}

async fn a_patient_without_a_usable_email_is_a_422_and_nothing_is_sent(db: Db) {
    let app = helpers::spawn(db).await;
    let (f, _ana, token) = setup(&app).await;
    let (s, b) = create_link(&app, &token, &f.lily).await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(b["error"], "email_missing");
    assert_eq!(b["field"], "email");
    sqlx::query("UPDATE patients SET email = 'lily at example' WHERE id = $1")
        .bind(&f.lily)
        .execute(app.store.pool())
        .await
        .unwrap();
    let (s, b) = create_link(&app, &token, &f.lily).await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(b["error"], "email_invalid");
    assert_eq!(b["field"], "email");
    assert!(emails(&app).await.is_empty());
    let (_, links) = links_of(&app, &token, &f.lily).await;
    assert_eq!(links, json!([]));
}

async fn typed_codes_are_limited_per_account_and_per_address(db: Db) {
    let app = helpers::spawn(db).await;
    let (_f, ana, token) = setup(&app).await;
    create_link(&app, &token, &ana).await;
    let mail = last_email(&app).await;
    let maria = sign_in(&app, MARIA).await;
    let wrong = || portal_server::access_links::words::random_code();
    for _ in 0..10 {
        let (s, b) = preview_code(&app, &maria, &wrong()).await;
        assert_eq!(s, 410, "{b}");
    }
    let (s, b) = preview_code(&app, &maria, &mail.code).await;
    assert_eq!(s, 429, "even the right code waits: {b}");
    assert_eq!(b["error"], "too_many_requests");
    let wait = b["retry_after_seconds"].as_u64().unwrap();
    assert!(wait > 3000 && wait <= 3600, "{wait}");
    assert!(b["message"].as_str().unwrap().contains("minutes"), "{b}");
    // The token in the e-mail is not limited.
    let (s, _) = open_link(&app, &maria, &mail.token).await;
    assert_eq!(s, 200);
    // The same client address: 30 codes an hour, all accounts together.
    let james = sign_in(&app, JAMES).await;
    let grace = sign_in(&app, GRACE).await;
    for cookie in [&james, &grace] {
        for _ in 0..10 {
            let (s, _) = preview_code(&app, cookie, &wrong()).await;
            assert_eq!(s, 410);
        }
    }
    let other = sign_in(&app, "+19725550108").await;
    let (s, b) = redeem(&app, &other, json!({"code": mail.code})).await;
    assert_eq!(s, 429, "{b}");
    // An hour later the account may try again.
    app.clock.advance(Duration::from_secs(3600));
    let maria = sign_in(&app, MARIA).await;
    ok(redeem(&app, &maria, json!({"code": mail.code})).await);
}

async fn a_revoked_contact_link_loses_access_at_once(db: Db) {
    let app = helpers::spawn(db).await;
    let (f, _ana, token) = setup(&app).await;
    let grace = sign_in(&app, GRACE).await;
    verify(&app, &grace, &f.robert, "1941-06-30", None).await;
    let path = format!("/api/patients/{}", f.robert);
    let (s, _) = get(&app, &path, &grace).await;
    assert_eq!(s, 200);
    let (_, contacts) = contacts_of(&app, &token, &f.robert).await;
    let id = contacts[0]["id"].as_str().unwrap().to_owned();
    let b = ok(revoke_contact(&app, &token, &f.robert, &id).await);
    assert_eq!(b["status"], "revoked");
    let (s, b) = get(&app, &path, &grace).await;
    assert_eq!(s, 404, "{b}");
    let (s, _) = get(
        &app,
        &format!("/api/patients/{}/messages", f.robert),
        &grace,
    )
    .await;
    assert_eq!(s, 404);
}

on_both_databases!(
    a_link_is_emailed_in_the_patients_language_and_adds_a_linked_record,
    every_dead_link_and_code_gets_the_same_answer,
    an_account_that_already_has_the_record_is_told_and_the_link_is_kept,
    two_accounts_racing_for_one_link_exactly_one_wins,
    a_patient_without_a_usable_email_is_a_422_and_nothing_is_sent,
    typed_codes_are_limited_per_account_and_per_address,
    a_revoked_contact_link_loses_access_at_once,
);
