//! What people type as free text: names (of a dependent, of a guardian) and messages (SPEC 3.4.4).
//! Checked the same way in the portal, before anything is sent, and by the server.

use crate::errors::ErrorCode;
use thiserror::Error;

/// A person's first or last name: at most this many characters once trimmed.
pub const MAX_NAME_CHARS: usize = 100;
/// A message: 1 to 5,000 characters (SPEC 3.4.4), counted as Unicode characters once trimmed.
pub const MAX_MESSAGE_CHARS: usize = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum NameError {
    #[error("the name is empty")]
    Empty,
    #[error("the name is longer than {MAX_NAME_CHARS} characters")]
    TooLong,
    #[error("the name contains control characters")]
    ControlCharacters,
}

impl NameError {
    /// The stable `error` code of the API.
    pub fn code(self) -> ErrorCode {
        match self {
            NameError::Empty => ErrorCode::NameEmpty,
            NameError::TooLong => ErrorCode::NameTooLong,
            NameError::ControlCharacters => ErrorCode::NameControlCharacters,
        }
    }
}

/// Trims a person's name and checks it is usable: a name of only spaces is empty.
pub fn person_name(input: &str) -> Result<String, NameError> {
    let name = input.trim();
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(NameError::TooLong);
    }
    if name.chars().any(char::is_control) {
        return Err(NameError::ControlCharacters);
    }
    Ok(name.to_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum MessageError {
    #[error("the message is empty")]
    Empty,
    #[error("the message has {chars} characters; at most {MAX_MESSAGE_CHARS} fit")]
    TooLong { chars: usize },
}

impl MessageError {
    /// The stable `error` code of the API.
    pub fn code(self) -> ErrorCode {
        match self {
            MessageError::Empty => ErrorCode::MessageEmpty,
            MessageError::TooLong { .. } => ErrorCode::MessageTooLong,
        }
    }
}

/// A message as it will be stored and shown: line breaks normalised to `\n`, control characters
/// other than line breaks and tabs removed (a NUL cannot even be stored by PostgreSQL), and
/// surrounding white space trimmed. HTML is kept as typed: it is always shown as text.
pub fn message_text(input: &str) -> Result<String, MessageError> {
    let text: String = input
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    let text = text.trim();
    if text.is_empty() {
        return Err(MessageError::Empty);
    }
    let chars = text.chars().count();
    if chars > MAX_MESSAGE_CHARS {
        return Err(MessageError::TooLong { chars });
    }
    Ok(text.to_owned())
}

/// A message's body: its text by [`message_text`], except that a message with files may have
/// no text at all (then the body is empty). The one rule for the portal's pages and the server.
pub fn message_body(input: &str, files: usize) -> Result<String, MessageError> {
    match message_text(input) {
        Err(MessageError::Empty) if files > 0 => Ok(String::new()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_with_files_may_have_no_text() {
        assert_eq!(message_body(" \n ", 1), Ok(String::new()));
        assert_eq!(message_body(" \n ", 0), Err(MessageError::Empty));
        assert_eq!(message_body(" Hi ", 2), Ok("Hi".into()));
        let long = "a".repeat(MAX_MESSAGE_CHARS + 1);
        assert!(matches!(
            message_body(&long, 1),
            Err(MessageError::TooLong { .. })
        ));
    }

    #[test]
    fn names_are_trimmed_and_must_have_content() {
        assert_eq!(person_name("  Lily \t").unwrap(), "Lily");
        assert_eq!(person_name("   "), Err(NameError::Empty));
        assert_eq!(person_name("\u{3000}"), Err(NameError::Empty));
        assert_eq!(person_name(&"a".repeat(100)).unwrap().len(), 100);
        assert_eq!(person_name(&"a".repeat(101)), Err(NameError::TooLong));
        assert_eq!(person_name(&"é".repeat(100)).unwrap().chars().count(), 100);
        assert_eq!(person_name("Li\u{0}ly"), Err(NameError::ControlCharacters));
        assert_eq!(
            person_name("Ana María O'Neil-Pérez").unwrap(),
            "Ana María O'Neil-Pérez"
        );
    }

    #[test]
    fn messages_are_one_to_five_thousand_characters() {
        assert_eq!(
            message_text(" Hello \r\n there \r"),
            Ok("Hello \n there".to_owned())
        );
        assert_eq!(message_text(""), Err(MessageError::Empty));
        assert_eq!(message_text(" \n\t \r\n"), Err(MessageError::Empty));
        assert_eq!(message_text("\u{0}\u{7}"), Err(MessageError::Empty));
        assert_eq!(message_text("a\u{0}b"), Ok("ab".to_owned()));
        assert_eq!(message_text(&"x".repeat(5_000)).unwrap().len(), 5_000);
        assert_eq!(
            message_text(&"x".repeat(5_001)),
            Err(MessageError::TooLong { chars: 5_001 })
        );
        // Characters, not bytes: 5,000 accented letters fit.
        assert!(message_text(&"ñ".repeat(5_000)).is_ok());
        assert_eq!(
            message_text("<script>alert(1)</script>").unwrap(),
            "<script>alert(1)</script>"
        );
    }
}
