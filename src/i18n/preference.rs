//! Which language to start in, and remembering the person's choice on this device.

use super::Language;

/// The `localStorage` key holding `en` or `es`.
pub const STORAGE_KEY: &str = "portal.lang";

/// The language to show first: the one chosen before on this device, else the browser's.
pub fn initial() -> Language {
    choose(stored().as_deref(), browser_language().as_deref())
}

/// A remembered choice wins; otherwise any Spanish browser language (`es`, `es-MX`, …)
/// means Spanish, and everything else English.
pub fn choose(stored: Option<&str>, browser: Option<&str>) -> Language {
    if let Some(language) = stored.and_then(Language::from_code) {
        return language;
    }
    match browser {
        Some(tag) if tag.trim().to_ascii_lowercase().starts_with("es") => Language::Es,
        _ => Language::En,
    }
}

/// Stores the choice. Storage can be switched off (private mode, policies); the switch then
/// still works for this visit.
pub fn remember(language: Language) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(STORAGE_KEY, language.code());
    }
}

fn stored() -> Option<String> {
    local_storage()?.get_item(STORAGE_KEY).ok()?
}

fn browser_language() -> Option<String> {
    web_sys::window()?.navigator().language()
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_choice_wins() {
        assert_eq!(choose(Some("es"), Some("en-US")), Language::Es);
        assert_eq!(choose(Some("en"), Some("es-MX")), Language::En);
    }

    #[test]
    fn otherwise_the_browser_language_decides() {
        assert_eq!(choose(None, Some("es-MX")), Language::Es);
        assert_eq!(choose(None, Some("ES")), Language::Es);
        assert_eq!(choose(Some("fr"), Some("es")), Language::Es);
        assert_eq!(choose(None, Some("en-US")), Language::En);
        assert_eq!(choose(None, Some("pt-BR")), Language::En);
        assert_eq!(choose(None, None), Language::En);
    }
}
