//! The names under which the server stores and sends its enums (`"pending_activation"`, `"self"`,
//! …): each enum's one parse and one printing, so a stored value is compared as a Rust enum
//! everywhere else, and a value no variant has is an error, never a silent default.

/// A stored name that no variant of the enum has (a newer migration, a hand edit).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {value:?}")]
pub struct UnknownValue {
    pub kind: &'static str,
    pub value: String,
}

/// `as_str`, `FromStr` and `TryFrom<String>` (what sqlx's `#[sqlx(try_from = "String")]` uses)
/// for an enum, from one list of variants and names; the names are also its serde names. The
/// server uses it too, for what it stores and never sends (`wire::stored_names!`).
#[macro_export]
macro_rules! stored_names {
    ($ty:ident, $kind:literal, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }

        impl ::core::str::FromStr for $ty {
            type Err = $crate::stored::UnknownValue;
            fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                match s {
                    $($name => Ok($ty::$variant),)+
                    _ => Err($crate::stored::UnknownValue {
                        kind: $kind,
                        value: s.to_owned(),
                    }),
                }
            }
        }

        impl ::core::convert::TryFrom<::std::string::String> for $ty {
            type Error = $crate::stored::UnknownValue;
            fn try_from(s: ::std::string::String) -> ::core::result::Result<Self, Self::Error> {
                s.parse()
            }
        }
    };
}
pub(crate) use crate::stored_names;

#[cfg(test)]
mod tests {
    use crate::api::{LinkStatus, Relationship};
    use crate::messages::{ConversationStatus, SenderKind};
    use crate::records::{AppointmentStatus, FormStatus};

    /// Each value's name parses back to it and is its serde name.
    macro_rules! round_trips {
        ($($v:expr),+ $(,)?) => {$(
            assert_eq!($v.as_str().parse(), Ok($v));
            assert_eq!(serde_json::to_string(&$v).unwrap(), format!("\"{}\"", $v.as_str()));
        )+};
    }

    #[test]
    fn every_name_parses_back_and_matches_serde() {
        use LinkStatus as L;
        round_trips!(L::PendingActivation, L::Active, L::Locked, L::Revoked);
        round_trips!(
            Relationship::Self_,
            Relationship::Guardian,
            Relationship::Linked
        );
        round_trips!(
            ConversationStatus::Unassigned,
            ConversationStatus::Assigned,
            ConversationStatus::Closed,
        );
        round_trips!(
            SenderKind::Patient,
            SenderKind::Practice,
            SenderKind::System
        );
        use AppointmentStatus as A;
        round_trips!(
            A::Scheduled,
            A::Confirmed,
            A::Cancelled,
            A::Completed,
            A::NoShow
        );
        round_trips!(
            FormStatus::Assigned,
            FormStatus::InProgress,
            FormStatus::Completed
        );
    }

    #[test]
    fn an_unknown_name_is_an_error_that_names_it() {
        let e = "archived".parse::<LinkStatus>().unwrap_err();
        assert_eq!(e.to_string(), "unknown contact link status \"archived\"");
        assert!(
            LinkStatus::try_from(String::from("Active")).is_err(),
            "names are exact"
        );
        assert!("".parse::<Relationship>().is_err());
    }
}
