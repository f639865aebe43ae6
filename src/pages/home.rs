use crate::{
    components::{PageTitle, ServiceStatus},
    i18n::use_locale,
};
use leptos::prelude::*;

/// `/`: what the portal is for, and whether the practice can be reached.
#[component]
pub fn Home() -> impl IntoView {
    let locale = use_locale();
    view! {
        <PageTitle page=|t| t.home_page_title />
        <h1 tabindex="-1">{move || locale.t().home_heading}</h1>
        <p>{move || locale.t().home_intro}</p>
        <ul class="features">
            <li>{move || locale.t().home_can_message}</li>
            <li>{move || locale.t().home_can_records}</li>
            <li>{move || locale.t().home_can_family}</li>
        </ul>
        <ServiceStatus />
    }
}
