//! Record items (SPEC 3.7): `patient` shows them (and the profile, the caregiver overview);
//! `practice` publishes them.

pub mod patient;
pub mod practice;
