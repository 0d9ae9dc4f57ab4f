//! `specbook check` on broken specs: one problem each (and one with many),
//! each diagnostic checked for message, file, line, column and exit code.
//! Every fixture folder holds an `EXPECTED` file listing its diagnostics as
//! `SEVERITY FILE:LINE:COL: description`.

mod common;

use common::*;

/// (severity, file:line:col) of every diagnostic line printed.
fn printed(stderr: &str) -> Vec<(String, String)> {
    stderr
        .lines()
        .filter_map(|l| {
            let (place, rest) = l.split_once(": ")?;
            let sev = rest.split_once(':')?.0;
            (matches!(sev, "error" | "warning") && place.matches(':').count() == 2)
                .then(|| (sev.to_owned(), place.to_owned()))
        })
        .collect()
}

fn expected(case: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(fixture("invalid").join(case).join("EXPECTED")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter(|l| !l.contains("a parser may additionally report"))
        .map(|l| {
            let (sev, rest) = l.split_once(' ').unwrap();
            let place = rest.split(": ").next().unwrap();
            (sev.to_owned(), place.to_owned())
        })
        .collect()
}

fn check_case(case: &str) -> (String, i32) {
    let out = specbook(&["check", fixture("invalid").join(case).to_str().unwrap()]);
    (text(&out.stderr), out.status.code().unwrap())
}

/// Checks the locations against EXPECTED, the exit code, and snapshots the
/// full report so message wording changes show up as reviewed diffs.
fn assert_case(case: &str, exit: i32) {
    let (stderr, code) = check_case(case);
    let got = printed(&stderr);
    for want in expected(case) {
        assert!(
            got.contains(&want),
            "{case}: expected {want:?} in:\n{stderr}"
        );
    }
    assert_eq!(code, exit, "{case}: exit code; stderr:\n{stderr}");
    let root = fixture("invalid").join(case);
    let report = stderr.replace(&format!("{}/", root.display()), "");
    insta::assert_snapshot!(case, report);
}

#[test]
fn unknown_ref() {
    assert_case("unknown_ref", 1);
}
#[test]
fn unknown_ref_in_link() {
    assert_case("unknown_ref_in_link", 1);
}
#[test]
fn unknown_verdict_ref() {
    assert_case("unknown_verdict_ref", 1);
}
#[test]
fn duplicate_id() {
    assert_case("duplicate_id", 1);
}
#[test]
fn unbalanced_example() {
    assert_case("unbalanced_example", 1);
}
#[test]
fn misnested_example() {
    assert_case("misnested_example", 1);
}
#[test]
fn verdict_outside_assistant() {
    assert_case("verdict_outside_assistant", 1);
}
#[test]
fn not_utf8() {
    assert_case("not_utf8", 1);
}
#[test]
fn unclosed_fence() {
    assert_case("unclosed_fence", 1);
}
#[test]
fn unknown_authority_is_a_warning() {
    assert_case("unknown_authority", 0);
}
#[test]
fn unknown_tag_is_a_warning() {
    assert_case("unknown_tag", 0);
}
#[test]
fn missing_eval_file_is_a_warning() {
    assert_case("missing_eval_file", 0);
}
#[test]
fn uncited_eval_file_is_a_warning() {
    assert_case("uncited_eval_file", 0);
}
#[test]
fn heading_without_id_is_a_warning() {
    assert_case("heading_without_id", 0);
}
#[test]
fn unknown_role_is_a_warning() {
    assert_case("unknown_role", 0);
}
#[test]
fn many_problems_all_reported_in_one_run() {
    assert_case("many_problems", 1);
    let (stderr, _) = check_case("many_problems");
    assert_eq!(
        printed(&stderr).len(),
        expected("many_problems").len(),
        "{stderr}"
    );
    assert!(
        stderr.trim_end().ends_with("3 errors, 6 warnings"),
        "{stderr}"
    );
}

#[test]
fn deny_warnings_fails_on_warnings() {
    let dir = fixture("invalid").join("unknown_tag");
    let out = specbook(&["check", "--deny-warnings", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn diagnostics_show_the_source_line_and_a_caret() {
    let (stderr, _) = check_case("unknown_ref");
    let lines: Vec<&str> = stderr.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.contains("error: reference to unknown section"))
        .unwrap();
    assert!(lines[i + 2].contains("[?](#no_such_rule)"), "{stderr}");
    let col: usize = lines[i].split(':').nth(2).unwrap().parse().unwrap();
    let gutter = lines[i + 2].find('|').unwrap() + 2;
    assert_eq!(
        lines[i + 3].find('^').unwrap(),
        gutter + col - 1,
        "caret under the column:\n{stderr}"
    );
    assert!(!stderr.contains('\u{1b}'), "no colour codes when piped");
}

#[test]
fn usage_and_io_errors_exit_2() {
    let out = specbook(&["check", "/nonexistent/specbook/dir"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("error:"));
    let out = specbook(&["check", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sample_content_is_clean() {
    let out = specbook(&["check", "--deny-warnings", repo().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("0 errors, 0 warnings"));
}

#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn real_corpus_has_no_errors() {
    let out = specbook(&["check", corpus().to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // FORMAT.md: four cited labels have no file, two files are cited nowhere.
    assert!(
        stderr.contains(
            "check passed: 80 sections, 183 examples, 114 eval files; 0 errors, 6 warnings"
        ),
        "{stderr}"
    );
    for label in ["d0pu", "rse0", "h82a", "t5q0"] {
        assert!(
            stderr.contains(&format!("footnote `[^{label}]` names an eval-prompt file")),
            "{label}"
        );
    }
    for label in ["91ld", "lds1"] {
        assert!(
            stderr.contains(&format!(
                "examples/{label}.md:1:1: warning: eval-prompt file is not cited"
            )),
            "{label}"
        );
    }
}

/// Every release of the corpus (not only the newest) checks without errors.
#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_every_release_checks_without_errors() {
    for release in corpus_releases() {
        let out = specbook(&["check", release.to_str().unwrap()]);
        let stderr = text(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}:\n{stderr}",
            release.display()
        );
        assert!(
            stderr.contains("check passed: ") && stderr.contains(" 0 errors, "),
            "{}:\n{stderr}",
            release.display()
        );
    }
}

/// Every file of every release parses piece by piece (as builds and
/// `serve` parse it) exactly as it parses whole; and after an edit in the
/// middle of the spec, the pieces kept give the edited file parsed whole.
#[test]
#[ignore = "needs the Model Spec corpus (../shared/corpus or $SPECBOOK_CORPUS)"]
fn corpus_files_parse_in_pieces_as_they_parse_whole() {
    use specbook::diag::Diagnostics;
    use specbook::model::SourceFile;
    use specbook::parse::parse_file;
    use specbook::parse::pieces::PieceCache;
    let whole = |f: &SourceFile| {
        let mut d = Diagnostics::new();
        let p = parse_file(f, &mut d);
        (format!("{p:#?}"), d.iter().cloned().collect::<Vec<_>>())
    };
    let mut files = 0;
    for release in corpus_releases() {
        let mut paths = vec![release.join("model_spec.md")];
        let mut evals: Vec<_> = std::fs::read_dir(release.join("examples"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        evals.sort();
        paths.extend(evals);
        for path in paths {
            let f = SourceFile {
                path: path.display().to_string(),
                text: std::fs::read_to_string(&path).unwrap(),
            };
            let mut cache = PieceCache::default();
            let (p, d, _) = cache.parse(&f);
            assert!(
                whole(&f) == (format!("{p:#?}"), d.iter().cloned().collect()),
                "{}",
                f.path
            );
            files += 1;
            if !path.ends_with("model_spec.md") {
                continue;
            }
            // An edit halfway down: a line added to a paragraph.
            let mid = f.text[f.text.len() / 2..].find("\n\n").unwrap() + f.text.len() / 2;
            let edited = SourceFile {
                text: format!("{}\nOne more line.{}", &f.text[..mid], &f.text[mid..]),
                ..f
            };
            let (p, d, n) = cache.parse(&edited);
            // The edited piece, and again joined with the next where it
            // ends inside a block (a code block with `# comment` lines).
            assert!(
                (1..=3).contains(&n),
                "{n} pieces parsed again: {}",
                edited.path
            );
            assert!(
                whole(&edited) == (format!("{p:#?}"), d.iter().cloned().collect()),
                "{}",
                edited.path
            );
        }
    }
    assert!(files > 300, "{files} files");
}

#[test]
fn help_explains_every_command() {
    let out = specbook(&["--help"]);
    let help = text(&out.stdout);
    for cmd in ["check", "export", "build"] {
        assert!(help.contains(cmd), "{help}");
    }
    let out = specbook(&["check", "--help"]);
    assert!(text(&out.stdout).contains("--deny-warnings"));
}

/// A project folder inside `parent` holding one spec with two broken
/// references, the second after curly quotes on its line.
fn broken_project(parent: &std::path::Path) -> std::path::PathBuf {
    let dir = parent.join("docs/spec");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("spec.md"),
        "# T {#t}\n\nSee [?](#missing), \u{201c}quoted\u{201d} then [?](#nope).\n",
    )
    .unwrap();
    dir
}

#[test]
fn check_format_json_gives_every_diagnostic_as_data() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = broken_project(tmp.path());
    let out = specbook(&[
        "check",
        dir.join("spec.md").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["passed"], false);
    assert_eq!(v["summary"]["errors"], 2);
    assert_eq!(
        v["diagnostics"],
        serde_json::json!([
            {"severity": "error", "file": "spec.md", "line": 3, "col": 5,
             "message": "reference to unknown section `#missing`"},
            {"severity": "error", "file": "spec.md", "line": 3, "col": 34,
             "message": "reference to unknown section `#nope`"}
        ])
    );
}

#[test]
fn check_format_github_annotates_lines_relative_to_the_working_directory() {
    let tmp = tempfile::tempdir().unwrap();
    broken_project(tmp.path());
    let out = specbook_in(
        tmp.path(),
        &["check", "docs/spec/spec.md", "--format", "github"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "::error file=docs/spec/spec.md,line=3,col=5,title=specbook::reference to unknown section `#missing`\n\
         ::error file=docs/spec/spec.md,line=3,col=34,title=specbook::reference to unknown section `#nope`\n"
    );
    // The summary stays on stderr, for the log.
    assert!(
        text(&out.stderr).contains("check failed"),
        "{}",
        text(&out.stderr)
    );
}
