//! File upload (SPEC 3.8) on both databases: one file per request, its type from its bytes, the
//! limits (size, name, files per message), attaching uploads to a message, downloads through the
//! gate and for the practice, and what a half-received upload or a killed server leaves behind.

use crate::helpers;
use helpers::people::{
    call, family, get, grace_with_lily, james_with_lily, sign_in, upload, verify, MARIA,
};
use helpers::{stored_keys, Db, TestApp};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn jpeg(len: usize) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0];
    b.extend((0..len).map(|i| (i % 251) as u8));
    b.extend([0xFF, 0xD9]);
    b
}

fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    b.extend((0..3000).map(|i| (i % 7) as u8));
    b
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// Sends `total` bytes of a JPEG with chunked encoding (no length announced) over a raw
/// connection; with `hang_up_after`, closes the connection after that many bytes. The status,
/// when an answer came.
async fn raw_upload(
    app: &TestApp,
    cookie: &str,
    patient: &str,
    total: usize,
    hang_up_after: Option<usize>,
) -> Option<u16> {
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/patients/{patient}/attachments HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\n\
         X-File-Name: big.jpg\r\nContent-Type: image/jpeg\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let body = jpeg(total);
    let mut sent = 0;
    for chunk in body.chunks(64 * 1024) {
        if hang_up_after.is_some_and(|n| sent >= n) {
            drop(s);
            return None;
        }
        let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
        if s.write_all(&framed).await.is_err() {
            break;
        }
        sent += chunk.len();
    }
    let _ = s.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        let mut buf = [0u8; 4096];
        while let Ok(n) = s.read(&mut buf).await {
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buf[..n]);
            if answer.windows(4).any(|w| w == b"\r\n\r\n") {
                break;
            }
        }
    })
    .await;
    let text = String::from_utf8_lossy(&answer);
    text.split(' ').nth(1).and_then(|c| c.parse().ok())
}

async fn attachment_rows(app: &TestApp) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM attachments")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    n
}

async fn send(
    app: &TestApp,
    cookie: &str,
    patient: &str,
    body: &str,
    ids: &[&str],
) -> (u16, Value) {
    call(
        app,
        "post",
        &format!("/api/patients/{patient}/messages"),
        Some(cookie),
        Some(json!({"body": body, "client_key": portal_server::secrets::random_token(12).replace(['_'], "-"), "attachment_ids": ids})),
    )
    .await
}

async fn bad_files_are_refused_and_nothing_is_stored(db: Db) {
    let app = helpers::spawn(db).await;
    let f = family(&app).await;
    let james = james_with_lily(&app, &f).await;
    let mut exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff".to_vec();
    exe.extend(vec![0u8; 500]);
    let svg = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec();
    let html = b"<!doctype html><html><script>alert(1)</script></html>".to_vec();
    let mut cut = jpeg(2000);
    cut.truncate(1000);
    let long = format!("{}.jpg", "a".repeat(496));
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("report.pdf", exe, 415, "file_type_not_allowed"),
        ("photo.jpg", html, 415, "file_type_not_allowed"),
        ("drawing.svg", svg, 415, "file_type_not_allowed"),
        ("cut.jpg", cut, 415, "file_type_not_allowed"),
        ("empty.jpg", Vec::new(), 422, "file_empty"),
        ("bad%07name.jpg", jpeg(10), 422, "file_name_invalid"),
        (&long, jpeg(10), 422, "file_name_invalid"),
        ("big.jpg", jpeg(11 * 1024 * 1024), 413, "file_too_large"),
    ];
    for (name, bytes, status, code) in cases {
        let (s, b) = upload(&app, &james, &f.lily, name, bytes).await;
        assert_eq!(
            (s, b["error"].as_str().unwrap_or("")),
            (status, code),
            "{name}: {b}"
        );
        if status == 415 || status == 413 {
            let shown = name.split('%').next().unwrap();
            assert!(b["message"].as_str().unwrap().contains(shown), "{b}");
        }
    }
    let (_, b) = upload(
        &app,
        &james,
        &f.lily,
        "photo.jpg",
        b"<html></html>".to_vec(),
    )
    .await;
    assert!(
        b["message"]
            .as_str()
            .unwrap()
            .contains("JPEG, PNG, HEIC/HEIF, WebP, GIF or PDF"),
        "{b}"
    );
    // Over the limit with no length announced: refused while streaming.
    let status = raw_upload(&app, &james, &f.lily, 11 * 1024 * 1024, None).await;
    assert_eq!(status, Some(413));
    assert_eq!(attachment_rows(&app).await, 0);
    assert!(
        stored_keys(&app).await.is_empty(),
        "{:?}",
        stored_keys(&app).await
    );

    // Folders in a name: only its last part is kept.
    let (s, b) = upload(
        &app,
        &james,
        &f.lily,
        "C%3A%5CUsers%5Cjames%2Fscan.pdf",
        pdf(),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["file_name"], "scan.pdf");
    assert_eq!(b["content_type"], "application/pdf");
}

