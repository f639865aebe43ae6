//! Sign in with a phone code (SPEC 3.1): every number of the spec, on both databases. Time moves
//! with the test clock (`app.clock.advance`), never by sleeping. This module holds the numbers
//! and calls the tests share; the codes, the limits and the sessions are its submodules.

use crate::helpers;
use helpers::TestApp;
use portal_server::practice::{self, Caller};
use std::time::Duration;
use wire::api::ApiError;

mod codes;
mod limits;
mod sessions;

const ANA: &str = "+19728485861";
/// Same last four digits as ANA, so the masked number in the answer is the same too.
const UNKNOWN: &str = "+12148485861";
const BEN: &str = "+19728485862";

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn mins(m: u64) -> Duration {
    Duration::from_secs(m * 60)
}

async fn error(r: reqwest::Response) -> (u16, ApiError) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

fn wrong(code: &str) -> String {
    format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000)
}

/// A practice with a patient whose own number is ANA.
async fn known_patient(app: &TestApp) {
    let caller = Caller::cli();
    practice::practices::upsert(
        &app.store,
        &caller,
        &serde_json::from_value(serde_json::json!({
            "slug": "oak", "name": "Oak Pediatrics", "phone": "+19725550100", "time_zone": "America/Chicago"
        }))
        .unwrap(),
        app.clock.now_ms(),
    )
    .await
    .unwrap();
    practice::patients::create(
        &app.store,
        &caller,
        "oak",
        &serde_json::from_value(serde_json::json!({
            "first_name": "Ana", "last_name": "Diaz", "dob": "1990-04-02", "mobile_phone": ANA
        }))
        .unwrap(),
        app.clock.now_ms(),
    )
    .await
    .unwrap();
}
