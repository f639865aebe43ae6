//! The four-word codes of medical access links: words from `words.txt` (the EFF short word list,
//! 1,295 words, so four words carry 41 bits), typed in any case with any separators.

use std::sync::OnceLock;

static TEXT: &str = include_str!("words.txt");

pub fn words() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        TEXT.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// How many words a code has.
pub const CODE_WORDS: usize = 4;

/// A uniformly random word index (rejection sampling over the OS generator).
fn random_index(n: usize) -> usize {
    let n = n as u32;
    let limit = u32::MAX - (u32::MAX % n);
    loop {
        let mut buf = [0u8; 4];
        getrandom::fill(&mut buf).expect("the operating system's random source failed");
        let v = u32::from_le_bytes(buf);
        if v < limit {
            return (v % n) as usize;
        }
    }
}

/// A new code, words joined by hyphens: `acorn-bless-crisp-dwell`.
pub fn random_code() -> String {
    let list = words();
    (0..CODE_WORDS)
        .map(|_| list[random_index(list.len())])
        .collect::<Vec<_>>()
        .join("-")
}

/// The code as stored (before hashing): four known words, lower case, joined by hyphens. `None`
/// for anything else (which then gets the same answer as an unknown code).
pub fn normalize(typed: &str) -> Option<String> {
    let parts: Vec<String> = typed
        .split(|c: char| !c.is_alphabetic())
        .filter(|p| !p.is_empty())
        .map(str::to_lowercase)
        .collect();
    if parts.len() != CODE_WORDS {
        return None;
    }
    let list = words();
    parts
        .iter()
        .all(|w| list.binary_search(&w.as_str()).is_ok())
        .then(|| parts.join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_long_sorted_simple_and_unique() {
        let list = words();
        assert!(list.len() >= 1024, "{}", list.len());
        assert!(list.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
        assert!(list
            .iter()
            .all(|w| w.len() >= 3 && w.len() <= 6 && w.bytes().all(|b| b.is_ascii_lowercase())));
        // log2(1295^4) > 40 bits.
        assert!((list.len() as f64).log2() * CODE_WORDS as f64 >= 40.0);
    }

    #[test]
    fn codes_are_typed_in_any_case_with_any_separators() {
        let code = random_code();
        assert_eq!(code.split('-').count(), 4);
        assert_eq!(normalize(&code).as_deref(), Some(code.as_str()));
        let typed = code.to_uppercase().replace('-', " ,  ");
        assert_eq!(normalize(&typed).as_deref(), Some(code.as_str()));
        assert_eq!(normalize("acid acorn acre"), None);
        assert_eq!(normalize("acid acorn acre zzzzz"), None);
        assert_eq!(
            normalize("acid.acorn.acre.acid"),
            Some("acid-acorn-acre-acid".into())
        );
    }
}
