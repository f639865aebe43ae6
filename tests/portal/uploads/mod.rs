//! File upload (SPEC 3.8) in a real browser (headless Chromium): choosing files in the message
//! box and on the documents page, refusals, progress, cancel and try again, sending with the
//! uploads' ids, and downloads. `fetch` is stubbed as in the other tests (`browser`); the
//! uploads' `XMLHttpRequest` is stubbed here, answering from the same routes.

use serde_json::{json, Value};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use crate::browser::*;

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

#[wasm_bindgen_test]
async fn chosen_files_show_name_size_and_preview_upload_at_once_and_remove_frees_the_preview() {
    let (host, _app) = open_messages(vec![], json!({})).await;
    assert_eq!(text("label[for=message-files]"), "Attach files");
    assert_eq!(attr("#message-files", "type").as_deref(), Some("file"));
    assert!(find("#message-files[multiple]").is_some());
    assert!(attr("#message-files", "accept")
        .unwrap()
        .contains("application/pdf"));
    assert!(find("input[type=file][capture=environment][accept='image/*']").is_some());
    assert!(text(".files .hint").contains("10 MB"));

    choose(
        "#message-files",
        &[
            ("insurance card.png", "image/png", 2048),
            ("referral.pdf", "application/pdf", 1536 * 1024),
        ],
    );
    wait_until("both files are listed", || rows() == 2).await;
    let card = row_of("insurance card.png");
    assert!(card.contains("2 KB"), "{card}");
    assert!(row_of("referral.pdf").contains("1.5 MB"));
    assert!(
        text(".files").contains("Total size: 1.6 MB"),
        "{}",
        text(".files")
    );
    let preview = attr(".file-preview", "src").unwrap();
    assert!(preview.starts_with("blob:"), "{preview}");
    assert_eq!(
        attr(".file-preview", "alt").as_deref(),
        Some("insurance card.png")
    );
    assert_eq!(
        js("document.querySelectorAll('.file-preview').length").as_f64(),
        Some(1.0),
        "a PDF has no preview"
    );
    // Uploaded as soon as chosen, one request each, the name percent-encoded.
    assert_eq!(
        uploaded_names(),
        vec!["insurance%20card.png", "referral.pdf"]
    );
    assert_eq!(
        js("window.__calls.filter(c => c.name)[1].size").as_f64(),
        Some((1536 * 1024) as f64),
        "the file itself is the body"
    );
    wait_until("both are uploaded", || {
        row_of("referral.pdf").contains("Uploaded")
            && row_of("insurance card.png").contains("Uploaded")
    })
    .await;

    // Remove: its name is in the button's accessible text; the preview is released.
    assert!(button_visible(
        "insurance card.png",
        "Remove insurance card.png"
    ));
    click_in_row("insurance card.png", "Remove");
    wait_until("the card is gone", || rows() == 1).await;
    assert!(js("window.__revoked")
        .dyn_ref::<js_sys::Array>()
        .unwrap()
        .includes(&preview.as_str().into(), 0));
    assert!(text(".files").contains("Total size: 1.5 MB"));
    wait_until("focus back on Attach files", || {
        is_focused("#message-files")
    })
    .await;
    host.remove();
}

#[wasm_bindgen_test]
async fn files_the_browser_can_refuse_get_an_error_naming_them_and_are_never_uploaded() {
    let (host, _app) = open_messages(vec![], json!({})).await;
    choose(
        "#message-files",
        &[
            ("scan.pdf", "application/pdf", 10 * 1024 * 1024 + 1),
            ("setup.exe", "application/x-msdownload", 100),
            ("logo.svg", "image/svg+xml", 100),
            ("page.html", "text/html", 100),
            ("blank.png", "image/png", 0),
        ],
    );
    wait_until("the refusals show", || !text(".file-errors").is_empty()).await;
    let errors = text(".file-errors");
    assert!(
        errors.contains("“scan.pdf” is too big. Each file must be 10 MB or smaller."),
        "{errors}"
    );
    assert!(errors.contains("“setup.exe” can't be sent"), "{errors}");
    assert!(errors.contains("“logo.svg” can't be sent"), "{errors}");
    assert!(errors.contains("“page.html” can't be sent"), "{errors}");
    assert!(errors.contains("“blank.png” is empty"), "{errors}");
    assert_eq!(attr(".file-errors", "role").as_deref(), Some("alert"));
    assert_eq!(rows(), 0);
    assert_eq!(count(UPLOAD), 0, "nothing refused is uploaded");

    // Ten at most: the eleventh is named and left out.
    let names: Vec<String> = (1..=11).map(|i| format!("page{i}.jpg")).collect();
    let files: Vec<(&str, &str, u32)> = names
        .iter()
        .map(|n| (n.as_str(), "image/jpeg", 10))
        .collect();
    choose("#message-files", &files);
    wait_until("ten are listed", || rows() == 10).await;
    assert!(text(".file-errors")
        .contains("“page11.jpg” was not added. You can send up to 10 files at a time."));
    assert!(
        !text(".file-errors").contains("setup.exe"),
        "old refusals go"
    );
    assert_eq!(count(UPLOAD), 10);
    assert!(!uploaded_names().contains(&"page11.jpg".to_owned()));
    host.remove();
}

