//! Choosing a patient and checking the date of birth (SPEC 3.2, 3.3, 3.9) in a real browser
//! (headless Chromium), against a stubbed `fetch` (`browser`). The real journeys are in
//! tests/e2e/patients.test.mjs. Run by scripts/test (wasm-tests stage: wasm-bindgen-test-runner, headless Chromium).

use portal::i18n::{strings, Language};
use serde_json::{json, Value};
use wasm_bindgen_test::*;

use crate::browser::*;

fn practices() -> Value {
    json!([
        { "slug": "lakeside", "name": "Lakeside Family Medicine", "phone": "+19725550100", "time_zone": "America/Chicago" },
        { "slug": "riverbend", "name": "Riverbend Pediatrics", "phone": "+12145550199", "time_zone": "America/Chicago" },
    ])
}

fn session() -> Value {
    json!([200, {
        "phone": "•••• 0102",
        "idle_seconds_left": 1800,
        "absolute_seconds_left": 43200,
        "remembered_device": true,
        "practices": practices(),
    }])
}

fn patient(id: &str, first: &str, relationship: &str, status: &str, verified: bool) -> Value {
    json!({
        "id": id, "first_name": first, "last_name": "Carter", "relationship": relationship,
        "status": status, "verified": verified, "birth_month_year": null,
        "locked_seconds_left": null, "unread_count": 0,
    })
}

fn refusal(status: u16, error: &str) -> Value {
    json!([status, { "error": error, "message": "English for developers" }])
}

/// The app, signed in on the list at Lakeside, which answers `patients`; `routes` are more
/// stubbed answers.
async fn on_the_list(
    language: &str,
    patients: Value,
    routes: Value,
) -> (web_sys::HtmlElement, impl Drop) {
    reset("/practices/lakeside", language);
    js("sessionStorage.clear()");
    remember_session();
    let mut all = json!({
        "GET /api/session": session(),
        "GET /api/practices/lakeside/patients": [200, patients],
    });
    for (key, answer) in routes.as_object().unwrap() {
        all[key] = answer.clone();
    }
    stub_api(all);
    let app = mount();
    wait_until("the list renders", || find(".choices li").is_some()).await;
    app
}

fn choose(id: &str) {
    follow(&format!(".choices a[href^='/patients/{id}']"));
}

fn typed_date(prefix: &str, month: &str, day: &str, year: &str) {
    type_into(&format!("#{prefix}"), month);
    type_into(&format!("#{prefix}-day"), day);
    type_into(&format!("#{prefix}-year"), year);
}

fn submit() {
    find("form button[type=submit]").unwrap().click();
}

#[wasm_bindgen_test]
async fn the_list_says_relationship_and_check_in_words_and_tells_twins_apart() {
    let mut lily = patient("p-lily", "Lily", "guardian", "active", true);
    lily["birth_month_year"] = json!("09/2016");
    let mut other_lily = patient("p-lily2", "Lily", "linked", "active", true);
    other_lily["last_name"] = json!("Ortiz");
    other_lily["birth_month_year"] = json!("05/2012");
    let mut james = patient("p-james", "James", "self", "active", false);
    james["unread_count"] = json!(2);
    let mut noah = patient("p-noah", "Noah", "guardian", "locked", false);
    noah["locked_seconds_left"] = json!(1200);
    let (host, _app) = on_the_list("en", json!([james, lily, other_lily, noah]), json!({})).await;
    assert_eq!(heading(), "Lakeside Family Medicine");
    let items: Vec<String> = (1..=4)
        .map(|n| text(&format!(".choices li:nth-child({n})")))
        .collect();
    assert!(items[0].contains("James Carter"), "{items:?}");
    assert!(items[0].contains("You"));
    assert!(items[0].contains("Needs date of birth check"));
    assert!(items[0].contains("2 new messages"));
    assert!(items[1].contains("Your child (guardian) · Born 09/2016"));
    assert!(items[1].contains("✓ Date of birth checked"));
    assert!(items[2].contains("Lily Ortiz"));
    assert!(items[2].contains("Linked record · Born 05/2012"));
    assert!(items[3].contains("Locked — call the practice"));
    assert!(
        !items[1].contains("new message"),
        "no count when nothing is new"
    );
    assert_eq!(
        attr(".choices li:nth-child(2) a", "href").as_deref(),
        Some("/patients/p-lily")
    );
    assert_eq!(
        attr(".choices li:nth-child(1) a", "href").as_deref(),
        Some("/patients/p-james/verify"),
        "not checked yet: straight to the check"
    );
    assert_eq!(
        attr(".choices li:nth-child(4) a", "href").as_deref(),
        Some("/patients/p-noah/locked")
    );
    assert_eq!(
        attr(".choices li:nth-child(2) .badge span", "aria-hidden").as_deref(),
        Some("true"),
        "the icon is decoration; the words say it"
    );
    assert_eq!(attr("a.tel", "href").as_deref(), Some("tel:+19725550100"));
    assert!(find("a[href='/practices']").is_some(), "another practice");
    host.remove();
}

