//! The installable portal (issue 8): the service worker and the web app manifest of public/ are
//! served as a browser needs them (type, revalidation, a CSP that lets them load), and the
//! manifest says what an install needs.

use crate::helpers;
use helpers::{spawn, Db};
use reqwest::header;
use std::path::PathBuf;

fn public(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../public")
        .join(file)
}

/// A server whose built portal also holds public/'s sw.js and manifest.webmanifest.
async fn spawn_with_public_files(db: Db) -> helpers::TestApp {
    let app = spawn(db).await;
    for file in ["sw.js", "manifest.webmanifest"] {
        std::fs::copy(public(file), app.config.static_dir.join(file)).unwrap();
    }
    app
}

async fn service_worker_is_javascript_revalidated_and_allowed_by_the_csp(db: Db) {
    let app = spawn_with_public_files(db).await;
    let r = app.http.get(app.url("/sw.js")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(h[header::CONTENT_TYPE], "text/javascript");
    // A new deploy reaches the browser on its next visit: never a stale worker from a cache.
    assert_eq!(h[header::CACHE_CONTROL], "no-cache");
    // At the root, its scope is the whole portal without a Service-Worker-Allowed header.
    assert!(h.get("service-worker-allowed").is_none());
    let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("worker-src 'self'"), "{csp}");
    assert!(csp.contains("connect-src 'self'"), "{csp}");
    assert_eq!(
        r.text().await.unwrap(),
        std::fs::read_to_string(public("sw.js")).unwrap(),
        "the real file, not the portal's index.html"
    );
    // The page that registers it allows both the worker and the manifest too.
    let page = app.http.get(app.url("/")).send().await.unwrap();
    let csp = page.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("worker-src 'self'"), "{csp}");
    assert!(csp.contains("manifest-src 'self'"), "{csp}");
}

async fn manifest_has_its_type_and_what_an_install_needs(db: Db) {
    let app = spawn_with_public_files(db).await;
    let r = app
        .http
        .get(app.url("/manifest.webmanifest"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/manifest+json"
    );
    assert_eq!(r.headers()[header::CACHE_CONTROL], "no-cache");
    let m: serde_json::Value = r.json().await.unwrap();
    assert_eq!(m["name"], "Patient Portal");
    assert!(m["short_name"].as_str().is_some_and(|s| s.len() <= 12));
    assert_eq!(m["start_url"], "/");
    assert_eq!(m["display"], "standalone");
    for colour in ["theme_color", "background_color"] {
        assert!(
            m[colour].as_str().is_some_and(|c| c.starts_with('#')),
            "{colour}"
        );
    }
    // PNG icons of 192 and 512 pixels, each a real file of that size.
    let mut sizes = Vec::new();
    for icon in m["icons"].as_array().unwrap() {
        assert_eq!(icon["type"], "image/png");
        let src = icon["src"].as_str().unwrap();
        let png = std::fs::read(public(src.trim_start_matches('/'))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{src}");
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!(
            icon["sizes"].as_str().unwrap(),
            format!("{width}x{height}"),
            "{src}"
        );
        if icon["purpose"].as_str().unwrap_or("any").contains("any") {
            sizes.push(width);
        }
    }
    assert!(sizes.contains(&192) && sizes.contains(&512), "{sizes:?}");
}

on_both_databases!(
    service_worker_is_javascript_revalidated_and_allowed_by_the_csp,
    manifest_has_its_type_and_what_an_install_needs,
);
