//! The portal's component tests in a real browser (headless Chromium, wasm-bindgen-test), in one
//! binary so the portal is linked to WebAssembly once: `browser` is the harness (a stubbed
//! `fetch`, mounting the app, reading the page); each other module is one feature. The tests
//! share one page and run one after another, so each starts from its own `reset`. The sign-in
//! pages' tests are a binary of their own (`tests/portal_sign_in.rs`): their countdowns are read
//! second by second, and the timers of earlier tests' apps, still running in a shared page,
//! made the idle warning skip a second now and then.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod browser;

mod messages;
mod patients;
mod records;
mod shell;
mod uploads;