#[wasm_bindgen_test]
async fn refusals_are_in_spanish_too() {
    start(
        "/patients/p-lily/messages",
        "es",
        json!({ THREAD: thread(vec![]) }),
    );
    let (host, _app) = mount();
    wait_until("the thread loads", || find("#message-files").is_some()).await;
    assert_eq!(text("label[for=message-files]"), "Adjuntar archivos");
    choose("#message-files", &[("setup.exe", "", 100)]);
    wait_until("the refusal", || {
        text(".file-errors").contains("No se puede enviar “setup.exe”")
    })
    .await;
    assert_eq!(count(UPLOAD), 0);
    host.remove();
}

#[wasm_bindgen_test]
async fn progress_shows_cancel_stops_and_try_again_uploads_the_same_file_without_choosing_it() {
    let (host, _app) = open_messages(vec![], json!({})).await;
    hold_uploads();
    choose("#message-files", &[("x-ray.pdf", "application/pdf", 4000)]);
    wait_until("the upload starts", || count(UPLOAD) == 1).await;
    progress(1000, 4000);
    wait_until("the progress shows", || {
        row_of("x-ray.pdf").contains("Uploading: 25%")
    })
    .await;
    assert_eq!(
        js("document.querySelector('.file progress').value").as_f64(),
        Some(25.0)
    );
    let label_for = attr(".file label", "for").unwrap();
    assert_eq!(
        attr(".file progress", "id"),
        Some(label_for),
        "the bar has a label"
    );
    // Send waits for it and says which.
    assert_eq!(
        send_button().get_attribute("aria-disabled").as_deref(),
        Some("true")
    );
    assert!(text("#message-files-waiting").contains("“x-ray.pdf”"));
    type_into("#message", "Here it is");
    send_button().click();
    sleep(50).await;
    assert_eq!(count(SEND), 0, "not while uploading");

    click_in_row("x-ray.pdf", "Cancel");
    wait_until("it is cancelled", || {
        row_of("x-ray.pdf").contains("Upload cancelled")
    })
    .await;
    assert_eq!(js("window.__xhrs[0].aborted").as_bool(), Some(true));
    wait_until("focus on Try again", || {
        js("document.activeElement.textContent.startsWith('Try again')").as_bool() == Some(true)
    })
    .await;

    // Try again: the same File, not chosen again; this time the network fails.
    stub_route(
        UPLOAD,
        503,
        json!({ "error": "storage_unavailable", "message": "x" }),
    );
    click_in_row("x-ray.pdf", "Try again");
    wait_until("a second upload", || count(UPLOAD) == 2).await;
    assert_eq!(
        js("window.__calls.filter(c => c.name)[0].file === window.__calls.filter(c => c.name)[1].file").as_bool(),
        Some(true),
        "the same File object"
    );
    finish_upload();
    wait_until("the failure shows", || {
        row_of("x-ray.pdf").contains("“x-ray.pdf” was not uploaded.")
    })
    .await;
    assert!(button_visible("x-ray.pdf", "Try again"));

    stub_route(
        UPLOAD,
        201,
        attachment("att-9", "x-ray.pdf", "application/pdf", 4000),
    );
    click_in_row("x-ray.pdf", "Try again");
    wait_until("a third upload", || count(UPLOAD) == 3).await;
    finish_upload();
    wait_until("it is uploaded", || {
        row_of("x-ray.pdf").contains("Uploaded")
    })
    .await;
    assert!(!button_visible("x-ray.pdf", "Try again"));
    assert_eq!(send_button().get_attribute("aria-disabled"), None);
    assert_eq!(text("#message-files-waiting"), "");
    host.remove();
}

#[wasm_bindgen_test]
async fn a_file_the_server_refuses_names_it_and_the_reason() {
    let (host, _app) = open_messages(
        vec![],
        json!({ UPLOAD: [415, { "error": "file_type_not_allowed", "message": "x" }] }),
    )
    .await;
    choose("#message-files", &[("photo.jpg", "image/jpeg", 100)]);
    wait_until("the refusal", || {
        row_of("photo.jpg").contains("“photo.jpg” can't be sent")
    })
    .await;
    assert!(
        !button_visible("photo.jpg", "Try again"),
        "trying again cannot help"
    );
    assert!(button_visible("photo.jpg", "Remove"));
    host.remove();
}

