use crate::{components::PageTitle, i18n::use_locale};
use leptos::prelude::*;

/// Any address the router does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    let locale = use_locale();
    view! {
        <PageTitle page=|t| t.not_found_page_title />
        <h1 tabindex="-1">{move || locale.t().not_found_heading}</h1>
        <p>{move || locale.t().not_found_body}</p>
        <p>
            <a href="/">{move || locale.t().go_home}</a>
        </p>
    }
}
