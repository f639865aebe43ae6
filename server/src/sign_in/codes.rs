//! Texting a sign-in code and checking it (SPEC 3.1.2–3.1.5, 3.1.8).
//!
//! "Send me a code" does the same work and gives the same answer for every valid number, known or
//! not: it never looks the number up. The account is found or created only when a code is
//! verified.

use axum::http::{HeaderMap, StatusCode};
use std::net::IpAddr;
use wire::auth::{SendCodeResponse, SessionInfo, VerifyCodeRequest};
use wire::ErrorCode;
use wire::{OneTimeCode, PhoneNumber};

use super::*;
use crate::notify::{Message, NotifyError};
use crate::secrets::{constant_time_eq, hmac_sha256_hex, random_digits};
use crate::store::sign_in::{self, CodeState, WrongGuess};
use crate::store::{accounts, sessions};

/// The key under which the development key is kept in the database.
pub const DEV_KEY_NAME: &str = "sign_in_code_key";

/// The keyed hash a code is stored as. The number is part of the message, so a code only ever
/// matches the number it was sent to.
pub fn code_hash(key: &[u8], phone: &PhoneNumber, code: &str) -> String {
    hmac_sha256_hex(key, &format!("{}:{code}", phone.e164()))
}

/// The text with the code: names the product and ends with the WebOTP line so phones can
/// offer to fill the code in (`@host #code`).
pub fn code_text(host: &str, code: &str) -> String {
    format!(
        "{PRODUCT_NAME}: your sign-in code is {code}. It expires in 10 minutes. Don't share it.\n\n@{host} #{code}"
    )
}

fn parse_phone(input: &str) -> AppResult<PhoneNumber> {
    PhoneNumber::parse(input).map_err(|e| AppError::invalid(e.code(), "phone", e.to_string()))
}

fn opted_out() -> AppError {
    AppError::refused(
        StatusCode::FORBIDDEN,
        ErrorCode::OptedOut,
        "This number has asked for no texts (it texted STOP). Text START to our number to receive sign-in codes again.",
    )
}

/// `POST /api/auth/code`.
pub async fn send_code(
    state: &AppState,
    phone: &str,
    client: Option<IpAddr>,
) -> AppResult<SendCodeResponse> {
    let phone = parse_phone(phone)?;
    if state.store.is_opted_out(phone.e164()).await? {
        return Err(opted_out());
    }
    let now = state.clock.now_ms();
    let ip_key = format!(
        "sign_in_code:ip:{}",
        client.map(|ip| ip.to_string()).unwrap_or_default()
    );
    let phone_key = format!("sign_in_code:phone:{}", phone.e164());
    let code = random_digits(6);

    let mut tx = state.store.begin().await?;
    // Always the client's key first, then the number's, so two requests never wait on each other
    // in opposite orders.
    within_hourly_limit(
        &mut tx,
        &ip_key,
        i64::from(state.config.sign_in_codes_per_ip_per_hour),
        now,
        ErrorCode::TooManyRequests,
        |wait| format!("Too many codes were asked for from this connection. Try again in {wait}."),
    )
    .await?;
    let by_phone = within_hourly_limit(
        &mut tx,
        &phone_key,
        CODES_PER_PHONE_PER_HOUR,
        now,
        ErrorCode::TooManyCodes,
        |wait| {
            format!("Five codes were sent to this number in the last hour. Try again in {wait}.")
        },
    )
    .await?;
    if let Some(last) = by_phone.newest {
        let wait = last + RESEND_WAIT_MS - now;
        if wait > 0 {
            return Err(AppError::too_many(
                ErrorCode::ResendTooSoon,
                ceil_seconds(wait),
                format!(
                    "A code was just sent. You can ask for another in {}.",
                    wait_words(wait)
                ),
            ));
        }
    }
    let hash = code_hash(&state.code_key, &phone, &code);
    let code_id =
        sign_in::insert_code(&mut tx, phone.e164(), &hash, now, now + CODE_TTL_MS).await?;
    sign_in::record_hit(&mut tx, &ip_key, now).await?;
    sign_in::record_hit(&mut tx, &phone_key, now).await?;
    tx.commit().await?;

    let host = state
        .config
        .public_host()
        .unwrap_or_else(|_| "127.0.0.1".into());
    let message = Message::Sms {
        to: phone.e164().to_owned(),
        body: code_text(&host, &code),
    };
    if let Err(e) = state.notifier.send(&message).await {
        state.store.mark_code_failed(&code_id).await?;
        return Err(delivery_failed(state, &phone, e).await?);
    }
    Ok(SendCodeResponse {
        sent_to: phone.masked(),
        resend_after_seconds: (RESEND_WAIT_MS / 1000) as u64,
        expires_in_seconds: (CODE_TTL_MS / 1000) as u64,
    })
}

/// The answer when the text could not be sent.
async fn delivery_failed(
    state: &AppState,
    phone: &PhoneNumber,
    error: NotifyError,
) -> AppResult<AppError> {
    // The provider's message can name the number: only development logs it.
    if state.config.is_development() {
        tracing::warn!(error = %error, "sign-in code not delivered");
    } else {
        let kind = match &error {
            NotifyError::Recipient(_) => "recipient refused",
            NotifyError::OptedOut(_) => "recipient opted out",
            NotifyError::RateLimited(_) => "provider rate limit",
            NotifyError::Unavailable(_) => "provider unavailable",
        };
        tracing::warn!(kind, "sign-in code not delivered");
    }
    Ok(match error {
        NotifyError::OptedOut(_) => {
            state
                .store
                .opt_out(phone.e164(), state.clock.now_ms())
                .await?;
            opted_out()
        }
        NotifyError::Recipient(_) => AppError::invalid(
            ErrorCode::PhoneUndeliverable,
            "phone",
            "Texts cannot be delivered to this number. Check it, or use a mobile number.",
        ),
        NotifyError::RateLimited(_) | NotifyError::Unavailable(_) => AppError::Refused {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: ErrorCode::SmsUnavailable,
            message: "Texts cannot be sent right now. Please try again in a minute.".into(),
            retry_after_seconds: Some(60),
        },
    })
}

