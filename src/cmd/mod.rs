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

/// Prints every diagnostic to stderr, sorted, colour only on a terminal.
pub fn report(diags: &Diagnostics) {
    let mut err = anstream::stderr().lock();
    let _ = print_diagnostics(&mut err, &diags.sorted());
    let _ = err.flush();
}
