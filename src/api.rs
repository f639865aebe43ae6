//! The typed client for the server's `/api/`. Every call answers with a `wire` type or an
//! [`ApiClientError`] that knows how to say what went wrong in the person's language.

use crate::i18n::Strings;
use gloo_net::http::{Request, Response};
use serde::{de::DeserializeOwned, Serialize};
use std::fmt;
use wire::ErrorCode;
use wire::{
    access_links::{AccessLinkPreview, RedeemResponse},
    api::{ApiError, Health},
    attachments::SendWithAttachments,
    auth::{SendCodeRequest, SendCodeResponse, SessionInfo, VerifyCodeRequest},
    dependents::AddDependentRequest,
    messages::{MarkReadRequest, Message, Thread},
    patients::{AccessEvent, PatientDetail, PatientSummary, VerifyDobRequest, VerifyDobResponse},
    records::{
        Appointment, Document, Form, OverviewEntry, Profile, ProfileUpdate, ProfileUpdated,
        TreatmentPlan,
    },
};

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiClientError {
    /// No answer at all: offline, DNS, the server is down or a proxy refused.
    Network,
    /// The server answered with an error body (`wire::api::ApiError`).
    Api { status: u16, body: ApiError },
    /// An answer the portal does not understand (an HTML error page from a proxy, a
    /// wrong body). Treated like a server fault.
    Unexpected { status: u16 },
}

impl ApiClientError {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiClientError::Network => None,
            ApiClientError::Api { status, .. } | ApiClientError::Unexpected { status } => {
                Some(*status)
            }
        }
    }

    /// The API's stable code, for an error answer.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiClientError::Api { body, .. } => Some(body.error),
            _ => None,
        }
    }

    /// The request field an error answer is about, when it names one.
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiClientError::Api { body, .. } => body.field.as_deref(),
            _ => None,
        }
    }

    /// What to tell the person. The API's stable `error` code decides where the portal
    /// knows it; otherwise the HTTP status does. The API's English `message` is never shown.
    /// Codes of one endpoint (a wrong date of birth, say) are for the page that calls it.
    pub fn message(&self, t: &'static Strings) -> &'static str {
        match self.code() {
            Some(ErrorCode::TooManyRequests) => return t.error_rate_limited,
            Some(ErrorCode::Unauthorized | ErrorCode::SignedOut) => return t.error_signed_out,
            Some(ErrorCode::NotFound) => return t.error_not_found,
            _ => {}
        }
        match self.status() {
            None => t.error_network,
            Some(401) => t.error_signed_out,
            Some(404) => t.error_not_found,
            Some(429) => t.error_rate_limited,
            Some(_) => t.error_server,
        }
    }
}

impl fmt::Display for ApiClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiClientError::Network => f.write_str("the server could not be reached"),
            ApiClientError::Api { status, body } => write!(f, "{status} {}", body.error.as_str()),
            ApiClientError::Unexpected { status } => write!(f, "{status} unexpected answer"),
        }
    }
}

impl std::error::Error for ApiClientError {}

/// `GET /api/health`: whether the server is up and can reach its database.
pub async fn health() -> Result<Health, ApiClientError> {
    parse(call("GET", "/api/health", None).await?)
}

/// `POST /api/auth/code`: text a sign-in code to `phone`.
pub async fn send_code(phone: &str) -> Result<SendCodeResponse, ApiClientError> {
    let body = SendCodeRequest {
        phone: phone.to_owned(),
    };
    parse(call("POST", "/api/auth/code", Some(to_json(&body))).await?)
}

/// `POST /api/auth/verify`: the code from the text; the server sets the session cookie.
pub async fn verify(request: &VerifyCodeRequest) -> Result<SessionInfo, ApiClientError> {
    parse(call("POST", "/api/auth/verify", Some(to_json(request))).await?)
}

/// `GET /api/session`: who is signed in (401 `signed_out` when nobody). Does not extend the
/// idle timer.
pub async fn session() -> Result<SessionInfo, ApiClientError> {
    parse(call("GET", "/api/session", None).await?)
}

/// `POST /api/session/refresh`: "stay signed in".
pub async fn refresh() -> Result<SessionInfo, ApiClientError> {
    parse(call("POST", "/api/session/refresh", None).await?)
}

/// `POST /api/auth/sign-out`: ends the session on the server (204).
pub async fn sign_out() -> Result<(), ApiClientError> {
    call("POST", "/api/auth/sign-out", None).await.map(drop)
}

/// `GET /api/practices/{slug}/patients`: whom this account acts for there.
pub async fn patients(slug: &str) -> Result<Vec<PatientSummary>, ApiClientError> {
    parse(call("GET", &format!("/api/practices/{slug}/patients"), None).await?)
}

/// `POST /api/patients/{id}/verify-dob`: the patient's date of birth (and, the first time, a
/// guardian's own details).
pub async fn verify_dob(
    id: &str,
    request: &VerifyDobRequest,
) -> Result<VerifyDobResponse, ApiClientError> {
    let path = format!("/api/patients/{id}/verify-dob");
    parse(call("POST", &path, Some(to_json(request))).await?)
}

