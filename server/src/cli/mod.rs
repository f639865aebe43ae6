//! The server binary's command line: `serve`, `migrate`, `seed-demo`, and the practice operations
//! of SPEC 4 (the same code the practice API runs). `commands` is what clap parses, `input` turns
//! flags into wire types, `run` carries a command out.

mod commands;
mod input;
mod run;

pub use commands::*;
pub use input::*;
pub use run::{run, Failure};
