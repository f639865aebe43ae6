//! The profile form: checked on submit, the server's fields, nothing typed lost.

use portal::i18n::{strings, Language};
use serde_json::{json, Value};
use wasm_bindgen_test::*;

use super::{mount, start, submit, PATCH, PROFILE};
use crate::browser::*;

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
