//! Reads the spec's markdown files and eval-prompt files from disk.
//!
//! Decoding problems become diagnostics (with the offending byte), never
//! panics; symlinks that lead out of the project are skipped with a warning.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use walkdir::WalkDir;

use crate::config::Config;
use crate::diag::{Diagnostics, LineIndex, Location};
use crate::model::SourceFile;
use crate::output::SITE_MARKER;

/// Everything the parser needs, read once.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub spec_files: Vec<SourceFile>,
    pub eval_files: Vec<SourceFile>,
}

pub fn load_sources(cfg: &Config, diags: &mut Diagnostics) -> Result<Sources> {
    let spec_paths = match &cfg.files {
        Some(files) => files.clone(),
        None => markdown_under(cfg, &cfg.src, diags)?,
    };
    let mut spec_files = Vec::new();
    for p in spec_paths {
        if let Some(f) = read_source(cfg, &p, diags)? {
            spec_files.push(f);
        }
    }
    if spec_files.is_empty() {
        let at = Location {
            file: cfg.display_path(&cfg.src),
            line: 0,
            col: 0,
        };
        diags.error_at(&at, None, "no markdown files found: the spec is empty");
    }
    let mut eval_files = Vec::new();
    if let Some(dir) = &cfg.eval_dir {
        for p in markdown_under(cfg, dir, diags)? {
            if let Some(f) = read_source(cfg, &p, diags)? {
                eval_files.push(f);
            }
        }
    }
    Ok(Sources {
        spec_files,
        eval_files,
    })
}

/// Every `.md` file below `dir`, sorted by path; hidden entries, the eval
/// folder (when it sits inside `src`) and sites are skipped.
fn markdown_under(cfg: &Config, dir: &Path, diags: &mut Diagnostics) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        anyhow::bail!("source folder `{}` does not exist", dir.display());
    }
    let walker = WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !(e.file_name().to_string_lossy().starts_with('.') || is_site(e))
        });
    for entry in walker {
        let entry = entry.with_context(|| format!("failed to list `{}`", dir.display()))?;
        let path = entry.path();
        if entry.depth() > 0 && Some(path) == cfg.eval_dir.as_deref() && dir != path {
            continue;
        }
        if cfg
            .eval_dir
            .as_deref()
            .is_some_and(|e| dir != e && path.starts_with(e))
        {
            continue;
        }
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        if entry.path_is_symlink() && !symlink_stays_inside(&cfg.root, path) {
            let at = Location {
                file: cfg.display_path(path),
                line: 0,
                col: 0,
            };
            diags.warning_at(
                &at,
                None,
                "skipped: symbolic link pointing outside the project",
            );
            continue;
        }
        if path.is_file() {
            out.push(path.to_path_buf());
        }
    }
    Ok(out)
}

/// A site specbook wrote inside the sources (such as the default `book/`
/// of a project with `src = "."`) is output, never read as source. (The
/// build folder is not skipped by name: until a site is built into it,
/// whatever it holds may well be sources, and the build refuses it.)
fn is_site(entry: &walkdir::DirEntry) -> bool {
    entry.file_type().is_dir() && entry.path().join(SITE_MARKER).is_file()
}

fn symlink_stays_inside(root: &Path, path: &Path) -> bool {
    match (root.canonicalize(), path.canonicalize()) {
        (Ok(root), Ok(target)) => target.starts_with(root),
        _ => false,
    }
}

/// Reads one file. Invalid UTF-8 is an error diagnostic naming the byte;
/// the rest is still parsed (lossily) so every other problem shows too.
fn read_source(cfg: &Config, path: &Path, diags: &mut Diagnostics) -> Result<Option<SourceFile>> {
    let shown = cfg.display_path(path);
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let at = Location {
                file: shown,
                line: 0,
                col: 0,
            };
            diags.error_at(&at, None, "file not found");
            return Ok(None);
        }
        Err(e) => return Err(e).with_context(|| format!("failed to read `{}`", path.display())),
    };
    let text = decode(&shown, bytes, diags);
    Ok(Some(SourceFile { path: shown, text }))
}

/// UTF-8 decoding with a precise diagnostic; strips a BOM and normalises
/// CRLF line ends so offsets and columns agree everywhere downstream.
pub fn decode(shown: &str, bytes: Vec<u8>, diags: &mut Diagnostics) -> String {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let bytes = e.into_bytes();
            let mut err = std::str::from_utf8(&bytes).unwrap_err();
            let mut offset = 0;
            let mut first = true;
            // Report every invalid byte run (bounded), then decode lossily.
            let mut reported = 0;
            loop {
                let bad = offset + err.valid_up_to();
                let prefix = String::from_utf8_lossy(&bytes[..bad]).into_owned();
                let idx = LineIndex::new(&prefix);
                let (line, col) = idx.line_col(&prefix, prefix.len());
                let line_text = idx.line_text(&prefix, line).to_owned();
                let at = Location {
                    file: shown.to_owned(),
                    line,
                    col,
                };
                if reported < 20 {
                    diags.error_at(
                        &at,
                        Some(&line_text),
                        format!(
                            "file is not valid UTF-8: byte 0x{:02X} at offset {bad}{}",
                            bytes[bad],
                            if first { "" } else { " (again)" }
                        ),
                    );
                    reported += 1;
                }
                first = false;
                let skip = err.error_len().unwrap_or(bytes.len() - bad);
                offset = bad + skip;
                match std::str::from_utf8(&bytes[offset..]) {
                    Ok(_) => break,
                    Err(e2) => err = e2,
                }
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text);
    if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    }
}
