//! Hostile input (issue 10): each case runs `check` and `build` on a small
//! project written for it and asserts that both exit with 0 or 1 (never
//! 101, a panic), print the expected diagnostic, and that a refused build
//! writes no site.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

/// A project folder (`book.toml`, `content/...`) holding `files`.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new(files: &[(&str, &[u8])]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("book.toml"),
            "[book]\ntitle = \"Hostile\"\n",
        )
        .unwrap();
        for (path, bytes) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
        Self { dir }
    }

    /// One spec file, `content/spec.md`.
    fn spec(bytes: impl AsRef<[u8]>) -> Self {
        Self::new(&[("content/spec.md", bytes.as_ref())])
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("site-out")
    }

    fn check(&self) -> Run {
        Run::of(specbook(&["check", self.root().to_str().unwrap()]))
    }

    fn build(&self) -> Run {
        Run::of(build_to(self.root(), &self.out()))
    }
}

struct Run {
    code: i32,
    stderr: String,
}

impl Run {
    fn of(out: Output) -> Self {
        let stderr = text(&out.stderr);
        let code = out
            .status
            .code()
            .unwrap_or_else(|| panic!("killed by a signal:\n{stderr}"));
        assert!(
            code == 0 || code == 1,
            "exit {code} (101 is a panic):\n{}",
            tail(&stderr)
        );
        assert!(!stderr.contains("panicked"), "{}", tail(&stderr));
        Self { code, stderr }
    }

    fn expect(&self, code: i32, diagnostics: &[&str]) -> &Self {
        assert_eq!(self.code, code, "{}", tail(&self.stderr));
        for d in diagnostics {
            assert!(
                self.stderr.contains(d),
                "expected `{d}` in:\n{}",
                tail(&self.stderr)
            );
        }
        self
    }
}

/// The end of a long report (a failure message must stay readable).
fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// Check and build both pass (warnings allowed) and the site exists.
fn assert_builds(p: &Project, diagnostics: &[&str]) {
    p.check().expect(0, diagnostics);
    p.build().expect(0, diagnostics);
    assert!(p.out().join("index.html").is_file());
}

/// Check and build both refuse with the diagnostics; no site is written.
fn assert_refused(p: &Project, diagnostics: &[&str]) {
    p.check().expect(1, diagnostics);
    p.build().expect(1, diagnostics);
    assert!(
        !p.out().exists(),
        "a refused build wrote {}",
        p.out().display()
    );
}

fn read(p: &Path) -> String {
    String::from_utf8(std::fs::read(p).unwrap()).unwrap()
}

/// The three inputs that panicked in the conversation scanner (issue 10).
#[test]
fn multibyte_text_next_to_tags_and_comments() {
    let p = Project::spec(
        "# A {#a}\n\n**Example**: t\n\n~~~xml\n<user>\n</ab€\n</user>\n<comparison>\n<l a=\"<!--xxéé\"><!-- OK, é-->\nhi\n</l>\n<t a=\"<!--é\"><!-- E-->\nhi\n</t>\n</comparison>\n~~~\n",
    );
    assert_refused(
        &p,
        &[
            "content/spec.md:10:17: error: verdict `OK` on a `<l>` message",
            "content/spec.md:13:14: warning: unknown verdict `E`",
        ],
    );
}

#[test]
fn ten_megabyte_single_line() {
    let words = "word ".repeat(2_000_000);
    let p = Project::spec(format!(
        "# A {{#a}}\n\n[?](#a) [^none] {words}[?](#a) [?](#b)\n"
    ));
    assert_refused(
        &p,
        &[
            "content/spec.md:3:9: warning: footnote `[^none]` names an eval-prompt file",
            "content/spec.md:3:10000025: error: reference to unknown section `#b`",
        ],
    );
    let p = Project::spec(format!("# A {{#a}}\n\n[?](#a) {words}[?](#a)\n"));
    assert_builds(&p, &[]);
    assert!(std::fs::metadata(p.out().join("a.html")).unwrap().len() > 10_000_000);
}

#[test]
fn five_thousand_nested_list_items_and_blockquotes() {
    let lists = "- ".repeat(5000);
    let quotes = "> ".repeat(5000);
    let indented: String = (0..5000)
        .map(|i| format!("{}- i{i}\n", "  ".repeat(i % 200)))
        .collect();
    let p = Project::spec(format!(
        "# A {{#a}}\n\n{lists}deep\n\n{quotes}deeper\n\n{indented}\n"
    ));
    assert_builds(&p, &[]);
    let page = read(&p.out().join("a.html"));
    assert!(page.contains("deep") && page.contains("deeper") && page.contains("i4999"));
}

#[test]
fn nul_bytes_are_replaced_not_passed_through() {
    let p = Project::spec(
        "# A\0B {#a}\n\ntext \0 more\n\n**Example**: t\0\n\n~~~xml\n<user>\nhi\0\n</user>\n~~~\n",
    );
    assert_builds(&p, &[]);
    for page in ["a.html", "all.html", "spec.json"] {
        let bytes = std::fs::read(p.out().join(page)).unwrap();
        assert!(!bytes.contains(&0), "{page} holds a NUL byte");
    }
}

#[test]
fn bom_and_crlf_are_plain_text_to_the_parser() {
    let p = Project::spec(
        "\u{feff}# A {#a}\r\n\r\nSee [?](#b).\r\n\r\n## B {#b}\r\n\r\n**Example**: t\r\n\r\n~~~xml\r\n<user>\r\nhi\r\n</user>\r\n~~~\r\n",
    );
    let run = p.check();
    run.expect(
        0,
        &["check passed: 2 sections, 1 examples, 0 eval files; 0 errors, 0 warnings"],
    );
    p.build().expect(0, &[]);
    let json = read(&p.out().join("spec.json"));
    assert!(
        !json.contains("\\r") && !json.contains('\u{feff}'),
        "{json}"
    );
}

