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
        let skipped = match entry
            .path_is_symlink()
            .then(|| symlink_target(&cfg.root, path))
        {
            Some(LinkTarget::Outside) => {
                Some("skipped: symbolic link pointing outside the project")
            }
            Some(LinkTarget::Unresolved) => {
                Some("skipped: symbolic link that does not resolve (a loop, or a missing target)")
            }
            Some(LinkTarget::Inside) | None => None,
        };
        if let Some(why) = skipped {
            let at = Location {
                file: cfg.display_path(path),
                line: 0,
                col: 0,
            };
            diags.warning_at(&at, None, why);
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

enum LinkTarget {
    Inside,
    Outside,
    Unresolved,
}

fn symlink_target(root: &Path, path: &Path) -> LinkTarget {
    match (root.canonicalize(), path.canonicalize()) {
        (Ok(root), Ok(target)) if target.starts_with(&root) => LinkTarget::Inside,
        (Ok(_), Ok(_)) => LinkTarget::Outside,
        _ => LinkTarget::Unresolved,
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
/// CRLF (and lone CR) line ends so offsets and columns agree everywhere downstream.
pub fn decode(shown: &str, mut bytes: Vec<u8>, diags: &mut Diagnostics) -> String {
    // The BOM goes first, so that columns on line 1 do not count it.
    const BOM: &[u8] = "\u{feff}".as_bytes();
    let bom = if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
        BOM.len()
    } else {
        0
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            // Decoded lossily so that every other problem shows too.
            let bytes = e.into_bytes();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            report_invalid_utf8(shown, &bytes, bom, &text, diags);
            text
        }
    };
    // CommonMark: NUL is replaced, for security; in titles and ids too.
    let text = if text.contains('\0') {
        text.replace('\0', "\u{fffd}")
    } else {
        text
    };
    if text.contains('\r') {
        // A lone CR ends a line too (CommonMark), so every stage counts
        // the same lines.
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

/// One error for each of the first [`MAX_UTF8_REPORTS`] invalid byte
/// runs, naming the byte and its offset, at the line and column its
/// replacement character has in `text` (the lossy decoding of `bytes`,
/// which followed `skipped` bytes of the file); then one line counting the
/// rest. One pass over the file.
fn report_invalid_utf8(
    shown: &str,
    bytes: &[u8],
    skipped: usize,
    text: &str,
    diags: &mut Diagnostics,
) {
    const MAX_UTF8_REPORTS: usize = 20;
    let index = LineIndex::new(text);
    let mut raw = skipped;
    let mut decoded = 0;
    let mut runs = 0;
    for chunk in bytes.utf8_chunks() {
        raw += chunk.valid().len();
        decoded += chunk.valid().len();
        let Some(&first) = chunk.invalid().first() else {
            continue;
        };
        if runs < MAX_UTF8_REPORTS {
            let (line, col) = index.line_col(text, decoded);
            let at = Location {
                file: shown.to_owned(),
                line,
                col,
            };
            diags.error_at(
                &at,
                Some(index.line_text(text, line)),
                format!(
                    "file is not valid UTF-8: byte 0x{first:02X} at offset {raw}{}",
                    if runs == 0 { "" } else { " (again)" }
                ),
            );
        }
        runs += 1;
        raw += chunk.invalid().len();
        decoded += char::REPLACEMENT_CHARACTER.len_utf8();
    }
    if runs > MAX_UTF8_REPORTS {
        let at = Location {
            file: shown.to_owned(),
            line: 0,
            col: 0,
        };
        diags.error_at(
            &at,
            None,
            format!(
                "file is not valid UTF-8: {} more invalid byte sequences not listed",
                runs - MAX_UTF8_REPORTS
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(bytes: &[u8]) -> (String, Vec<String>) {
        let mut d = Diagnostics::new();
        let text = decode("f.md", bytes.to_vec(), &mut d);
        (text, d.sorted().iter().map(ToString::to_string).collect())
    }

    #[test]
    fn invalid_utf8_names_byte_offset_line_and_column() {
        let (text, m) = decoded(b"ok\nab\xFFc\xC3\n");
        assert_eq!(text, "ok\nab\u{fffd}c\u{fffd}\n");
        assert_eq!(
            m,
            [
                "f.md:2:3: error: file is not valid UTF-8: byte 0xFF at offset 5",
                "f.md:2:5: error: file is not valid UTF-8: byte 0xC3 at offset 7 (again)",
            ]
        );
    }

    #[test]
    fn a_bom_is_not_counted_in_columns_but_is_in_offsets() {
        let (text, m) = decoded(b"\xEF\xBB\xBFa\xFF");
        assert_eq!(text, "a\u{fffd}");
        assert_eq!(
            m,
            ["f.md:1:2: error: file is not valid UTF-8: byte 0xFF at offset 4"]
        );
    }

    #[test]
    fn many_invalid_runs_are_counted_not_listed() {
        let (text, m) = decoded(&[0xFF, b'x'].repeat(100_000));
        assert_eq!(text.chars().count(), 200_000);
        assert_eq!(m.len(), 21);
        assert_eq!(
            m[0],
            "f.md: error: file is not valid UTF-8: 99980 more invalid byte sequences not listed"
        );
        assert!(m[20].starts_with(
            "f.md:1:39: error: file is not valid UTF-8: byte 0xFF at offset 38 (again)"
        ));
    }

    #[test]
    fn nul_becomes_the_replacement_character() {
        assert_eq!(decoded(b"# A\0B {#a\0}\n").0, "# A\u{fffd}B {#a\u{fffd}}\n");
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        assert_eq!(decoded(b"a\r\nb\rc\n").0, "a\nb\nc\n");
    }
}
