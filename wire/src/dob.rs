//! Dates of birth entered as three numeric fields (month, day, year), the way a phone keypad
//! makes easy. An impossible date is the person's typo, not a wrong guess: it gets its own error
//! and must never count as a verification attempt.

use crate::errors::ErrorCode;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The earliest year accepted; anything before is a typo.
pub const EARLIEST_YEAR: i32 = 1900;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DateOfBirth(NaiveDate);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DobError {
    #[error("enter the month, day and year")]
    Missing,
    #[error("use numbers only")]
    NotANumber,
    #[error("the month must be between 1 and 12")]
    InvalidMonth,
    #[error("that day does not exist in that month")]
    InvalidDay,
    #[error("enter the year with 4 digits")]
    YearNotFourDigits,
    #[error("the year must be 1900 or later")]
    TooOld,
    #[error("a date of birth cannot be in the future")]
    InFuture,
    #[error("write the date as YYYY-MM-DD")]
    BadFormat,
}

impl DobError {
    pub fn code(self) -> ErrorCode {
        match self {
            DobError::Missing => ErrorCode::DobMissing,
            DobError::NotANumber => ErrorCode::DobNotANumber,
            DobError::InvalidMonth => ErrorCode::DobInvalidMonth,
            DobError::InvalidDay => ErrorCode::DobInvalidDay,
            DobError::YearNotFourDigits => ErrorCode::DobYearNotFourDigits,
            DobError::TooOld => ErrorCode::DobTooOld,
            DobError::InFuture => ErrorCode::DobInFuture,
            DobError::BadFormat => ErrorCode::DobBadFormat,
        }
    }
}

impl DateOfBirth {
    /// Checks the three fields as typed; `today` is the date in the practice's time zone.
    pub fn from_parts(
        month: &str,
        day: &str,
        year: &str,
        today: NaiveDate,
    ) -> Result<Self, DobError> {
        let (month, day, year) = (month.trim(), day.trim(), year.trim());
        if month.is_empty() || day.is_empty() || year.is_empty() {
            return Err(DobError::Missing);
        }
        let number = |s: &str| -> Result<u32, DobError> {
            if s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(DobError::NotANumber);
            }
            s.parse().map_err(|_| DobError::NotANumber)
        };
        let (m, d, y) = (number(month)?, number(day)?, number(year)?);
        if !(1..=12).contains(&m) {
            return Err(DobError::InvalidMonth);
        }
        if year.len() != 4 {
            return Err(DobError::YearNotFourDigits);
        }
        Self::from_ymd(y as i32, m, d, today)
    }

    fn from_ymd(y: i32, m: u32, d: u32, today: NaiveDate) -> Result<Self, DobError> {
        if !(1..=12).contains(&m) {
            return Err(DobError::InvalidMonth);
        }
        if y < EARLIEST_YEAR {
            return Err(DobError::TooOld);
        }
        let date = NaiveDate::from_ymd_opt(y, m, d).ok_or(DobError::InvalidDay)?;
        if date > today {
            return Err(DobError::InFuture);
        }
        Ok(DateOfBirth(date))
    }

    /// Parses `YYYY-MM-DD` (the form stored and sent over the wire) and applies the same rules.
    pub fn parse_iso(s: &str, today: NaiveDate) -> Result<Self, DobError> {
        let date = Self::parse_iso_unchecked(s)?;
        Self::from_ymd(date.year(), date.month(), date.day(), today)
    }

    fn parse_iso_unchecked(s: &str) -> Result<NaiveDate, DobError> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(DobError::BadFormat);
        }
        let part = |r: std::ops::Range<usize>| -> Result<u32, DobError> {
            let p = &s[r];
            if !p.bytes().all(|c| c.is_ascii_digit()) {
                return Err(DobError::BadFormat);
            }
            p.parse().map_err(|_| DobError::BadFormat)
        };
        let (y, m, d) = (part(0..4)?, part(5..7)?, part(8..10)?);
        if !(1..=12).contains(&m) {
            return Err(DobError::InvalidMonth);
        }
        NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(DobError::InvalidDay)
    }

    pub fn date(&self) -> NaiveDate {
        self.0
    }

    pub fn iso(&self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }
}

