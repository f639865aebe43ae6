//! `/dev/outbox` (development mode only): every text and e-mail sent, newest first, as HTML for a
//! browser or JSON when asked with `Accept: application/json` (SPEC 5.1).

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use wire::api::OutboxEntry;

use crate::error::AppResult;
use crate::state::AppState;
use crate::store::rfc3339;

const SHOWN: i64 = 200;

pub async fn outbox(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    let entries: Vec<OutboxEntry> = state
        .store
        .list_outbox(SHOWN)
        .await?
        .into_iter()
        .map(|r| OutboxEntry {
            channel: r.channel,
            to: r.to_address,
            subject: r.subject,
            body: r.body,
            sent_at: rfc3339(r.sent_at),
        })
        .collect();
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    if wants_json {
        return Ok(Json(entries).into_response());
    }
    Ok(Html(page(&entries)).into_response())
}

fn page(entries: &[OutboxEntry]) -> String {
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Development outbox</title></head><body><main><h1>Development outbox</h1>\
         <p>Texts and e-mails the server would have sent, newest first. This page exists only in development mode.</p>",
    );
    if entries.is_empty() {
        html.push_str("<p>Nothing has been sent yet.</p>");
    } else {
        html.push_str("<ol>");
        for e in entries {
            html.push_str(&format!(
                "<li><article><h2>{} to {}</h2><p><time datetime=\"{}\">{}</time></p>{}<pre>{}</pre></article></li>",
                if e.channel == "sms" { "Text" } else { "E-mail" },
                escape(&e.to),
                escape(&e.sent_at),
                escape(&e.sent_at),
                e.subject.as_deref().map(|s| format!("<p>Subject: {}</p>", escape(s))).unwrap_or_default(),
                escape(&e.body),
            ));
        }
        html.push_str("</ol>");
    }
    html.push_str("</main></body></html>");
    html
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_text_is_escaped() {
        let html = page(&[OutboxEntry {
            channel: "sms".into(),
            to: "+19725550101".into(),
            subject: None,
            body: "<script>alert(1)</script>".into(),
            sent_at: "2026-11-22T10:00:00Z".into(),
        }]);
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
    }
}
