//! `specbook build`: the pipeline with the site's outputs, written to disk
//! atomically.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Result, bail};

use super::{EXIT_CONTENT_ERRORS, refused, report};
use crate::evalset::output::EvalDownloads;
use crate::export::SpecJson;
use crate::output;
use crate::outputs::Output;
use crate::pipeline::{self, Loader, Run};
use crate::render::Pages;
use crate::render::markdown::safe_url;
use crate::search::SearchIndex;
use crate::versions::output::VersionsFiles;

/// What `specbook build` was asked for.
#[derive(Debug, Default)]
pub struct BuildOptions {
    /// The output folder, else the configured one.
    pub out: Option<PathBuf>,
    /// Adopt an output folder specbook did not write.
    pub force: bool,
    /// Overrides `[output.html] site-url` for this build.
    pub site_url: Option<String>,
    /// Open the built site in a browser.
    pub open: bool,
}

pub fn run(dir: &Path, opts: &BuildOptions) -> Result<i32> {
    let start = Instant::now();
    let (out, force) = (opts.out.as_deref(), opts.force);
    let mut loader = Loader::new(dir);
    if let Some(url) = &opts.site_url {
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || !safe_url::is_allowed(url)
        {
            bail!(
                "--site-url {url:?}: give the absolute http(s) URL the site will be published at"
            );
        }
        loader = loader.with_site_url(url);
    }
    crate::render::highlight::warm_up();
    let pages = Pages::new();
    let outputs: [&dyn Output; 5] = [
        &pages,
        &SearchIndex,
        &SpecJson,
        &EvalDownloads,
        &VersionsFiles,
    ];
    let out_of = |loaded: &pipeline::Loaded| {
        out.map(Path::to_path_buf)
            .unwrap_or_else(|| loaded.config.build_dir.clone())
    };
    let progress = super::progress::Progress::start(start);
    let run = pipeline::run_versioned(
        &mut loader,
        &outputs,
        pipeline::Releases::ReadAll,
        |loaded| {
            report(&loaded.diagnostics);
            let out = out_of(loaded);
            output::check_output_folder(&out, loaded)?;
            let options = output::StagingOptions {
                force,
                root_files: loaded.config.root_files_dir(),
            };
            output::Staging::begin_with(&out, &options).map(|s| progress.counting(s))
        },
        |i, n, name| progress.release(i, n, name),
    )?
    .run;
    progress.done();
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
            let committing = std::time::Instant::now();
            let files = sink.inner.commit()?;
            crate::outputs::timing("commit", committing.elapsed());
            eprintln!(
                "built {} files into `{}` in {} ms ({})",
                files,
                out_of(&loaded).display(),
                start.elapsed().as_millis(),
                loaded.diagnostics.summary()
            );
            if loaded.config.site_url.is_none() {
                eprintln!(
                    "note: without `site-url` (book.toml, or --site-url) the links of 404.html are relative: \
                     a host that shows it for a missing page deep in the site shows it with broken links"
                );
            }
            if opts.open {
                let index = out_of(&loaded).join("index.html");
                let index = std::path::absolute(&index).unwrap_or(index);
                crate::serve::open_browser(&format!("file://{}", index.display()));
            }
            // The process ends next: the linked spec (at 100x, hundreds of
            // thousands of allocations) is left to the OS, not freed one
            // by one.
            std::mem::forget(loaded);
            Ok(0)
        }
    }
}
