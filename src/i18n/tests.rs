//! The catalog's checks: every message in both languages, translated, with its placeholders.

use super::*;

/// Messages that are rightly the same in both languages.
const SAME_IN_BOTH: &[&str] = &["error_prefix"];

#[test]
fn waits_in_words() {
    let en = strings(Language::En);
    assert_eq!(en.time(1), "1 second");
    assert_eq!(en.time(25), "25 seconds");
    assert_eq!(en.time(60), "1 minute");
    assert_eq!(en.time(65), "1 minute and 5 seconds");
    assert_eq!(en.time(120), "2 minutes");
    assert_eq!(en.time(599), "9 minutes and 59 seconds");
    assert_eq!(en.time(2801), "47 minutes");
    let es = strings(Language::Es);
    assert_eq!(es.time(1), "1 segundo");
    assert_eq!(es.time(61), "1 minuto y 1 segundo");
    assert_eq!(es.time(120), "2 minutos");
}

#[test]
fn placeholders_survive_translation() {
    let en = strings(Language::En).entries();
    let es = strings(Language::Es).entries();
    for ((key, en), (_, es)) in en.iter().zip(&es) {
        for slot in [
            "{n}",
            "{time}",
            "{phone}",
            "{name}",
            "{practice}",
            "{date}",
            "{month}",
            "{day}",
            "{year}",
            "{patient}",
            "{size}",
            "{reason}",
        ] {
            assert_eq!(en.contains(slot), es.contains(slot), "{key}: {slot}");
        }
    }
}

#[test]
fn no_message_is_empty() {
    for language in [Language::En, Language::Es] {
        for (key, text) in strings(language).entries() {
            assert!(!text.trim().is_empty(), "{language:?}.{key} is empty");
        }
    }
}

#[test]
fn both_languages_have_the_same_keys() {
    let keys = |l| {
        strings(l)
            .entries()
            .into_iter()
            .map(|(k, _)| k)
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(Language::En), keys(Language::Es));
}

#[test]
fn spanish_is_translated() {
    let english = strings(Language::En).entries();
    let spanish = strings(Language::Es).entries();
    for ((key, en), (_, es)) in english.iter().zip(&spanish) {
        if !SAME_IN_BOTH.contains(key) {
            assert_ne!(en, es, "{key} is not translated");
        }
    }
    for key in SAME_IN_BOTH {
        assert!(english.iter().any(|(k, _)| k == key), "unknown key {key}");
    }
}
