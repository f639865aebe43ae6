//! The documents page: what was sent, and sending more as a message.

use serde_json::{json, Value};
use wasm_bindgen_test::*;

use super::{choose, msg, row_of, rows, start, DOCUMENTS, SEND};
use crate::browser::*;

fn records(documents: Value) -> Value {
    json!({
        "GET /api/patients/p-lily/appointments": [200, []],
        DOCUMENTS: [200, documents],
        "GET /api/patients/p-lily/treatment-plans": [200, []],
        "GET /api/patients/p-lily/forms": [200, []],
    })
}

#[wasm_bindgen_test]
async fn the_documents_page_lists_what_was_sent_and_sends_more_as_a_message() {
    let sent = json!({
        "id": "att-3", "title": "card.png", "date": "2026-11-20", "file_name": "card.png",
        "content_type": "image/png", "size_bytes": 2048, "sent_to_practice": true,
    });
    let published = json!({
        "id": "d1", "title": "Lab results", "date": "2026-11-02", "file_name": "labs.pdf",
        "content_type": "application/pdf", "size_bytes": 250000, "sent_to_practice": false,
    });
    let mut routes = records(json!([published.clone(), sent.clone()]));
    routes[SEND] = json!([201, msg(7, true, "", vec![])]);
    start("/patients/p-lily/records", "en", routes);
    let (host, _app) = mount();
    wait_until("the documents", || text("main").contains("Lab results")).await;
    let link = "a[href='/api/patients/p-lily/attachments/att-3']";
    assert!(
        find(link).is_some(),
        "a sent file downloads as the attachment"
    );
    assert!(find("a[href='/api/patients/p-lily/documents/d1/file']").is_some());
    let main = text("main");
    assert!(
        main.contains("Sent to the practice · November 20, 2026 · card.png · 2 KB"),
        "{main}"
    );
    assert!(
        !main.contains("Sent to the practice · November 2,"),
        "{main}"
    );

    // Nothing chosen: said, nothing sent.
    assert!(text(".send-documents h2").contains("Send documents to the practice"));
    find(".send-documents button[type=submit]").unwrap().click();
    wait_until("the error", || {
        text("#error-summary").contains("Choose at least one file")
    })
    .await;
    assert_eq!(count(SEND), 0);

    choose("#documents-files", &[("card.png", "image/png", 2048)]);
    wait_until("uploaded", || row_of("card.png").contains("Uploaded")).await;
    type_into("#note", "Front and back");
    find(".send-documents button[type=submit]").unwrap().click();
    wait_until("the success", || {
        text(".send-documents .notice")
            == "Sent to Lakeside Family Medicine. You'll find them in Messages."
    })
    .await;
    assert_eq!(
        attr(".send-documents .notice", "role").as_deref(),
        Some("status")
    );
    let body = last_body(SEND);
    assert_eq!(body["attachment_ids"], json!(["att-1"]));
    assert_eq!(body["body"], "Front and back");
    assert_eq!(rows(), 0);
    assert_eq!(value("#note"), "");
    wait_until("the list loads again", || count(DOCUMENTS) == 2).await;
    host.remove();
}
