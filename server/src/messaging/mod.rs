//! Messaging (SPEC 3.4): one conversation per patient per practice. `patient`: the patient side
//! (the thread, sending, read state); `practice`: the practice's inbox, replies, assigning and
//! closing.

pub mod patient;
pub mod practice;
