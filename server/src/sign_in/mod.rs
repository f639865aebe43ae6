//! Signing in with a phone code and the sessions that follow (SPEC 3.1).
//!
//! - `codes`: texting a code and checking it, with every limit of SPEC 3.1.
//! - [`SignedIn`]: the extractor every signed-in endpoint takes. It answers 401 `signed_out` for a
//!   missing, unknown, tampered, ended or revoked session cookie, and restarts the idle timer.
//!   [`SessionPeek`] reads the session without restarting it (`GET /api/session`, which the
//!   portal polls to warn before the idle timeout).

pub mod codes;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use std::net::{IpAddr, SocketAddr};
use wire::auth::{PracticeSummary, SessionInfo};
use wire::ErrorCode;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::store::sessions::SessionRow;
use crate::store::sign_in::{lock_window, Window};

const MINUTE_MS: i64 = 60 * 1000;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
const DAY_MS: i64 = 24 * HOUR_MS;

/// A code is valid for 10 minutes (SPEC 3.1.3).
pub const CODE_TTL_MS: i64 = 10 * MINUTE_MS;
/// Another code may be asked for 30 seconds after the last one (SPEC 3.1.4).
pub const RESEND_WAIT_MS: i64 = 30 * 1000;
/// At most 5 codes per number in any hour (SPEC 3.1.4).
pub const CODES_PER_PHONE_PER_HOUR: i64 = 5;
/// Sessions end after 30 minutes without a request (SPEC 3.1.7, ASVS 3.3.2)…
pub const SESSION_IDLE_MS: i64 = 30 * MINUTE_MS;
/// …and 12 hours after sign-in whatever happens.
pub const SESSION_ABSOLUTE_MS: i64 = 12 * HOUR_MS;
/// A request restarts the idle timer only when the last restart is at least this old. Writing
/// `last_seen_at` on every request made every read a write; the timer may now end up to this
/// much before 30 minutes after the very last request.
pub const SESSION_TOUCH_EVERY_MS: i64 = 10 * 1000;
/// "Remember this device for 30 days" (SPEC 3.1.6).
pub const DEVICE_TTL_MS: i64 = 30 * DAY_MS;

pub const SESSION_COOKIE: &str = "portal_session";
pub const DEVICE_COOKIE: &str = "portal_device";

/// The product's name as texts show it.
pub const PRODUCT_NAME: &str = "Patient Portal";

/// The session cookie: no `Max-Age`, so the browser drops it when it closes; the server ends it
/// after 30 minutes idle or 12 hours in any case.
pub fn session_cookie(token: &str) -> String {
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Strict")
}

pub fn clear_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict")
}

pub fn device_cookie(token: &str) -> String {
    format!(
        "{DEVICE_COOKIE}={token}; Path=/; Max-Age={}; HttpOnly; Secure; SameSite=Strict",
        DEVICE_TTL_MS / 1000
    )
}

pub fn clear_device_cookie() -> String {
    format!("{DEVICE_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict")
}

/// The value of cookie `name` from the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Seconds, rounded up, so "wait 0 seconds" is never said while a wait remains.
pub fn ceil_seconds(ms: i64) -> u64 {
    (ms.max(0) as u64).div_ceil(1000)
}

/// A wait in words: seconds under a minute, else whole minutes rounded up.
pub fn wait_words(ms: i64) -> String {
    let seconds = ceil_seconds(ms);
    if seconds < 60 {
        format!("{seconds} seconds")
    } else {
        format!("{} minutes", seconds.div_ceil(60))
    }
}

/// One rolling-hour limit in the database: locks `key`'s window in `tx` (so simultaneous
/// requests cannot both pass) and refuses with 429 `code` when `limit` events are already in
/// the last hour; `message` says so, given the wait in words. The caller records its hit once
/// every limit has passed.
pub(crate) async fn within_hourly_limit(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    key: &str,
    limit: i64,
    now: i64,
    code: ErrorCode,
    message: impl FnOnce(String) -> String,
) -> AppResult<Window> {
    let window = lock_window(tx, key, now - HOUR_MS, now).await?;
    if window.count >= limit {
        let wait = window.oldest.unwrap_or(now) + HOUR_MS - now;
        return Err(AppError::too_many(
            code,
            ceil_seconds(wait),
            message(wait_words(wait)),
        ));
    }
    Ok(window)
}

/// A signed-in request. Taking it restarts the session's idle timer.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub account_id: String,
    pub session_id: String,
    /// The remembered device this session was opened on, if any (DOB checks last longer there).
    pub device_id: Option<String>,
    pub session: SessionRow,
}

