//! US mobile numbers as people type them, normalized to E.164 (`+19728485861`).
//!
//! Accepted: `(972) 848-5861`, `972-848-5861`, `972.848.5861`, `9728485861`, `1 972 848 5861`,
//! `+1 972 848 5861`. The North American Numbering Plan rules are checked so that an obvious typo
//! is caught before a text is sent: area code and exchange cannot start with 0 or 1, and neither
//! can be an N11 service code (411, 911, …).

use crate::errors::ErrorCode;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("enter a mobile phone number")]
    Empty,
    #[error(
        "a phone number can only contain digits, spaces, brackets, dots, dashes and a leading +"
    )]
    InvalidCharacters,
    #[error("only US numbers (+1) are supported")]
    NotUs,
    #[error("enter a 10-digit US mobile number")]
    WrongLength,
    #[error("the area code is not valid")]
    InvalidAreaCode,
    #[error("the number is not valid")]
    InvalidExchange,
}

impl PhoneError {
    /// A stable identifier the portal maps to a translated message.
    pub fn code(self) -> ErrorCode {
        match self {
            PhoneError::Empty => ErrorCode::PhoneEmpty,
            PhoneError::InvalidCharacters => ErrorCode::PhoneInvalidCharacters,
            PhoneError::NotUs => ErrorCode::PhoneNotUs,
            PhoneError::WrongLength => ErrorCode::PhoneWrongLength,
            PhoneError::InvalidAreaCode => ErrorCode::PhoneInvalidAreaCode,
            PhoneError::InvalidExchange => ErrorCode::PhoneInvalidExchange,
        }
    }
}

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        let mut digits = String::with_capacity(11);
        let mut plus = false;
        for (i, c) in trimmed.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => plus = true,
                ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
                _ => return Err(PhoneError::InvalidCharacters),
            }
        }
        let national = match (plus, digits.len()) {
            (true, _) if !digits.starts_with('1') => return Err(PhoneError::NotUs),
            (_, 11) if digits.starts_with('1') => &digits[1..],
            (false, 10) => &digits[..],
            _ => return Err(PhoneError::WrongLength),
        };
        let b = national.as_bytes();
        if b[0] < b'2' || (b[1] == b'1' && b[2] == b'1') {
            return Err(PhoneError::InvalidAreaCode);
        }
        if b[3] < b'2' || (b[4] == b'1' && b[5] == b'1') {
            return Err(PhoneError::InvalidExchange);
        }
        Ok(PhoneNumber(format!("+1{national}")))
    }

    pub fn e164(&self) -> &str {
        &self.0
    }

    /// `(972) 848-5861`, for showing a number back to the person.
    pub fn national(&self) -> String {
        let n = &self.0[2..];
        format!("({}) {}-{}", &n[..3], &n[3..6], &n[6..])
    }

    /// `•••• 5861`: enough for a person to recognise their number, nothing more.
    pub fn masked(&self) -> String {
        format!("•••• {}", &self.0[self.0.len() - 4..])
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        PhoneNumber::parse(&value)
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_us_formats_people_type() {
        for input in [
            "(972) 848-5861",
            "972-848-5861",
            "972.848.5861",
            "9728485861",
            "1 972 848 5861",
            "+1 972 848 5861",
            "+19728485861",
            "  972 848 5861  ",
        ] {
            assert_eq!(
                PhoneNumber::parse(input).map(|p| p.e164().to_owned()),
                Ok("+19728485861".to_owned()),
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_bad_numbers_with_a_precise_reason() {
        let cases = [
            ("", PhoneError::Empty),
            ("   ", PhoneError::Empty),
            ("972-848-586", PhoneError::WrongLength),
            ("972-848-58611", PhoneError::WrongLength),
            ("2 972 848 5861", PhoneError::WrongLength),
            ("+44 20 7946 0958", PhoneError::NotUs),
            ("972-848-5861 ext 2", PhoneError::InvalidCharacters),
            ("972+848-5861", PhoneError::InvalidCharacters),
            ("call me", PhoneError::InvalidCharacters),
            ("(072) 848-5861", PhoneError::InvalidAreaCode),
            ("(172) 848-5861", PhoneError::InvalidAreaCode),
            ("(911) 848-5861", PhoneError::InvalidAreaCode),
            ("(972) 048-5861", PhoneError::InvalidExchange),
            ("(972) 411-5861", PhoneError::InvalidExchange),
        ];
        for (input, error) in cases {
            assert_eq!(PhoneNumber::parse(input), Err(error), "{input:?}");
        }
    }

    #[test]
    fn shows_numbers_back_in_national_and_masked_forms() {
        let phone = PhoneNumber::parse("+1 972 848 5861").unwrap();
        assert_eq!(phone.national(), "(972) 848-5861");
        assert_eq!(phone.masked(), "•••• 5861");
    }

    #[test]
    fn deserializing_validates() {
        let ok: PhoneNumber = serde_json::from_str("\"972-848-5861\"").unwrap();
        assert_eq!(ok.e164(), "+19728485861");
        assert!(serde_json::from_str::<PhoneNumber>("\"12345\"").is_err());
    }
}
