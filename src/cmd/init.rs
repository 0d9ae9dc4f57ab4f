//! `specbook init`: scaffold a project a new author can build at once.
//! Never overwrites a file that exists.

use std::path::Path;

use anyhow::{Context, Result};

use crate::render::theme;

/// The starter project, written by us for this purpose.
const STARTER: &[(&str, &str)] = &[
    ("book.toml", include_str!("starter/book.toml")),
    (
        "content/01-introduction.md",
        include_str!("starter/01-introduction.md"),
    ),
    ("content/02-rules.md", include_str!("starter/02-rules.md")),
    ("evals/h3lp.md", include_str!("starter/h3lp.md")),
    (".gitignore", include_str!("starter/gitignore")),
    (
        ".github/workflows/pages.yml",
        include_str!("starter/pages.yml"),
    ),
];

pub fn run(dir: &Path, with_theme: bool) -> Result<i32> {
    let mut files: Vec<(String, Vec<u8>)> = STARTER
        .iter()
        .map(|(p, t)| ((*p).to_owned(), t.as_bytes().to_vec()))
        .collect();
    if with_theme {
        files.extend(
            theme::TEMPLATES
                .iter()
                .map(|(n, t)| (format!("templates/{n}"), t.as_bytes().to_vec())),
        );
        files.extend(
            theme::STATIC
                .iter()
                .map(|(n, b)| (format!("static/{n}"), b.to_vec())),
        );
    }
    let (mut written, mut kept) = (0, 0);
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        if path.exists() || path.is_symlink() {
            eprintln!("kept existing {}", path.display());
            kept += 1;
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("failed to create `{}`", parent.display()))?;
        }
        // create_new: a file that appeared meanwhile is never clobbered.
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .with_context(|| format!("failed to create `{}`", path.display()))?;
        std::io::Write::write_all(&mut f, &bytes)
            .with_context(|| format!("failed to write `{}`", path.display()))?;
        written += 1;
    }
    eprintln!(
        "created {written} files in `{}`{}; next: `specbook serve {}`",
        dir.display(),
        if kept > 0 {
            format!(" ({kept} existing files kept)")
        } else {
            String::new()
        },
        dir.display()
    );
    Ok(0)
}
