//! One module per page; each renders a single `h1` (focused after navigation, see `app.rs`).

mod home;
mod not_found;

pub use home::Home;
pub use not_found::NotFound;
