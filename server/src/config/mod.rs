//! Configuration: defaults, overridden by a TOML file, overridden by `PORTAL_*` environment
//! variables. An unknown key in either place is an error, so a typo never silently falls back
//! to a default. `portal.example.toml` at the repository root documents every key. A key is
//! declared once, as a field of [`Config`] (with its default in `Default`); its variable is
//! `PORTAL_` and the key in capitals (`load.rs`).

mod load;
pub use load::keys;
#[cfg(test)]
mod tests;

use serde::Deserialize;
use std::{fmt, net::SocketAddr, path::PathBuf};

/// What the server is run for. Production is the default, so a deployment that forgets to say
/// never publishes `/dev/outbox` or takes unsigned webhooks; development is asked for by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Development outbox at `/dev/outbox`, no HSTS, patient data allowed in logs.
    Development,
    #[default]
    Production,
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Development => "development",
            Mode::Production => "production",
        })
    }
}

/// Where texts go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SmsProvider {
    /// The development outbox (`/dev/outbox`): nothing leaves the server.
    #[default]
    Outbox,
    /// Twilio's Messages API; needs the `twilio_*` keys.
    Twilio,
}

/// Where e-mails go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum EmailProvider {
    /// The development outbox (`/dev/outbox`): nothing leaves the server.
    #[default]
    Outbox,
    /// An SMTP server; needs the `smtp_*` keys.
    Smtp,
}

/// Where stored files (documents, attachments) live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum StorageKind {
    /// A folder on this machine (`storage_dir`); several instances need it on a shared volume.
    #[default]
    Local,
    /// An S3-compatible object store (AWS S3, MinIO, Cloudflare R2…); needs the `s3_*` keys.
    S3,
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text (a relay on the same host or a private network only).
    None,
    /// Plain connection upgraded with STARTTLS before anything is sent (usually port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// A secret from the configuration: never shown by `Debug`, so it cannot reach a log by accident.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(pub String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The shortest `secret_key` accepted, in bytes.
pub const SECRET_KEY_MIN_BYTES: usize = 32;