#[test]
fn invalid_utf8_names_the_file_and_byte_offset() {
    let p = Project::new(&[
        ("content/a.md", b"# A {#a}\n\nfine\n"),
        (
            "content/b.md",
            b"# B {#b}\n\nbad \xFF byte and \xC3 truncated\n",
        ),
    ]);
    assert_refused(
        &p,
        &[
            "content/b.md:3:5: error: file is not valid UTF-8: byte 0xFF at offset 14",
            "content/b.md:3:16: error: file is not valid UTF-8: byte 0xC3 at offset 25 (again)",
        ],
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_under_content_are_skipped_with_a_warning() {
    use std::os::unix::fs::symlink;
    let p = Project::spec("# A {#a}\n\ntext\n");
    let content = p.root().join("content");
    symlink("b.md", content.join("c.md")).unwrap();
    symlink("c.md", content.join("b.md")).unwrap();
    symlink("..", content.join("up")).unwrap();
    symlink("../content", content.join("again")).unwrap();
    let warning = "symbolic link that does not resolve (a loop, or a missing target)";
    assert_builds(&p, &["content/b.md: warning: skipped: ", warning]);
    p.check()
        .expect(0, &["content/c.md: warning: skipped: ", "1 sections"]);
}

#[test]
fn duplicate_ids_are_refused() {
    let p = Project::spec("# A {#a}\n\n## B {#a}\n");
    assert_refused(
        &p,
        &["content/spec.md:3:7: error: duplicate id `a` (first used at content/spec.md:1)"],
    );
}

#[test]
fn ids_with_quotes_angle_brackets_spaces_and_rtl_marks_are_invalid() {
    let p = Project::spec("# Q {#a\"b}\n\n# L {#a<b}\n\n# R {#ab\u{200f}}\n\n# S {#a b}\n");
    assert_refused(
        &p,
        &[
            "content/spec.md:1:6: error: invalid id `#a\"b`",
            "content/spec.md:3:6: error: invalid id `#a<b`",
            "content/spec.md:5:6: error: invalid id `#ab\u{200f}`",
            "content/spec.md:7:9: warning: unknown heading attribute `b` ignored",
        ],
    );
}

#[test]
fn titles_with_quotes_angle_brackets_and_rtl_marks_build() {
    let title = "Say \"hi\" & <b>bold</b> \u{202e}desrever\u{202c} 'q'";
    let p = Project::spec(format!(
        "# {title} {{#t}}\n\nSee [?](#t).\n\n**Example**: {title}\n\n~~~xml\n<user name=\"<x> &\">\nhi\n</user>\n~~~\n"
    ));
    assert_builds(&p, &[]);
    let json = read(&p.out().join("spec.json"));
    assert!(
        json.contains("\\u202edesrever") || json.contains('\u{202e}'),
        "{json}"
    );
}

#[test]
fn unknown_authority_verdict_and_language_stay_warnings() {
    let p = Project::new(&[
        (
            "book.toml",
            b"[book]\ntitle = \"Hostile\"\nlanguage = \"<x-\\\"lang\\\">\"\n",
        ),
        (
            "content/spec.md",
            b"# A {#a authority=supreme}\n\n```no-such-language\ncode\n```\n\n**Example**: t\n\n~~~xml\n<comparison>\n<assistant> <!-- MAYBE: hm -->\nhi\n</assistant>\n</comparison>\n~~~\n",
        ),
    ]);
    assert_builds(
        &p,
        &[
            "content/spec.md:1:9: warning: unknown authority `supreme`",
            "content/spec.md:11:13: warning: unknown verdict `MAYBE`",
        ],
    );
}

/// Ids have no length limit; page file names do (255 bytes on most file
/// systems). The page name is bounded and stable, the anchor is the id.
#[test]
fn a_300_character_id_builds_with_a_bounded_page_name() {
    let id = "r".repeat(300);
    let p = Project::spec(format!("# Long {{#{id}}}\n\nSee [?](#{id}).\n"));
    assert_builds(&p, &[]);
    let pages: Vec<String> = std::fs::read_dir(p.out())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('r'))
        .collect();
    assert_eq!(pages.len(), 1, "{pages:?}");
    assert!(pages[0].len() <= 105, "{}", pages[0]);
    let page = read(&p.out().join(&pages[0]));
    assert!(
        page.contains(&format!("id=\"{id}\"")),
        "the anchor is the full id"
    );
    let home = read(&p.out().join("index.html"));
    assert!(
        home.contains(&format!("{}#{id}", pages[0])),
        "links use the bounded name"
    );
}

/// A chapter named `index` or `all` must not replace the home page or the
/// single page.
#[test]
fn chapters_named_like_the_sites_own_pages_keep_both() {
    let p =
        Project::spec("# Chapter index {#index}\n\nin index\n\n# Chapter all {#all}\n\nin all\n");
    assert_builds(&p, &[]);
    assert!(read(&p.out().join("index~.html")).contains("in index"));
    assert!(read(&p.out().join("all~.html")).contains("in all"));
    let home = read(&p.out().join("index.html"));
    assert!(
        home.contains("index~.html#index"),
        "the home page lists the chapter"
    );
    let single = read(&p.out().join("all.html"));
    assert!(single.contains("in index") && single.contains("in all"));
}
