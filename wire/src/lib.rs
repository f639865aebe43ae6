//! Wire types shared by the portal and the server: what crosses `/api/`, and the validation
//! of what people type (phone numbers, dates of birth, codes, names, messages), so both sides
//! agree exactly.

pub mod access_links;
pub mod api;
pub mod attachments;
pub mod auth;
pub mod code;
pub mod dependents;
pub mod dob;
pub mod errors;
pub mod messages;
pub mod patients;
pub mod phone;
pub mod records;
pub mod stored;
pub mod text;

pub use code::{CodeError, OneTimeCode};
pub use dob::{DateOfBirth, DobError};
pub use errors::ErrorCode;
pub use phone::{PhoneError, PhoneNumber};
pub use text::{MessageError, NameError};
