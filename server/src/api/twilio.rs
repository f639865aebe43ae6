//! Twilio's inbound-text webhook: STOP / START / HELP (SPEC 3.1.8).
//!
//! Requests must carry a valid `X-Twilio-Signature` whenever a Twilio auth token is configured.
//! Without one, development mode accepts unsigned requests so tests and the development outbox
//! can simulate a text; production answers 403.

use axum::extract::{OriginalUri, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};
use wire::api::ApiError;
use wire::ErrorCode;
use wire::PhoneNumber;

use crate::error::{AppError, AppResult};
use crate::notify::twilio::signature_is_valid;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(inbound_sms))
}

/// The fields of Twilio's webhook that matter here (it sends many more; all are signed).
#[derive(Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
struct InboundSms {
    /// The sender, E.164.
    #[serde(rename = "From")]
    from: String,
    /// The text.
    #[serde(rename = "Body")]
    body: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    Stop,
    Start,
    Help,
}

/// Twilio's standard opt-out keywords, matched on the whole text (trimmed, any case).
pub fn keyword(body: &str) -> Option<Keyword> {
    match body.trim().to_ascii_uppercase().as_str() {
        "STOP" | "STOPALL" | "UNSUBSCRIBE" | "CANCEL" | "END" | "QUIT" | "REVOKE" | "OPTOUT" => {
            Some(Keyword::Stop)
        }
        "START" | "UNSTOP" | "YES" => Some(Keyword::Start),
        "HELP" | "INFO" => Some(Keyword::Help),
        _ => None,
    }
}

pub const HELP_TEXT: &str = "Patient Portal: sign-in codes for your patient portal. Reply STOP to stop texts, START to get them again. For help with your records, call your practice.";
pub const START_TEXT: &str =
    "Patient Portal: you will get texts from us again. Reply STOP to stop, HELP for help.";

fn twiml(message: Option<&str>) -> Response {
    let body = match message {
        Some(m) => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>{}</Message></Response>",
            m.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        ),
        None => "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>".to_owned(),
    };
    ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response()
}

/// Inbound text from Twilio. STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE and OPTOUT stop
/// all texts to the number (sign-in codes included) until START, UNSTOP or YES; HELP answers
/// with help. Answers TwiML.
#[utoipa::path(post, path = "/twilio/sms", tag = "twilio",
    request_body(content = InboundSms, content_type = "application/x-www-form-urlencoded"),
    params(("X-Twilio-Signature" = Option<String>, Header, description = "Twilio's signature of the request")),
    responses(
        (status = 200, content_type = "text/xml", body = String, description = "TwiML: a reply, or an empty <Response/>"),
        (status = 403, body = ApiError, description = "`signature_invalid`: missing or wrong X-Twilio-Signature")))]
async fn inbound_sms(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Form(params): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let refused = || {
        AppError::refused(
            StatusCode::FORBIDDEN,
            ErrorCode::SignatureInvalid,
            "This webhook only accepts requests signed by Twilio.",
        )
    };
    match &state.config.twilio_auth_token {
        Some(token) => {
            let url = format!(
                "{}{}",
                state.config.public_base(),
                uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
            );
            let signature = headers
                .get("x-twilio-signature")
                .and_then(|v| v.to_str().ok())
                .ok_or_else(refused)?;
            if !signature_is_valid(token.expose(), &url, &params, signature) {
                return Err(refused());
            }
        }
        // Simulated texts: development only.
        None if state.config.is_development() => {}
        None => return Err(refused()),
    }
    let field = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let Ok(phone) = PhoneNumber::parse(field("From")) else {
        return Ok(twiml(None));
    };
    let now = state.clock.now_ms();
    Ok(match keyword(field("Body")) {
        Some(Keyword::Stop) => {
            state.store.opt_out(phone.e164(), now).await?;
            // Twilio confirms the opt-out itself; a reply would not be delivered.
            twiml(None)
        }
        Some(Keyword::Start) => {
            state.store.opt_in(phone.e164()).await?;
            twiml(Some(START_TEXT))
        }
        Some(Keyword::Help) => twiml(Some(HELP_TEXT)),
        None => twiml(None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign_in::PRODUCT_NAME;

    #[test]
    fn keywords_ignore_case_and_spaces() {
        for stop in [
            "STOP",
            " stop ",
            "StopAll",
            "unsubscribe",
            "cancel",
            "end",
            "quit",
            "revoke",
            "optout",
        ] {
            assert_eq!(keyword(stop), Some(Keyword::Stop), "{stop}");
        }
        for start in ["start", "UNSTOP", "yes"] {
            assert_eq!(keyword(start), Some(Keyword::Start), "{start}");
        }
        assert_eq!(keyword("help"), Some(Keyword::Help));
        assert_eq!(keyword("please stop"), None);
        assert_eq!(keyword(""), None);
    }

    #[test]
    fn twiml_is_escaped_xml() {
        assert!(HELP_TEXT.starts_with(PRODUCT_NAME));
        let r = twiml(Some("a < b"));
        assert_eq!(r.headers()[header::CONTENT_TYPE], "text/xml; charset=utf-8");
    }
}