/// `GET /api/patients/{id}`: 403 `verify_first` or 423 `locked` until the check is done.
pub async fn patient(id: &str) -> Result<PatientDetail, ApiClientError> {
    parse(call("GET", &format!("/api/patients/{id}"), None).await?)
}

/// `GET /api/patients/{id}/access-history`, newest first.
pub async fn access_history(id: &str) -> Result<Vec<AccessEvent>, ApiClientError> {
    parse(call("GET", &format!("/api/patients/{id}/access-history"), None).await?)
}

/// `GET /api/patients/{id}/messages{query}`: the newest messages, or with `?before=SEQ` older
/// ones. With `?after_version=N`, `None` (204) when nothing changed: the poll.
pub async fn thread(id: &str, query: &str) -> Result<Option<Thread>, ApiClientError> {
    let answer = call("GET", &format!("/api/patients/{id}/messages{query}"), None).await?;
    if answer.status == 204 {
        return Ok(None);
    }
    parse(answer).map(Some)
}

/// `POST /api/patients/{id}/messages`: 201 the stored message, 200 when `client_key` was
/// already sent (a retry after a lost answer stores nothing new). With the ids of uploads
/// (SPEC 3.8) the text may be empty.
pub async fn send_message(
    id: &str,
    request: &SendWithAttachments,
) -> Result<Message, ApiClientError> {
    let path = format!("/api/patients/{id}/messages");
    parse(call("POST", &path, Some(send_json(request))).await?)
}

/// The JSON of a message to send, written by hand: serde's `flatten` costs kilobytes of
/// WebAssembly. A unit test keeps it equal to serde's.
fn send_json(request: &SendWithAttachments) -> String {
    let ids: Vec<String> = request.attachment_ids.iter().map(|i| quoted(i)).collect();
    format!(
        r#"{{"body":{},"client_key":{},"attachment_ids":[{}]}}"#,
        quoted(&request.message.body),
        quoted(&request.message.client_key),
        ids.join(",")
    )
}

/// `POST /api/patients/{id}/messages/read` (204).
pub async fn mark_read(id: &str, up_to_seq: u64) -> Result<(), ApiClientError> {
    let body = to_json(&MarkReadRequest { up_to_seq });
    let path = format!("/api/patients/{id}/messages/read");
    call("POST", &path, Some(body)).await.map(drop)
}

/// `POST /api/practices/{slug}/dependents`: 201 the new patient, already verified.
pub async fn add_dependent(
    slug: &str,
    request: &AddDependentRequest,
) -> Result<PatientSummary, ApiClientError> {
    let path = format!("/api/practices/{slug}/dependents");
    parse(call("POST", &path, Some(to_json(request))).await?)
}

/// `GET /api/patients/{id}/appointments`: upcoming first (soonest first), then past ones.
pub async fn appointments(id: &str) -> Result<Vec<Appointment>, ApiClientError> {
    parse(call("GET", &format!("/api/patients/{id}/appointments"), None).await?)
}

/// `GET /api/patients/{id}/documents`: what the practice published and what was sent to it.
pub async fn documents(id: &str) -> Result<Vec<Document>, ApiClientError> {
    parse(call("GET", &format!("/api/patients/{id}/documents"), None).await?)
}

/// `GET /api/patients/{id}/treatment-plans`.
pub async fn treatment_plans(id: &str) -> Result<Vec<TreatmentPlan>, ApiClientError> {
    parse(call("GET", &format!("/api/patients/{id}/treatment-plans"), None).await?)
}

/// `GET /api/patients/{id}/forms`: open forms first (by due date), then completed ones.
pub async fn forms(id: &str) -> Result<Vec<Form>, ApiClientError> {
    parse(call("GET", &format!("/api/patients/{id}/forms"), None).await?)
}

/// `GET /api/patients/{id}/profile`: the demographics the account may change.
pub async fn profile(id: &str) -> Result<Profile, ApiClientError> {
    parse(call("GET", &format!("/api/patients/{id}/profile"), None).await?)
}

/// `PATCH /api/patients/{id}/profile`: the profile now, and what changed.
pub async fn update_profile(
    id: &str,
    update: &ProfileUpdate,
) -> Result<ProfileUpdated, ApiClientError> {
    let path = format!("/api/patients/{id}/profile");
    parse(call("PATCH", &path, Some(to_json(update))).await?)
}

/// `GET /api/overview`: everyone the account acts for, at every practice.
pub async fn overview() -> Result<Vec<OverviewEntry>, ApiClientError> {
    parse(call("GET", "/api/overview", None).await?)
}

