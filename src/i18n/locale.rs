//! The language the person reads, in context, and messages that follow it in views.

use super::{preference, strings, Language, Strings};
use leptos::prelude::*;

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

/// A message that follows the language, for views: `{tr(|t| t.sign_out)}`. Every message
/// shares this one closure type, so each use costs a function pointer, not its own copy of the
/// rendering code (which made up most of the bundle's growth per page).
pub fn tr(
    message: fn(&'static Strings) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let locale = use_locale();
    move || message(locale.t())
}

/// A message with one value filled in, following the language: `tr_with(|t, n| …, name)`.
/// Like [`tr`], every use shares one closure type, so each costs a function pointer.
pub fn tr_with(
    message: fn(&'static Strings, &str) -> String,
    value: String,
) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let locale = use_locale();
    move || message(locale.t(), &value)
}

/// The app's [`Locale`]; panics outside the app, which is a programming error.
pub fn use_locale() -> Locale {
    expect_context::<Locale>()
}
