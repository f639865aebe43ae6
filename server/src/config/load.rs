//! Reading the configuration: defaults, then the TOML file, then `PORTAL_*` variables.

use serde::de::{self, Visitor};
use serde::Deserialize;
use std::path::Path;

use super::{Config, ConfigError};

/// Variables that start with `PORTAL_` but are read by the tests or scripts, not the server.
const ENV_NOT_OURS: &[&str] = &["PORTAL_TEST_POSTGRES_URL", "PORTAL_TEST_S3_ENDPOINT"];

/// Every key of [`Config`], as its derived `Deserialize` names them: serde hands a struct's
/// field names to the deserializer, and this one only takes note of them. So adding a field is
/// adding a key, its variable and its place in the checks below; nothing else lists them.
pub fn keys() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    let _ = Config::deserialize(FieldNames(&mut fields));
    fields
}

struct FieldNames<'a>(&'a mut &'static [&'static str]);

impl<'de> de::Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("only the field names were asked for"))
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("a struct was expected"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

impl Config {
    /// Loads the file (when given, or `portal.toml` when present) and then the environment.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut table = match file {
            Some(path) => read_table(path)?,
            None => {
                let default = Path::new("portal.toml");
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
            let key = name["PORTAL_".len()..].to_lowercase();
            if !keys().contains(&key.as_str()) || name != format!("PORTAL_{}", key.to_uppercase()) {
                let known = keys()
                    .iter()
                    .map(|k| format!("PORTAL_{}", k.to_uppercase()))
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(ConfigError::UnknownEnv { name, known });
            }
            table = with_variable(table, &key, &value).map_err(|message| ConfigError::Env {
                name: name.clone(),
                message,
            })?;
        }
        let config = Config::deserialize(table).map_err(|e| ConfigError::File {
            path: file_label,
            message: e.message().to_owned(),
        })?;
        config.validate()?;
        Ok(config)
    }
}

/// `table` with `key` set from a variable's text. A variable has no type: it is taken as text,
/// else as a whole number, else as true or false (`1`/`yes`, `0`/`no` too), whichever the key
/// accepts. When none does, the message is the one for text (e.g. "expected u16").
fn with_variable(table: toml::Table, key: &str, value: &str) -> Result<toml::Table, String> {
    let mut readings = vec![toml::Value::String(value.to_owned())];
    if let Ok(n) = value.trim().parse::<i64>() {
        readings.push(toml::Value::Integer(n));
    }
    match value.trim() {
        "true" | "1" | "yes" => readings.push(toml::Value::Boolean(true)),
        "false" | "0" | "no" => readings.push(toml::Value::Boolean(false)),
        _ => {}
    }
    let mut first_error = None;
    for reading in readings {
        let mut candidate = table.clone();
        candidate.insert(key.to_owned(), reading);
        match Config::deserialize(candidate.clone()) {
            Ok(_) => return Ok(candidate),
            Err(e) => {
                first_error.get_or_insert_with(|| e.message().to_owned());
            }
        }
    }
    Err(first_error.unwrap_or_default())
}

fn read_table(path: &Path) -> Result<toml::Table, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    text.parse::<toml::Table>().map_err(|e| ConfigError::File {
        path: path.to_path_buf(),
        message: e.message().to_owned(),
    })
}
