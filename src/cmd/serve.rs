//! `specbook serve`: build into memory, serve, watch, rebuild (see
//! [`crate::serve`]).

use anyhow::Result;

use crate::serve::{self, ServeOptions};

pub fn run(opts: &ServeOptions) -> Result<i32> {
    serve::run(opts)
}
