//! The ways in: the caregiver overview and the patient page's links.

use portal::i18n::{strings, Language};
use serde_json::{json, Value};
use wasm_bindgen_test::*;

use super::{appointment, mount, start};
use crate::browser::*;

#[wasm_bindgen_test]
async fn the_patient_page_leads_to_records_and_profile() {
    start(
        "/patients/p-lily",
        "en",
        json!({ "GET /api/patients/p-lily": [200, {
            "id": "p-lily", "first_name": "Lily", "last_name": "Carter", "dob": "2016-09-03",
            "practice_slug": "lakeside", "practice_name": "Lakeside Family Medicine",
            "relationship": "linked", "practice_phone": "+19725550100",
        }] }),
    );
    let (_host, _app) = mount();
    wait_until("the page", || {
        find("a[href='/patients/p-lily/records']").is_some()
    })
    .await;
    assert!(find("a[href='/patients/p-lily/profile']").is_some());
    assert!(find(".patient-bar a[href='/overview']").is_some());
}

#[wasm_bindgen_test]
async fn the_overview_shows_everyone_and_chooses_the_patient() {
    let en = strings(Language::En);
    let entry = |id: &str,
                 first: &str,
                 slug: &str,
                 name: &str,
                 verified: bool,
                 locked: bool,
                 next: Value| {
        json!({
            "patient_id": id, "first_name": first, "last_name": "Carter", "practice_slug": slug,
            "practice_name": name, "practice_time_zone": "America/Chicago", "relationship": "linked",
            "verified": verified, "locked": locked, "unread_count": if verified { 2 } else { 0 },
            "next_appointment": next,
        })
    };
    start(
        "/overview",
        "en",
        json!({ "GET /api/overview": [200, [
            entry("p-lily", "Lily", "lakeside", "Lakeside Family Medicine", true, false,
                appointment("a1", "2026-12-02T21:30:00Z", "confirmed", true)),
            entry("p-noah", "Noah", "riverbend", "Riverbend Pediatrics", false, false, Value::Null),
            entry("p-rob", "Rob", "lakeside", "Lakeside Family Medicine", false, true, Value::Null),
        ]] }),
    );
    let (_host, _app) = mount();
    wait_until("the people", || {
        js("document.querySelectorAll('.overview li').length").as_f64() == Some(3.0)
    })
    .await;
    assert_eq!(heading(), en.overview_heading);
    let first = text(".overview li:nth-child(1)");
    assert!(
        first.contains("Lily Carter") && first.contains("Lakeside Family Medicine"),
        "{first}"
    );
    assert!(first.contains("2 new messages"));
    assert!(
        first.contains("Next appointment: December 2, 2026 at 3:30 PM CST"),
        "{first}"
    );
    let second = text(".overview li:nth-child(2)");
    assert!(second.contains("Riverbend Pediatrics") && second.contains(en.badge_needs_check));
    assert!(
        !second.contains("appointment"),
        "nothing from the record before the check"
    );
    assert_eq!(
        attr(".overview li:nth-child(2) a", "href").as_deref(),
        Some("/patients/p-noah/verify")
    );
    assert_eq!(
        attr(".overview li:nth-child(3) a", "href").as_deref(),
        Some("/patients/p-rob")
    );

    follow(".overview li:nth-child(2) a");
    wait_until("Noah's check", || {
        path() == "/patients/p-noah/verify" && text(".patient-bar").contains("Noah Carter")
    })
    .await;
}
