//! The SMTP sender against a small SMTP server in the test that really receives the message
//! (plain TCP, with and without AUTH), and the answers it turns into errors.

use crate::helpers;
use portal_server::config::{Config, EmailProvider, Secret, SmtpTls};
use portal_server::notify::smtp::SmtpSender;
use portal_server::notify::{Message, NotifyError, Sender};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// What the listener saw of one mail.
#[derive(Debug, Default, Clone)]
pub struct Received {
    pub commands: Vec<String>,
    pub data: String,
}

/// A minimal SMTP server: EHLO (with AUTH PLAIN/LOGIN), AUTH, MAIL, RCPT, DATA, QUIT. Refuses
/// recipients at `refuse.example` with a permanent 550.
pub async fn start_listener() -> (u16, Arc<Mutex<Vec<Received>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen: Arc<Mutex<Vec<Received>>> = Arc::default();
    let store = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read);
                let mut current = Received::default();
                write.write_all(b"220 test.local ESMTP\r\n").await.ok();
                loop {
                    let mut line = String::new();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let command = line.trim_end().to_owned();
                    current.commands.push(command.clone());
                    let upper = command.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") {
                        b"250-test.local\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("AUTH") {
                        b"235 2.7.0 Authentication successful\r\n"
                    } else if upper.starts_with("MAIL FROM") {
                        b"250 OK\r\n"
                    } else if upper.starts_with("RCPT TO") {
                        if upper.contains("REFUSE.EXAMPLE") {
                            b"550 5.1.1 No such user\r\n"
                        } else {
                            b"250 OK\r\n"
                        }
                    } else if upper == "DATA" {
                        write.write_all(b"354 go ahead\r\n").await.ok();
                        let mut data = String::new();
                        loop {
                            let mut l = String::new();
                            if lines.read_line(&mut l).await.unwrap_or(0) == 0 {
                                return;
                            }
                            if l == ".\r\n" {
                                break;
                            }
                            data.push_str(&l);
                        }
                        current.data = data;
                        store.lock().unwrap().push(current.clone());
                        current = Received::default();
                        b"250 OK queued\r\n"
                    } else if upper == "QUIT" {
                        write.write_all(b"221 bye\r\n").await.ok();
                        return;
                    } else if upper == "RSET" || upper == "NOOP" {
                        b"250 OK\r\n"
                    } else {
                        b"502 not implemented\r\n"
                    };
                    write.write_all(reply).await.ok();
                }
            });
        }
    });
    (port, seen)
}

