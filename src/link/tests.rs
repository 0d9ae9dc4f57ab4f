//! Link-stage unit tests: locating references without rescanning, and ids
//! handed out in linear time.

use super::references::{SpanCursor, VerdictTargets};
use super::*;
use crate::model::{Level, Span};

/// The forward-only cursor gives exactly what `Span::line_col` computes
/// from the start, for offsets in order, out of order, and inside
/// multi-byte characters.
#[test]
fn span_cursor_agrees_with_line_col() {
    let span = Span::new("ab é\n\n[?](#x) 𝄞 [^f]\n\tz[x](#y)\n", 12, 4);
    let text = span.text.as_str();
    let mut cursor = SpanCursor::new("f.md", &span);
    let mut offsets: Vec<usize> = (0..=text.len())
        .filter(|&o| text.is_char_boundary(o))
        .collect();
    offsets.extend([20, 3, 0, 30]);
    for o in offsets {
        let at = cursor.at(o);
        assert_eq!((at.line, at.col), span.line_col(o), "offset {o}");
        assert_eq!(at.file, "f.md");
    }
    // Inside `é` (bytes 3..5): the character's own column.
    assert_eq!(cursor.at(4).col, span.line_col(3).1);
}

#[test]
fn verdict_targets_are_found_left_to_right() {
    let line = "<assistant a=\"#b\"> <!-- BAD[#a, #b, #a]: é -->";
    let mut t = VerdictTargets::new(Some(line));
    // `[#a` points at the bracket, the others at their `#`.
    assert_eq!(t.col_of("a"), Some(28));
    // The search goes on after `#a`: the `#b` in the attribute is passed.
    assert_eq!(t.col_of("b"), Some(33));
    assert_eq!(t.col_of("a"), Some(37));
    assert_eq!(t.col_of("zz"), None);
    assert_eq!(VerdictTargets::new(None).col_of("a"), None);
}

#[test]
fn example_ids_count_up_per_title() {
    let mut ids = ExampleIds::new(["ex-same".to_owned()]);
    let got: Vec<String> = (0..4).map(|_| ids.unique("ex", "Same", "s")).collect();
    assert_eq!(
        got,
        ["ex-same--s", "ex-same--s-2", "ex-same--s-3", "ex-same--s-4"]
    );
    // A title that spells a counted id takes it; the counter skips it.
    assert_eq!(ids.unique("ex", "Same s 5", "t"), "ex-same-s-5");
    assert_eq!(ids.unique("ex", "Same", "s"), "ex-same--s-5");
    assert_eq!(ids.unique("ex", "Same", "s"), "ex-same--s-6");
}

/// Links one file with `cfg`, returning the spec and the warnings.
fn link_text(cfg: &Config, text: &str) -> (Spec, Vec<String>) {
    let file = SourceFile {
        path: "spec.md".into(),
        text: text.into(),
    };
    let mut diags = Diagnostics::new();
    let parsed = crate::parse::parse_file(&file, &mut diags);
    let lines = SourceLines::new([&file]);
    let spec = link(cfg, vec![parsed], Vec::new(), &lines, &mut diags);
    let messages = diags.sorted().iter().map(|d| d.to_string()).collect();
    (spec, messages)
}

fn single_file_config() -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("spec.md");
    std::fs::write(&file, "").unwrap();
    let cfg = Config::discover(&file, &mut Diagnostics::new()).unwrap();
    (dir, cfg)
}

const LEVELS_SPEC: &str = "# A {#a}\n\n## B {#b authority=platform}\n\n## C {#c authority=user}\n\n\
                           ## D {#d authority=supreme}\n\n# E {#e authority=root}\n";

#[test]
fn authorities_are_ranked_by_the_default_scheme() {
    let (_dir, cfg) = single_file_config();
    let (spec, warnings) = link_text(&cfg, LEVELS_SPEC);
    let level = |id: &str| spec.section(id).unwrap().authority_level();
    // `platform`, the former name of `root`, ranks as root; shown as written.
    assert_eq!(level("b"), Some(Level(0)));
    assert_eq!(level("e"), Some(Level(0)));
    assert_eq!(level("c"), Some(Level(3)));
    assert_eq!(level("d"), None);
    assert_eq!(
        spec.section("b").unwrap().authority_written(),
        Some("platform")
    );
    // Aggregation ranks by level: the platform child is the top one.
    let (top, distinct) = spec.aggregated_authority(0).unwrap();
    assert_eq!(
        (top.written.as_str(), top.label().as_str(), distinct),
        ("platform", "Platform", 2)
    );
    // The legend names each level as the spec first writes it.
    let labels: Vec<(&str, &str)> = spec
        .levels
        .iter()
        .map(|l| (l.name.as_str(), l.label.as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            ("root", "Platform"),
            ("system", "System"),
            ("developer", "Developer"),
            ("user", "User"),
            ("guideline", "Guideline")
        ]
    );
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with(
            "spec.md:7:10: warning: unknown authority `supreme` (expected root, system, developer, user, guideline or platform)"
        ),
        "{warnings:?}"
    );
}

#[test]
fn a_configured_scheme_ranks_its_own_levels_and_aliases() {
    let (_dir, mut cfg) = single_file_config();
    let table: crate::authority::SchemeToml =
        toml::from_str("levels = [\"law\", \"policy\"]\naliases = { rule = \"policy\" }\n")
            .unwrap();
    cfg.authority = Scheme::from_toml(table).unwrap();
    let (spec, warnings) = link_text(
        &cfg,
        "# A {#a authority=rule}\n\n# B {#b authority=law}\n\n# C {#c authority=root}\n",
    );
    let level = |id: &str| spec.section(id).unwrap().authority_level();
    assert_eq!(
        (level("a"), level("b"), level("c")),
        (Some(Level(1)), Some(Level(0)), None)
    );
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with(
            "spec.md:5:9: warning: unknown authority `root` (expected law, policy or rule)"
        ),
        "{warnings:?}"
    );
}
