//! `specbook build`: the pipeline with the site's outputs, written to disk
//! atomically.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use super::{EXIT_CONTENT_ERRORS, refused, report};
use crate::export::SpecJson;
use crate::output;
use crate::outputs::Output;
use crate::pipeline::{self, Loader, Run};
use crate::render::Pages;
use crate::search::SearchIndex;

pub fn run(dir: &Path, out: Option<&Path>, force: bool) -> Result<i32> {
    let start = Instant::now();
    crate::render::highlight::warm_up();
    let pages = Pages::new();
    let outputs: [&dyn Output; 3] = [&pages, &SearchIndex, &SpecJson];
    let out_of = |loaded: &pipeline::Loaded| {
        out.map(Path::to_path_buf)
            .unwrap_or_else(|| loaded.config.build_dir.clone())
    };
    let run = pipeline::run(&mut Loader::new(dir), &outputs, |loaded| {
        report(&loaded.diagnostics);
        let out = out_of(loaded);
        output::check_output_folder(&out, loaded)?;
        let options = output::StagingOptions {
            force,
            root_files: loaded.config.root_files_dir(),
        };
        output::Staging::begin_with(&out, &options)
    })?;
    match run {
        Run::Refused { loaded, .. } => {
            refused(
                &loaded,
                "build",
                "the previous site (if any) is left as it was",
            );
            Ok(EXIT_CONTENT_ERRORS)
        }
        Run::Written { loaded, sink, .. } => {
            let files = sink.commit()?;
            eprintln!(
                "built {} files into `{}` in {} ms ({})",
                files,
                out_of(&loaded).display(),
                start.elapsed().as_millis(),
                loaded.diagnostics.summary()
            );
            Ok(0)
        }
    }
}
