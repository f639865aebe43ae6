//! File upload (SPEC 3.8) in a real browser (headless Chromium): choosing files in the message
//! box and on the documents page, refusals, progress, cancel and try again, sending with the
//! uploads' ids, and downloads. `fetch` is stubbed as in the other tests (`browser`); the
//! uploads' `XMLHttpRequest` is stubbed here, answering from the same routes.
//! `message_box`: choosing files to send; `downloads`: files in the thread; `documents`: the
//! documents page.

use serde_json::{json, Value};

use crate::browser::*;

mod documents;
mod downloads;
mod message_box;

const THREAD: &str = "GET /api/patients/p-lily/messages";
const SEND: &str = "POST /api/patients/p-lily/messages";
const READ: &str = "POST /api/patients/p-lily/messages/read";
const UPLOAD: &str = "POST /api/patients/p-lily/attachments";
const DOCUMENTS: &str = "GET /api/patients/p-lily/documents";

fn session() -> Value {
    json!([200, {
        "phone": "•••• 0102",
        "idle_seconds_left": 1800,
        "absolute_seconds_left": 43200,
        "remembered_device": true,
        "practices": [
            { "slug": "lakeside", "name": "Lakeside Family Medicine", "phone": "+19725550100",
              "time_zone": "America/Chicago", "can_add_dependents": true, "asks_dependent_sex": true },
        ],
    }])
}

fn lily() -> Value {
    json!({
        "id": "p-lily", "first_name": "Lily", "last_name": "Carter", "relationship": "guardian",
        "status": "active", "verified": true, "birth_month_year": null,
        "locked_seconds_left": null, "unread_count": 0,
    })
}

fn attachment(id: &str, name: &str, content_type: &str, size: u64) -> Value {
    json!({ "id": id, "file_name": name, "content_type": content_type, "size_bytes": size, "sha256": "ab" })
}

fn msg(seq: u64, mine: bool, body: &str, attachments: Vec<Value>) -> Value {
    json!({
        "id": format!("m{seq}"), "seq": seq, "sender": if mine { "patient" } else { "practice" },
        "mine": mine, "author": null, "body": body, "event": null,
        "sent_at": "2026-11-20T15:05:00Z", "read_at": null, "client_key": null,
        "attachments": attachments,
    })
}

fn thread(messages: Vec<Value>) -> Value {
    json!([200, {
        "version": 1, "status": "assigned", "messages": messages, "has_earlier": false,
        "read_seq": 0, "unread_count": 0,
    }])
}

