use crate::{
    i18n::{tr, use_locale, Language},
    session::SignOutButton,
};
use leptos::prelude::*;

/// The bar at the top of every page: the product's name (a link home), "Sign out" when signed
/// in, and the language switch.
#[component]
pub fn Header() -> impl IntoView {
    let locale = use_locale();
    let other = move || match locale.language() {
        Language::En => Language::Es,
        Language::Es => Language::En,
    };
    view! {
        <header class="top">
            <a class="brand" href="/">{tr(|t| t.product_name)}</a>
            <div class="top-actions">
                <SignOutButton class="top-button" />
                // A button, not a link: it changes this page in place. The other language's
                // name is written in that language, so people who need it can read it.
                <button
                    type="button"
                    class="top-button lang-switch"
                    on:click=move |_| locale.set(other())
                >
                    <span class="visually-hidden">{tr(|t| t.language_switch_hint)}" "</span>
                    <span lang=move || other().code()>{tr(|t| t.other_language_name)}</span>
                </button>
            </div>
        </header>
    }
}
