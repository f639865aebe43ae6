//! The sign-in pages' tests in a browser page of their own (see `tests/portal/main.rs`): their
//! countdowns are read second by second, which the timers of other tests' apps in a shared page
//! could disturb. Same harness as the other portal tests.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[path = "portal/browser/mod.rs"]
mod browser;

#[path = "portal/sign_in_pages.rs"]
mod sign_in;