/// Signed in at `path` with Lily chosen; `fetch` and `XMLHttpRequest` answer from `routes`.
/// Uploads answer at once unless [`hold_uploads`]; URL.revokeObjectURL is recorded.
fn start(path: &str, language: &str, routes: Value) {
    reset(path, language);
    js("sessionStorage.clear()");
    js(&format!(
        "sessionStorage.setItem('portal.patient', {})",
        json!(json!(["lakeside", lily()]).to_string())
    ));
    remember_session();
    let mut all = json!({
        "GET /api/session": session(),
        READ: [204, null],
        UPLOAD: [201, attachment("att-1", "card.png", "image/png", 2048)],
    });
    for (key, answer) in routes.as_object().unwrap() {
        all[key] = answer.clone();
    }
    stub_api(all);
    // Take away what earlier tests left (a failed test never unmounts).
    js("document.querySelectorAll('main#main').forEach(m => m.parentElement.remove())");
    js(r#"
        window.__xhrs = [];
        window.__holdUploads = false;
        window.__revoked = [];
        window.__realRevoke = window.__realRevoke || URL.revokeObjectURL;
        URL.revokeObjectURL = (url) => { window.__revoked.push(url); window.__realRevoke.call(URL, url); };
        window.XMLHttpRequest = class {
            constructor() { this.upload = {}; this.headers = {}; this.status = 0; this.responseText = ''; }
            open(method, url) { this.method = method; this.url = url; }
            setRequestHeader(name, value) { this.headers[name.toLowerCase()] = value; }
            send(body) {
                this.key = this.method + ' ' + new URL(this.url, location.href).pathname;
                window.__calls.push({ key: this.key, body: null, search: '',
                    name: this.headers['x-file-name'], size: body.size, file: body });
                window.__xhrs.push(this);
                if (!window.__holdUploads) setTimeout(() => this.finish(), 0);
            }
            progress(loaded, total) {
                this.upload.onprogress({ lengthComputable: true, loaded, total });
            }
            finish() {
                if (this.done) return;
                this.done = true;
                const [status, answer] = window.__routes[this.key];
                this.status = status;
                this.responseText = JSON.stringify(answer);
                this.onloadend();
            }
            abort() {
                if (this.done) return;
                this.done = true;
                this.aborted = true;
                this.onloadend();
            }
        };
    "#);
}

fn hold_uploads() {
    js("window.__holdUploads = true");
}

/// The last upload: its progress, then its answer from the routes.
fn progress(loaded: u32, total: u32) {
    js(&format!("window.__xhrs.at(-1).progress({loaded}, {total})"));
}

fn finish_upload() {
    js("window.__xhrs.at(-1).finish()");
}

/// Chooses files in a file input as a person would: `(name, type, size)`.
fn choose(selector: &str, files: &[(&str, &str, u32)]) {
    js(&format!(
        r#"
        const dt = new DataTransfer();
        for (const [name, type, size] of {}) dt.items.add(new File([new Uint8Array(size)], name, {{ type }}));
        const input = document.querySelector({});
        input.files = dt.files;
        input.dispatchEvent(new Event('change', {{ bubbles: true }}));
        "#,
        json!(files),
        json!(selector)
    ));
}

/// The `X-File-Name` of each upload so far.
fn uploaded_names() -> Vec<String> {
    let names =
        js("JSON.stringify(window.__calls.filter(c => c.name !== undefined).map(c => c.name))");
    serde_json::from_str(&names.as_string().unwrap()).unwrap()
}

fn rows() -> usize {
    js("document.querySelectorAll('.file-list li').length")
        .as_f64()
        .unwrap() as usize
}

/// The text of the chosen file's row that contains `name`.
fn row_of(name: &str) -> String {
    js(&format!(
        "[...document.querySelectorAll('.file-list li')].map(l => l.textContent).find(t => t.includes({})) || ''",
        json!(name)
    ))
    .as_string()
    .unwrap()
}

/// Clicks the button of the chosen file `name` whose accessible text starts with `label`.
fn click_in_row(name: &str, label: &str) {
    js(&format!(
        r#"
        const row = [...document.querySelectorAll('.file-list li')].find(l => l.querySelector('.file-name').textContent === {name});
        const button = [...row.querySelectorAll('button')].find(b => !b.hidden && b.textContent.startsWith({label}));
        button.click();
        "#,
        name = json!(name),
        label = json!(label)
    ));
}

fn button_visible(name: &str, label: &str) -> bool {
    js(&format!(
        r#"
        (() => {{
            const row = [...document.querySelectorAll('.file-list li')].find(l => l.querySelector('.file-name').textContent === {name});
            return !!row && [...row.querySelectorAll('button')].some(b => !b.hidden && b.textContent.startsWith({label}));
        }})()
        "#,
        name = json!(name),
        label = json!(label)
    ))
    .as_bool()
    .unwrap()
}

async fn open_messages(messages: Vec<Value>, routes: Value) -> (web_sys::HtmlElement, impl Drop) {
    let mut all = json!({ THREAD: thread(messages) });
    for (key, answer) in routes.as_object().unwrap() {
        all[key] = answer.clone();
    }
    start("/patients/p-lily/messages", "en", all);
    let app = mount();
    wait_until("the thread loads", || {
        find("#message").is_some() && find(".loading").is_none()
    })
    .await;
    app
}

fn send_button() -> web_sys::HtmlElement {
    find("form.composer button[type=submit]").unwrap()
}
