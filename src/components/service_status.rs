use crate::{
    api,
    i18n::{tr, use_locale},
};
use leptos::{prelude::*, task::spawn_local};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Checking,
    Connected,
    Unreachable,
}

impl Status {
    /// For the stylesheet (`data-status`), which adds a marker; the words carry the meaning.
    fn name(self) -> &'static str {
        match self {
            Status::Checking => "checking",
            Status::Connected => "connected",
            Status::Unreachable => "unreachable",
        }
    }
}

/// A live line saying whether the practice's server answers, from a real `GET /api/health`.
/// It sits in a `role="status"` region so screen readers hear when it changes.
#[component]
pub fn ServiceStatus() -> impl IntoView {
    let locale = use_locale();
    let status = RwSignal::new(Status::Checking);
    let check = move || {
        status.set(Status::Checking);
        spawn_local(async move {
            let answer = match api::health().await {
                Ok(health) if health.status == "ok" => Status::Connected,
                _ => Status::Unreachable,
            };
            // The page may be gone by now; then there is nothing to update.
            let _ = status.try_set(answer);
        });
    };
    check();

    let text = move || {
        let t = locale.t();
        match status.get() {
            Status::Checking => t.status_checking,
            Status::Connected => t.status_connected,
            Status::Unreachable => t.status_unreachable,
        }
    };
    let retry = move || {
        (status.get() == Status::Unreachable).then(|| {
            view! {
                <button type="button" class="button-secondary" on:click=move |_| check()>
                    {tr(|t| t.status_retry)}
                </button>
            }
        })
    };
    view! {
        <div class="service-status">
            <p role="status">
                {tr(|t| t.status_label)}" "
                <strong data-status=move || status.get().name()>
                    {text}
                </strong>
            </p>
            {retry}
        </div>
    }
}
