//! `specbook build`: the whole pipeline, written to disk atomically.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use super::{EXIT_CONTENT_ERRORS, report};
use crate::render::{RenderOptions, render_site};
use crate::{output, pipeline};

pub fn run(dir: &Path, out: Option<&Path>) -> Result<i32> {
    let start = Instant::now();
    crate::render::highlight::warm_up();
    let loaded = pipeline::load(dir)?;
    report(&loaded.diagnostics);
    if loaded.diagnostics.has_errors() {
        eprintln!(
            "build failed: {}; the previous site (if any) is left as it was",
            loaded.diagnostics.summary()
        );
        return Ok(EXIT_CONTENT_ERRORS);
    }
    let files = render_site(&loaded, &RenderOptions::default())?;
    let out = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| loaded.config.build_dir.clone());
    output::write_site(&out, &files)?;
    eprintln!(
        "built {} files into `{}` in {} ms ({})",
        files.len(),
        out.display(),
        start.elapsed().as_millis(),
        loaded.diagnostics.summary()
    );
    Ok(0)
}
