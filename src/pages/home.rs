use crate::{
    components::{PageTitle, ServiceStatus},
    i18n::{tr, use_locale},
    session::use_session,
};
use leptos::prelude::*;

/// `/`: what the portal is for, and whether the practice can be reached.
#[component]
pub fn Home() -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let signed_in = move || session.is_signed_in();
    view! {
        <PageTitle page=|t| t.home_page_title />
        <h1 tabindex="-1">{tr(|t| t.home_heading)}</h1>
        <p>{tr(|t| t.home_intro)}</p>
        <ul class="features">
            <li>{tr(|t| t.home_can_message)}</li>
            <li>{tr(|t| t.home_can_records)}</li>
            <li>{tr(|t| t.home_can_family)}</li>
        </ul>
        <p>
            <a class="button" href=move || if signed_in() { "/practices" } else { "/sign-in" }>
                {move || {
                    let t = locale.t();
                    if signed_in() { t.home_go_to_practices } else { t.home_sign_in }
                }}
            </a>
        </p>
        <ServiceStatus />
    }
}
