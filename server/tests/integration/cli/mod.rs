//! The server binary as an operator meets it: subcommands, idempotent demo data, and one clear
//! line (never a panic) for each kind of bad setup. This module holds the check of that one line;
//! the subcommands and the bad setups are its submodules.

use std::process::Output;

mod bad_setup;
mod commands;

fn one_line_error(out: &Output) -> String {
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    lines[0].to_owned()
}
