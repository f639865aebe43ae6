//! Pieces shared by pages.

mod error_page;
pub mod fields;
pub mod file_picker;
pub mod form;
mod header;
pub mod load;
mod not_found;
mod page_title;
pub mod patient_choice;
mod service_status;

pub use error_page::ErrorPage;
pub use header::Header;
pub use not_found::NotFound;
pub use page_title::PageTitle;
pub use service_status::ServiceStatus;
