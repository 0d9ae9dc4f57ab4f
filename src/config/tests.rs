//! `book.toml` values that become links: the scheme allow-list, with a
//! warning at the value's line.

use super::*;
use crate::diag::Severity;

/// Reads `toml` as a project's `book.toml`; the config and its warnings.
fn read(toml: &str) -> (Config, Vec<crate::diag::Diagnostic>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(BOOK_TOML), toml).unwrap();
    let mut diags = Diagnostics::new();
    let cfg = Config::discover(dir.path(), &mut diags).unwrap();
    (cfg, diags.sorted())
}

#[test]
fn script_urls_are_ignored_with_a_warning_at_their_line() {
    let toml = [
        "[book]",
        "title = \"T\"",
        "",
        "[output.html]",
        "site-url = \"javascript:alert(1)//\"",
        "  git-repository-url = \" JaVaScRiPt:alert(2)\"",
        "edit-url-template = \"javascript:alert(3)//{path}\"",
    ]
    .join("\n");
    let (cfg, diags) = read(&toml);
    assert_eq!(cfg.site_url, None);
    assert_eq!(cfg.git_repository_url, None);
    assert_eq!(cfg.edit_url_template, None);
    let got: Vec<(usize, usize, &str)> = diags
        .iter()
        .map(|d| {
            assert_eq!(d.file, "book.toml");
            assert_eq!(d.severity, Severity::Warning);
            (d.line, d.col, d.message.as_str())
        })
        .collect();
    assert_eq!(got.len(), 3, "{got:#?}");
    assert_eq!((got[0].0, got[0].1), (5, 1));
    assert!(
        got[0]
            .2
            .starts_with("`site-url` = \"javascript:alert(1)//\" is ignored")
    );
    assert_eq!((got[1].0, got[1].1), (6, 3));
    assert!(got[1].2.contains("git-repository-url"), "{}", got[1].2);
    assert_eq!((got[2].0, got[2].1), (7, 1));
    assert!(got[2].2.contains("edit-url-template"), "{}", got[2].2);
}

#[test]
fn a_template_whose_path_would_decide_the_scheme_is_ignored() {
    let (cfg, diags) = read("[output.html]\nedit-url-template = \"{path}\"\n");
    assert_eq!(cfg.edit_url_template, None);
    assert_eq!(diags.len(), 1, "{diags:#?}");
}

#[test]
fn web_and_relative_urls_are_kept() {
    let toml = "[output.html]\nsite-url = \"https://example.com/spec\"\n\
                git-repository-url = \"https://github.com/o/r\"\n\
                edit-url-template = \"https://github.com/o/r/edit/main/{path}\"\n";
    let (cfg, diags) = read(toml);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(cfg.site_url.as_deref(), Some("https://example.com/spec/"));
    assert_eq!(
        cfg.git_repository_url.as_deref(),
        Some("https://github.com/o/r")
    );
    assert_eq!(
        cfg.edit_url_template.as_deref(),
        Some("https://github.com/o/r/edit/main/{path}")
    );
    let (cfg, diags) = read("[output.html]\nsite-url = \"/docs/\"\n");
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(cfg.site_url.as_deref(), Some("/docs/"));
}
