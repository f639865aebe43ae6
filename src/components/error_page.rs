use super::PageTitle;
use crate::i18n::use_locale;
use leptos::prelude::*;

/// What the error boundary shows instead of a page that failed: plain words and a way on.
#[component]
pub fn ErrorPage() -> impl IntoView {
    let locale = use_locale();
    let reload = |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    };
    view! {
        <PageTitle page=|t| t.error_page_title />
        <h1 tabindex="-1">{move || locale.t().error_heading}</h1>
        <p>{move || locale.t().error_body}</p>
        <p class="actions">
            <button type="button" class="button" on:click=reload>
                {move || locale.t().error_reload}
            </button>
            <a href="/">{move || locale.t().go_home}</a>
        </p>
    }
}
