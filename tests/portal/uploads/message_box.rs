//! Choosing files in the message box: names, sizes, previews, refusals, progress, cancel and try again.

use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use super::{
    attachment, button_visible, choose, click_in_row, finish_upload, hold_uploads, open_messages,
    progress, row_of, rows, send_button, start, thread, uploaded_names, SEND, THREAD, UPLOAD,
};
use crate::browser::*;

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
