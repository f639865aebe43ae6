//! Family record linking, linked records, profile and the caregiver overview (SPEC 3.6, 3.7) in
//! a real browser (headless Chromium), against a stubbed `fetch` (`browser`). The real
//! journey is in tests/e2e/records.test.mjs. `access_links`: links and codes; `lists`: the
//! record's lists; `profile`: the profile form; `overview`: the overview and the patient page.

use serde_json::{json, Value};

use crate::browser::*;

mod access_links;
mod lists;
mod overview;
mod profile;

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

fn appointment(id: &str, at: &str, status: &str, upcoming: bool) -> Value {
    json!({
        "id": id, "starts_at": at, "duration_minutes": 30, "location": "Room 2",
        "with_whom": "Dr. Ann Lee", "status": status, "upcoming": upcoming,
        "practice_time_zone": "America/Chicago",
    })
}
