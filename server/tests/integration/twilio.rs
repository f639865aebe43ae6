//! Twilio: the sender against a local stand-in for Twilio's Messages API (method, path, Basic
//! auth, form fields, error answers), and the inbound webhook with real signatures computed here.

use crate::helpers;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use helpers::{spawn_with, Db, TestApp};
use hmac::{Hmac, Mac};
use portal_server::config::{Config, Mode, Secret, SmsProvider};
use portal_server::notify::twilio::TwilioSender;
use portal_server::notify::{Message, NotifyError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wire::api::ApiError;

const ANA: &str = "+19728485861";
const SID: &str = "AC0123456789abcdef";
const TOKEN: &str = "twilio-auth-token-for-tests";
const FROM: &str = "+19725550199";
const PUBLIC: &str = "https://portal.example.com";

#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    path: String,
    authorization: Option<String>,
    content_type: Option<String>,
    form: Vec<(String, String)>,
}

impl Seen {
    fn field(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A stand-in for api.twilio.com: records each request, answers what it is told to.
#[derive(Clone)]
struct FakeTwilio {
    seen: Arc<Mutex<Vec<Seen>>>,
    answer: Arc<Mutex<(u16, serde_json::Value)>>,
    base: String,
}

impl FakeTwilio {
    async fn start() -> FakeTwilio {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let fake = FakeTwilio {
            seen: Arc::default(),
            answer: Arc::new(Mutex::new((
                201,
                serde_json::json!({ "sid": "SM123", "status": "queued" }),
            ))),
            base: format!("http://{}", listener.local_addr().unwrap()),
        };
        let app = axum::Router::new()
            .fallback(record)
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        fake
    }

    fn answer(&self, status: u16, body: serde_json::Value) {
        *self.answer.lock().unwrap() = (status, body);
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn record(
    State(fake): State<FakeTwilio>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> impl IntoResponse {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    fake.seen.lock().unwrap().push(Seen {
        method,
        path: uri.path().to_owned(),
        authorization: header("authorization"),
        content_type: header("content-type"),
        form,
    });
    let (status, body) = fake.answer.lock().unwrap().clone();
    (StatusCode::from_u16(status).unwrap(), axum::Json(body))
}

fn twilio_config(c: &mut Config, fake: &FakeTwilio) {
    c.sms_provider = SmsProvider::Twilio;
    c.twilio_account_sid = Some(SID.into());
    c.twilio_auth_token = Some(Secret(TOKEN.into()));
    c.twilio_from = Some(FROM.into());
    c.twilio_api_base = fake.base.clone();
    c.public_url = Some(PUBLIC.into());
}

async fn with_twilio(db: Db) -> (TestApp, FakeTwilio) {
    let fake = FakeTwilio::start().await;
    let f = fake.clone();
    let app = spawn_with(db, move |c| twilio_config(c, &f)).await;
    (app, fake)
}

/// Twilio's signature, computed here independently of the server's code.
fn sign(token: &str, url: &str, params: &[(&str, &str)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    let mut data = url.to_owned();
    for (k, v) in sorted {
        data.push_str(k);
        data.push_str(v);
    }
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(token.as_bytes()).unwrap();
    mac.update(data.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

fn inbound(from: &str, body: &str) -> Vec<(String, String)> {
    [
        ("MessageSid", "SM0123456789"),
        ("AccountSid", SID),
        ("From", from),
        ("To", FROM),
        ("Body", body),
        ("NumMedia", "0"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

async fn post_inbound(
    app: &TestApp,
    params: &[(String, String)],
    signature: Option<String>,
) -> reqwest::Response {
    let mut r = app.http.post(app.url("/api/twilio/sms")).form(params);
    if let Some(sig) = signature {
        r = r.header("X-Twilio-Signature", sig);
    }
    r.send().await.unwrap()
}

async fn signed_inbound(app: &TestApp, from: &str, body: &str) -> reqwest::Response {
    let params = inbound(from, body);
    let refs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let sig = sign(TOKEN, &format!("{PUBLIC}/api/twilio/sms"), &refs);
    post_inbound(app, &params, Some(sig)).await
}

async fn codes_go_out_through_twilios_messages_api(db: Db) {
    let (app, fake) = with_twilio(db).await;
    let r = app.request_code("(972) 848-5861").await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let seen = fake.seen();
    assert_eq!(seen.len(), 1);
    let req = &seen[0];
    assert_eq!(req.method, Method::POST);
    assert_eq!(
        req.path,
        format!("/2010-04-01/Accounts/{SID}/Messages.json")
    );
    assert_eq!(
        req.authorization.as_deref(),
        Some(format!("Basic {}", STANDARD.encode(format!("{SID}:{TOKEN}"))).as_str())
    );
    assert_eq!(
        req.content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(req.field("To"), Some(ANA));
    assert_eq!(req.field("From"), Some(FROM));
    assert_eq!(req.field("MessagingServiceSid"), None);
    let body = req.field("Body").unwrap();
    assert!(body.starts_with("Patient Portal: "), "{body}");
    let (_, code) = body.rsplit_once("\n\n@portal.example.com #").expect(body);
    assert_eq!(code.len(), 6);
    // Nothing went to the development outbox, and the code works.
    assert!(app.texts_to(ANA).await.is_empty());
    assert_eq!(app.verify(ANA, code, false).await.status(), 200);
}

async fn twilios_error_answers_become_clear_errors(db: Db) {
    let (app, fake) = with_twilio(db).await;
    let error = |status: u16, code: Option<u32>| {
        fake.answer(
            status,
            serde_json::json!({ "code": code, "message": "from Twilio", "status": status }),
        );
    };
    error(400, Some(21211));
    let r = app.request_code("+19728485001").await;
    let e: ApiError = r.json().await.unwrap();
    assert_eq!(
        (e.error.as_str(), e.field.as_deref()),
        ("phone_undeliverable", Some("phone"))
    );
    error(429, Some(20429));
    let r = app.request_code("+19728485002").await;
    assert_eq!(r.status(), 503);
    let e: ApiError = r.json().await.unwrap();
    assert_eq!(e.error.as_str(), "sms_unavailable");
    assert_eq!(e.retry_after_seconds, Some(60));
    error(500, None);
    let r = app.request_code("+19728485003").await;
    assert_eq!(r.status(), 503);
    // 21610: the person texted STOP to our number at Twilio; remembered here too.
    error(400, Some(21610));
    let r = app.request_code("+19728485004").await;
    assert_eq!(r.status(), 403);
    let e: ApiError = r.json().await.unwrap();
    assert_eq!(e.error.as_str(), "opted_out");
    assert!(app.store.is_opted_out("+19728485004").await.unwrap());
    let calls = fake.seen().len();
    app.clock.advance(Duration::from_secs(30));
    let r = app.request_code("+19728485004").await;
    assert_eq!(r.status(), 403);
    assert_eq!(fake.seen().len(), calls, "Twilio is not asked again");
    // A code that could not be delivered cannot be used.
    let (state,): (String,) =
        sqlx::query_as("SELECT state FROM sign_in_codes WHERE phone = '+19728485003'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(state, "failed");
}

#[tokio::test]
async fn the_sender_maps_each_answer_and_can_use_a_messaging_service() {
    let fake = FakeTwilio::start().await;
    let mut config = Config::default();
    twilio_config(&mut config, &fake);
    config.twilio_from = None;
    config.twilio_messaging_service_sid = Some("MG0123".into());
    let sender = TwilioSender::from_config(&config).unwrap();
    let text = Message::Sms {
        to: ANA.into(),
        body: "hello".into(),
    };
    sender.send(&text).await.unwrap();
    let seen = fake.seen();
    assert_eq!(seen[0].field("MessagingServiceSid"), Some("MG0123"));
    assert_eq!(seen[0].field("From"), None);
    for (status, code, check) in [
        (400, Some(21211), "Recipient"),
        (400, Some(21610), "OptedOut"),
        (429, Some(20429), "RateLimited"),
        (503, None, "Unavailable"),
        (401, Some(20003), "Unavailable"),
    ] {
        fake.answer(
            status,
            serde_json::json!({ "code": code, "message": "explained", "status": status }),
        );
        let e = sender.send(&text).await.unwrap_err();
        let kind = match &e {
            NotifyError::Recipient(_) => "Recipient",
            NotifyError::OptedOut(_) => "OptedOut",
            NotifyError::RateLimited(_) => "RateLimited",
            NotifyError::Unavailable(_) => "Unavailable",
        };
        assert_eq!(kind, check, "{status} {code:?}: {e}");
        assert!(e.to_string().contains(&status.to_string()), "{e}");
        assert!(e.to_string().contains("explained"), "{e}");
    }
    // Twilio out of reach.
    config.twilio_api_base = "http://127.0.0.1:9".into();
    let e = TwilioSender::from_config(&config)
        .unwrap()
        .send(&text)
        .await
        .unwrap_err();
    assert!(matches!(e, NotifyError::Unavailable(_)), "{e}");
    assert!(
        !e.to_string().contains(SID),
        "no account SID in messages: {e}"
    );
}

async fn stop_and_start_by_signed_webhook(db: Db) {
    let (app, fake) = with_twilio(db).await;
    let r = signed_inbound(&app, ANA, "  Stop ").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/xml"));
    let xml = r.text().await.unwrap();
    assert!(xml.ends_with("<Response/>"), "{xml}");
    let r = app.request_code(ANA).await;
    let e: ApiError = r.json().await.unwrap();
    assert_eq!(e.error.as_str(), "opted_out");
    assert!(fake.seen().is_empty(), "no text to an opted-out number");
    let r = signed_inbound(&app, ANA, "START").await;
    assert_eq!(r.status(), 200);
    let xml = r.text().await.unwrap();
    assert!(
        xml.contains("<Response><Message>") && xml.contains("STOP"),
        "{xml}"
    );
    assert_eq!(app.request_code(ANA).await.status(), 200);
    assert_eq!(fake.seen().len(), 1);
    // Every synonym stops; UNSTOP and YES start again.
    for (i, word) in [
        "STOPALL",
        "unsubscribe",
        "Cancel",
        "END",
        "quit",
        "REVOKE",
        "optout",
    ]
    .iter()
    .enumerate()
    {
        let phone = format!("+1972848510{i}");
        signed_inbound(&app, &phone, word).await;
        assert!(app.store.is_opted_out(&phone).await.unwrap(), "{word}");
        signed_inbound(&app, &phone, if i % 2 == 0 { "unstop" } else { "yes" }).await;
        assert!(!app.store.is_opted_out(&phone).await.unwrap(), "{word}");
    }
    let r = signed_inbound(&app, ANA, "help").await;
    let xml = r.text().await.unwrap();
    assert!(xml.contains("<Message>Patient Portal:"), "{xml}");
    let r = signed_inbound(&app, ANA, "who is this?").await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().ends_with("<Response/>"));
}

async fn forged_or_missing_signatures_are_refused(db: Db) {
    let (app, _fake) = with_twilio(db).await;
    let params = inbound(ANA, "STOP");
    let refs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let url = format!("{PUBLIC}/api/twilio/sms");
    let forged = [
        None,
        Some(sign("another-token", &url, &refs)),
        Some(sign(
            TOKEN,
            "https://evil.example.com/api/twilio/sms",
            &refs,
        )),
        Some(sign(TOKEN, &url, &refs[..refs.len() - 1])),
        Some("garbage".to_owned()),
    ];
    for signature in forged {
        let r = post_inbound(&app, &params, signature.clone()).await;
        assert_eq!(r.status(), 403, "{signature:?}");
        let e: ApiError = r.json().await.unwrap();
        assert_eq!(e.error.as_str(), "signature_invalid");
    }
    // A valid signature for a different body.
    let mut tampered = params.clone();
    tampered[4].1 = "START".into();
    let r = post_inbound(&app, &tampered, Some(sign(TOKEN, &url, &refs))).await;
    assert_eq!(r.status(), 403);
    assert!(!app.store.is_opted_out(ANA).await.unwrap());
}

async fn production_without_twilio_takes_no_unsigned_texts(db: Db) {
    let app = spawn_with(db, |c| c.mode = Mode::Production).await;
    let r = post_inbound(&app, &inbound(ANA, "STOP"), None).await;
    assert_eq!(r.status(), 403);
    assert!(!app.store.is_opted_out(ANA).await.unwrap());
}

on_both_databases!(
    codes_go_out_through_twilios_messages_api,
    twilios_error_answers_become_clear_errors,
    stop_and_start_by_signed_webhook,
    forged_or_missing_signatures_are_refused,
    production_without_twilio_takes_no_unsigned_texts,
);
