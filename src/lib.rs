//! The patient portal in the browser: a Leptos single-page app compiled to WebAssembly.
//! `main.rs` starts it; the modules are public so the browser tests can mount the app.

pub mod api;
pub mod app;
pub mod components;
pub mod current_patient;
pub mod format;
pub mod i18n;
pub mod messaging;
pub mod pages;
pub mod session;
pub mod uploads;
pub mod web_otp;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The element in `index.html` the app renders into.
pub const ROOT_ID: &str = "app";

/// Replaces the static loading shell in `#app` with the running app.
pub fn start() {
    let root = document()
        .get_element_by_id(ROOT_ID)
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        .expect("index.html has an #app element");
    // The shell (header and "Loading…") only covers the wait for this file.
    root.set_text_content(None);
    leptos::mount::mount_to(root, app::App).forget();
}
