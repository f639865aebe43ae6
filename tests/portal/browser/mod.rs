//! Helpers shared by the portal's browser tests (the other modules of `tests/portal/`): waiting,
//! a stubbed `fetch` (each test says what the API answers), mounting the app and reading the page.
//! Also the harness of `tests/portal_sign_in.rs`, which uses only some of it.
#![allow(dead_code)]

use leptos::{
    mount::mount_to,
    prelude::{document, set_timeout, window},
    task::tick,
};
use portal::{app::App, i18n::preference::STORAGE_KEY, session::SESSION_FLAG};
use serde_json::{json, Value};
use std::{
    cell::{Cell, RefCell},
    future::Future,
    pin::Pin,
    rc::Rc,
    task::{Context, Poll, Waker},
    time::Duration,
};
use wasm_bindgen::{JsCast, JsValue};

/// Resolves after `ms` milliseconds of real time, so the browser can run timers, network
/// answers and animation frames in between (`tick` alone only drains the task queue).
pub fn sleep(ms: u64) -> impl Future<Output = ()> {
    struct Sleep(Rc<(Cell<bool>, RefCell<Option<Waker>>)>);
    impl Future for Sleep {
        type Output = ();
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 .0.get() {
                return Poll::Ready(());
            }
            *self.0 .1.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        }
    }
    let state = Rc::new((Cell::new(false), RefCell::new(None::<Waker>)));
    let timer = state.clone();
    set_timeout(
        move || {
            timer.0.set(true);
            if let Some(waker) = timer.1.borrow_mut().take() {
                waker.wake();
            }
        },
        Duration::from_millis(ms),
    );
    Sleep(state)
}

/// Whether `done` comes to hold within 5 s, letting the app render in between.
pub async fn eventually(done: impl Fn() -> bool) -> bool {
    for _ in 0..250 {
        tick().await;
        if done() {
            return true;
        }
        sleep(20).await;
    }
    false
}

/// Waits (up to 5 s) until `done` holds, letting the app render in between.
pub async fn wait_until(what: &str, done: impl Fn() -> bool) {
    if eventually(done).await {
        return;
    }
    panic!(
        "timed out waiting until {what}; at {} the page says: {}",
        path(),
        text("main")
    );
}

pub fn js(code: &str) -> JsValue {
    js_sys::eval(code).unwrap_or_else(|e| panic!("{code}: {e:?}"))
}

/// Replaces `window.fetch`: `routes` maps "METHOD /path" to `[status, body]` (body `null`
/// for none). Anything else answers 404. Every request is recorded in `window.__calls`.
pub fn stub_api(routes: Value) {
    js(&format!(
        r#"
        window.__realFetch = window.__realFetch || window.fetch;
        window.__routes = {routes};
        window.__calls = [];
        window.__gates = {{}};
        window.fetch = async (input, init) => {{
            const request = input instanceof Request ? input : new Request(input, init);
            const url = new URL(request.url);
            const key = request.method + ' ' + url.pathname;
            const body = request.method === 'GET' ? null : await request.text();
            window.__calls.push({{ key, body, search: url.search }});
            const gate = window.__gates[key];
            if (gate) await gate;
            const [status, answer] = window.__routes[key] || [404, {{ error: 'not_found', message: 'no stub' }}];
            return new Response(answer === null ? null : JSON.stringify(answer), {{
                status,
                headers: {{ 'content-type': 'application/json' }},
            }});
        }};
        "#
    ));
}

/// Changes one stubbed answer.
pub fn stub_route(key: &str, status: u16, body: Value) {
    js(&format!(
        "window.__routes[{}] = [{status}, {body}];",
        json!(key)
    ));
}

/// The requests made so far, as "METHOD /path".
pub fn calls() -> Vec<String> {
    let calls: Value = serde_json::from_str(
        &js_sys::JSON::stringify(&js("window.__calls"))
            .unwrap()
            .as_string()
            .unwrap(),
    )
    .unwrap();
    calls
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap().to_owned())
        .collect()
}

/// Holds answers to `key` until [`release`]: the page shows its waiting state meanwhile.
pub fn hold(key: &str) {
    let key = json!(key);
    js(&format!(
        "window.__gates[{key}] = new Promise(r => {{ window.__open = r; }});"
    ));
}

/// Lets held answers go, with the route's answer at that moment.
pub fn release(key: &str) {
    js(&format!(
        "window.__gates[{}] = null; window.__open();",
        json!(key)
    ));
}

