//! Pieces shared by pages.

mod error_page;
pub mod file_picker;
pub mod form;
mod header;
mod page_title;
mod service_status;

pub use error_page::ErrorPage;
pub use header::Header;
pub use page_title::PageTitle;
pub use service_status::ServiceStatus;
