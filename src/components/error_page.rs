use super::PageTitle;
use crate::i18n::tr;
use leptos::prelude::*;

/// What the error boundary shows instead of a page that failed: plain words and a way on.
#[component]
pub fn ErrorPage() -> impl IntoView {
    let reload = |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    };
    view! {
        <PageTitle page=|t| t.error_page_title />
        <h1 tabindex="-1">{tr(|t| t.error_heading)}</h1>
        <p>{tr(|t| t.error_body)}</p>
        <p class="actions">
            <button type="button" class="button" on:click=reload>
                {tr(|t| t.error_reload)}
            </button>
            <a href="/">{tr(|t| t.go_home)}</a>
        </p>
    }
}