/// The query string (`?after_version=3`, or "") of the last request to `key`.
pub fn last_query(key: &str) -> String {
    js(&format!(
        "(window.__calls.filter(c => c.key === {}).pop() || {{}}).search",
        json!(key)
    ))
    .as_string()
    .unwrap_or_default()
}

/// How many requests went to `key`.
pub fn count(key: &str) -> usize {
    calls().iter().filter(|c| *c == key).count()
}

pub fn last_body(key: &str) -> Value {
    let body = js(&format!(
        "(window.__calls.filter(c => c.key === {}).pop() || {{}}).body",
        json!(key)
    ));
    serde_json::from_str(&body.as_string().unwrap_or_default()).unwrap_or(Value::Null)
}

pub fn signed_out() -> Value {
    json!([401, { "error": "signed_out", "message": "Sign in first." }])
}

/// Says this device signed in before, so the app asks `GET /api/session`.
pub fn remember_session() {
    window()
        .local_storage()
        .unwrap()
        .unwrap()
        .set_item(SESSION_FLAG, "1")
        .unwrap();
}

pub fn reset(path: &str, language: &str) {
    window()
        .history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(path))
        .unwrap();
    let storage = window().local_storage().unwrap().unwrap();
    storage.clear().unwrap();
    storage.set_item(STORAGE_KEY, language).unwrap();
}

/// Takes away the window's `click` and `popstate` listeners of apps mounted before. An app whose
/// reactive owner outlives its unmount handle (a task of the signed-in app still running) keeps
/// its router listening, and that router would take the next app's link clicks. Listeners are
/// recorded from the first call on, so it runs before every mount.
pub fn forget_earlier_routers() {
    js(r#"
        if (!window.__routerListeners) {
            window.__routerListeners = [];
            const add = window.addEventListener;
            window.addEventListener = function (type, listener, options) {
                if (type === 'click' || type === 'popstate') {
                    window.__routerListeners.push([type, listener, options]);
                }
                return add.call(this, type, listener, options);
            };
        }
        for (const [type, listener, options] of window.__routerListeners.splice(0)) {
            window.removeEventListener(type, listener, options);
        }
        "#);
}

pub fn mount() -> (web_sys::HtmlElement, impl Drop) {
    forget_earlier_routers();
    let host: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&host).unwrap();
    let handle = mount_to(host.clone(), App);
    (host, handle)
}

pub fn find(selector: &str) -> Option<web_sys::HtmlElement> {
    document()
        .query_selector(selector)
        .unwrap()
        .map(JsCast::unchecked_into)
}

pub fn text(selector: &str) -> String {
    find(selector)
        .and_then(|el| el.text_content())
        .unwrap_or_default()
}

pub fn visible(selector: &str) -> bool {
    find(selector).is_some_and(|el| !el.hidden())
}

pub fn value(selector: &str) -> String {
    js(&format!(
        "document.querySelector({}).value",
        json!(selector)
    ))
    .as_string()
    .unwrap_or_default()
}

pub fn attr(selector: &str, name: &str) -> Option<String> {
    find(selector).and_then(|el| el.get_attribute(name))
}

/// Types into a field as a person would (the `input` event the page listens to).
pub fn type_into(selector: &str, typed: &str) {
    js(&format!(
        "const f = document.querySelector({}); f.value = {}; f.dispatchEvent(new Event('input', {{ bubbles: true }}));",
        json!(selector),
        json!(typed)
    ));
}

pub fn is_focused(selector: &str) -> bool {
    let active = document().active_element();
    find(selector).is_some_and(|el| active.as_ref() == Some(el.as_ref()))
}

pub fn path() -> String {
    window().location().pathname().unwrap()
}

pub fn heading() -> String {
    text("main h1")
}

/// Follows a link as a tap would: its own click handlers run, then the app's router moves to
/// its address. (Routers of apps mounted by earlier tests in the same page would otherwise
/// take the click.)
pub fn follow(selector: &str) {
    js(&format!(
        r#"
        const a = document.querySelector({});
        a.addEventListener('click', (e) => e.preventDefault(), {{ once: true }});
        a.click();
        history.pushState(null, '', a.getAttribute('href'));
        dispatchEvent(new PopStateEvent('popstate', {{ state: null }}));
        "#,
        json!(selector)
    ));
}
