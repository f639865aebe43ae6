//! Sending with the uploads' ids, and files in the thread as downloads.

use serde_json::json;
use wasm_bindgen_test::*;

use super::{attachment, choose, msg, open_messages, row_of, rows, send_button, SEND};
use crate::browser::*;

#[wasm_bindgen_test]
async fn send_carries_the_uploads_ids_and_the_thread_shows_them_as_downloads() {
    let card = attachment("att-1", "card.png", "image/png", 2048);
    let (host, _app) = open_messages(
        vec![msg(1, false, "Please send your insurance card", vec![])],
        json!({ SEND: [503, { "error": "database_unavailable", "message": "x" }] }),
    )
    .await;
    choose("#message-files", &[("card.png", "image/png", 2048)]);
    wait_until("uploaded", || row_of("card.png").contains("Uploaded")).await;
    // No text: with files that is fine.
    send_button().click();
    wait_until("the send fails", || {
        text(".msg-unsent").contains("Not sent")
    })
    .await;
    assert_eq!(
        last_body(SEND)["attachment_ids"],
        json!(["att-1"]),
        "{}",
        last_body(SEND)
    );
    assert_eq!(last_body(SEND)["body"], "");
    assert_eq!(rows(), 0, "the picker empties");
    assert_eq!(
        js("window.__revoked.length").as_f64(),
        Some(1.0),
        "the preview is released once sent"
    );
    assert!(text(".msg-unsent").contains("card.png"));
    let key = last_body(SEND)["client_key"].clone();

    // Try again sends the same ids under the same key.
    let mut stored = msg(2, true, "", vec![card]);
    stored["client_key"] = key.clone();
    stub_route(SEND, 201, stored);
    js("document.querySelector('.msg-unsent button').click()");
    wait_until("sent", || find(".msg-unsent").is_none()).await;
    assert_eq!(last_body(SEND)["attachment_ids"], json!(["att-1"]));
    assert_eq!(last_body(SEND)["client_key"], key);
    let link = "a[href='/api/patients/p-lily/attachments/att-1']";
    assert_eq!(text(link), "card.png");
    assert_eq!(attr(link, "download").as_deref(), Some(""));
    assert!(text(".thread li:nth-child(2)").contains("Image · 2 KB"));
    host.remove();
}

#[wasm_bindgen_test]
async fn the_thread_shows_the_practices_files_too() {
    let (host, _app) = open_messages(
        vec![msg(
            1,
            false,
            "Your results",
            vec![attachment("att-5", "labs.pdf", "application/pdf", 250_000)],
        )],
        json!({}),
    )
    .await;
    let link = "a[href='/api/patients/p-lily/attachments/att-5']";
    wait_until("the file", || find(link).is_some()).await;
    assert_eq!(text(link), "labs.pdf");
    assert!(text(".msg-files").contains("PDF document · 245 KB"));
    host.remove();
}
