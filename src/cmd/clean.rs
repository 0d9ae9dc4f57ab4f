//! `specbook clean`: removes the built site, and only what specbook wrote.

use std::path::Path;

use anyhow::Result;

use crate::config::Config;
use crate::diag::Diagnostics;
use crate::output;

pub fn run(dir: &Path, out: Option<&Path>) -> Result<i32> {
    let out = match out {
        Some(out) => out.to_path_buf(),
        None => Config::discover(dir, &mut Diagnostics::new())?.build_dir,
    };
    let cleaned = output::clean(&out)?;
    if cleaned.removed == 0 && !out.exists() {
        eprintln!("nothing to clean: `{}` does not exist", out.display());
    } else if cleaned.folder_removed {
        eprintln!("removed `{}` ({} files)", out.display(), cleaned.removed);
    } else {
        eprintln!(
            "removed {} files from `{}`; kept what specbook did not write: {}",
            cleaned.removed,
            out.display(),
            cleaned.kept.join(", ")
        );
    }
    Ok(0)
}
