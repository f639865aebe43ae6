//! What a browser gets: the built portal with the right caching, compression and security
//! headers, the health check, the OpenAPI document and the development outbox.

use crate::helpers;
use helpers::{spawn, spawn_with, Db, HASHED_WASM, INDEX_HTML};
use portal_server::config::Mode;
use portal_server::notify::Message;
use reqwest::header;

async fn health_reports_the_database(db: Db) {
    let app = spawn(db).await;
    let r = app.http.get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[header::CACHE_CONTROL], "no-store");
    let body: wire::api::Health = r.json().await.unwrap();
    assert_eq!(body.status, "ok");
    assert_eq!(
        body.database,
        match db {
            Db::Sqlite => "sqlite",
            Db::Postgres => "postgres",
        }
    );
}

async fn health_says_503_when_the_database_is_gone(db: Db) {
    let app = spawn(db).await;
    app.store.close().await;
    let r = app.http.get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(r.status(), 503);
    let body: wire::api::ApiError = r.json().await.unwrap();
    assert_eq!(body.error.as_str(), "database_unavailable");
}

async fn openapi_describes_every_endpoint(db: Db) {
    let app = spawn(db).await;
    let doc: serde_json::Value = app
        .http
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/health",
        "/api/auth/code",
        "/api/auth/verify",
        "/api/auth/sign-out",
        "/api/session",
        "/api/session/refresh",
        "/api/twilio/sms",
        "/api/practice/practices",
        "/api/practice/practices/{slug}/patients",
        "/api/practice/practices/{slug}/patients/{patient_id}",
        "/api/practice/practices/{slug}/patients/{patient_id}/contacts",
        "/api/practice/practices/{slug}/patients/{patient_id}/guardians",
    ] {
        assert!(
            paths.contains_key(path),
            "missing {path} in {:?}",
            paths.keys().collect::<Vec<_>>()
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["practice_token"]["scheme"],
        "bearer"
    );
    // Every documented path answers something other than the router's 404 (it is really routed).
    for path in paths.keys() {
        let concrete = path
            .replace("{slug}", "nope")
            .replace("{patient_id}", "nope");
        let r = app.http.get(app.url(&concrete)).send().await.unwrap();
        let routed = r.status() != 404
            || r.json::<wire::api::ApiError>()
                .await
                .map(|e| e.error.as_str() == "not_found")
                .unwrap_or(false);
        assert!(routed, "{path} is documented but not routed");
    }
}

async fn unknown_api_paths_are_json_404s_not_the_portal(db: Db) {
    let app = spawn(db).await;
    let r = app
        .http
        .get(app.url("/api/no-such-thing"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let e: wire::api::ApiError = r.json().await.unwrap();
    assert_eq!(e.error.as_str(), "not_found");
}

async fn serves_the_portal_with_spa_fallback_and_cache_rules(db: Db) {
    let app = spawn(db).await;
    for path in ["/", "/patients/abc/messages", "/es/anything"] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-cache", "{path}");
        assert!(r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert_eq!(r.text().await.unwrap(), INDEX_HTML, "{path}");
    }
    // Real files, not the fallback.
    let robots = app.http.get(app.url("/robots.txt")).send().await.unwrap();
    assert_eq!(robots.status(), 200);
    assert!(robots.text().await.unwrap().starts_with("User-agent"));
    let icon = app.http.get(app.url("/favicon.ico")).send().await.unwrap();
    assert_eq!(icon.headers()[header::CONTENT_TYPE], "image/x-icon");
    // A missing file is a 404, never index.html served as JavaScript.
    let missing = app
        .http
        .get(app.url("/portal-fedcba9876543210.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    // Hashed assets are immutable; unhashed ones revalidate.
    let wasm = app
        .http
        .get(app.url(&format!("/{HASHED_WASM}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        wasm.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(wasm.headers()[header::CONTENT_TYPE], "application/wasm");
    let boot = app.http.get(app.url("/boot.js")).send().await.unwrap();
    assert_eq!(boot.headers()[header::CACHE_CONTROL], "no-cache");
    // Writing to the portal's files is not a thing.
    let post = app.http.post(app.url("/")).send().await.unwrap();
    assert_eq!(post.status(), 405);
}

async fn precompressed_brotli_when_accepted(db: Db) {
    let app = spawn(db).await;
    let path = format!("/{HASHED_WASM}");
    let br = app
        .http
        .get(app.url(&path))
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(br.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(br.headers()[header::VARY], "accept-encoding");
    assert_eq!(br.headers()[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(br.bytes().await.unwrap().as_ref(), b"brotli-bytes");
    let plain = app
        .http
        .get(app.url(&path))
        .header(header::ACCEPT_ENCODING, "identity")
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(plain.bytes().await.unwrap().as_ref(), b"\0asm-raw");
}

async fn security_headers_everywhere(db: Db) {
    let app = spawn(db).await;
    for path in ["/", "/api/health", "/robots.txt", "/api/nope"] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        let h = r.headers();
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(h[header::REFERRER_POLICY], "no-referrer");
        assert!(h["permissions-policy"]
            .to_str()
            .unwrap()
            .contains("geolocation=()"));
        assert!(
            h.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
            "no HSTS in development"
        );
    }
    let prod = spawn_with(db, |c| c.mode = Mode::Production).await;
    let r = prod.http.get(prod.url("/")).send().await.unwrap();
    assert!(r.headers()[header::STRICT_TRANSPORT_SECURITY]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
}

async fn dev_outbox_lists_newest_first_as_html_and_json(db: Db) {
    let app = spawn(db).await;
    let notifier = portal_server::notify::Notifier::outbox(app.store.clone(), app.clock.clone());
    notifier
        .send(&Message::Sms {
            to: "+19725550101".into(),
            body: "first <b>".into(),
        })
        .await
        .unwrap();
    notifier
        .send(&Message::Email {
            to: "ana@example.com".into(),
            subject: "Your link".into(),
            body: "second".into(),
        })
        .await
        .unwrap();
    let json: serde_json::Value = app
        .http
        .get(app.url("/dev/outbox"))
        .header(header::ACCEPT, "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["channel"], "email");
    assert_eq!(list[0]["to"], "ana@example.com");
    assert_eq!(list[0]["subject"], "Your link");
    assert_eq!(list[0]["body"], "second");
    assert!(list[0]["sent_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(list[1]["channel"], "sms");
    assert!(list[1]["subject"].is_null());
    let html = app.http.get(app.url("/dev/outbox")).send().await.unwrap();
    assert!(html.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = html.text().await.unwrap();
    assert!(
        html.find("second").unwrap() < html.find("first &lt;b&gt;").unwrap(),
        "newest first"
    );
    assert!(html.contains("first &lt;b&gt;"), "message text is escaped");
}

async fn dev_outbox_does_not_exist_in_production(db: Db) {
    let app = spawn_with(db, |c| c.mode = Mode::Production).await;
    for accept in ["text/html", "application/json"] {
        let r = app
            .http
            .get(app.url("/dev/outbox"))
            .header(header::ACCEPT, accept)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        assert_ne!(r.text().await.unwrap(), INDEX_HTML);
    }
}

on_both_databases!(
    health_reports_the_database,
    health_says_503_when_the_database_is_gone,
    openapi_describes_every_endpoint,
    unknown_api_paths_are_json_404s_not_the_portal,
    serves_the_portal_with_spa_fallback_and_cache_rules,
    precompressed_brotli_when_accepted,
    security_headers_everywhere,
    dev_outbox_lists_newest_first_as_html_and_json,
    dev_outbox_does_not_exist_in_production,
);
