//! File upload (SPEC 3.8): `patient` receives, checks and stores files a patient attaches;
//! `practice` hands them to the practice.

pub mod patient;
pub mod practice;
