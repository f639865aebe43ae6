//! Family record linking, linked records, profile and the caregiver overview (SPEC 3.6, 3.7) in
//! a real browser (headless Chromium), against a stubbed `fetch` (`browser`). The real
//! journey is in tests/e2e/records.test.mjs.

use portal::i18n::{strings, Language};
use serde_json::{json, Value};
use wasm_bindgen_test::*;

use crate::browser::*;

const PREVIEW: &str = "GET /api/access-links/tok-123";
const CODE: &str = "POST /api/access-links/preview";
const REDEEM: &str = "POST /api/access-links/redeem";
const PROFILE: &str = "GET /api/patients/p-lily/profile";
const PATCH: &str = "PATCH /api/patients/p-lily/profile";

fn session() -> Value {
    json!([200, {
        "phone": "•••• 0104",
        "idle_seconds_left": 1800,
        "absolute_seconds_left": 43200,
        "remembered_device": true,
        "practices": [
            { "slug": "lakeside", "name": "Lakeside Family Medicine", "phone": "+19725550100",
              "time_zone": "America/Chicago", "can_add_dependents": false, "asks_dependent_sex": false },
        ],
    }])
}

fn preview() -> Value {
    json!([200, {
        "patient_first_name": "Lily", "patient_last_name": "Carter",
        "practice_name": "Lakeside Family Medicine", "practice_slug": "lakeside",
        "expires_at": "2026-11-27T10:00:00Z",
    }])
}

fn redeemed() -> Value {
    json!([200, {
        "patient_id": "p-lily", "patient_first_name": "Lily", "patient_last_name": "Carter",
        "practice_slug": "lakeside", "practice_name": "Lakeside Family Medicine",
        "relationship": "linked",
    }])
}

fn lily() -> Value {
    json!({
        "id": "p-lily", "first_name": "Lily", "last_name": "Carter", "relationship": "linked",
        "status": "active", "verified": true, "birth_month_year": null,
        "locked_seconds_left": null, "unread_count": 0,
    })
}

fn refusal(status: u16, error: &str) -> Value {
    json!([status, { "error": error, "message": "English for developers", "retry_after_seconds": 125 }])
}

/// Signed in at `path` (Lily chosen), with `routes` stubbed besides the session.
fn start(path: &str, language: &str, routes: Value) {
    reset(path, language);
    js("sessionStorage.clear()");
    js(&format!(
        "sessionStorage.setItem('portal.patient', {})",
        json!(json!(["lakeside", lily()]).to_string())
    ));
    remember_session();
    let mut all = json!({ "GET /api/session": session() });
    for (key, answer) in routes.as_object().unwrap() {
        all[key] = answer.clone();
    }
    stub_api(all);
}

/// Mounts the app, after taking away what earlier tests left (a failed test never unmounts).
fn mount() -> (web_sys::HtmlElement, impl Drop) {
    js("document.querySelectorAll('main#main').forEach(m => m.parentElement.remove())");
    crate::browser::mount()
}

fn submit() {
    find("main form button[type=submit]").unwrap().click();
}

