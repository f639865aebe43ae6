//! The patient portal's server: JSON API, practice API and CLI, and the built portal.

pub mod access_links;
pub mod api;
pub mod app;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod error;
pub mod generate;
pub mod notify;
pub mod patients;
pub mod practice;
pub mod secrets;
pub mod seed;
pub mod state;
pub mod storage;
pub mod store;
pub mod web;
