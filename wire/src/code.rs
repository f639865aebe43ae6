//! The 6-digit sign-in code (NIST SP 800-63B §5.1.3.2: at least 20 bits). People paste codes with
//! spaces or dashes from the text, so those are ignored; anything else is a typo.

use crate::errors::ErrorCode;
use serde::{Deserialize, Serialize};

pub const CODE_LENGTH: usize = 6;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OneTimeCode(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("enter the code from the text message")]
    Empty,
    #[error("the code only has numbers")]
    NotDigits,
    #[error("the code has 6 numbers")]
    WrongLength,
}

impl CodeError {
    pub fn code(self) -> ErrorCode {
        match self {
            CodeError::Empty => ErrorCode::CodeEmpty,
            CodeError::NotDigits => ErrorCode::CodeNotDigits,
            CodeError::WrongLength => ErrorCode::CodeWrongLength,
        }
    }
}

impl OneTimeCode {
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let mut digits = String::with_capacity(CODE_LENGTH);
        for c in input.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '\u{a0}' => {}
                _ => return Err(CodeError::NotDigits),
            }
        }
        match digits.len() {
            0 => Err(CodeError::Empty),
            CODE_LENGTH => Ok(OneTimeCode(digits)),
            _ => Err(CodeError::WrongLength),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OneTimeCode {
    type Error = CodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        OneTimeCode::parse(&value)
    }
}

impl From<OneTimeCode> for String {
    fn from(value: OneTimeCode) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_six_digits_with_paste_noise() {
        assert_eq!(OneTimeCode::parse("012345").unwrap().as_str(), "012345");
        assert_eq!(OneTimeCode::parse(" 012 345 ").unwrap().as_str(), "012345");
        assert_eq!(OneTimeCode::parse("012-345").unwrap().as_str(), "012345");
    }

    #[test]
    fn rejects_letters_and_wrong_lengths() {
        assert_eq!(OneTimeCode::parse(""), Err(CodeError::Empty));
        assert_eq!(OneTimeCode::parse("  "), Err(CodeError::Empty));
        assert_eq!(OneTimeCode::parse("12345"), Err(CodeError::WrongLength));
        assert_eq!(OneTimeCode::parse("1234567"), Err(CodeError::WrongLength));
        assert_eq!(OneTimeCode::parse("12a456"), Err(CodeError::NotDigits));
        assert_eq!(
            OneTimeCode::parse("１２３４５６"),
            Err(CodeError::NotDigits)
        );
    }
}
