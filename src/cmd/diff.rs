//! `specbook diff OLD NEW`: what changed between two versions, rule by
//! rule, as text, JSON (the contract in docs/formats.md) or markdown.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::report;
use crate::config::{Config, Release, ReleaseSource};
use crate::diag::{Diagnostics, Location};
use crate::diff::{diff, to_markdown, to_text};
use crate::pipeline::{self, Loaded};
use crate::versions;

/// How the diff is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For a terminal (coloured when it is one).
    Text,
    /// The contract of docs/formats.md.
    Json,
    /// For a pull-request comment or release notes.
    Markdown,
}

/// Exit 0 whether or not the versions differ; errors (exit 2) are for
/// versions that cannot be read. `project` is the folder whose
/// `[versions]` names releases and whose repository `git:REV` reads.
pub fn run(old: &str, new: &str, format: Format, project: &Path) -> Result<i32> {
    let project = Project::open(project);
    let old = project.load_version(old)?;
    let new = project.load_version(new)?;
    let d = diff(&old.loaded, &old.label, &new.loaded, &new.label);
    let text = match format {
        Format::Json => d.to_json(),
        Format::Markdown => to_markdown(&d),
        Format::Text => to_text(&d),
    };
    let mut out = anstream::stdout().lock();
    out.write_all(text.as_bytes())
        .context("failed to write to stdout")?;
    out.flush().context("failed to write to stdout")?;
    Ok(0)
}

/// One side of the comparison, and what must outlive it.
struct Version {
    loaded: Loaded,
    label: String,
    _release: Option<versions::LoadedRelease>,
}

/// The project the arguments may refer to (none when `--project` is not
/// one: then only folders can be compared).
struct Project {
    config: Option<Config>,
}

impl Project {
    fn open(dir: &Path) -> Self {
        Self {
            config: Config::discover(dir, &mut Diagnostics::new()).ok(),
        }
    }

    /// `git:REV`, a release name of `[versions]` (or its `current` label),
    /// else a folder or markdown file.
    fn load_version(&self, arg: &str) -> Result<Version> {
        let versions = self.config.as_ref().and_then(|c| c.versions.as_ref());
        if let Some(rev) = arg.strip_prefix("git:") {
            let config = self.config.as_ref().with_context(|| {
                format!("`{arg}`: no project here to read a git revision of (see --project)")
            })?;
            let release = Release {
                name: rev.to_owned(),
                source: ReleaseSource::Rev(rev.to_owned()),
                at: Location {
                    file: "command line".into(),
                    line: 0,
                    col: 0,
                },
            };
            return self.release(config, &release, arg);
        }
        if let (Some(config), Some(v)) = (&self.config, versions) {
            if arg == v.current {
                return Ok(Version {
                    loaded: checked(pipeline::load(&config.root)?, arg),
                    label: arg.to_owned(),
                    _release: None,
                });
            }
            if let Some(r) = v.releases.iter().find(|r| r.name == arg) {
                return self.release(config, r, arg);
            }
        }
        let path = Path::new(arg);
        if !path.exists() {
            let names: Vec<&str> = versions
                .map(|v| {
                    std::iter::once(v.current.as_str())
                        .chain(v.releases.iter().map(|r| r.name.as_str()))
                        .collect()
                })
                .unwrap_or_default();
            bail!(
                "`{arg}` is not a folder, a markdown file, `git:REV`{}",
                if names.is_empty() {
                    String::new()
                } else {
                    format!(" or a release ({})", names.join(", "))
                }
            );
        }
        let loaded =
            pipeline::load(path).with_context(|| format!("cannot read the version `{arg}`"))?;
        Ok(Version {
            loaded: checked(loaded, arg),
            label: label_of(path),
            _release: None,
        })
    }

    fn release(&self, config: &Config, release: &Release, arg: &str) -> Result<Version> {
        let r = versions::load_release(config, release)?;
        Ok(Version {
            loaded: checked(r.loaded.clone(), arg),
            label: r.name.clone(),
            _release: Some(r),
        })
    }
}

/// Prints a version's problems (a version with errors is still compared,
/// as far as it was read).
fn checked(loaded: Loaded, arg: &str) -> Loaded {
    if loaded.diagnostics.has_errors() {
        report(&loaded.diagnostics);
        eprintln!(
            "warning: `{arg}` has problems ({}); it is compared as far as it could be read",
            loaded.diagnostics.summary()
        );
    }
    loaded
}

/// A folder's (or file's) name as the version's label.
fn label_of(path: &Path) -> String {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