impl fmt::Display for DateOfBirth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// Over the wire a date of birth is `YYYY-MM-DD`; only the calendar is checked here because the
/// "not in the future" rule needs the practice's today, which the receiving side applies.
impl TryFrom<String> for DateOfBirth {
    type Error = DobError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        let date = Self::parse_iso_unchecked(&value)?;
        if date.year() < EARLIEST_YEAR {
            return Err(DobError::TooOld);
        }
        Ok(DateOfBirth(date))
    }
}

impl From<DateOfBirth> for String {
    fn from(value: DateOfBirth) -> Self {
        value.iso()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn accepts_real_dates_typed_on_a_keypad() {
        let dob = DateOfBirth::from_parts("3", "7", "2015", today()).unwrap();
        assert_eq!(dob.iso(), "2015-03-07");
        let dob = DateOfBirth::from_parts("03", "07", "2015", today()).unwrap();
        assert_eq!(dob.iso(), "2015-03-07");
        let leap = DateOfBirth::from_parts("2", "29", "2016", today()).unwrap();
        assert_eq!(leap.iso(), "2016-02-29");
        assert!(
            DateOfBirth::from_parts("11", "22", "2026", today()).is_ok(),
            "born today"
        );
    }

    #[test]
    fn impossible_dates_get_a_clear_error() {
        let cases = [
            (("", "7", "2015"), DobError::Missing),
            (("3", " ", "2015"), DobError::Missing),
            (("3", "7", ""), DobError::Missing),
            (("March", "7", "2015"), DobError::NotANumber),
            (("3", "-7", "2015"), DobError::NotANumber),
            (("3", "7", "20155"), DobError::NotANumber),
            (("13", "7", "2015"), DobError::InvalidMonth),
            (("0", "7", "2015"), DobError::InvalidMonth),
            (("2", "30", "2015"), DobError::InvalidDay),
            (("2", "29", "2015"), DobError::InvalidDay),
            (("4", "31", "2015"), DobError::InvalidDay),
            (("4", "0", "2015"), DobError::InvalidDay),
            (("3", "7", "15"), DobError::YearNotFourDigits),
            (("3", "7", "1899"), DobError::TooOld),
            (("11", "23", "2026"), DobError::InFuture),
            (("1", "1", "2030"), DobError::InFuture),
        ];
        for ((m, d, y), error) in cases {
            assert_eq!(
                DateOfBirth::from_parts(m, d, y, today()),
                Err(error),
                "{m}/{d}/{y}"
            );
        }
    }

    #[test]
    fn iso_form_round_trips_and_is_checked() {
        assert_eq!(
            DateOfBirth::parse_iso("2015-03-07", today()).unwrap().iso(),
            "2015-03-07"
        );
        assert_eq!(
            DateOfBirth::parse_iso("2015-3-7", today()),
            Err(DobError::BadFormat)
        );
        assert_eq!(
            DateOfBirth::parse_iso("2015-02-30", today()),
            Err(DobError::InvalidDay)
        );
        assert_eq!(
            DateOfBirth::parse_iso("2015-13-01", today()),
            Err(DobError::InvalidMonth)
        );
        assert_eq!(
            DateOfBirth::parse_iso("2027-01-01", today()),
            Err(DobError::InFuture)
        );
        let json: DateOfBirth = serde_json::from_str("\"1950-12-31\"").unwrap();
        assert_eq!(serde_json::to_string(&json).unwrap(), "\"1950-12-31\"");
        assert!(serde_json::from_str::<DateOfBirth>("\"1950-02-30\"").is_err());
    }
}
