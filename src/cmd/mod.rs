//! One module per command; each is a thin mode of [`crate::pipeline`].

pub mod build;
pub mod check;
pub mod export;
pub mod init;
pub mod serve;

use std::io::Write;

use crate::diag::{Diagnostics, print_diagnostics};

/// Exit status for content errors (usage and I/O errors exit 2).
pub const EXIT_CONTENT_ERRORS: i32 = 1;

/// Loads and links the spec, printing every diagnostic. With errors, says
/// that `what` failed and what became of the output, and returns `None`.
pub fn load_or_report(
    dir: &std::path::Path,
    what: &str,
    outcome: &str,
) -> anyhow::Result<Option<crate::pipeline::Loaded>> {
    let loaded = crate::pipeline::load(dir)?;
    report(&loaded.diagnostics);
    if loaded.diagnostics.has_errors() {
        eprintln!("{what} failed: {}; {outcome}", loaded.diagnostics.summary());
        return Ok(None);
    }
    Ok(Some(loaded))
}

/// Prints every diagnostic to stderr, sorted, colour only on a terminal.
pub fn report(diags: &Diagnostics) {
    let mut err = anstream::stderr().lock();
    let _ = print_diagnostics(&mut err, &diags.sorted());
    let _ = err.flush();
}
