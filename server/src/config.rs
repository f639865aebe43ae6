//! Configuration: defaults, overridden by a TOML file, overridden by `PORTAL_*` environment
//! variables. An unknown key in either place is an error, so a typo never silently falls back
//! to a default. `portal.example.toml` at the repository root documents every key.

use serde::Deserialize;
use std::{fmt, net::SocketAddr, path::PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Development outbox at `/dev/outbox`, no HSTS, patient data allowed in logs.
    Development,
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
}

impl Default for Config {
    fn default() -> Self {
        Config {
            mode: Mode::Development,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://.data/portal.db".into(),
            database_max_connections: 16,
            static_dir: PathBuf::from("dist"),
            log: "info,sqlx=warn".into(),
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
}

/// Every key, with the environment variable that overrides it.
const ENV_KEYS: &[(&str, &str)] = &[
    ("PORTAL_MODE", "mode"),
    ("PORTAL_BIND", "bind"),
    ("PORTAL_DATABASE_URL", "database_url"),
    (
        "PORTAL_DATABASE_MAX_CONNECTIONS",
        "database_max_connections",
    ),
    ("PORTAL_STATIC_DIR", "static_dir"),
    ("PORTAL_LOG", "log"),
];

/// Variables that start with `PORTAL_` but are read by the tests or scripts, not the server.
const ENV_NOT_OURS: &[&str] = &["PORTAL_TEST_POSTGRES_URL"];

impl Config {
    /// Loads the file (when given, or `portal.toml` when present) and then the environment.
    pub fn load(
        file: Option<&std::path::Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut table = match file {
            Some(path) => read_table(path)?,
            None => {
                let default = std::path::Path::new("portal.toml");
                if default.exists() {
                    read_table(default)?
                } else {
                    toml::Table::new()
                }
            }
        };
        let file_label = file
            .map(|p| p.to_path_buf())
            .unwrap_or_else(|| "portal.toml".into());
        // Check the file on its own first so its errors name the file, not a variable.
        Config::deserialize(table.clone()).map_err(|e| ConfigError::File {
            path: file_label.clone(),
            message: e.message().to_owned(),
        })?;

        for (name, value) in env {
            if !name.starts_with("PORTAL_") || ENV_NOT_OURS.contains(&name.as_str()) {
                continue;
            }
            let Some((_, key)) = ENV_KEYS.iter().find(|(n, _)| *n == name) else {
                let known = ENV_KEYS
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(ConfigError::UnknownEnv { name, known });
            };
            let parsed = match *key {
                "database_max_connections" => value
                    .parse::<i64>()
                    .map(toml::Value::Integer)
                    .map_err(|_| ConfigError::Env {
                        name: name.clone(),
                        message: "expected a whole number".into(),
                    })?,
                _ => toml::Value::String(value),
            };
            table.insert((*key).to_owned(), parsed);
            Config::deserialize(table.clone()).map_err(|e| ConfigError::Env {
                name: name.clone(),
                message: e.message().to_owned(),
            })?;
        }
        let config = Config::deserialize(table).map_err(|e| ConfigError::File {
            path: file_label,
            message: e.message().to_owned(),
        })?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if !(self.database_url.starts_with("sqlite:")
            || self.database_url.starts_with("postgres:")
            || self.database_url.starts_with("postgresql:"))
        {
            return Err(ConfigError::DatabaseScheme(self.database_url.clone()));
        }
        Ok(())
    }

    pub fn is_development(&self) -> bool {
        self.mode == Mode::Development
    }
}

fn read_table(path: &std::path::Path) -> Result<toml::Table, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    text.parse::<toml::Table>().map_err(|e| ConfigError::File {
        path: path.to_path_buf(),
        message: e.message().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn file(text: &str) -> tempfile::NamedTempFile {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), text).unwrap();
        f
    }

    #[test]
    fn defaults_then_file_then_environment() {
        let f = file("bind = \"127.0.0.1:9000\"\nmode = \"production\"\n");
        let c = Config::load(
            Some(f.path()),
            env(&[("PORTAL_BIND", "127.0.0.1:9100"), ("HOME", "/x")]),
        )
        .unwrap();
        assert_eq!(c.bind.port(), 9100);
        assert_eq!(c.mode, Mode::Production);
        assert_eq!(c.database_url, "sqlite://.data/portal.db");
    }

    #[test]
    fn unknown_keys_are_errors_that_name_them() {
        let f = file("bnd = \"127.0.0.1:9000\"\n");
        let e = Config::load(Some(f.path()), env(&[]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("bnd"), "{e}");
        let e = Config::load(None, env(&[("PORTAL_BINDD", "x")]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("PORTAL_BINDD") && e.contains("PORTAL_BIND"),
            "{e}"
        );
    }

    #[test]
    fn bad_values_are_errors_that_name_the_variable() {
        let e = Config::load(None, env(&[("PORTAL_BIND", "localhost")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("PORTAL_BIND"), "{e}");
        let e = Config::load(None, env(&[("PORTAL_MODE", "prod")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("PORTAL_MODE"), "{e}");
        let e = Config::load(None, env(&[("PORTAL_DATABASE_URL", "mysql://x")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("sqlite://"), "{e}");
        let e = Config::load(Some(std::path::Path::new("/no/such/portal.toml")), env(&[]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("/no/such/portal.toml"), "{e}");
    }
}