#[wasm_bindgen_test]
async fn the_patient_page_sends_an_unchecked_patient_to_the_date_check_which_refuses_impossible_dates(
) {
    let en = strings(Language::En);
    let (host, _app) = on_the_list(
        "en",
        // Checked when the list was read, expired since: the patient's page sends the person
        // to the check.
        json!([patient("p-lily", "Lily", "guardian", "active", true)]),
        json!({
            "GET /api/patients/p-lily": refusal(403, "verify_first"),
            "POST /api/patients/p-lily/verify-dob": refusal(403, "dob_incorrect"),
        }),
    )
    .await;
    choose("p-lily");
    wait_until("the date check asks", || {
        heading() == "What is Lily's date of birth?"
    })
    .await;
    assert_eq!(path(), "/patients/p-lily/verify");
    assert!(calls().iter().any(|c| c == "GET /api/patients/p-lily"));
    // The bar: whom, where, and one tap to switch.
    assert!(text(".patient-bar").contains("Lily Carter"));
    assert!(text(".patient-bar").contains("Lakeside Family Medicine"));
    assert_eq!(
        attr(".patient-bar a", "href").as_deref(),
        Some("/practices/lakeside")
    );
    assert!(find(".patient-bar a[href='/practices']").is_some());
    // The patient's date of birth: a keypad, and never the person's own birthday filled in.
    for id in ["#dob", "#dob-day", "#dob-year"] {
        assert_eq!(attr(id, "inputmode").as_deref(), Some("numeric"));
        assert_eq!(attr(id, "autocomplete").as_deref(), Some("off"));
    }
    assert_eq!(text("label[for=dob]"), "Month");
    assert_eq!(text("#dob-hint"), "For example, 3 7 2015");

    typed_date("dob", "2", "30", "2016");
    submit();
    wait_until("the impossible date is explained", || {
        text("#error-summary").contains(en.dob_invalid_day)
    })
    .await;
    wait_until("the summary takes focus", || is_focused("#error-summary")).await;
    assert!(text("#dob-error").contains(en.dob_invalid_day));
    assert_eq!(attr("#dob", "aria-invalid").as_deref(), Some("true"));
    assert_eq!(value("#dob-day"), "30", "what was typed stays");

    typed_date("dob", "9", "3", "2999");
    submit();
    wait_until("the future is refused", || {
        text("#error-summary").contains(en.dob_in_future)
    })
    .await;
    typed_date("dob", "9", "3", "16");
    submit();
    wait_until("a short year is refused", || {
        text("#error-summary").contains(en.dob_year_not_four_digits)
    })
    .await;
    assert!(
        !calls().iter().any(|c| c.starts_with("POST")),
        "impossible dates are not sent, so they never count as a try"
    );

    // A real date that is wrong (the guardian's own, say): the hint says whose is asked.
    typed_date("dob", "11", "5", "1982");
    submit();
    wait_until("the wrong answer is explained", || {
        text("#error-summary").contains("Enter Lily's date of birth, not your own.")
    })
    .await;
    assert_eq!(value("#dob-year"), "1982");
    let sent = last_body("POST /api/patients/p-lily/verify-dob");
    assert_eq!(
        sent["dob"],
        json!({ "month": "11", "day": "5", "year": "1982" })
    );
    assert!(sent["guardian"].is_null());

    // Right: the patient's page.
    stub_route(
        "POST /api/patients/p-lily/verify-dob",
        200,
        json!({ "verified_for_seconds": 2592000 }),
    );
    stub_route(
        "GET /api/patients/p-lily",
        200,
        json!({
            "id": "p-lily", "first_name": "Lily", "last_name": "Carter", "dob": "2016-09-03",
            "relationship": "guardian", "practice_slug": "lakeside",
            "practice_name": "Lakeside Family Medicine", "practice_phone": "+19725550100",
        }),
    );
    typed_date("dob", "9", "3", "2016");
    submit();
    wait_until("the patient's page opens", || heading() == "Lily Carter").await;
    assert_eq!(path(), "/patients/p-lily");
    assert!(text(".facts").contains("September 3, 2016"));
    assert!(text(".patient-bar").contains("Lily Carter"));
    assert_eq!(
        attr("a[href='/patients/p-lily/access-history']", "href").as_deref(),
        Some("/patients/p-lily/access-history")
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn a_lock_says_how_long_and_shows_the_practice_phone() {
    let es = strings(Language::Es);
    let (host, _app) = on_the_list(
        "es",
        json!([patient("p-james", "James", "self", "active", false)]),
        json!({
            "GET /api/patients/p-james": refusal(403, "verify_first"),
            "POST /api/patients/p-james/verify-dob": [423, {
                "error": "locked", "message": "Locked.", "retry_after_seconds": 3600,
            }],
        }),
    )
    .await;
    choose("p-james");
    wait_until("the date check asks about the person", || {
        heading() == es.verify_heading_self
    })
    .await;
    typed_date("dob", "1", "1", "1980");
    submit();
    wait_until("the lock page opens", || heading() == es.locked_heading).await;
    assert_eq!(path(), "/patients/p-james/locked");
    assert_eq!(
        text(".wait"),
        "Se escribió mal la fecha de nacimiento demasiadas veces. Podrá volver a intentarlo en 60 minutos."
    );
    assert!(text("main").contains("llame a Lakeside Family Medicine"));
    assert_eq!(attr("a.tel", "href").as_deref(), Some("tel:+19725550100"));
    assert_eq!(text("a.tel"), "(972) 555-0100");
    assert!(text(".patient-bar").contains("James Carter"));
    host.remove();
}

#[wasm_bindgen_test]
async fn a_guardians_first_check_asks_their_own_details_first_and_sends_both() {
    let en = strings(Language::En);
    let (host, _app) = on_the_list(
        "en",
        json!([patient(
            "p-noah",
            "Noah",
            "guardian",
            "pending_activation",
            false
        )]),
        json!({
            "GET /api/patients/p-noah": refusal(403, "verify_first"),
            "POST /api/patients/p-noah/verify-dob": [200, { "verified_for_seconds": 1800 }],
        }),
    )
    .await;
    choose("p-noah");
    wait_until("the guardian is asked about themselves", || {
        heading() == en.activate_heading
    })
    .await;
    assert_eq!(path(), "/patients/p-noah/activate");
    assert!(text("main").contains("You are listed as Noah's guardian."));
    assert_eq!(
        attr("#first-name", "autocomplete").as_deref(),
        Some("given-name")
    );
    assert_eq!(
        attr("#last-name", "autocomplete").as_deref(),
        Some("family-name")
    );
    assert_eq!(
        attr("#own-dob", "autocomplete").as_deref(),
        Some("bday-month")
    );
    assert_eq!(
        attr("#own-dob-day", "autocomplete").as_deref(),
        Some("bday-day")
    );
    assert_eq!(
        attr("#own-dob-year", "autocomplete").as_deref(),
        Some("bday-year")
    );

    submit();
    wait_until("the name is asked for", || {
        text("#error-summary").contains(en.first_name_empty)
    })
    .await;
    type_into("#first-name", "James");
    type_into("#last-name", "Carter");
    typed_date("own-dob", "11", "31", "1982");
    submit();
    wait_until("the impossible date is explained", || {
        text("#own-dob-error").contains(en.dob_invalid_day)
    })
    .await;
    assert_eq!(value("#first-name"), "James");
    typed_date("own-dob", "11", "5", "1982");
    submit();

    wait_until("then the child's date of birth", || {
        heading() == "What is Noah's date of birth?"
    })
    .await;
    assert!(
        !calls().iter().any(|c| c.starts_with("POST")),
        "nothing is sent before the child's date"
    );
    stub_route(
        "GET /api/patients/p-noah",
        200,
        json!({
            "id": "p-noah", "first_name": "Noah", "last_name": "Carter", "dob": "2019-01-25",
            "relationship": "guardian", "practice_slug": "lakeside",
            "practice_name": "Lakeside Family Medicine", "practice_phone": "+19725550100",
        }),
    );
    typed_date("dob", "1", "25", "2019");
    submit();
    wait_until("the check is sent", || {
        calls()
            .iter()
            .any(|c| c == "POST /api/patients/p-noah/verify-dob")
    })
    .await;
    assert_eq!(
        last_body("POST /api/patients/p-noah/verify-dob"),
        json!({
            "dob": { "month": "1", "day": "25", "year": "2019" },
            "guardian": {
                "first_name": "James",
                "last_name": "Carter",
                "dob": { "month": "11", "day": "5", "year": "1982" },
            },
        })
    );
    wait_until("on to the patient's page", || heading() == "Noah Carter").await;
    assert!(text(".choices").contains("Access history"));
    host.remove();
}

#[wasm_bindgen_test]
async fn access_history_in_plain_words() {
    let (host, _app) = on_the_list(
        "en",
        json!([patient("p-lily", "Lily", "guardian", "active", true)]),
        json!({
            "GET /api/patients/p-lily": [200, {
                "id": "p-lily", "first_name": "Lily", "last_name": "Carter", "dob": "2016-09-03",
                "relationship": "guardian", "practice_slug": "lakeside",
                "practice_name": "Lakeside Family Medicine", "practice_phone": "+19725550100",
            }],
            "GET /api/patients/p-lily/access-history": [200, [
                { "at": "2026-11-22T15:05:00Z", "who": "you", "action": "patient.view" },
                { "at": "2026-11-22T15:04:00Z", "who": "practice", "action": "practice.patient.update" },
                { "at": "2026-11-22T15:03:00Z", "who": "you", "action": "dob.verify" },
            ]],
        }),
    )
    .await;
    choose("p-lily");
    wait_until("the patient's page opens", || heading() == "Lily Carter").await;
    follow("a[href='/patients/p-lily/access-history']");
    wait_until("the history opens", || heading() == "Access history").await;
    wait_until("the list renders", || find(".history li").is_some()).await;
    let first = text(".history li:nth-child(1)");
    assert!(first.starts_with("Looked at the record"), "{first}");
    assert!(first.contains("You · November 22, 2026"), "{first}");
    assert!(text(".history li:nth-child(2)").contains("The practice updated the record"));
    assert!(text(".history li:nth-child(3)").contains("Checked the date of birth"));
    assert_eq!(
        attr(".history li time", "datetime").as_deref(),
        Some("2026-11-22T15:05:00Z")
    );
    assert!(text(".patient-bar").contains("Lily Carter"));
    host.remove();
}