/// `public_url` when it is not set, in development only (production requires it).
const DEVELOPMENT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub mode: Mode,
    /// Address and port to listen on; port 0 picks a free port.
    pub bind: SocketAddr,
    /// `sqlite://path/to/file.db` (created if missing) or `postgres://user:pass@host/db`.
    pub database_url: String,
    /// Largest number of database connections this instance opens.
    pub database_max_connections: u32,
    /// The built portal (Trunk's `dist/`).
    pub static_dir: PathBuf,
    /// `tracing` filter, e.g. `info` or `portal_server=debug,info`.
    pub log: String,
    /// The address people use to reach the portal, e.g. `https://portal.example.com`. Its host
    /// goes into the WebOTP line of sign-in texts; Twilio signs webhooks with it. Required to
    /// serve in production; development uses `http://127.0.0.1:8080`.
    pub public_url: Option<String>,
    /// Key for the keyed hashes of sign-in codes (HMAC-SHA256), at least 32 bytes. Required to
    /// serve in production; in development a key is generated once and kept in the database.
    pub secret_key: Option<Secret>,
    /// `outbox` (default) or `twilio`.
    pub sms_provider: SmsProvider,
    /// Serve in production with texts and e-mails left in the outbox (a staging server): they
    /// are stored, not sent, and `/dev/outbox` still does not exist.
    pub allow_outbox_in_production: bool,
    /// How many sign-in codes one client address may ask for in an hour (all numbers together).
    pub sign_in_codes_per_ip_per_hour: u32,
    /// Behind a load balancer or reverse proxy: take the client's address from the last entry
    /// of `X-Forwarded-For` (the one the proxy added) instead of the connection's peer. Only turn
    /// this on when every request comes through such a proxy: otherwise clients choose their
    /// own address and escape the per-address limit.
    pub trust_forwarded_for: bool,
    /// Twilio account SID (`AC…`), with `sms_provider = "twilio"`.
    pub twilio_account_sid: Option<String>,
    /// Twilio auth token: authenticates the Messages API calls and checks webhook signatures.
    pub twilio_auth_token: Option<Secret>,
    /// The sending number in E.164 (`+1…`); or use `twilio_messaging_service_sid`.
    pub twilio_from: Option<String>,
    /// A Messaging Service SID (`MG…`) to send from instead of `twilio_from`.
    pub twilio_messaging_service_sid: Option<String>,
    /// Twilio's API address; tests point it at a local server.
    pub twilio_api_base: String,
    /// `outbox` (default) or `smtp`.
    pub email_provider: EmailProvider,
    /// The SMTP server's host name, with `email_provider = "smtp"`.
    pub smtp_host: Option<String>,
    /// The SMTP server's port (587 for STARTTLS, 465 for TLS, 25 for plain relays).
    pub smtp_port: u16,
    /// `none`, `starttls` (default) or `tls`.
    pub smtp_tls: SmtpTls,
    /// SMTP user name; without it no authentication is attempted.
    pub smtp_username: Option<String>,
    /// SMTP password, with `smtp_username`.
    pub smtp_password: Option<Secret>,
    /// The sender, e.g. `Lakeside Patient Portal <portal@example.com>`.
    pub smtp_from: Option<String>,
    /// `local` (default: `storage_dir`) or `s3`.
    pub storage: StorageKind,
    /// Folder for stored files with `storage = "local"`; outside any served folder. Created when
    /// missing.
    pub storage_dir: PathBuf,
    /// The bucket, with `storage = "s3"`.
    pub s3_bucket: Option<String>,
    /// The bucket's region (default `us-east-1`).
    pub s3_region: String,
    /// An S3-compatible service's address (MinIO, R2…); without it, AWS itself.
    pub s3_endpoint: Option<String>,
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<Secret>,
    /// Allow a plain `http://` endpoint (a store on the same private network; tests).
    pub s3_allow_http: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            mode: Mode::Production,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://.data/portal.db".into(),
            database_max_connections: 16,
            static_dir: PathBuf::from("dist"),
            log: "info,sqlx=warn".into(),
            public_url: None,
            secret_key: None,
            sms_provider: SmsProvider::Outbox,
            allow_outbox_in_production: false,
            sign_in_codes_per_ip_per_hour: 20,
            trust_forwarded_for: false,
            twilio_account_sid: None,
            twilio_auth_token: None,
            twilio_from: None,
            twilio_messaging_service_sid: None,
            twilio_api_base: "https://api.twilio.com".into(),
            email_provider: EmailProvider::Outbox,
            smtp_host: None,
            smtp_port: 587,
            smtp_tls: SmtpTls::Starttls,
            smtp_username: None,
            smtp_password: None,
            smtp_from: None,
            storage: StorageKind::Local,
            storage_dir: PathBuf::from(".data/files"),
            s3_bucket: None,
            s3_region: "us-east-1".into(),
            s3_endpoint: None,
            s3_access_key_id: None,
            s3_secret_access_key: None,
            s3_allow_http: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the configuration file {path} is not valid: {message}")]
    File { path: PathBuf, message: String },
    #[error("unknown environment variable {name}; known ones are {known}")]
    UnknownEnv { name: String, known: String },
    #[error("environment variable {name} is not valid: {message}")]
    Env { name: String, message: String },
    #[error("database_url must start with sqlite:// or postgres:// (got {0:?})")]
    DatabaseScheme(String),
    #[error("public_url must be an http:// or https:// address with a host, e.g. https://portal.example.com (got {0:?}); set it in the file or with PORTAL_PUBLIC_URL")]
    PublicUrl(String),
    #[error("secret_key must be at least {SECRET_KEY_MIN_BYTES} bytes (got {0}); generate one with `openssl rand -base64 48` and set PORTAL_SECRET_KEY")]
    SecretKeyShort(usize),
    #[error("serving in production mode (the default) needs {0}; to try the portal on this machine instead, set PORTAL_MODE=development (scripts/demo does)")]
    ProductionNeeds(String),
    #[error("sms_provider = \"twilio\" needs {0}; set it in the file or with {1}")]
    TwilioMissing(&'static str, &'static str),
    #[error("email_provider = \"smtp\" needs {0}; set it in the file or with {1}")]
    SmtpMissing(&'static str, &'static str),
    #[error("storage = \"s3\" needs {0}; set it in the file or with {1}")]
    S3Missing(&'static str, &'static str),
    #[error("smtp_from must be an e-mail address such as portal@example.com or \"Name <portal@example.com>\" (got {0:?}); set it in the file or with PORTAL_SMTP_FROM")]
    SmtpFrom(String),
}

