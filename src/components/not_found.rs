use crate::{components::PageTitle, i18n::tr};
use leptos::prelude::*;

/// Any address the router does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <PageTitle page=|t| t.not_found_page_title />
        <h1 tabindex="-1">{tr(|t| t.not_found_heading)}</h1>
        <p>{tr(|t| t.not_found_body)}</p>
        <p>
            <a href="/">{tr(|t| t.go_home)}</a>
        </p>
    }
}
