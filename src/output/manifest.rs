//! `.specbook-site`: marks a folder as a site specbook wrote and lists the
//! files it wrote there, so that a rebuild replaces exactly those and keeps
//! every other file of the folder (the user's).

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result};

/// The marker file at the root of every site specbook writes.
pub const SITE_MARKER: &str = ".specbook-site";

const HEADER: &str = "# specbook site manifest, version 1";

const EXPLANATION: &str = "\
# `specbook build` replaces the files listed below and keeps every other file
# of this folder (yours), and always `.git`. One relative path a line;
# `%`, `#` and control characters are written as `%XX`.
";

/// What an output folder's marker says about the files in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Manifest {
    /// The files specbook wrote, as relative paths with `/`.
    Listed(BTreeSet<String>),
    /// No file in the folder is known to be specbook's: a marker written by
    /// an older specbook (which listed nothing), or a folder adopted with
    /// `--force`. Every file in it is kept.
    Unknown,
}

impl Manifest {
    /// Whether `rel` is a file specbook wrote (and a rebuild may drop).
    /// Nothing under `.git` ever is, whatever the list says.
    pub fn names(&self, rel: &str) -> bool {
        if rel == SITE_MARKER {
            return true;
        }
        if is_git(rel) {
            return false;
        }
        match self {
            Manifest::Listed(files) => files.contains(rel),
            Manifest::Unknown => false,
        }
    }

    /// The marker of `dir`, or `None` when it has none.
    pub fn read(dir: &Path) -> Result<Option<Manifest>> {
        let path = dir.join(SITE_MARKER);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(parse(&String::from_utf8_lossy(&bytes)))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("failed to read `{}`", path.display())),
        }
    }
}

/// `.git` or anything below it: a gh-pages worktree's, never specbook's.
pub fn is_git(rel: &str) -> bool {
    rel == ".git" || rel.starts_with(".git/")
}

/// The marker's text for a site made of `files` (sorted: deterministic).
pub fn render(files: &BTreeSet<String>) -> String {
    let mut out = format!("{HEADER}\n{EXPLANATION}");
    for file in files {
        escape_into(file, &mut out);
        out.push('\n');
    }
    out
}

fn parse(text: &str) -> Manifest {
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return Manifest::Unknown;
    }
    let files = lines
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(unescape)
        .collect();
    Manifest::Listed(files)
}

fn escape_into(path: &str, out: &mut String) {
    for c in path.chars() {
        if c == '%' || c == '#' || c.is_control() {
            let mut buf = [0; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        } else {
            out.push(c);
        }
    }
}

/// The path a line names; `None` for a malformed line (which then names
/// nothing, so the file it meant is kept).
fn unescape(line: &str) -> Option<String> {
    let bytes = line.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_survive_the_round_trip() {
        let files: BTreeSet<String> = [
            "index.html",
            "static/style.css",
            "#hash at start",
            "100% done.html",
            "line\nbreak",
            "tab\there",
            "ünïcødé/日本.html",
            " leading space",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        let text = render(&files);
        assert_eq!(parse(&text), Manifest::Listed(files));
        assert!(text.contains("\n%23hash at start\n"), "{text}");
        assert!(text.contains("\n100%25 done.html\n"), "{text}");
        assert!(text.contains("\nline%0Abreak\n"), "{text}");
    }

    #[test]
    fn a_marker_without_the_header_lists_nothing() {
        let old = "This folder was written by specbook; `specbook build` may replace it.\n";
        assert_eq!(parse(old), Manifest::Unknown);
        assert_eq!(parse(""), Manifest::Unknown);
    }

    #[test]
    fn malformed_lines_name_nothing_and_git_is_never_specbooks() {
        let text = format!("{HEADER}\nok.html\nbad%G1.html\ncut%2\n.git/HEAD\n.git\n");
        let manifest = parse(&text);
        assert!(manifest.names("ok.html"));
        assert!(!manifest.names("bad%G1.html"));
        assert!(!manifest.names(".git/HEAD"));
        assert!(!manifest.names(".git"));
        assert!(manifest.names(SITE_MARKER));
        assert!(!Manifest::Unknown.names("index.html"));
    }
}
