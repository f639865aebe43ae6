//! Checks on what the practice side sends, beyond what the wire types already guarantee.

use crate::error::{AppError, AppResult};
use wire::ErrorCode;

/// Trims a person's or practice's name and checks it is usable (`wire::text::person_name`, the
/// same rule the portal applies), naming `field` in the error.
pub fn name(value: &str, field: &'static str) -> AppResult<String> {
    wire::text::person_name(value).map_err(|e| {
        let message = match e {
            wire::NameError::Empty => format!("{field} cannot be empty"),
            wire::NameError::TooLong => format!(
                "{field} can have at most {} characters",
                wire::text::MAX_NAME_CHARS
            ),
            wire::NameError::ControlCharacters => {
                format!("{field} cannot contain control characters")
            }
        };
        AppError::invalid(e.code(), field, message)
    })
}

pub fn slug(value: &str) -> AppResult<String> {
    let ok = (2..=50).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-')
        && !value.contains("--");
    if ok {
        Ok(value.to_owned())
    } else {
        Err(AppError::invalid(
            ErrorCode::SlugInvalid,
            "slug",
            "slug must be 2 to 50 lowercase letters, digits and single dashes, like lakeside-family",
        ))
    }
}

pub fn time_zone(value: &str) -> AppResult<String> {
    value
        .parse::<chrono_tz::Tz>()
        .map(|tz| tz.name().to_owned())
        .map_err(|_| {
            AppError::invalid(
                ErrorCode::TimeZoneInvalid,
                "time_zone",
                "time_zone must be an IANA zone such as America/Chicago",
            )
        })
}

/// A plausible e-mail address: one `@`, a dotted domain, no spaces. Deliverability is only
/// known when a message is sent.
pub fn email(value: Option<&str>) -> AppResult<Option<String>> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let ok = value.len() <= 254
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(value.split_once('@'), Some((local, domain))
            if !local.is_empty() && !domain.contains('@') && domain.contains('.')
                && !domain.starts_with('.') && !domain.ends_with('.'));
    if ok {
        Ok(Some(value.to_owned()))
    } else {
        Err(AppError::invalid(
            ErrorCode::EmailInvalid,
            "email",
            "email must look like name@example.com",
        ))
    }
}

pub fn external_id(value: Option<&str>) -> AppResult<Option<String>> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if value.len() > 100 || value.chars().any(char::is_control) {
        return Err(AppError::invalid(
            ErrorCode::ExternalIdInvalid,
            "external_id",
            "external_id can have at most 100 printable characters",
        ));
    }
    Ok(Some(value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_must_have_content() {
        assert_eq!(name("  Ana ", "first_name").unwrap(), "Ana");
        assert!(name("   ", "first_name").is_err());
        assert!(name(&"a".repeat(101), "first_name").is_err());
        assert!(name("Ana\u{0}", "first_name").is_err());
    }

    #[test]
    fn slugs() {
        assert!(slug("lakeside-family").is_ok());
        for bad in [
            "L",
            "a",
            "Lakeside",
            "lake side",
            "-lake",
            "lake-",
            "lake--side",
            "lake_side",
        ] {
            assert!(slug(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn time_zones_are_iana() {
        assert_eq!(time_zone("America/Chicago").unwrap(), "America/Chicago");
        assert!(time_zone("Central").is_err());
        assert!(time_zone("").is_err());
    }

    #[test]
    fn emails() {
        assert_eq!(
            email(Some(" ana@example.com ")).unwrap().as_deref(),
            Some("ana@example.com")
        );
        assert_eq!(email(Some("")).unwrap(), None);
        for bad in [
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a na@example.com",
            "a@b@c.com",
            "ana@.com",
        ] {
            assert!(email(Some(bad)).is_err(), "{bad}");
        }
    }
}
