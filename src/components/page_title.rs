use crate::i18n::{use_locale, Strings};
use leptos::prelude::*;
use leptos_meta::Title;

/// Sets the tab title to "‹page› – ‹product›", in the current language.
#[component]
pub fn PageTitle(page: fn(&Strings) -> &'static str) -> impl IntoView {
    let locale = use_locale();
    let text = move || {
        let t = locale.t();
        format!("{} – {}", page(t), t.product_name)
    };
    view! { <Title text=text /> }
}
