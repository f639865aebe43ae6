//! Every word the portal shows, in English and Spanish.
//!
//! The choice: one typed catalog. [`Strings`] has one field per message and each language is a
//! `const` of that struct (`en.rs`, `es.rs`), so a message missing from a language is a compile
//! error, lookups cost nothing at run time, and no translation files are fetched. Adding a
//! message means adding a field here and writing it in both languages. The unit tests below
//! check that no message is empty and that Spanish is really translated.
//!
//! The person's language lives in a [`Locale`] signal in context; [`preference`] picks the
//! first one (remembered choice, else the browser's language) and remembers changes.

mod en;
mod es;
pub mod preference;

use leptos::prelude::*;
pub use wire::api::Language;

/// Declares [`Strings`] and [`Strings::entries`] from one list, so the two cannot drift.
macro_rules! catalog {
    ($($(#[doc = $doc:literal])* $key:ident,)*) => {
        /// One language's messages. Field names say where a message is used.
        #[derive(Debug)]
        pub struct Strings {
            $($(#[doc = $doc])* pub $key: &'static str,)*
        }

        impl Strings {
            /// Every `(key, message)` pair, in declaration order.
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($key), self.$key),)*]
            }
        }
    };
}

catalog! {
    /// The product's name, in the header and after each page title.
    product_name,
    /// The first link on every page, for keyboard users.
    skip_to_content,
    /// Hidden words before the other language's name on the language button.
    language_switch_hint,
    /// The other language, in that language: what the language button switches to.
    other_language_name,

    /// Home page: the tab title.
    home_page_title,
    /// Home page: the heading.
    home_heading,
    /// Home page: the sentence before the list of what the portal does.
    home_intro,
    home_can_message,
    home_can_records,
    home_can_family,

    /// The live line that says whether the practice's server answers.
    status_label,
    status_checking,
    status_connected,
    status_unreachable,
    /// Button that checks the connection again.
    status_retry,

    not_found_page_title,
    not_found_heading,
    not_found_body,
    /// Link back to the home page, on the 404 and error pages.
    go_home,

    error_page_title,
    error_heading,
    error_body,
    error_reload,

    /// API client errors, shown next to whatever failed.
    error_network,
    error_server,
    error_rate_limited,
    error_signed_out,
    error_not_found,
}

/// The catalog for a language.
pub fn strings(language: Language) -> &'static Strings {
    match language {
        Language::En => &en::EN,
        Language::Es => &es::ES,
    }
}

/// The language the person reads, shared through context. `Copy`, so closures can take it.
#[derive(Debug, Clone, Copy)]
pub struct Locale(RwSignal<Language>);

impl Locale {
    /// Creates the locale from the person's preference and provides it to the app.
    pub fn provide() -> Self {
        let locale = Locale(RwSignal::new(preference::initial()));
        provide_context(locale);
        locale
    }

    /// The current language (reactive).
    pub fn language(self) -> Language {
        self.0.get()
    }

    /// The current language's messages (reactive).
    pub fn t(self) -> &'static Strings {
        strings(self.language())
    }

    /// Switches language and remembers the choice on this device.
    pub fn set(self, language: Language) {
        preference::remember(language);
        self.0.set(language);
    }
}

/// The app's [`Locale`]; panics outside the app, which is a programming error.
pub fn use_locale() -> Locale {
    expect_context::<Locale>()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Messages that are rightly the same in both languages.
    const SAME_IN_BOTH: &[&str] = &[];

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
}