#[wasm_bindgen_test]
async fn a_link_opened_signed_out_comes_back_after_sign_in_and_adds_the_record_only_on_confirm() {
    let en = strings(Language::En);
    reset("/link/tok-123", "en");
    js("sessionStorage.clear()");
    stub_api(json!({
        "GET /api/session": signed_out(),
        "POST /api/auth/code": [200, { "sent_to": "•••• 0104", "resend_after_seconds": 30, "expires_in_seconds": 600 }],
        "POST /api/auth/verify": session(),
        PREVIEW: preview(),
        REDEEM: redeemed(),
        "GET /api/practices/lakeside/patients": [200, [lily()]],
    }));
    let (_host, _app) = mount();
    wait_until("signing in first", || heading() == en.sign_in_heading).await;
    assert_eq!(
        js("sessionStorage.getItem('portal.return')")
            .as_string()
            .as_deref(),
        Some("/link/tok-123"),
        "the link is kept for the way back, through a reload too"
    );
    type_into("#phone", "(972) 555-0104");
    submit();
    wait_until("the code page", || heading() == en.code_heading).await;
    type_into("#code", "123456");
    submit();
    wait_until("back on the link", || {
        heading() == "Add Lily Carter's record from Lakeside Family Medicine?"
    })
    .await;
    assert_eq!(path(), "/link/tok-123");
    assert_eq!(
        js("sessionStorage.getItem('portal.return')"),
        wasm_bindgen::JsValue::NULL
    );
    assert_eq!(count(REDEEM), 0, "looking never uses the link up");
    assert_eq!(attr("main .back a", "href").as_deref(), Some("/practices"));
    wait_until("focus on the question", || is_focused("main h1")).await;

    hold(REDEEM);
    find("main button").unwrap().click();
    wait_until("the button is busy", || text("main button") == en.adding).await;
    find("main button").unwrap().click();
    release(REDEEM);
    wait_until("the practice's list", || path() == "/practices/lakeside").await;
    assert_eq!(count(REDEEM), 1, "a double click adds once");
    assert_eq!(last_body(REDEEM), json!({ "token": "tok-123" }));
    assert!(
        count("GET /api/session") >= 1,
        "the session learns the practice"
    );
    wait_until("Lily is listed", || {
        text(".choices").contains("Lily Carter")
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_dead_link_and_a_record_already_there_say_so_in_words() {
    let en = strings(Language::En);
    start(
        "/link/tok-123",
        "en",
        json!({ PREVIEW: refusal(410, "link_not_usable") }),
    );
    let (_host, _app) = mount();
    wait_until("the dead-link page", || heading() == en.link_dead_heading).await;
    assert!(text("main").contains("This link no longer works. Ask the practice for a new one."));
    assert!(find("main button").is_none(), "nothing to confirm");
    assert_eq!(attr("main .back a", "href").as_deref(), Some("/practices"));
    drop(_app);

    start(
        "/link/tok-123",
        "es",
        json!({ PREVIEW: refusal(409, "already_linked") }),
    );
    let (_host, _app) = mount();
    let es = strings(Language::Es);
    wait_until("already linked", || heading() == es.link_already_heading).await;
    assert_eq!(attr("main a.button", "href").as_deref(), Some("/overview"));

    // Confirming a link that stopped working meanwhile.
    drop(_app);
    start(
        "/link/tok-123",
        "en",
        json!({ PREVIEW: preview(), REDEEM: refusal(410, "link_not_usable") }),
    );
    let (_host, _app) = mount();
    wait_until("the question", || heading().starts_with("Add Lily")).await;
    find("main button").unwrap().click();
    wait_until("the dead-link page", || heading() == en.link_dead_heading).await;
}

#[wasm_bindgen_test]
async fn a_session_that_ended_meanwhile_signs_in_again_and_keeps_the_link() {
    let en = strings(Language::En);
    start("/link/tok-123", "en", json!({ PREVIEW: signed_out() }));
    let (_host, _app) = mount();
    wait_until("signing in again", || heading() == en.sign_in_heading).await;
    assert_eq!(
        js("sessionStorage.getItem('portal.return')")
            .as_string()
            .as_deref(),
        Some("/link/tok-123")
    );
}

#[wasm_bindgen_test]
async fn signing_out_on_a_link_leaves_nothing_for_the_next_person() {
    let en = strings(Language::En);
    start(
        "/link/tok-123",
        "en",
        json!({ PREVIEW: preview(), "POST /api/auth/sign-out": [204, null] }),
    );
    let (_host, _app) = mount();
    wait_until("the question", || heading().starts_with("Add Lily")).await;
    find("header .top-button").unwrap().click();
    wait_until("signed out", || heading() == en.sign_in_heading).await;
    assert_eq!(
        js("sessionStorage.getItem('portal.return')"),
        wasm_bindgen::JsValue::NULL
    );
}

#[wasm_bindgen_test]
async fn a_typed_code_keeps_the_words_explains_waits_and_confirms() {
    let en = strings(Language::En);
    start(
        "/link",
        "en",
        json!({ CODE: refusal(410, "link_not_usable"), REDEEM: redeemed() }),
    );
    let (_host, _app) = mount();
    wait_until("the code question", || heading() == en.link_code_heading).await;
    assert_eq!(attr("#link-code", "autocomplete").as_deref(), Some("off"));
    assert_eq!(
        attr("#link-code", "autocapitalize").as_deref(),
        Some("none")
    );
    assert_eq!(attr("#link-code", "spellcheck").as_deref(), Some("false"));
    assert!(text("#link-code-hint").contains("apple river stone lamp"));

    submit();
    wait_until("empty is refused", || {
        text("#error-summary").contains(en.link_code_empty)
    })
    .await;
    assert_eq!(count(CODE), 0);
    wait_until("the summary takes focus", || is_focused("#error-summary")).await;

    type_into("#link-code", "Apple-River stone lamp");
    submit();
    wait_until("an unknown code", || {
        text("#link-code-error").contains(en.link_code_unusable)
    })
    .await;
    assert_eq!(
        value("#link-code"),
        "Apple-River stone lamp",
        "never clear what was typed"
    );
    assert_eq!(last_body(CODE), json!({ "code": "Apple-River stone lamp" }));

    stub_route(
        CODE,
        429,
        json!({ "error": "too_many_requests", "message": "Wait.", "retry_after_seconds": 125 }),
    );
    submit();
    wait_until("the wait in words", || {
        text("#error-summary").contains("2 minutes and 5 seconds")
    })
    .await;

    stub_route(CODE, 200, preview()[1].clone());
    submit();
    wait_until("the question", || {
        heading().starts_with("Add Lily Carter's record")
    })
    .await;
    wait_until("focus on the question", || is_focused("main h1")).await;
    find("main button").unwrap().click();
    wait_until("the practice's list", || path() == "/practices/lakeside").await;
    assert_eq!(
        last_body(REDEEM),
        json!({ "code": "Apple-River stone lamp" })
    );
}

#[wasm_bindgen_test]
async fn the_pages_without_records_and_with_practices_offer_the_code() {
    let en = strings(Language::En);
    reset("/practices", "en");
    js("sessionStorage.clear()");
    remember_session();
    let mut none = session();
    none[1]["practices"] = json!([]);
    stub_api(json!({ "GET /api/session": none }));
    let (_host, _app) = mount();
    wait_until("no records", || heading() == en.no_records_heading).await;
    assert_eq!(attr("main a.button", "href").as_deref(), Some("/link"));
    assert_eq!(text("main a.button"), en.have_code_link);
}

fn appointment(id: &str, at: &str, status: &str, upcoming: bool) -> Value {
    json!({
        "id": id, "starts_at": at, "duration_minutes": 30, "location": "Room 2",
        "with_whom": "Dr. Ann Lee", "status": status, "upcoming": upcoming,
        "practice_time_zone": "America/Chicago",
    })
}

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

fn profile() -> Value {
    json!({
        "address": { "line1": "1 Elm St", "line2": null, "city": "Dallas", "state": "TX", "zip": "75001" },
        "email": "carter.family@example.com", "preferred_language": "en",
    })
}

#[wasm_bindgen_test]
async fn the_profile_checks_on_submit_maps_server_fields_and_keeps_what_was_typed() {
    let en = strings(Language::En);
    start(
        "/patients/p-lily/profile",
        "en",
        json!({ PROFILE: [200, profile()], PATCH: [422, { "error": "email_invalid", "message": "Bad.", "field": "email" }] }),
    );
    let (_host, _app) = mount();
    wait_until("the form", || find("#zip").is_some()).await;
    assert_eq!(value("#line1"), "1 Elm St");
    assert_eq!(
        attr("#line1", "autocomplete").as_deref(),
        Some("address-line1")
    );
    assert_eq!(attr("#zip", "autocomplete").as_deref(), Some("postal-code"));
    assert_eq!(attr("#email", "autocomplete").as_deref(), Some("email"));
    assert_eq!(attr("#email", "type").as_deref(), Some("email"));
    assert_eq!(text("label[for=zip]"), en.zip_label);

    type_into("#zip", "7500");
    type_into("#state", "Texas");
    submit();
    wait_until("both problems", || {
        let summary = text("#error-summary");
        summary.contains(en.zip_invalid) && summary.contains(en.state_invalid)
    })
    .await;
    wait_until("the summary takes focus", || is_focused("#error-summary")).await;
    assert_eq!(count(PATCH), 0, "checked before sending");
    assert_eq!(attr("#zip", "aria-invalid").as_deref(), Some("true"));
    assert_eq!(value("#zip"), "7500");

    type_into("#zip", "75001-1234");
    type_into("#state", "tx");
    // An address the server refuses (say, a domain it knows is wrong): its field is marked.
    type_into("#email", "lily@example.com");
    find("#language-es").unwrap().click();
    submit();
    wait_until("the server's field", || {
        text("#email-error").contains(en.email_invalid)
    })
    .await;
    assert_eq!(value("#email"), "lily@example.com");
    let body = last_body(PATCH);
    assert_eq!(body["address"]["zip"], "75001-1234");
    assert_eq!(body["address"]["state"], "TX");
    assert_eq!(body["preferred_language"], "es");

    let mut updated = profile();
    updated["address"]["zip"] = json!("75001-1234");
    updated["email"] = json!("lily@example.com");
    stub_route(
        PATCH,
        200,
        json!({ "profile": updated, "changed": ["address.zip", "email"] }),
    );
    submit();
    wait_until("saved", || text("[role=status].notice") == en.profile_saved).await;
    assert!(!visible("#error-summary"));
    assert_eq!(value("#zip"), "75001-1234");
}

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