fn code_expired() -> AppError {
    AppError::refused(
        StatusCode::GONE,
        ErrorCode::CodeExpired,
        "This code no longer works (codes last 10 minutes and work once). Ask for a new code.",
    )
}

fn code_locked() -> AppError {
    AppError::refused(
        StatusCode::GONE,
        ErrorCode::CodeLocked,
        "Too many wrong tries: this code no longer works. Ask for a new code.",
    )
}

/// Why the number's latest code cannot be used any more.
async fn not_usable(state: &AppState, phone: &PhoneNumber) -> AppResult<AppError> {
    Ok(match state.store.latest_code(phone.e164()).await? {
        Some(c) if c.state == CodeState::Locked => code_locked(),
        _ => code_expired(),
    })
}

/// A successful verify: the session, and the cookies to set.
pub struct SignedInNow {
    pub info: SessionInfo,
    pub cookies: Vec<String>,
}

/// `POST /api/auth/verify`.
pub async fn verify_code(
    state: &AppState,
    request: &VerifyCodeRequest,
    headers: &HeaderMap,
) -> AppResult<SignedInNow> {
    let phone = parse_phone(&request.phone)?;
    let code = OneTimeCode::parse(&request.code)
        .map_err(|e| AppError::invalid(e.code(), "code", e.to_string()))?;
    let now = state.clock.now_ms();
    let Some(latest) = state.store.latest_code(phone.e164()).await? else {
        return Err(code_expired());
    };
    if latest.state == CodeState::Locked {
        return Err(code_locked());
    }
    if latest.state != CodeState::Live || latest.expires_at <= now {
        return Err(code_expired());
    }
    let hash = code_hash(&state.code_key, &phone, code.as_str());
    if !constant_time_eq(hash.as_bytes(), latest.code_hash.as_bytes()) {
        return Err(
            match state.store.count_wrong_guess(&latest.id, now).await? {
                WrongGuess::Counted { left } => AppError::refused(
                    StatusCode::UNAUTHORIZED,
                    ErrorCode::CodeIncorrect,
                    format!(
                        "That code is not right. {left} {} left.",
                        if left == 1 { "try" } else { "tries" }
                    ),
                ),
                WrongGuess::Locked => code_locked(),
                WrongGuess::NotLive => not_usable(state, &phone).await?,
            },
        );
    }

    let mut tx = state.store.begin().await?;
    if !sign_in::use_code(&mut tx, &latest.id, now).await? {
        drop(tx);
        return Err(not_usable(state, &phone).await?);
    }
    let account_id = accounts::account_for_phone(&mut tx, phone.e164(), now).await?;
    let mut cookies = Vec::new();
    // A session cookie from before (another account, or an older sign-in) ends here.
    if let Some(old) = cookie(headers, SESSION_COOKIE) {
        sessions::revoke_session_by_token(&mut tx, &old, now).await?;
    }
    let presented_device = cookie(headers, DEVICE_COOKIE);
    let device_id = if request.remember_device {
        let existing = match &presented_device {
            Some(token) => sessions::device_by_token(&mut tx, token, &account_id, now).await?,
            None => None,
        };
        match existing {
            Some(id) => Some(id),
            None => {
                let (id, token) =
                    sessions::insert_device(&mut tx, &account_id, now, now + DEVICE_TTL_MS).await?;
                cookies.push(device_cookie(&token));
                Some(id)
            }
        }
    } else {
        // Unticked: this device is not remembered any more.
        if let Some(token) = &presented_device {
            sessions::revoke_device(&mut tx, token, now).await?;
            cookies.push(clear_device_cookie());
        }
        None
    };
    let (session_id, token) = sessions::insert_session(
        &mut tx,
        &account_id,
        device_id.as_deref(),
        now,
        super::SESSION_ABSOLUTE_MS,
    )
    .await?;
    tx.commit().await?;
    cookies.insert(0, session_cookie(&token));

    let session = crate::store::sessions::SessionRow {
        id: session_id,
        account_id,
        phone: phone.e164().to_owned(),
        device_id,
        created_at: now,
        last_seen_at: now,
    };
    Ok(SignedInNow {
        info: session_info(state, &session).await?,
        cookies,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_names_the_product_and_ends_with_the_webotp_line() {
        let text = code_text("portal.example.com", "012345");
        assert!(text.starts_with("Patient Portal: your sign-in code is 012345."));
        assert!(text.ends_with("\n\n@portal.example.com #012345"), "{text}");
    }

    #[test]
    fn hashes_are_keyed_and_bound_to_the_number() {
        let a = PhoneNumber::parse("972-848-5861").unwrap();
        let b = PhoneNumber::parse("972-848-5862").unwrap();
        let h = code_hash(b"key-one", &a, "123456");
        assert_eq!(h.len(), 64);
        assert!(!h.contains("123456"));
        assert_ne!(h, code_hash(b"key-two", &a, "123456"));
        assert_ne!(h, code_hash(b"key-one", &b, "123456"));
        assert_eq!(h, code_hash(b"key-one", &a, "123456"));
    }

    #[test]
    fn waits_are_said_in_words() {
        assert_eq!(wait_words(29_500), "30 seconds");
        assert_eq!(wait_words(61_000), "2 minutes");
    }
}
