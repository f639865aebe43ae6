//! One module per page; each renders a single `h1` (focused after navigation, see `app.rs`).

mod dependent;
mod home;
mod link;
mod messages;
mod not_found;
mod patient;
mod practices;
mod records;
mod sign_in;

pub use dependent::add_dependent_page;
pub use home::Home;
pub use link::link_page;
pub use not_found::NotFound;
pub use patient::patient_page;
pub(crate) use patient::refused;
pub use practices::{PracticePage, Practices};
pub use records::Overview;
pub use sign_in::{EnterCode, SignIn};

/// Pages a first visit (sign-in, home) does not need. With the `split` feature each is a
/// `#[lazy]` function: its code goes to a separate WebAssembly chunk that is fetched the first
/// time the page is shown, so the first load stays within the budget (SPEC 6). Without it they
/// are ordinary functions, for the tests and for builds without the split step.
pub mod on_demand {
    use leptos::prelude::*;

    macro_rules! on_demand {
        ($($(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),*) $body:block)*) => {$(
            $(#[$doc])*
            #[cfg(feature = "split")]
            #[leptos::lazy]
            pub fn $name($($arg: $ty),*) -> AnyView $body

            $(#[$doc])*
            #[cfg(not(feature = "split"))]
            pub fn $name($($arg: $ty),*) -> AnyView $body
        )*};
    }

    on_demand! {
        /// `/practices`
        fn practices() { view! { <super::Practices /> }.into_any() }
        /// `/overview`
        fn overview() { view! { <super::Overview /> }.into_any() }
        /// `/practices/{slug}`
        fn practice() { view! { <super::PracticePage /> }.into_any() }
        /// `/practices/{slug}/add-dependent`
        fn add_dependent(slug: String) { super::add_dependent_page(slug) }
        /// `/link`, `/link/{token}`
        fn link(token: Option<String>) { super::link_page(token) }
        /// `/patients/{id}/…`
        fn patient(path: String) { super::patient_page(&path) }
    }
}