/// Undoes quoted-printable soft line breaks and `=XX` escapes, enough to read a body.
pub fn unfold(data: &str) -> String {
    let joined = data.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn config(port: u16) -> Config {
    Config {
        email_provider: EmailProvider::Smtp,
        smtp_host: Some("127.0.0.1".into()),
        smtp_port: port,
        smtp_tls: SmtpTls::None,
        smtp_from: Some("Patient Portal <portal@example.com>".into()),
        ..Config::default()
    }
}

#[tokio::test]
async fn an_email_reaches_a_real_smtp_server() {
    let (port, seen) = start_listener().await;
    let sender = SmtpSender::from_config(&config(port)).unwrap();
    let body = "Hola Ana,\n\nLakeside Family Medicine le envió un enlace: https://portal.example.com/link/abc\n";
    sender
        .send(&Message::Email {
            to: "ana@example.com".into(),
            subject: "Su enlace".into(),
            body: body.into(),
        })
        .await
        .unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    let mail = &seen[0];
    assert!(mail
        .commands
        .iter()
        .any(|c| c == "MAIL FROM:<portal@example.com>"));
    assert!(mail
        .commands
        .iter()
        .any(|c| c == "RCPT TO:<ana@example.com>"));
    assert!(
        !mail.commands.iter().any(|c| c.starts_with("AUTH")),
        "no user name, no AUTH"
    );
    let data = unfold(&mail.data);
    assert!(
        data.contains("Content-Type: text/plain; charset=utf-8"),
        "{data}"
    );
    assert!(data.contains("To: ana@example.com"), "{data}");
    assert!(
        data.contains("From: \"Patient Portal\" <portal@example.com>"),
        "{data}"
    );
    assert!(data.contains("le envió un enlace"), "{data}");
    assert!(
        data.contains("https://portal.example.com/link/abc"),
        "{data}"
    );
}

#[tokio::test]
async fn credentials_are_sent_with_auth() {
    let (port, seen) = start_listener().await;
    let mut c = config(port);
    c.smtp_username = Some("portal-user".into());
    c.smtp_password = Some(Secret("s3cret".into()));
    let sender = SmtpSender::from_config(&c).unwrap();
    sender
        .send(&Message::Email {
            to: "ana@example.com".into(),
            subject: "Hi".into(),
            body: "Hello".into(),
        })
        .await
        .unwrap();
    let seen = seen.lock().unwrap().clone();
    let auth = seen[0]
        .commands
        .iter()
        .find(|c| c.starts_with("AUTH"))
        .expect("AUTH was sent")
        .clone();
    use base64::Engine;
    let encoded = auth.rsplit(' ').next().unwrap();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap();
    assert_eq!(decoded, b"\0portal-user\0s3cret");
}

#[tokio::test]
async fn refusals_and_an_unreachable_server_are_told_apart() {
    let (port, _seen) = start_listener().await;
    let sender = SmtpSender::from_config(&config(port)).unwrap();
    let refused = sender
        .send(&Message::Email {
            to: "nobody@refuse.example".into(),
            subject: "Hi".into(),
            body: "Hello".into(),
        })
        .await
        .unwrap_err();
    assert!(matches!(refused, NotifyError::Recipient(_)), "{refused:?}");
    let bad = sender
        .send(&Message::Email {
            to: "not an address".into(),
            subject: "Hi".into(),
            body: "Hello".into(),
        })
        .await
        .unwrap_err();
    assert!(matches!(bad, NotifyError::Recipient(_)), "{bad:?}");
    // A port nobody listens on.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);
    let sender = SmtpSender::from_config(&config(closed_port)).unwrap();
    let down = sender
        .send(&Message::Email {
            to: "ana@example.com".into(),
            subject: "Hi".into(),
            body: "Hello".into(),
        })
        .await
        .unwrap_err();
    assert!(matches!(down, NotifyError::Unavailable(_)), "{down:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_access_link_is_delivered_by_smtp_in_the_patients_language() {
    let (port, seen) = start_listener().await;
    let app = helpers::spawn_with(helpers::Db::Sqlite, |c| {
        c.email_provider = EmailProvider::Smtp;
        c.smtp_host = Some("127.0.0.1".into());
        c.smtp_port = port;
        c.smtp_tls = SmtpTls::None;
        c.smtp_from = Some("Oak Portal <portal@oak.example>".into());
        c.public_url = Some("https://portal.example.com".into());
    })
    .await;
    helpers::people::family(&app).await;
    let ana = helpers::people::patient(
        &app,
        "oak",
        serde_json::json!({"first_name": "Ana", "last_name": "Diaz", "dob": "2012-05-01",
            "email": "ana.diaz@example.com", "preferred_language": "es"}),
    )
    .await;
    let token = app.token(Some("oak")).await;
    let (status, link) = helpers::people::practice_call(
        &app,
        "post",
        &format!("/api/practice/practices/oak/patients/{ana}/access-links"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 201, "{link}");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert!(seen[0]
        .commands
        .iter()
        .any(|c| c == "RCPT TO:<ana.diaz@example.com>"));
    let data = unfold(&seen[0].data);
    assert!(data.contains("Hola Ana"), "{data}");
    assert!(data.contains("Oak Family Medicine"), "{data}");
    assert!(data.contains("https://portal.example.com/link/"), "{data}");
    assert!(!data.contains("2012"), "no date of birth: {data}");
    // Nothing went to the development outbox.
    assert!(app.store.list_outbox(10).await.unwrap().is_empty());

    // A refused recipient: the practice is told, and the link does not work.
    let bad = helpers::people::patient(
        &app,
        "oak",
        serde_json::json!({"first_name": "Bo", "last_name": "Ng", "dob": "2010-01-01",
            "email": "bo@refuse.example"}),
    )
    .await;
    let (status, answer) = helpers::people::practice_call(
        &app,
        "post",
        &format!("/api/practice/practices/oak/patients/{bad}/access-links"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["error"], "email_undeliverable");
    let (_, links) = helpers::people::practice_call(
        &app,
        "get",
        &format!("/api/practice/practices/oak/patients/{bad}/access-links"),
        &token,
        None,
    )
    .await;
    assert_eq!(links[0]["status"], "revoked");
}
