//! One module per command; each is a thin mode of [`crate::pipeline`].

pub mod build;
pub mod check;
pub mod clean;
pub mod coverage;
pub mod diff;
pub mod export;
pub mod i18n;
pub mod init;
mod progress;
pub mod results;
pub mod serve;

use std::io::Write;

use crate::diag::{Diagnostics, print_diagnostics};

/// Exit status for content errors (usage and I/O errors exit 2).
pub const EXIT_CONTENT_ERRORS: i32 = 1;

/// Prints the diagnostics of a spec the pipeline refused (it has errors),
/// and says that `what` failed and what became of the output.
pub fn refused(loaded: &crate::pipeline::Loaded, what: &str, outcome: &str) {
    report(&loaded.diagnostics);
    eprintln!("{what} failed: {}; {outcome}", loaded.diagnostics.summary());
}

/// Prints every diagnostic to stderr, sorted, colour only on a terminal.
pub fn report(diags: &Diagnostics) {
    let mut err = anstream::stderr().lock();
    let _ = print_diagnostics(&mut err, &diags.sorted());
    let _ = err.flush();
}
