//! `specbook build`: the whole pipeline, written to disk atomically.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use super::{EXIT_CONTENT_ERRORS, load_or_report};
use crate::output;
use crate::render::{RenderOptions, render_site_into};

pub fn run(dir: &Path, out: Option<&Path>, force: bool) -> Result<i32> {
    let start = Instant::now();
    crate::render::highlight::warm_up();
    let outcome = "the previous site (if any) is left as it was";
    let Some(loaded) = load_or_report(dir, "build", outcome)? else {
        return Ok(EXIT_CONTENT_ERRORS);
    };
    let out = out
        .map(Path::to_path_buf)
        .unwrap_or_else(|| loaded.config.build_dir.clone());
    output::check_output_folder(&out, &loaded)?;
    let options = output::StagingOptions {
        force,
        root_files: loaded.config.root_files_dir(),
    };
    let staging = output::Staging::begin_with(&out, &options)?;
    render_site_into(&loaded, &RenderOptions::default(), &staging)?;
    let files = staging.commit()?;
    eprintln!(
        "built {} files into `{}` in {} ms ({})",
        files,
        out.display(),
        start.elapsed().as_millis(),
        loaded.diagnostics.summary()
    );
    Ok(0)
}