/// A medical access link as a request names it: the token from the e-mailed address, or the
/// code as typed.
pub enum LinkKey<'a> {
    Token(&'a str),
    Code(&'a str),
}

impl LinkKey<'_> {
    /// `{"token":…}` or `{"code":…}`: written by hand, since `RedeemRequest` would also send
    /// the other one as `null`.
    fn json(&self) -> String {
        match self {
            LinkKey::Token(token) => format!(r#"{{"token":{}}}"#, quoted(token)),
            LinkKey::Code(code) => format!(r#"{{"code":{}}}"#, quoted(code)),
        }
    }
}

/// `GET /api/access-links/{token}`, or `POST /api/access-links/preview` with a typed code:
/// whose record the link adds. Never uses the link up.
pub async fn preview_link(key: LinkKey<'_>) -> Result<AccessLinkPreview, ApiClientError> {
    let answer = match key {
        LinkKey::Token(token) => call("GET", &format!("/api/access-links/{token}"), None).await?,
        code => call("POST", "/api/access-links/preview", Some(code.json())).await?,
    };
    parse(answer)
}

/// `POST /api/access-links/redeem`: adds the record (a `linked` contact link).
pub async fn redeem_link(key: LinkKey<'_>) -> Result<RedeemResponse, ApiClientError> {
    parse(call("POST", "/api/access-links/redeem", Some(key.json())).await?)
}

/// A JSON string literal for `text` (the browser escapes it).
fn quoted(text: &str) -> String {
    #[cfg(not(target_arch = "wasm32"))]
    return serde_json::to_string(text).unwrap_or_default();
    #[cfg(target_arch = "wasm32")]
    js_sys::JSON::stringify(&text.into())
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

fn to_json(body: &impl Serialize) -> String {
    serde_json::to_string(body).unwrap_or_default()
}

/// A successful answer's body.
struct Answer {
    status: u16,
    text: String,
}

fn parse<T: DeserializeOwned>(answer: Answer) -> Result<T, ApiClientError> {
    serde_json::from_str(&answer.text).map_err(|_| ApiClientError::Unexpected {
        status: answer.status,
    })
}

/// An answer that came some other way (an upload's `XMLHttpRequest`): status 0 is no answer.
pub fn answer<T: DeserializeOwned>(status: u16, text: String) -> Result<T, ApiClientError> {
    match status {
        0 => Err(ApiClientError::Network),
        200..=299 => parse(Answer { status, text }),
        _ => Err(failed(status, &text)),
    }
}

/// An error answer: the API's `ApiError`, or one the portal does not understand.
fn failed(status: u16, text: &str) -> ApiClientError {
    match serde_json::from_str::<ApiError>(text) {
        Ok(body) => ApiClientError::Api { status, body },
        Err(_) => ApiClientError::Unexpected { status },
    }
}

/// Every request goes through here: one copy of the fetch code, whatever the body types
/// (this keeps the WebAssembly small). `body` is JSON.
async fn call(method: &str, path: &str, body: Option<String>) -> Result<Answer, ApiClientError> {
    let request = match method {
        "GET" => Request::get(path),
        "PATCH" => Request::patch(path),
        _ => Request::post(path),
    };
    let request = request.header("Accept", "application/json");
    let sent = match body {
        Some(body) => {
            request
                .header("Content-Type", "application/json")
                .body(body)
                .map_err(|_| ApiClientError::Unexpected { status: 0 })?
                .send()
                .await
        }
        None => request.send().await,
    };
    let response: Response = sent.map_err(|_| ApiClientError::Network)?;
    let status = response.status();
    // A body that cannot be read is as good as none: an error below, or `()` for a 204.
    let text = response.text().await.unwrap_or_default();
    if response.ok() {
        return Ok(Answer { status, text });
    }
    Err(failed(status, &text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{strings, Language};

    fn api(status: u16, error: &str) -> ApiClientError {
        ApiClientError::Api {
            status,
            body: ApiError {
                error: serde_json::from_value(error.into()).unwrap(),
                message: "English for developers".into(),
                field: None,
                retry_after_seconds: None,
            },
        }
    }

    #[test]
    fn a_message_to_send_is_the_json_serde_would_write() {
        let request = SendWithAttachments {
            message: wire::messages::SendMessageRequest {
                body: "Card \"front\"\n".into(),
                client_key: "0123456789abcdef0123456789abcdef".into(),
            },
            attachment_ids: vec!["a1".into(), "a2".into()],
        };
        let ours: serde_json::Value = serde_json::from_str(&send_json(&request)).unwrap();
        assert_eq!(ours, serde_json::to_value(&request).unwrap());
        let none = SendWithAttachments {
            attachment_ids: vec![],
            ..request
        };
        let ours: serde_json::Value = serde_json::from_str(&send_json(&none)).unwrap();
        assert_eq!(ours, serde_json::to_value(&none).unwrap());
    }

    #[test]
    fn messages_come_from_the_catalog_never_from_the_server() {
        let t = strings(Language::Es);
        assert_eq!(api(429, "rate_limited").message(t), t.error_rate_limited);
        assert_eq!(api(401, "unauthorized").message(t), t.error_signed_out);
        assert_eq!(api(503, "database_unavailable").message(t), t.error_server);
        assert_eq!(api(500, "database_down").message(t), t.error_server);
        assert_eq!(api(404, "whatever").message(t), t.error_not_found);
        assert_eq!(ApiClientError::Network.message(t), t.error_network);
        assert_eq!(
            ApiClientError::Unexpected { status: 502 }.message(t),
            t.error_server
        );
    }
}