async fn files_per_message_and_whose_uploads(db: Db) {
    let app = helpers::spawn(db).await;
    let f = family(&app).await;
    let james = james_with_lily(&app, &f).await;
    let grace = grace_with_lily(&app, &f).await;
    let mut ids = Vec::new();
    for i in 0..11 {
        let (s, b) = upload(&app, &james, &f.lily, &format!("p{i}.jpg"), jpeg(100)).await;
        assert_eq!(s, 201, "{b}");
        ids.push(b["id"].as_str().unwrap().to_owned());
    }
    let all: Vec<&str> = ids.iter().map(String::as_str).collect();
    let (s, b) = send(&app, &james, &f.lily, "eleven", &all).await;
    assert_eq!(
        (s, b["error"].as_str()),
        (422, Some("too_many_files")),
        "{b}"
    );
    // Grace's upload cannot go on James's message, and nothing of it is attached.
    let (_, g) = upload(&app, &grace, &f.lily, "g.png", png()).await;
    let (s, b) = send(
        &app,
        &james,
        &f.lily,
        "",
        &[all[0], g["id"].as_str().unwrap()],
    )
    .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (422, Some("attachment_not_found")),
        "{b}"
    );
    let (_, thread) = get(&app, &format!("/api/patients/{}/messages", f.lily), &james).await;
    assert_eq!(thread["messages"].as_array().unwrap().len(), 0, "{thread}");
    // Grace cannot fetch James's pending upload; Maria (not linked to Lily) fetches nothing.
    let path = format!("/api/patients/{}/attachments/{}", f.lily, ids[0]);
    assert_eq!(get(&app, &path, &grace).await.0, 404);
    let maria = sign_in(&app, MARIA).await;
    verify(&app, &maria, &f.maria, "1985-04-12", None).await;
    assert_eq!(get(&app, &path, &maria).await.0, 404);
    // Without text but with files: stored; then Grace sees and downloads it.
    let (s, b) = send(&app, &james, &f.lily, "", &all[..10]).await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["attachments"].as_array().unwrap().len(), 10);
    assert_eq!(get(&app, &path, &grace).await.0, 200);
    // An upload goes on one message only.
    let (s, _) = send(&app, &james, &f.lily, "again", &[all[0]]).await;
    assert_eq!(s, 422);
    // Empty text without files is still refused.
    let (s, b) = send(&app, &james, &f.lily, " ", &[]).await;
    assert_eq!(
        (s, b["error"].as_str()),
        (422, Some("message_empty")),
        "{b}"
    );
}

