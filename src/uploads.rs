//! Uploading one file (SPEC 3.8): `POST /api/patients/{id}/attachments` with the file itself as
//! the body (the browser streams it), its name percent-encoded in `X-File-Name`. Through
//! `XMLHttpRequest`, because `fetch` cannot report upload progress. Also the checks the browser
//! can make before uploading (the server checks the bytes again).

use crate::api::{self, ApiClientError};
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{File, ProgressEvent, XmlHttpRequest};
use wire::attachments::{Attachment, MAX_FILE_BYTES};

/// The types the server accepts, as `<input accept>` says them (HEIC by extension too: some
/// browsers give it no type).
pub const ACCEPT: &str =
    "image/jpeg,image/png,image/heic,image/heif,image/webp,image/gif,application/pdf,.heic,.heif";

const EXTENSIONS: [&str; 8] = ["jpg", "jpeg", "png", "heic", "heif", "webp", "gif", "pdf"];

/// Why a file is refused before it is uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    TooLarge,
    TypeNotAllowed,
    Empty,
    TooMany,
}

/// What the browser can tell about a file from its size, declared type and name. A file with
/// no type and no extension is left for the server to judge by its bytes.
pub fn check(name: &str, mime: &str, size: u64) -> Option<Refusal> {
    if size == 0 {
        return Some(Refusal::Empty);
    }
    if size > MAX_FILE_BYTES {
        return Some(Refusal::TooLarge);
    }
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let known_type = !mime.is_empty() && ACCEPT.split(',').any(|t| t == mime);
    let known_extension = EXTENSIONS.contains(&extension.as_str());
    let unknown = mime.is_empty() && extension.is_empty();
    (!(known_type || known_extension || unknown)).then_some(Refusal::TypeNotAllowed)
}

/// Starts uploading `file` for the patient. `progress` gets the percent sent; `done` gets the
/// answer once (an abort answers `Network`). The request, to abort it; `None` if the browser
/// refused to start it (then `done` has already been told).
pub fn upload(
    patient: &str,
    file: &File,
    progress: impl Fn(u32) + 'static,
    done: impl FnOnce(Result<Attachment, ApiClientError>) + 'static,
) -> Option<XmlHttpRequest> {
    let started = start(patient, file);
    let Ok(xhr) = started else {
        done(Err(ApiClientError::Network));
        return None;
    };
    let on_progress = Closure::<dyn Fn(ProgressEvent)>::new(move |e: ProgressEvent| {
        if e.length_computable() && e.total() > 0.0 {
            progress((e.loaded() * 100.0 / e.total()) as u32);
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let request = xhr.clone();
    // Runs once, after success, an error or an abort; then frees both closures.
    let on_end = Closure::once_into_js(move || {
        drop(on_progress);
        let status = request.status().unwrap_or(0);
        let text = request.response_text().ok().flatten().unwrap_or_default();
        done(api::answer(status, text));
    });
    xhr.set_onloadend(Some(on_end.unchecked_ref()));
    xhr.send_with_opt_blob(Some(file)).ok()?;
    Some(xhr)
}

fn start(patient: &str, file: &File) -> Result<XmlHttpRequest, wasm_bindgen::JsValue> {
    let xhr = XmlHttpRequest::new()?;
    xhr.open("POST", &format!("/api/patients/{patient}/attachments"))?;
    xhr.set_request_header("Accept", "application/json")?;
    let name: String = js_sys::encode_uri_component(&file.name()).into();
    xhr.set_request_header("X-File-Name", &name)?;
    Ok(xhr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_refuses_what_it_can_tell() {
        assert_eq!(check("card.jpg", "image/jpeg", 1), None);
        assert_eq!(check("IMG_1.HEIC", "", 5), None, "HEIC without a type");
        assert_eq!(check("scan", "", 5), None, "for the server to judge");
        assert_eq!(check("form.pdf", "application/pdf", MAX_FILE_BYTES), None);
        assert_eq!(
            check("big.pdf", "application/pdf", MAX_FILE_BYTES + 1),
            Some(Refusal::TooLarge)
        );
        assert_eq!(check("a.png", "image/png", 0), Some(Refusal::Empty));
        for (name, mime) in [
            ("setup.exe", "application/x-msdownload"),
            ("setup.exe", ""),
            ("logo.svg", "image/svg+xml"),
            ("page.html", "text/html"),
        ] {
            assert_eq!(
                check(name, mime, 10),
                Some(Refusal::TypeNotAllowed),
                "{name}"
            );
        }
    }
}