impl Config {
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        if !(self.database_url.starts_with("sqlite:")
            || self.database_url.starts_with("postgres:")
            || self.database_url.starts_with("postgresql:"))
        {
            return Err(ConfigError::DatabaseScheme(self.database_url.clone()));
        }
        self.public_host()?;
        if let Some(key) = &self.secret_key {
            if key.0.len() < SECRET_KEY_MIN_BYTES {
                return Err(ConfigError::SecretKeyShort(key.0.len()));
            }
        }
        if self.sms_provider == SmsProvider::Twilio {
            if missing(&self.twilio_account_sid) {
                return Err(ConfigError::TwilioMissing(
                    "twilio_account_sid",
                    "PORTAL_TWILIO_ACCOUNT_SID",
                ));
            }
            if missing_secret(&self.twilio_auth_token) {
                return Err(ConfigError::TwilioMissing(
                    "twilio_auth_token",
                    "PORTAL_TWILIO_AUTH_TOKEN",
                ));
            }
            if missing(&self.twilio_from) && missing(&self.twilio_messaging_service_sid) {
                return Err(ConfigError::TwilioMissing(
                    "twilio_from or twilio_messaging_service_sid",
                    "PORTAL_TWILIO_FROM or PORTAL_TWILIO_MESSAGING_SERVICE_SID",
                ));
            }
        }
        if self.email_provider == EmailProvider::Smtp {
            if missing(&self.smtp_host) {
                return Err(ConfigError::SmtpMissing("smtp_host", "PORTAL_SMTP_HOST"));
            }
            let Some(from) = self.smtp_from.as_deref().filter(|s| !s.trim().is_empty()) else {
                return Err(ConfigError::SmtpMissing("smtp_from", "PORTAL_SMTP_FROM"));
            };
            if from.parse::<lettre::message::Mailbox>().is_err() {
                return Err(ConfigError::SmtpFrom(from.to_owned()));
            }
            if !missing(&self.smtp_username) && missing_secret(&self.smtp_password) {
                return Err(ConfigError::SmtpMissing(
                    "smtp_password (smtp_username is set)",
                    "PORTAL_SMTP_PASSWORD",
                ));
            }
        }
        if self.storage == StorageKind::S3 {
            if missing(&self.s3_bucket) {
                return Err(ConfigError::S3Missing("s3_bucket", "PORTAL_S3_BUCKET"));
            }
            if missing(&self.s3_access_key_id) {
                return Err(ConfigError::S3Missing(
                    "s3_access_key_id",
                    "PORTAL_S3_ACCESS_KEY_ID",
                ));
            }
            if missing_secret(&self.s3_secret_access_key) {
                return Err(ConfigError::S3Missing(
                    "s3_secret_access_key",
                    "PORTAL_S3_SECRET_ACCESS_KEY",
                ));
            }
        }
        Ok(())
    }

    /// What `serve` needs beyond a valid configuration. In production: a real secret key, the
    /// public address, and providers that send texts and e-mails (unless the operator keeps the
    /// outbox on purpose); every missing one is named in the one line of the error.
    pub fn check_serve(&self) -> Result<(), ConfigError> {
        if self.mode == Mode::Development {
            return Ok(());
        }
        let mut needs = Vec::new();
        if self.secret_key.is_none() {
            needs.push(
                "secret_key (PORTAL_SECRET_KEY; generate one with `openssl rand -base64 48`)",
            );
        }
        if self.public_url.is_none() {
            needs.push("public_url (PORTAL_PUBLIC_URL, e.g. https://portal.example.com)");
        }
        if !self.allow_outbox_in_production {
            if self.sms_provider == SmsProvider::Outbox {
                needs
                    .push("sms_provider = \"twilio\" (PORTAL_SMS_PROVIDER) with its twilio_* keys");
            }
            if self.email_provider == EmailProvider::Outbox {
                needs
                    .push("email_provider = \"smtp\" (PORTAL_EMAIL_PROVIDER) with its smtp_* keys");
            }
            if self.sms_provider == SmsProvider::Outbox
                || self.email_provider == EmailProvider::Outbox
            {
                needs.push("or, for a staging server that keeps texts and e-mails unsent, allow_outbox_in_production = true (PORTAL_ALLOW_OUTBOX_IN_PRODUCTION)");
            }
        }
        if needs.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::ProductionNeeds(needs.join("; ")))
        }
    }

    /// `public_url`, or development's address when it is not set.
    pub fn public_url(&self) -> &str {
        self.public_url.as_deref().unwrap_or(DEVELOPMENT_PUBLIC_URL)
    }

    /// The host part of `public_url` (no port), as the WebOTP line of a text needs it.
    pub fn public_host(&self) -> Result<String, ConfigError> {
        let bad = || ConfigError::PublicUrl(self.public_url().to_owned());
        let url = reqwest::Url::parse(self.public_url()).map_err(|_| bad())?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad());
        }
        url.host_str().map(str::to_owned).ok_or_else(bad)
    }

    /// `public_url` without a trailing slash, to put paths after.
    pub fn public_base(&self) -> &str {
        self.public_url().trim_end_matches('/')
    }

    pub fn is_development(&self) -> bool {
        self.mode == Mode::Development
    }
}

/// A required text setting that is absent or only spaces.
fn missing(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(|s| s.trim().is_empty())
}

/// A required secret that is absent or only spaces.
fn missing_secret(value: &Option<Secret>) -> bool {
    value.as_ref().is_none_or(|s| s.0.trim().is_empty())
}