async fn attachments_reach_the_practice_with_the_same_bytes(db: Db) {
    let app = helpers::spawn(db).await;
    let f = family(&app).await;
    let james = james_with_lily(&app, &f).await;
    let files = [
        ("Análisis de \"sangre\".jpg", jpeg(50_000), "image/jpeg"),
        ("rash.png", png(), "image/png"),
        ("referral.pdf", pdf(), "application/pdf"),
    ];
    let mut ids = Vec::new();
    for (name, bytes, ty) in &files {
        let encoded: String = name
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b == b'.' {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let (s, b) = upload(&app, &james, &f.lily, &encoded, bytes.clone()).await;
        assert_eq!(s, 201, "{b}");
        assert_eq!(b["file_name"], *name);
        assert_eq!(b["content_type"], *ty);
        assert_eq!(b["sha256"], sha256_hex(bytes));
        ids.push(b["id"].as_str().unwrap().to_owned());
    }
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let (s, b) = send(&app, &james, &f.lily, "Photos and the referral", &refs).await;
    assert_eq!(s, 201, "{b}");
    let (_, thread) = get(&app, &format!("/api/patients/{}/messages", f.lily), &james).await;
    let shown = &thread["messages"][0]["attachments"];
    assert_eq!(shown.as_array().unwrap().len(), 3, "{thread}");
    assert_eq!(shown[1]["file_name"], "rash.png");

    let oak = app.token(Some("oak")).await;
    let elm = app.token(Some("elm")).await;
    for ((name, bytes, ty), id) in files.iter().zip(&ids) {
        let r = app
            .http
            .get(app.url(&format!("/api/practice/practices/oak/attachments/{id}")))
            .bearer_auth(&oak)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let h = r.headers().clone();
        assert_eq!(h["content-type"], *ty);
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["content-security-policy"], "default-src 'none'; sandbox");
        let disposition = h["content-disposition"].to_str().unwrap().to_owned();
        assert!(
            disposition.starts_with("attachment; filename=\""),
            "{disposition}"
        );
        assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
        let got = r.bytes().await.unwrap();
        assert_eq!(sha256_hex(&got), sha256_hex(bytes), "{name}");
        // Patient side, through the gate: the same bytes.
        let r = app
            .http
            .get(app.url(&format!("/api/patients/{}/attachments/{id}", f.lily)))
            .header(reqwest::header::COOKIE, &james)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        assert_eq!(sha256_hex(&r.bytes().await.unwrap()), sha256_hex(bytes));
        // Another practice: not found.
        let r = app
            .http
            .get(app.url(&format!("/api/practice/practices/elm/attachments/{id}")))
            .bearer_auth(&elm)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404);
    }
    // The practice's thread lists them; the command line writes the same bytes to a file.
    let (_, inbox) = helpers::people::oak_call(&app, &oak, "get", "conversations", None).await;
    let c = inbox[0]["id"].as_str().unwrap().to_owned();
    let (_, thread) =
        helpers::people::oak_call(&app, &oak, "get", &format!("conversations/{c}"), None).await;
    let listed = thread["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["body"] == "Photos and the referral")
        .unwrap()["attachments"]
        .clone();
    assert_eq!(listed.as_array().unwrap().len(), 3, "{thread}");
    assert_eq!(listed[2]["id"], ids[2]);
    let out = app.dir.path().join("downloaded.pdf");
    let mut env = helpers::storage_env(&app.config);
    env.push(("PORTAL_DATABASE_URL", app.config.database_url.clone()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    helpers::run_server_ok(
        &env,
        &[
            "attachments",
            "download",
            "--practice",
            "oak",
            &ids[2],
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(std::fs::read(&out).unwrap(), pdf());

    let actions = helpers::people::audit_actions(&app, &f.lily).await;
    for action in [
        "attachment.upload",
        "attachment.download",
        "practice.attachment.download",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
}

async fn half_received_uploads_and_orphans_leave_nothing(db: Db) {
    let app = helpers::spawn(db).await;
    let f = family(&app).await;
    let james = james_with_lily(&app, &f).await;
    // The client hangs up half-way: no row, and no bytes.
    assert_eq!(
        raw_upload(
            &app,
            &james,
            &f.lily,
            4 * 1024 * 1024,
            Some(2 * 1024 * 1024)
        )
        .await,
        None
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(attachment_rows(&app).await, 0);
    assert!(
        stored_keys(&app).await.is_empty(),
        "{:?}",
        stored_keys(&app).await
    );

    // A server killed between the bytes and the row: the object is there without a row.
    let storage = portal_server::storage::Storage::from_config(&app.config).unwrap();
    let orphan = storage
        .put(
            futures_util::stream::iter([Ok::<_, String>(bytes::Bytes::from(jpeg(100)))]),
            1 << 20,
        )
        .await
        .unwrap();
    // And a pending upload nobody sent, past its day.
    let (s, _) = upload(&app, &james, &f.lily, "never-sent.jpg", jpeg(100)).await;
    assert_eq!(s, 201);
    assert_eq!(stored_keys(&app).await.len(), 2);
    app.clock.advance(std::time::Duration::from_secs(25 * 3600));
    // The next server to start sweeps both.
    let _next = app.another_instance().await;
    let mut left = stored_keys(&app).await;
    for _ in 0..50 {
        if left.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        left = stored_keys(&app).await;
    }
    assert!(left.is_empty(), "{left:?} ({})", orphan.key);
    assert_eq!(attachment_rows(&app).await, 0);
}

async fn files_sent_to_the_practice_are_among_the_patients_documents(db: Db) {
    let app = helpers::spawn(db).await;
    let f = family(&app).await;
    let james = james_with_lily(&app, &f).await;
    let grace = grace_with_lily(&app, &f).await;
    let (_, sent) = upload(&app, &james, &f.lily, "school%20form.pdf", pdf()).await;
    let (_, waiting) = upload(&app, &james, &f.lily, "not-yet.jpg", jpeg(100)).await;
    let sent_id = sent["id"].as_str().unwrap();
    let (s, b) = send(&app, &james, &f.lily, "", &[sent_id]).await;
    assert_eq!(s, 201, "{b}");

    // Both parents see the sent file among Lily's documents; the upload no message took is not.
    for cookie in [&james, &grace] {
        let (s, docs) = get(&app, &format!("/api/patients/{}/documents", f.lily), cookie).await;
        assert_eq!(s, 200, "{docs}");
        let docs = docs.as_array().unwrap();
        let mine: Vec<&Value> = docs
            .iter()
            .filter(|d| d["sent_to_practice"] == true)
            .collect();
        assert_eq!(mine.len(), 1, "{docs:?}");
        assert_eq!(mine[0]["id"], sent_id);
        assert_eq!(mine[0]["file_name"], "school form.pdf");
        assert_eq!(mine[0]["title"], "school form.pdf");
        assert_eq!(mine[0]["size_bytes"], pdf().len());
        assert_eq!(mine[0]["date"].as_str().unwrap().len(), 10);
        assert!(docs.iter().all(|d| d["id"] != waiting["id"]), "{docs:?}");
    }
    // Its file is the attachment's download, through the gate.
    let r = app
        .http
        .get(app.url(&format!("/api/patients/{}/attachments/{sent_id}", f.lily)))
        .header(reqwest::header::COOKIE, &grace)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(sha256_hex(&r.bytes().await.unwrap()), sha256_hex(&pdf()));
    // Another patient's documents do not list it.
    let maria = sign_in(&app, MARIA).await;
    let (s, _) = get(&app, &format!("/api/patients/{}/documents", f.lily), &maria).await;
    assert_eq!(s, 404);
}

on_both_databases!(
    bad_files_are_refused_and_nothing_is_stored,
    files_per_message_and_whose_uploads,
    attachments_reach_the_practice_with_the_same_bytes,
    half_received_uploads_and_orphans_leave_nothing,
    files_sent_to_the_practice_are_among_the_patients_documents,
);
