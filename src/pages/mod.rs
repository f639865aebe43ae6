//! One module per page; each renders a single `h1` (focused after navigation, see `app.rs`).

mod dependent;
mod home;
mod messages;
mod not_found;
mod patient;
mod practices;
mod sign_in;

pub use dependent::add_dependent_page;
pub use home::Home;
pub use not_found::NotFound;
pub use patient::patient_page;
pub use practices::{PracticePage, Practices};
pub use sign_in::{EnterCode, SignIn};
