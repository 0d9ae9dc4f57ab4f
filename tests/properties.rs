//! Properties of the parse + link path over generated dialect-ish text
//! (issue 10): any input gives diagnostics, never a panic; the same input
//! gives the same output (spec.json and the printed report, byte for byte).

use proptest::prelude::*;

use specbook::config::Config;
use specbook::diag::{Diagnostics, print_diagnostics};
use specbook::export::to_json;
use specbook::link::{SourceLines, link};
use specbook::load::decode;
use specbook::model::SourceFile;
use specbook::parse::parse_file;
use specbook::parse::pieces::{PieceCache, parse_in_pieces};

/// Pieces of the dialect, and of what breaks it.
const PIECES: &[&str] = &[
    "# Title {#a}",
    "## Rule {#b authority=root tags=under_18}",
    "### T {#c authority=nope x}",
    "#### {#}",
    "# Dup {#a}",
    "**Example**: t [?](#a)",
    "**Example**:",
    "~~~xml",
    "~~~",
    "```",
    "```python",
    "    indented",
    "!!! meta \"Commentary\"",
    "!!!",
    "<comparison>",
    "</comparison>",
    "<user>",
    "</user>",
    "<assistant> <!-- GOOD -->",
    "<assistant> <!-- BAD[#a, #zz]: note [?](#b) -->",
    "<assistant> <!-- MAYBE, é -->",
    "</assistant>",
    "<system>",
    "<settings>",
    "under_18: true",
    "</settings>",
    "[...]",
    "<t a=\"<!--é\"><!-- E-->",
    "</ab€",
    "See [?](#a) and [x](#nope)[^f1].",
    "- item",
    "1. ```",
    "   ```",
    "> # quoted {#q}",
    "<pre>",
    "# in pre {#p}",
    "</pre>",
    "| a | b |",
    "|---|---|",
    "[^f1]: note",
    "<div>",
    "<!-- open",
    "-->",
    "[ref]: /url 'title",
    "# broken {#a b=}",
    "#",
    "#x not a heading",
    "Setext",
    "===",
    "\u{feff}",
    "\r",
    "\0",
    "\u{202e}rtl",
    "𝄞 wide",
    "",
];

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(PIECES).prop_map(str::to_owned),
        1 => "\\PC{0,40}",
        1 => (proptest::sample::select(PIECES), "\\PC{0,8}", proptest::sample::select(PIECES))
            .prop_map(|(a, b, c)| format!("{a}{b}{c}")),
    ]
}

/// An edit to a list of lines: insert, replace or delete line `at` (taken
/// modulo the length).
#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, String),
    Replace(usize, String),
    Delete(usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<usize>(), line()).prop_map(|(at, l)| Edit::Insert(at, l)),
        (any::<usize>(), line()).prop_map(|(at, l)| Edit::Replace(at, l)),
        any::<usize>().prop_map(Edit::Delete),
    ];
    proptest::collection::vec(edit, 1..4)
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    for e in edits {
        match e {
            Edit::Insert(at, l) => lines.insert(at % (lines.len() + 1), l.clone()),
            Edit::Replace(at, l) if !lines.is_empty() => {
                let n = lines.len();
                lines[at % n] = l.clone();
            }
            Edit::Delete(at) if !lines.is_empty() => {
                let n = lines.len();
                lines.remove(at % n);
            }
            _ => {}
        }
    }
    lines.join("\n")
}

/// The parse of `file` whole, as (sections and blocks, diagnostics).
fn whole(file: &SourceFile) -> (String, Vec<specbook::diag::Diagnostic>) {
    let mut d = Diagnostics::new();
    let parsed = parse_file(file, &mut d);
    (format!("{parsed:#?}"), d.iter().cloned().collect())
}

fn spec_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(line(), 0..40).prop_map(|lines| lines.join("\n"))
}

fn config() -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("spec.md");
    std::fs::write(&file, "").unwrap();
    let cfg = Config::discover(&file, &mut Diagnostics::new()).unwrap();
    (dir, cfg)
}

/// spec.json and the printed diagnostics for one file's bytes.
fn check(cfg: &Config, bytes: &[u8]) -> (String, String) {
    let mut diags = Diagnostics::new();
    let text = decode("spec.md", bytes.to_vec(), &mut diags);
    let file = SourceFile {
        path: "spec.md".into(),
        text,
    };
    let parsed = parse_file(&file, &mut diags);
    let lines = SourceLines::new([&file]);
    let spec = link(cfg, vec![parsed], Vec::new(), &lines, &mut diags);
    let mut report = Vec::new();
    print_diagnostics(&mut report, &diags.sorted()).unwrap();
    (to_json(&spec), String::from_utf8(report).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_text_gives_diagnostics_never_a_panic_and_the_same_output_twice(text in spec_text()) {
        let (_dir, cfg) = config();
        let first = check(&cfg, text.as_bytes());
        let second = check(&cfg, text.as_bytes());
        prop_assert_eq!(first, second);
    }

    #[test]
    fn any_bytes_give_diagnostics_never_a_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        text in spec_text(),
    ) {
        let (_dir, cfg) = config();
        let mut mixed = text.into_bytes();
        mixed.extend_from_slice(&bytes);
        let first = check(&cfg, &mixed);
        prop_assert_eq!(first, check(&cfg, &mixed));
    }

    /// A file parsed piece by piece (as every build parses it) is the
    /// file parsed whole: every section, block, line number and
    /// diagnostic, whatever is open where a piece ends.
    #[test]
    fn a_file_parsed_in_pieces_is_the_file_parsed_whole(text in spec_text()) {
        let file = SourceFile { path: "spec.md".into(), text };
        let (parsed, diags) = parse_in_pieces(&file);
        let pieced = (format!("{parsed:#?}"), diags.iter().cloned().collect::<Vec<_>>());
        prop_assert_eq!(whole(&file), pieced);
    }

    /// After an edit (lines inserted, replaced, deleted), the pieces kept
    /// from the parse before it (as `serve` keeps them) give the edited
    /// file parsed whole: pieces moved by the edit are reused with their
    /// lines shifted, or parsed again when a message names a line.
    #[test]
    fn an_edited_file_parsed_with_the_pieces_kept_is_the_file_parsed_whole(
        text in spec_text(),
        edits in edits(),
    ) {
        let mut cache = PieceCache::default();
        let before = SourceFile { path: "spec.md".into(), text: text.clone() };
        let _ = cache.parse(&before);
        let after = SourceFile { path: "spec.md".into(), text: apply(&text, &edits) };
        let (parsed, diags, _) = cache.parse(&after);
        let pieced = (format!("{parsed:#?}"), diags.iter().cloned().collect::<Vec<_>>());
        prop_assert_eq!(whole(&after), pieced);
    }
}
