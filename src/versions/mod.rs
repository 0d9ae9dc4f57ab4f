//! The releases of a spec (`[versions]` in `book.toml`): each read from a
//! git revision of the project's repository or from a folder, with the
//! current layout unless its own tree has a `book.toml`.

pub mod git;
pub mod output;
pub mod site;

use std::path::Path;

use anyhow::{Result, anyhow};

use crate::config::{BOOK_TOML, Config, Release, ReleaseSource, Versions};
use crate::diag::Diagnostics;
use crate::pipeline::{Loaded, Loader};

/// A release, read and linked.
pub struct LoadedRelease {
    pub name: String,
    pub loaded: Loaded,
    /// The date of the release's commit (releases from git).
    pub date: Option<String>,
    /// Keeps a git release's temporary checkout alive as long as the spec
    /// read from it (its paths point there).
    _checkout: Option<git::Checkout>,
}

/// Reads one release of the project `current` belongs to. A revision or
/// folder that cannot be read is an error naming the entry, its line in
/// `book.toml` and what was tried.
pub fn load_release(current: &Config, release: &Release) -> Result<LoadedRelease> {
    let fail = |tried: String, e: anyhow::Error| {
        anyhow!(
            "{BOOK_TOML}:{}:{}: release `{}`: {tried}: {e:#}",
            release.at.line,
            release.at.col,
            release.name
        )
    };
    let (root, checkout, date) = match &release.source {
        ReleaseSource::Rev(rev) => {
            let c = git::checkout(&current.root, rev)
                .map_err(|e| fail(format!("tried the git revision `{rev}`"), e))?;
            let date = Some(c.date.clone());
            (c.root.clone(), Some(c), date)
        }
        ReleaseSource::Dir(dir) => {
            if !dir.is_dir() {
                return Err(fail(
                    format!("tried the folder `{}`", dir.display()),
                    anyhow!("no such folder"),
                ));
            }
            (dir.clone(), None, None)
        }
    };
    let mut diags = Diagnostics::new();
    let config = current
        .for_release(&root, &mut diags)
        .map_err(|e| fail(format!("tried to read `{}`", root.display()), e))?;
    let mut loaded = Loader::new(Path::new(&root))
        .load_as(config, diags)
        .map_err(|e| fail(format!("tried to read `{}`", root.display()), e))?;
    // A release is named by its entry; eval results were measured against
    // the current spec, so they are not shown on an older release's pages;
    // and it is published under `<name>/` of the site.
    loaded.spec.meta.release = Some(release.name.clone());
    loaded.compliance = Default::default();
    if let Some(url) = &mut loaded.config.site_url {
        url.push_str(&release.name);
        url.push('/');
    }
    Ok(LoadedRelease {
        name: release.name.clone(),
        loaded,
        date,
        _checkout: checkout,
    })
}

/// Reads every release of `versions`, in parallel (each is read, parsed and
/// linked on its own). A release that cannot be read, or whose spec has
/// errors, is an error naming it: a versioned site is built whole or not
/// at all.
pub fn load_releases(current: &Config, versions: &Versions) -> Result<Vec<LoadedRelease>> {
    use rayon::prelude::*;
    let releases: Vec<LoadedRelease> = versions
        .releases
        .par_iter()
        .map(|r| load_release(current, r))
        .collect::<Result<_>>()?;
    for r in &releases {
        let d = &r.loaded.diagnostics;
        if d.has_errors() {
            let mut text = Vec::new();
            let errors: Vec<_> = d
                .sorted()
                .into_iter()
                .filter(|d| d.severity == crate::diag::Severity::Error)
                .collect();
            let _ = crate::diag::print_diagnostics(&mut text, &errors);
            return Err(anyhow!(
                "release `{}` has {}; `specbook diff` and `check` read it the same way:\n{}",
                r.name,
                d.summary(),
                String::from_utf8_lossy(&text).trim_end()
            ));
        }
    }
    Ok(releases)
}
