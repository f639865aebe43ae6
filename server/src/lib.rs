//! The patient portal's server: JSON API, practice API and CLI, and the built portal.

// The features, each with its patient side and practice side where both exist.
pub mod access_links;
pub mod contacts;
pub mod dependents;
pub mod messaging;
pub mod patients;
pub mod practice;
pub mod records;
pub mod sign_in;
pub mod uploads;

// Around them: HTTP, the command line, state, configuration, storage and the database.
pub mod api;
pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod error;
pub mod generate;
pub mod notify;
pub mod secrets;
pub mod seed;
pub mod state;
pub mod storage;
pub mod store;
pub mod validate;
pub mod web;
