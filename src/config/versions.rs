//! `[versions]`: the releases of a spec. The project's own content is the
//! current release; earlier ones come from a git revision or a folder.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::BOOK_TOML;
use crate::diag::{Diagnostics, Location};

/// `[versions]`: the project's own content is the current release; earlier
/// ones come from a git revision or a folder.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct VersionsSection {
    current: Option<String>,
    #[serde(default)]
    release: Vec<ReleaseToml>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReleaseToml {
    name: String,
    rev: Option<String>,
    dir: Option<String>,
}

/// The releases of a spec (`[versions]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versions {
    /// The label of the project's own content.
    pub current: String,
    /// Earlier releases, newest first, as listed.
    pub releases: Vec<Release>,
}

/// One earlier release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub name: String,
    pub source: ReleaseSource,
    /// Where the entry is in `book.toml` (for messages about it).
    pub at: Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseSource {
    /// A revision of the git repository that holds `book.toml`.
    Rev(String),
    /// A folder, absolute (resolved against the project root).
    Dir(PathBuf),
}

/// `[versions]` resolved: each release with its source and its line. A
/// release with neither or both of `rev` and `dir`, or a repeated name, is
/// an error at its line (and left out).
pub(super) fn versions(
    raw: VersionsSection,
    root: &Path,
    text: &str,
    diags: &mut Diagnostics,
) -> Versions {
    let current = raw.current.unwrap_or_else(|| "latest".into());
    let mut releases: Vec<Release> = Vec::new();
    let name_lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "[[versions.release]]")
        .map(|(i, _)| i + 1)
        .collect();
    for (k, r) in raw.release.into_iter().enumerate() {
        let line = name_lines.get(k).copied().unwrap_or(0);
        let at = Location {
            file: BOOK_TOML.into(),
            line,
            col: usize::from(line > 0),
        };
        let shown = (line > 0).then(|| text.lines().nth(line - 1).unwrap_or(""));
        let source = match (r.rev, r.dir) {
            (Some(rev), None) => ReleaseSource::Rev(rev),
            (None, Some(dir)) => ReleaseSource::Dir(root.join(dir)),
            _ => {
                diags.error_at(
                    &at,
                    shown,
                    format!(
                        "release `{}` needs exactly one of `rev` (a git revision) and `dir` (a folder)",
                        r.name
                    ),
                );
                continue;
            }
        };
        let bad_name = r.name.is_empty()
            || r.name.starts_with('.')
            || r.name.contains(['/', '\\'])
            || r.name.chars().any(char::is_control)
            || crate::site::RESERVED_DIRS.contains(&r.name.as_str());
        if bad_name {
            diags.error_at(
                &at,
                shown,
                format!(
                    "release name `{}` cannot be a folder of the site (not empty, no `/`, not one of {})",
                    r.name.escape_debug(),
                    crate::site::RESERVED_DIRS.join(", ")
                ),
            );
            continue;
        }
        if r.name == current || releases.iter().any(|x| x.name == r.name) {
            diags.error_at(&at, shown, format!("release `{}` is named twice", r.name));
            continue;
        }
        releases.push(Release {
            name: r.name,
            source,
            at,
        });
    }
    Versions { current, releases }
}
