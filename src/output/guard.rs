//! Output folders a build must never write into: ones that hold the
//! project's own sources. Checked before anything is written, so a refused
//! build leaves every file as it was.

use std::path::{Component, Path, PathBuf};

use anyhow::{Result, bail};

use crate::config::BOOK_TOML;
use crate::pipeline::Loaded;

/// Refuses `out` when it is the project folder, the content folder, a
/// folder holding either, a folder with a `book.toml`, or one holding any
/// file the build reads (spec files, eval prompts, the theme's
/// `templates/` and `static/`), or when it lies inside `static/`, the
/// eval folder or `templates/` (whose files the next build would read).
/// A folder inside the content folder that holds no source, such as the
/// default `book/` of a project with `src = "."`, is fine: the load never
/// reads a site specbook wrote.
pub fn check_output_folder(out: &Path, loaded: &Loaded) -> Result<()> {
    let cfg = &loaded.config;
    let shown = out.display();
    let out = resolve(out);
    let root = resolve(&cfg.root);
    let refuse = |why: String| -> Result<()> {
        bail!(
            "refusing to build into `{shown}`: {why}; choose another output folder (`-o` or `[build] build-dir`)"
        )
    };
    if out == root {
        return refuse("it is the project folder".into());
    }
    if out == resolve(&cfg.src) {
        return refuse("it is the content folder (`[book] src`)".into());
    }
    if root.starts_with(&out) {
        return refuse("it contains the project folder".into());
    }
    if out.join(BOOK_TOML).exists() {
        return refuse(format!(
            "it holds a `{BOOK_TOML}`, so it is a project, not a site"
        ));
    }
    let theme: Vec<PathBuf> = cfg
        .theme_dir
        .iter()
        .flat_map(|d| [d.join("static"), d.join("templates")])
        .collect();
    let readers = theme.iter().chain(&cfg.eval_dir).filter(|d| d.is_dir());
    if let Some(dir) = readers.clone().find(|d| {
        let dir = resolve(d);
        out != dir && out.starts_with(dir)
    }) {
        return refuse(format!(
            "it lies inside `{}`, whose files every build reads",
            cfg.display_path(dir)
        ));
    }
    let sources = loaded
        .sources
        .spec_files
        .iter()
        .chain(&loaded.sources.eval_files)
        .map(|f| cfg.root.join(&f.path));
    let held = sources
        .chain(readers.cloned())
        .chain(std::iter::once(cfg.src.clone()))
        .find(|p| resolve(p).starts_with(&out));
    if let Some(path) = held {
        return refuse(format!(
            "it holds spec sources (`{}`)",
            cfg.display_path(&path)
        ));
    }
    Ok(())
}

/// An absolute path with symlinks resolved as far as it exists, and `.`
/// and `..` resolved by name beyond that, so that two spellings of one
/// folder compare equal even before it is created.
pub fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut resolved = real;
            for part in rest.iter().rev() {
                match part {
                    Component::ParentDir => {
                        resolved.pop();
                    }
                    Component::Normal(name) => resolved.push(name),
                    _ => {}
                }
            }
            return resolved;
        }
        match (existing.components().next_back(), existing.parent()) {
            (Some(last), Some(parent)) => {
                rest.push(last);
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_folder_resolve_alike_even_before_it_exists() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().canonicalize().unwrap();
        assert_eq!(resolve(&tmp.path().join("a/../b/./c")), real.join("b/c"));
        assert_eq!(resolve(&tmp.path().join(".")), real);
        std::fs::create_dir(tmp.path().join("x")).unwrap();
        assert_eq!(resolve(&tmp.path().join("x/..")), real);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.path().join("x"), tmp.path().join("link")).unwrap();
            assert_eq!(resolve(&tmp.path().join("link/new")), real.join("x/new"));
        }
    }
}
