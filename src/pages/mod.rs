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