#[wasm_bindgen_test]
async fn send_carries_the_uploads_ids_and_the_thread_shows_them_as_downloads() {
    let card = attachment("att-1", "card.png", "image/png", 2048);
    let (host, _app) = open_messages(
        vec![msg(1, false, "Please send your insurance card", vec![])],
        json!({ SEND: [503, { "error": "database_unavailable", "message": "x" }] }),
    )
    .await;
    choose("#message-files", &[("card.png", "image/png", 2048)]);
    wait_until("uploaded", || row_of("card.png").contains("Uploaded")).await;
    // No text: with files that is fine.
    send_button().click();
    wait_until("the send fails", || {
        text(".msg-unsent").contains("Not sent")
    })
    .await;
    assert_eq!(
        last_body(SEND)["attachment_ids"],
        json!(["att-1"]),
        "{}",
        last_body(SEND)
    );
    assert_eq!(last_body(SEND)["body"], "");
    assert_eq!(rows(), 0, "the picker empties");
    assert_eq!(
        js("window.__revoked.length").as_f64(),
        Some(1.0),
        "the preview is released once sent"
    );
    assert!(text(".msg-unsent").contains("card.png"));
    let key = last_body(SEND)["client_key"].clone();

    // Try again sends the same ids under the same key.
    let mut stored = msg(2, true, "", vec![card]);
    stored["client_key"] = key.clone();
    stub_route(SEND, 201, stored);
    js("document.querySelector('.msg-unsent button').click()");
    wait_until("sent", || find(".msg-unsent").is_none()).await;
    assert_eq!(last_body(SEND)["attachment_ids"], json!(["att-1"]));
    assert_eq!(last_body(SEND)["client_key"], key);
    let link = "a[href='/api/patients/p-lily/attachments/att-1']";
    assert_eq!(text(link), "card.png");
    assert_eq!(attr(link, "download").as_deref(), Some(""));
    assert!(text(".thread li:nth-child(2)").contains("Image · 2 KB"));
    host.remove();
}

#[wasm_bindgen_test]
async fn the_thread_shows_the_practices_files_too() {
    let (host, _app) = open_messages(
        vec![msg(
            1,
            false,
            "Your results",
            vec![attachment("att-5", "labs.pdf", "application/pdf", 250_000)],
        )],
        json!({}),
    )
    .await;
    let link = "a[href='/api/patients/p-lily/attachments/att-5']";
    wait_until("the file", || find(link).is_some()).await;
    assert_eq!(text(link), "labs.pdf");
    assert!(text(".msg-files").contains("PDF document · 245 KB"));
    host.remove();
}

fn records(documents: Value) -> Value {
    json!({
        "GET /api/patients/p-lily/appointments": [200, []],
        DOCUMENTS: [200, documents],
        "GET /api/patients/p-lily/treatment-plans": [200, []],
        "GET /api/patients/p-lily/forms": [200, []],
    })
}

#[wasm_bindgen_test]
async fn the_documents_page_lists_what_was_sent_and_sends_more_as_a_message() {
    let sent = json!({
        "id": "att-3", "title": "card.png", "date": "2026-11-20", "file_name": "card.png",
        "content_type": "image/png", "size_bytes": 2048, "sent_to_practice": true,
    });
    let published = json!({
        "id": "d1", "title": "Lab results", "date": "2026-11-02", "file_name": "labs.pdf",
        "content_type": "application/pdf", "size_bytes": 250000, "sent_to_practice": false,
    });
    let mut routes = records(json!([published.clone(), sent.clone()]));
    routes[SEND] = json!([201, msg(7, true, "", vec![])]);
    start("/patients/p-lily/records", "en", routes);
    let (host, _app) = mount();
    wait_until("the documents", || text("main").contains("Lab results")).await;
    let link = "a[href='/api/patients/p-lily/attachments/att-3']";
    assert!(
        find(link).is_some(),
        "a sent file downloads as the attachment"
    );
    assert!(find("a[href='/api/patients/p-lily/documents/d1/file']").is_some());
    let main = text("main");
    assert!(
        main.contains("Sent to the practice · November 20, 2026 · card.png · 2 KB"),
        "{main}"
    );
    assert!(
        !main.contains("Sent to the practice · November 2,"),
        "{main}"
    );

    // Nothing chosen: said, nothing sent.
    assert!(text(".send-documents h2").contains("Send documents to the practice"));
    find(".send-documents button[type=submit]").unwrap().click();
    wait_until("the error", || {
        text("#error-summary").contains("Choose at least one file")
    })
    .await;
    assert_eq!(count(SEND), 0);

    choose("#documents-files", &[("card.png", "image/png", 2048)]);
    wait_until("uploaded", || row_of("card.png").contains("Uploaded")).await;
    type_into("#note", "Front and back");
    find(".send-documents button[type=submit]").unwrap().click();
    wait_until("the success", || {
        text(".send-documents .notice")
            == "Sent to Lakeside Family Medicine. You'll find them in Messages."
    })
    .await;
    assert_eq!(
        attr(".send-documents .notice", "role").as_deref(),
        Some("status")
    );
    let body = last_body(SEND);
    assert_eq!(body["attachment_ids"], json!(["att-1"]));
    assert_eq!(body["body"], "Front and back");
    assert_eq!(rows(), 0);
    assert_eq!(value("#note"), "");
    wait_until("the list loads again", || count(DOCUMENTS) == 2).await;
    host.remove();
}
