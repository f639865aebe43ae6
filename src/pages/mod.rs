//! One module per page, named by its feature; each renders a single `h1` (focused after
//! navigation, see `app.rs`). Pages depend on shared modules (`components`, `format`, `api`,
//! `session`, `patients`, `messaging`, `uploads`), never on each other: what two pages share is
//! one of those. `patient/` is the frame of one patient's pages, with those pages as children.

mod access_links;
mod dependents;
mod home;
mod overview;
mod patient;
mod practices;
mod sign_in;

pub use access_links::link_page;
pub use dependents::add_dependent_page;
pub use home::Home;
pub use overview::Overview;
pub use patient::patient_page;
pub use practices::{PracticePage, Practices};
pub use sign_in::{EnterCode, SignIn};

/// The pages a first visit (sign-in, home) does not need, each with what it is opened with.
pub enum OnDemand {
    /// `/practices`
    Practices,
    /// `/overview`
    Overview,
    /// `/practices/{slug}`
    Practice,
    /// `/practices/{slug}/add-dependent`
    AddDependent(String),
    /// `/link`, `/link/{token}`
    Link(Option<String>),
    /// `/patients/{id}/…`
    Patient(String),
}

/// Shows an `OnDemand` page. With the `split` feature this is a `#[lazy]` function: all these
/// pages go to one separate WebAssembly chunk, fetched the first time one of them is shown, so
/// the first load stays within the budget (SPEC 6). One chunk, not one per page: a page of its
/// own needed its module plus up to 21 small chunks of code shared with other pages, a chain of
/// requests that made a signed-in page's first paint wait (Lighthouse); once it has come, every
/// page opens without loading. Without the feature it is an ordinary function, for the tests
/// and for builds without the split step.
#[cfg(feature = "split")]
#[leptos::lazy]
pub fn on_demand(page: OnDemand) -> leptos::prelude::AnyView {
    show(page)
}
#[cfg(not(feature = "split"))]
pub fn on_demand(page: OnDemand) -> leptos::prelude::AnyView {
    show(page)
}

fn show(page: OnDemand) -> leptos::prelude::AnyView {
    use leptos::prelude::*;
    match page {
        OnDemand::Practices => view! { <Practices /> }.into_any(),
        OnDemand::Overview => view! { <Overview /> }.into_any(),
        OnDemand::Practice => view! { <PracticePage /> }.into_any(),
        OnDemand::AddDependent(slug) => add_dependent_page(slug),
        OnDemand::Link(token) => link_page(token),
        OnDemand::Patient(path) => patient_page(&path),
    }
}
