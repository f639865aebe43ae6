//! The linked record: appointments, documents, treatment plans and forms (SPEC 3.7).

use portal::i18n::{strings, Language};
use serde_json::{json, Value};
use wasm_bindgen_test::*;

use super::{appointment, mount, refusal, start};
use crate::browser::*;

fn records(appointments: Value, documents: Value) -> Value {
    json!({
        "GET /api/patients/p-lily/appointments": [200, appointments],
        "GET /api/patients/p-lily/documents": [200, documents],
        "GET /api/patients/p-lily/treatment-plans": [200, [{
            "id": "t1", "title": "Asthma plan", "body": "Inhaler twice a day.\nCall if worse.",
            "updated_at": "2026-11-20T15:05:00Z", "practice_time_zone": "America/Chicago",
        }]],
        "GET /api/patients/p-lily/forms": [200, [{
            "id": "f1", "title": "School form", "status": "in_progress", "due_date": "2026-12-01",
            "updated_at": "2026-11-20T15:05:00Z", "practice_time_zone": "America/Chicago",
        }]],
    })
}

#[wasm_bindgen_test]
async fn records_show_upcoming_then_past_in_the_practices_zone_with_downloads() {
    let en = strings(Language::En);
    start(
        "/patients/p-lily/records",
        "en",
        records(
            json!([
                appointment("a1", "2026-12-02T21:30:00Z", "confirmed", true),
                appointment("a2", "2026-10-01T14:00:00Z", "no_show", false),
            ]),
            json!([{
                "id": "d1", "title": "Lab results", "date": "2026-11-02", "file_name": "labs.pdf",
                "content_type": "application/pdf", "size_bytes": 250000,
            }]),
        ),
    );
    let (_host, _app) = mount();
    wait_until("the record", || {
        text("main").contains("Asthma plan") && text("main").contains("Lab results")
    })
    .await;
    assert_eq!(heading(), "Lily's health record");
    assert!(
        text(".patient-bar").contains("Lily Carter"),
        "who it is about"
    );
    let main = text("main");
    let upcoming = main.find(en.appointments_upcoming).unwrap();
    let past = main.find(en.appointments_past).unwrap();
    assert!(upcoming < past);
    assert!(main.contains("December 2, 2026 at 3:30 PM CST"), "{main}");
    assert!(main.contains("Dr. Ann Lee · Room 2 · Confirmed"));
    assert!(main.contains("Dr. Ann Lee · Room 2 · Missed"));
    let link = "a[href='/api/patients/p-lily/documents/d1/file']";
    assert_eq!(attr(link, "download").as_deref(), Some(""));
    assert!(
        main.contains("November 2, 2026 · labs.pdf · 245 KB"),
        "{main}"
    );
    assert_eq!(text(".item-body"), "Inhaler twice a day.\nCall if worse.");
    assert!(main.contains("Started · Due December 1, 2026"));
    assert!(find("table").is_none());
}

#[wasm_bindgen_test]
async fn empty_records_say_so_in_spanish() {
    let es = strings(Language::Es);
    start(
        "/patients/p-lily/records",
        "es",
        records(json!([]), json!([])),
    );
    let (_host, _app) = mount();
    wait_until("the record", || text("main").contains(es.documents_empty)).await;
    assert!(text("main").contains(es.appointments_empty));
    assert_eq!(heading(), "Expediente de Lily");
}

#[wasm_bindgen_test]
async fn records_not_yet_checked_go_to_the_check() {
    let mut routes = records(json!([]), json!([]));
    for kind in ["appointments", "documents", "treatment-plans", "forms"] {
        routes[format!("GET /api/patients/p-lily/{kind}")] = refusal(403, "verify_first");
    }
    start("/patients/p-lily/records", "en", routes);
    let (_host, _app) = mount();
    wait_until("the check", || path() == "/patients/p-lily/verify").await;
}
