//! Values in words for people, in the person's language: dates, times in the practice's zone,
//! file sizes, phone numbers and unread counts. Dates and times are written by the browser's
//! `Intl` (see [`in_words`]), sizes and counts by integer arithmetic: both keep number and date
//! formatting code out of the WebAssembly.

use crate::i18n::Strings;
use wasm_bindgen::JsCast;
use wire::PhoneNumber;

/// `YYYY-MM-DD` as the language writes a date: `September 3, 2016`, `3 de septiembre de 2016`.
pub fn iso_date_in_words(t: &'static Strings, iso: &str) -> String {
    in_words(t, iso, r#"{"dateStyle":"long","timeZone":"UTC"}"#)
}

/// An RFC 3339 time in the practice's time zone (UX.md: times follow the practice's zone), as
/// the language writes it, with the zone's short name: `November 22, 2026 at 3:05 PM CST`,
/// `22 de noviembre de 2026, 15:05 GMT-6`. Only characters of IANA names go into the options.
pub fn practice_time(t: &'static Strings, at: &str, zone: &str) -> String {
    let zone = if !zone.is_empty()
        && zone
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b))
    {
        format!(r#","timeZone":"{zone}""#)
    } else {
        String::new()
    };
    in_words(
        t,
        at,
        &format!(
            r#"{{"year":"numeric","month":"long","day":"numeric","hour":"numeric","minute":"2-digit","timeZoneName":"short"{zone}}}"#
        ),
    )
}

/// The browser's `Date` reads and writes the time (`Intl`): no date parser, month names or
/// time-zone data in the WebAssembly. As it is when it is not a date.
fn in_words(t: &'static Strings, at: &str, options: &str) -> String {
    let date = js_sys::Date::new(&at.into());
    if date.get_time().is_nan() {
        return at.to_owned();
    }
    let options = js_sys::JSON::parse(options).unwrap_or_default();
    // Through `apply`, so options the browser refuses (it throws on a time zone it does not
    // know) leave the time as it came instead of stopping the page.
    js_sys::Reflect::get(&date, &"toLocaleString".into())
        .and_then(|f| {
            js_sys::Reflect::apply::<fn() -> wasm_bindgen::JsValue>(
                f.unchecked_ref(),
                &date,
                &js_sys::Array::of2(&t.locale_code.into(), &options),
            )
        })
        .ok()
        .and_then(|s: wasm_bindgen::JsValue| s.as_string())
        .unwrap_or_else(|| at.to_owned())
}

/// A size in words: "820 KB", "1.5 MB" (tenths by integer arithmetic: float formatting costs
/// kilobytes of WebAssembly).
pub fn size_in_words(bytes: u64) -> String {
    let kb = bytes.div_ceil(1024);
    if kb < 1024 {
        format!("{kb} KB")
    } else {
        let tenths = (kb * 10).div_ceil(1024);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// `(972) 555-0100` from E.164, for people; the raw value if it is not a US number.
pub fn national(e164: &str) -> String {
    PhoneNumber::parse(e164).map_or_else(|_| e164.to_owned(), |phone| phone.national())
}

/// "1 new message", "2 new messages": `n` is the count.
pub fn unread_words(t: &'static Strings, n: &str) -> String {
    if n == "1" {
        t.unread_one.to_owned()
    } else {
        t.unread.replace("{n}", n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire::attachments::MAX_FILE_BYTES;

    #[test]
    fn sizes_in_words() {
        assert_eq!(size_in_words(1), "1 KB");
        assert_eq!(size_in_words(1024 * 1023), "1023 KB");
        assert_eq!(size_in_words(1024 * 1024), "1.0 MB");
        assert_eq!(size_in_words(1536 * 1024), "1.5 MB");
        assert_eq!(size_in_words(MAX_FILE_BYTES), "10.0 MB");
    }
}
