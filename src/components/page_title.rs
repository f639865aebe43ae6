use crate::i18n::{use_locale, Strings};
use leptos::prelude::*;

/// Sets the tab title to "‹page› – ‹product›", in the current language, while the page is shown.
/// An effect of the page itself (not `leptos_meta::Title`, whose one shared effect would end
/// with the first page that created it).
#[component]
pub fn PageTitle(page: fn(&Strings) -> &'static str) -> impl IntoView {
    let locale = use_locale();
    Effect::new(move |_| {
        let t = locale.t();
        document().set_title(&format!("{} – {}", page(t), t.product_name));
    });
}
