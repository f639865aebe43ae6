//! The store: every piece of state lives in the database so that instances can be added.
//!
//! One code path for SQLite and PostgreSQL: queries go through sqlx's `Any` driver with SQL both
//! databases accept (`$1` placeholders, `RETURNING`, `ON CONFLICT`), times are stored as BIGINT
//! Unix milliseconds and ids as TEXT. Only the migrations differ per database, because DDL does
//! (`migrations/sqlite`, `migrations/postgres`). The same store tests run on both.

pub mod access_links;
pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod contacts;
pub mod conversations;
pub mod outbox;
pub mod patients;
pub mod practices;
pub mod records;
pub mod sessions;
pub mod sign_in;
pub mod tokens;

use sqlx::any::{AnyPoolOptions, AnyQueryResult};
use sqlx::{AnyPool, Executor};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database at {location}: {reason}")]
    Open { location: String, reason: String },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A stored name no variant of its enum has (`wire::stored`): never read as a default.
    #[error("database holds an {0}")]
    Unknown(#[from] wire::stored::UnknownValue),
}

impl StoreError {
    /// A write lost a race against a uniqueness rule (two requests creating the same thing).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    writer: AnyPool,
    backend: Backend,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url).ok_or_else(|| StoreError::Open {
            location: redact(url),
            reason: "the address must start with sqlite:// or postgres://".into(),
        })?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite(url)?,
            Backend::Postgres => url.to_owned(),
        };
        let open = |max_connections: u32| {
            let mut options = AnyPoolOptions::new().max_connections(max_connections.max(1));
            if backend == Backend::Sqlite {
                options = options.after_connect(|conn, _meta| {
                    Box::pin(async move {
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")
                            .await
                            .map(|_| ())
                    })
                });
            }
            let url = url.clone();
            async move {
                options.connect(&url).await.map_err(|e| StoreError::Open {
                    location: redact(&url),
                    reason: open_reason(&e),
                })
            }
        };
        let pool = open(max_connections).await?;
        // SQLite lets one connection write at a time. Writers on several connections wait for
        // the lock in SQLite's busy handler, which sleeps 1, 2, 5 … up to 100 ms between tries:
        // under load a write's p99 was hundreds of milliseconds. On one connection they queue in
        // the pool instead, in order, and each starts the moment the one before commits.
        // PostgreSQL has row locks: its writes share the one pool.
        let writer = match backend {
            Backend::Sqlite => open(1).await?,
            Backend::Postgres => pool.clone(),
        };
        Ok(Store {
            pool,
            writer,
            backend,
        })
    }

    pub async fn migrate(&self) -> Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.writer).await?;
        Ok(())
    }

    /// Reachability check for `/api/health`.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// For reads.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// For a write outside a transaction (one statement).
    pub fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// A transaction that writes. Never ask for another write (`writer`, `begin`) while one is
    /// open: on SQLite it would wait for the connection the open one holds.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            // The write lock at once: another process writing the same file (the CLI) is waited
            // for here, by `busy_timeout`, not met half-way through as SQLITE_BUSY.
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.writer.begin().await?,
        })
    }

    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
    }
}

/// Creates the database file's folder and asks SQLite to create the file when missing.
fn prepare_sqlite(url: &str) -> Result<String> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" {
        return Err(StoreError::Open {
            location: url.into(),
            reason: "give a file path, e.g. sqlite://.data/portal.db (an in-memory database would be lost at restart)".into(),
        });
    }
    let file = PathBuf::from(path);
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
            location: path.into(),
            reason: format!("cannot create the folder {}: {e}", dir.display()),
        })?;
    }
    if file.is_dir() {
        return Err(StoreError::Open {
            location: path.into(),
            reason: "that path is a folder, not a file".into(),
        });
    }
    let query = if query.contains("mode=") {
        query.to_owned()
    } else if query.is_empty() {
        "mode=rwc".into()
    } else {
        format!("{query}&mode=rwc")
    };
    Ok(format!("sqlite://{}?{query}", Path::new(path).display()))
}

fn open_reason(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_owned(),
        sqlx::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    }
}

/// Hides a password in a database address before it is shown anywhere.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}://{user}:***@{}", &url[..scheme], &url[at + 1..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A random identifier: 128 bits, URL-safe, no structure to guess from. Never starts with `-`,
/// so it can follow a command-line flag (`--patient ID`) without being read as an option.
pub fn new_id() -> String {
    loop {
        let id = crate::secrets::random_token(16);
        if !id.starts_with('-') {
            return id;
        }
    }
}

pub(crate) fn affected(result: AnyQueryResult) -> u64 {
    result.rows_affected()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_appear_in_messages() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/portal"),
            "postgres://app:***@db:5432/portal"
        );
        assert_eq!(
            redact("postgres://app@db/portal"),
            "postgres://app@db/portal"
        );
        assert_eq!(
            redact("sqlite://.data/portal.db"),
            "sqlite://.data/portal.db"
        );
    }
}
