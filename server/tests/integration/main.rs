//! The server's integration tests, in one binary so the server is linked once (zero2prod's
//! layout): `helpers` is the harness (a fresh real database and a server on port 0 per test, on
//! SQLite with local files and on PostgreSQL with an S3-compatible store); each other module is
//! one feature, tested as a patient, a guardian, a practice or an operator would notice it.

#[macro_use]
mod helpers;

mod access_links;
mod cli;
mod dependents;
mod generated_data;
mod installable;
mod messaging;
mod patients;
mod practice_api;
mod records;
mod scale_out;
mod sign_in;
mod smtp;
mod twilio;
mod uploads;
mod web;
