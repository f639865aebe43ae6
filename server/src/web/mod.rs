//! What the server sends browsers besides the API: the built portal, security headers and, in
//! development mode, the outbox page.

pub mod dev_outbox;
pub mod security_headers;
pub mod static_files;
