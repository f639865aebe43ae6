//! Adding a child or dependent (SPEC 3.5).

use serde_json::json;
use wasm_bindgen_test::*;

use super::{lily, start, thread};
use crate::browser::*;

#[wasm_bindgen_test]
async fn the_list_counts_new_messages_in_words_and_offers_adding_a_dependent() {
    start(
        "/practices/lakeside",
        json!({ "GET /api/practices/lakeside/patients": [200, [lily(1)]] }),
    );
    let (host, _app) = mount();
    wait_until("the list renders", || find(".choices li").is_some()).await;
    assert!(text(".choices li").contains("1 new message"));
    assert!(!text(".choices li").contains("1 new messages"));
    assert_eq!(
        text("a[href='/practices/lakeside/add-dependent']"),
        "Add a child or dependent"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn adding_a_dependent_checks_on_submit_then_opens_the_new_conversation() {
    let mut new = lily(0);
    new["id"] = json!("p-noah");
    new["first_name"] = json!("Noah");
    start(
        "/practices/lakeside/add-dependent",
        json!({
            "POST /api/practices/lakeside/dependents": [201, new],
            "GET /api/patients/p-noah/messages": thread(1, 1, vec![]),
        }),
    );
    let (host, _app) = mount();
    wait_until("the form renders", || find("#first-name").is_some()).await;
    assert_eq!(heading(), "Add a child or dependent");
    assert_eq!(
        attr("#dob", "autocomplete").as_deref(),
        Some("off"),
        "not the person's own"
    );
    let submit = || find("form button[type=submit]").unwrap().click();

    type_into("#first-name", "   ");
    submit();
    wait_until("a name of spaces is refused", || {
        text("#error-summary").contains("Enter their first name")
    })
    .await;
    assert_eq!(attr("#first-name", "aria-invalid").as_deref(), Some("true"));
    // Every problem at once, each beside its field too.
    assert!(text("#error-summary").contains("Enter the month, day and year"));
    assert!(text("#error-summary").contains("Choose one of the answers for sex"));
    assert!(visible("#dob-error") && visible("#sex-error") && visible("#last-name-error"));
    wait_until("the summary has focus", || is_focused("#error-summary")).await;

    type_into("#first-name", " Noah ");
    type_into("#last-name", "Carter");
    type_into("#dob", "1");
    type_into("#dob-day", "1");
    type_into("#dob-year", "2099");
    submit();
    wait_until("a future date is refused", || {
        text("#error-summary").contains("cannot be in the future")
    })
    .await;

    type_into("#dob-year", "2022");
    submit();
    wait_until("sex is asked here", || {
        text("#error-summary").contains("Choose one of the answers for sex")
    })
    .await;
    assert_eq!(count("POST /api/practices/lakeside/dependents"), 0);

    find("#sex-male").unwrap().click();
    submit();
    wait_until("the new conversation opens", || {
        path() == "/patients/p-noah/messages" && text(".patient-bar").contains("Noah Carter")
    })
    .await;
    assert_eq!(
        last_body("POST /api/practices/lakeside/dependents"),
        json!({
            "first_name": "Noah", "last_name": "Carter",
            "dob": { "month": "1", "day": "1", "year": "2022" }, "sex": "male",
        })
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn sex_is_asked_only_where_the_practice_wants_it_and_refusals_are_explained() {
    start(
        "/practices/riverbend/add-dependent",
        json!({
            "POST /api/practices/riverbend/dependents":
                [403, { "error": "guardian_link_required", "message": "x" }],
        }),
    );
    let (host, _app) = mount();
    wait_until("the form renders", || find("#first-name").is_some()).await;
    assert!(find("input[name=sex]").is_none());
    type_into("#first-name", "Noah");
    type_into("#last-name", "Carter");
    type_into("#dob", "3");
    type_into("#dob-day", "7");
    type_into("#dob-year", "2015");
    find("form button[type=submit]").unwrap().click();
    wait_until("the refusal is explained", || {
        text("#error-summary").contains("only if you are already a guardian")
    })
    .await;
    assert_eq!(value("#first-name"), "Noah", "nothing typed is lost");
    host.remove();
}
