//! Texts through Twilio's Messages API, and the checks for Twilio's webhooks.
//!
//! Sending: `POST {api_base}/2010-04-01/Accounts/{sid}/Messages.json` with HTTP Basic auth
//! (account SID : auth token) and the form fields `To`, `From` or `MessagingServiceSid`, `Body`.
//! Twilio answers 201 with the message, or an error body `{"code": 21211, "message": …}`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha1::Sha1;
use std::time::Duration;

use super::{Message, NotifyError, SendFuture, Sender};
use crate::config::Config;

/// Twilio error codes with a meaning of their own for us.
pub const INVALID_TO_NUMBER: i64 = 21211;
pub const NOT_A_MOBILE_NUMBER: i64 = 21614;
pub const UNSUBSCRIBED_RECIPIENT: i64 = 21610;
pub const TOO_MANY_REQUESTS: i64 = 20429;

pub struct TwilioSender {
    http: reqwest::Client,
    messages_url: String,
    account_sid: String,
    auth_token: String,
    from: From,
}

enum From {
    Number(String),
    MessagingService(String),
}

#[derive(Deserialize)]
struct TwilioError {
    code: Option<i64>,
    message: Option<String>,
}

impl TwilioSender {
    pub fn from_config(config: &Config) -> Result<TwilioSender, NotifyError> {
        let missing = |key: &str| NotifyError::Unavailable(format!("{key} is not configured"));
        let account_sid = config
            .twilio_account_sid
            .clone()
            .ok_or_else(|| missing("twilio_account_sid"))?;
        let auth_token = config
            .twilio_auth_token
            .as_ref()
            .ok_or_else(|| missing("twilio_auth_token"))?
            .expose()
            .to_owned();
        let from = match (&config.twilio_messaging_service_sid, &config.twilio_from) {
            (Some(sid), _) if !sid.trim().is_empty() => From::MessagingService(sid.clone()),
            (_, Some(number)) if !number.trim().is_empty() => From::Number(number.clone()),
            _ => return Err(missing("twilio_from or twilio_messaging_service_sid")),
        };
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| NotifyError::Unavailable(format!("cannot set up HTTPS: {e}")))?;
        Ok(TwilioSender {
            http,
            messages_url: format!(
                "{}/2010-04-01/Accounts/{}/Messages.json",
                config.twilio_api_base.trim_end_matches('/'),
                account_sid
            ),
            account_sid,
            auth_token,
            from,
        })
    }

    async fn send_sms(&self, to: &str, body: &str) -> Result<(), NotifyError> {
        let mut form = vec![("To", to), ("Body", body)];
        match &self.from {
            From::Number(n) => form.push(("From", n)),
            From::MessagingService(s) => form.push(("MessagingServiceSid", s)),
        }
        let response = self
            .http
            .post(&self.messages_url)
            .basic_auth(&self.account_sid, Some(&self.auth_token))
            .form(&form)
            .send()
            .await
            .map_err(|e| {
                NotifyError::Unavailable(format!("Twilio cannot be reached: {}", without_url(e)))
            })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let error: Option<TwilioError> = response.json().await.ok();
        let code = error.as_ref().and_then(|e| e.code);
        let detail = error
            .and_then(|e| e.message)
            .unwrap_or_else(|| "no details".into());
        Err(classify(status.as_u16(), code, &detail))
    }
}

/// Maps Twilio's answer to what the caller can do about it.
fn classify(status: u16, code: Option<i64>, detail: &str) -> NotifyError {
    let described = match code {
        Some(code) => format!("Twilio error {code} (HTTP {status}): {detail}"),
        None => format!("Twilio answered HTTP {status}: {detail}"),
    };
    match code {
        Some(UNSUBSCRIBED_RECIPIENT) => NotifyError::OptedOut(described),
        Some(INVALID_TO_NUMBER) | Some(NOT_A_MOBILE_NUMBER) => NotifyError::Recipient(described),
        Some(TOO_MANY_REQUESTS) => NotifyError::RateLimited(described),
        _ if status == 429 => NotifyError::RateLimited(described),
        _ if status == 401 || status == 403 => NotifyError::Unavailable(format!(
            "{described}; check twilio_account_sid and twilio_auth_token"
        )),
        _ => NotifyError::Unavailable(described),
    }
}

/// reqwest's errors name the URL, which holds the account SID; keep the reason only.
fn without_url(e: reqwest::Error) -> String {
    e.without_url().to_string()
}

impl Sender for TwilioSender {
    fn send<'a>(&'a self, message: &'a Message) -> SendFuture<'a> {
        Box::pin(async move {
            match message {
                Message::Sms { to, body } => self.send_sms(to, body).await,
                Message::Email { .. } => Err(NotifyError::Unavailable(
                    "Twilio sends texts, not e-mails".into(),
                )),
            }
        })
    }
}

/// The `X-Twilio-Signature` Twilio puts on webhooks: base64(HMAC-SHA1(auth token, the full URL
/// followed by every POST parameter's name and value, sorted by name)).
pub fn webhook_signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac =
        Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()).expect("HMAC takes any key length");
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether `signature` is Twilio's signature for this request (constant-time comparison).
pub fn signature_is_valid(
    auth_token: &str,
    url: &str,
    params: &[(String, String)],
    signature: &str,
) -> bool {
    let expected = webhook_signature(auth_token, url, params);
    crate::secrets::constant_time_eq(expected.as_bytes(), signature.trim().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn signature_matches_twilios_documented_example() {
        // The example from Twilio's webhook security documentation.
        let params = pairs(&[
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+12349013030"),
            ("Digits", "1234"),
            ("From", "+12349013030"),
            ("To", "+18005551212"),
        ]);
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        let sig = webhook_signature("12345", url, &params);
        assert_eq!(sig, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        assert!(signature_is_valid("12345", url, &params, &sig));
        assert!(!signature_is_valid("12346", url, &params, &sig));
        assert!(!signature_is_valid("12345", url, &params[1..], &sig));
    }

    #[test]
    fn error_answers_are_classified() {
        assert!(matches!(
            classify(400, Some(21211), "invalid"),
            NotifyError::Recipient(_)
        ));
        assert!(matches!(
            classify(400, Some(21610), "unsubscribed"),
            NotifyError::OptedOut(_)
        ));
        assert!(matches!(
            classify(429, Some(20429), "slow down"),
            NotifyError::RateLimited(_)
        ));
        assert!(matches!(
            classify(429, None, ""),
            NotifyError::RateLimited(_)
        ));
        let e = classify(503, None, "down").to_string();
        assert!(e.contains("503"), "{e}");
        let e = classify(401, Some(20003), "auth").to_string();
        assert!(e.contains("twilio_auth_token"), "{e}");
    }
}