/// The signed-in session, read without restarting the idle timer.
#[derive(Debug, Clone)]
pub struct SessionPeek(pub SignedIn);

async fn current_session(parts: &Parts, state: &AppState) -> AppResult<SignedIn> {
    let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(AppError::signed_out)?;
    let now = state.clock.now_ms();
    let session = state
        .store
        .session_by_token(&token, now, SESSION_IDLE_MS, SESSION_ABSOLUTE_MS)
        .await?
        .ok_or_else(AppError::signed_out)?;
    Ok(SignedIn {
        account_id: session.account_id.clone(),
        session_id: session.id.clone(),
        device_id: session.device_id.clone(),
        session,
    })
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let mut signed_in = current_session(parts, state).await?;
        restart_idle_timer(state, &mut signed_in).await?;
        Ok(signed_in)
    }
}

/// The person did something: the session's 30 idle minutes start again. Written at most every
/// `SESSION_TOUCH_EVERY_MS`; signed out when the session ended since it was read.
pub async fn restart_idle_timer(state: &AppState, signed_in: &mut SignedIn) -> AppResult<()> {
    let now = state.clock.now_ms();
    if now - signed_in.session.last_seen_at < SESSION_TOUCH_EVERY_MS {
        return Ok(());
    }
    let touched = state
        .store
        .touch_session(
            &signed_in.session_id,
            now,
            SESSION_IDLE_MS,
            SESSION_ABSOLUTE_MS,
        )
        .await?;
    if !touched {
        return Err(AppError::signed_out());
    }
    signed_in.session.last_seen_at = signed_in.session.last_seen_at.max(now);
    Ok(())
}

impl FromRequestParts<AppState> for SessionPeek {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        Ok(SessionPeek(current_session(parts, state).await?))
    }
}

/// The client's address: the connection's peer, or with `trust_forwarded_for` the last
/// `X-Forwarded-For` entry (the one our own proxy added; earlier ones are the client's to forge).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.config.trust_forwarded_for {
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .next_back()
                .and_then(|a| a.trim().parse::<IpAddr>().ok());
            if forwarded.is_some() {
                return Ok(ClientAddr(forwarded));
            }
        }
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip()),
        ))
    }
}

/// What `GET /api/session` and friends answer for a session.
pub async fn session_info(state: &AppState, session: &SessionRow) -> AppResult<SessionInfo> {
    let now = state.clock.now_ms();
    let absolute_left = session.created_at + SESSION_ABSOLUTE_MS - now;
    let idle_left = (session.last_seen_at + SESSION_IDLE_MS - now).min(absolute_left);
    let remembered_device = match &session.device_id {
        Some(id) => state.store.device_is_valid(id, now).await?,
        None => false,
    };
    let practices = state
        .store
        .practices_for_account(&session.account_id, now)
        .await?
        .into_iter()
        .map(|p| PracticeSummary {
            slug: p.slug,
            name: p.name,
            phone: p.phone,
            time_zone: p.time_zone,
            can_add_dependents: p.can_add_dependents != 0,
            asks_dependent_sex: p.asks_dependent_sex != 0,
        })
        .collect();
    Ok(SessionInfo {
        phone: masked(&session.phone),
        // Rounded up: a session that has a few milliseconds left still has "1 second".
        idle_seconds_left: ceil_seconds(idle_left),
        absolute_seconds_left: ceil_seconds(absolute_left),
        remembered_device,
        practices,
    })
}

/// `•••• 5861`.
pub fn masked(e164: &str) -> String {
    match wire::PhoneNumber::parse(e164) {
        Ok(p) => p.masked(),
        Err(_) => "••••".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; portal_session=abc ; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, DEVICE_COOKIE), None);
        h.append(
            header::COOKIE,
            HeaderValue::from_static("portal_device=xyz"),
        );
        assert_eq!(cookie(&h, DEVICE_COOKIE).as_deref(), Some("xyz"));
        let mut empty = HeaderMap::new();
        empty.append(header::COOKIE, HeaderValue::from_static("portal_session="));
        assert_eq!(cookie(&empty, SESSION_COOKIE), None);
    }

    #[test]
    fn waits_round_up() {
        assert_eq!(ceil_seconds(0), 0);
        assert_eq!(ceil_seconds(1), 1);
        assert_eq!(ceil_seconds(29_001), 30);
        assert_eq!(ceil_seconds(-5), 0);
    }
}
