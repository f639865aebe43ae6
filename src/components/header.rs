use crate::i18n::{use_locale, Language};
use leptos::prelude::*;

/// The bar at the top of every page: the product's name (a link home) and the language switch.
#[component]
pub fn Header() -> impl IntoView {
    let locale = use_locale();
    let other = move || match locale.language() {
        Language::En => Language::Es,
        Language::Es => Language::En,
    };
    view! {
        <header class="top">
            <a class="brand" href="/">{move || locale.t().product_name}</a>
            // A button, not a link: it changes this page in place. The other language's name
            // is written in that language, so people who need it can read it.
            <button type="button" class="lang-switch" on:click=move |_| locale.set(other())>
                <span class="visually-hidden">{move || locale.t().language_switch_hint}" "</span>
                <span lang=move || other().code()>{move || locale.t().other_language_name}</span>
            </button>
        </header>
    }
}
