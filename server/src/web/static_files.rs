//! Serves the built portal (`dist/`): precompressed `.br`/`.gz` files when the browser accepts
//! them, hashed assets cached for a year, everything else revalidated, and `index.html` for any
//! path that is not a file so the portal's router can handle it.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

#[derive(Clone)]
pub struct StaticFiles {
    dir: PathBuf,
}

impl StaticFiles {
    pub fn new(dir: &Path) -> StaticFiles {
        StaticFiles {
            dir: dir.to_path_buf(),
        }
    }

    pub async fn serve(self, request: Request) -> Response {
        if !matches!(*request.method(), Method::GET | Method::HEAD) {
            return StatusCode::METHOD_NOT_ALLOWED.into_response();
        }
        let path = request.uri().path().to_owned();
        let file_name = path.rsplit('/').next().unwrap_or_default().to_owned();
        let (parts, _) = request.into_parts();
        let files = ServeDir::new(&self.dir)
            .precompressed_br()
            .precompressed_gzip();
        let response = files
            .oneshot(Request::from_parts(parts.clone(), Body::empty()))
            .await
            .into_response();

        // A missing name with a dot is a missing file (say an old asset hash): a real 404, not the
        // app. A path without one is a page of the portal: the app decides what it shows.
        let is_page = !file_name.contains('.');
        let (mut response, cache) = if response.status() == StatusCode::NOT_FOUND && is_page {
            let index = ServeFile::new(self.dir.join("index.html"))
                .precompressed_br()
                .precompressed_gzip();
            let response = index
                .oneshot(Request::from_parts(parts, Body::empty()))
                .await
                .into_response();
            (response, REVALIDATE)
        } else if is_hashed_asset(&file_name) {
            (response, IMMUTABLE)
        } else {
            (response, REVALIDATE)
        };
        if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
            let headers = response.headers_mut();
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            // The body depends on Accept-Encoding (precompressed files): caches must keep them apart.
            headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        response
    }
}

/// Trunk names built assets `name-<16 hex digits>[_bg].ext`; their content never changes.
pub fn is_hashed_asset(file_name: &str) -> bool {
    let stem = file_name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    match stem.rsplit_once('-') {
        Some((_, hash)) => hash.len() >= 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn recognises_trunk_hashed_names() {
        assert!(is_hashed_asset("portal-4f1c2d3e4b5a6978_bg.wasm"));
        assert!(is_hashed_asset("portal-4f1c2d3e4b5a6978.js"));
        assert!(is_hashed_asset("main-0123456789abcdef.css"));
        assert!(!is_hashed_asset("index.html"));
        assert!(!is_hashed_asset("boot.js"));
        assert!(!is_hashed_asset("icon-192.png"));
        assert!(!is_hashed_asset("favicon.ico"));
    }
}
