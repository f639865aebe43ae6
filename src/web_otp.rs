//! The WebOTP API: on phones whose browser supports it (Chrome on Android), the code in the
//! text (its last line is `@host #123456`) fills itself in after the person allows it.
//! Elsewhere `autocomplete="one-time-code"` does the same job from the keyboard (iOS).

use js_sys::{Array, Object, Reflect};
use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Asks the browser for the code from the next text, when it can; the request is cancelled
/// when the calling page goes away.
pub fn listen(on_code: impl FnOnce(String) + 'static) {
    let Some(controller) = request(on_code) else {
        return;
    };
    on_cleanup(move || controller.0.abort());
}

/// An `AbortController` the page's cleanup can own. The app runs on the browser's one thread.
struct Abort(web_sys::AbortController);
// SAFETY: WebAssembly in the browser here is single-threaded; the value never leaves it.
unsafe impl Send for Abort {}
unsafe impl Sync for Abort {}

fn request(on_code: impl FnOnce(String) + 'static) -> Option<Abort> {
    let window = web_sys::window()?;
    if !Reflect::has(&window, &JsValue::from_str("OTPCredential")).unwrap_or(false) {
        return None;
    }
    let controller = web_sys::AbortController::new().ok()?;
    let options = web_sys::CredentialRequestOptions::new();
    options.set_signal(&controller.signal());
    let otp = Object::new();
    Reflect::set(
        &otp,
        &JsValue::from_str("transport"),
        &Array::of1(&JsValue::from_str("sms")),
    )
    .ok()?;
    Reflect::set(&options, &JsValue::from_str("otp"), &otp).ok()?;
    let promise = window
        .navigator()
        .credentials()
        .get_with_options(&options)
        .ok()?;
    spawn_local(async move {
        // Rejected when aborted or refused: then the person types the code.
        if let Ok(credential) = JsFuture::from(promise).await {
            if let Some(code) = Reflect::get(&credential, &JsValue::from_str("code"))
                .ok()
                .and_then(|code| code.as_string())
            {
                on_code(code);
            }
        }
    });
    Some(Abort(controller))
}
