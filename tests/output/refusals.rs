//! Output folders a build refuses: ones holding the project's sources, and
//! (without `--force`) ones holding files specbook did not write.

use super::*;

#[test]
fn output_folders_that_hold_sources_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("proj");
    copy_sample_project(&proj);
    std::fs::create_dir_all(proj.join("static")).unwrap();
    let other = tmp.path().join("other");
    write(&other.join("book.toml"), b"[book]\ntitle = \"Another\"\n");
    let cases: &[(PathBuf, &str)] = &[
        (proj.join("content"), "content folder"),
        (proj.clone(), "project folder"),
        (proj.join("."), "project folder"),
        (tmp.path().to_path_buf(), "contains the project"),
        (other.clone(), "book.toml"),
        (proj.join("evals"), "spec sources"),
        (proj.join("static/site"), "static"),
    ];
    for (out, why) in cases {
        let before = tree(tmp.path());
        let run = build_to(&proj, out);
        let err = text(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{}: {err}", out.display());
        assert!(
            err.contains("refusing") && err.contains(why),
            "{} should be refused ({why}): {err}",
            out.display()
        );
        assert_eq!(tree(tmp.path()), before, "{}", out.display());
    }
    // The same through book.toml's build-dir.
    let toml = std::fs::read_to_string(proj.join("book.toml")).unwrap();
    std::fs::write(
        proj.join("book.toml"),
        toml.replace("build-dir = \"book\"", "build-dir = \"content\""),
    )
    .unwrap();
    let before = tree(tmp.path());
    let run = specbook(&["build", proj.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run.stderr));
    assert!(text(&run.stderr).contains("content folder"));
    assert_eq!(tree(tmp.path()), before);
}

#[test]
fn a_build_folder_inside_the_sources_is_never_read_as_source() {
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("proj");
    copy_sample_project(&proj);
    let toml = std::fs::read_to_string(proj.join("book.toml")).unwrap();
    std::fs::write(
        proj.join("book.toml"),
        toml.replace("src = \"content\"", "src = \".\""),
    )
    .unwrap();
    assert_built(&specbook(&["build", proj.to_str().unwrap()]));
    let book = proj.join("book");
    assert!(book.join("index.html").is_file());
    // A markdown file in the site (a user's download) is not a source: were
    // it read, its duplicate id would fail the build.
    let dup = b"# Again {#chain_of_command}\n\nNot part of the spec.\n";
    write(&book.join("downloads/notes.md"), dup);
    let check = specbook(&["check", proj.to_str().unwrap()]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    assert_built(&specbook(&["build", proj.to_str().unwrap()]));
    assert_eq!(std::fs::read(book.join("downloads/notes.md")).unwrap(), dup);
    // Nor is another specbook site under the sources, given with -o.
    let site = proj.join("site2");
    assert_built(&build_to(&proj, &site));
    write(&site.join("notes.md"), dup);
    assert_built(&build_to(&proj, &site));
    assert!(site.join("notes.md").is_file());
}

#[test]
fn a_foreign_folder_needs_force_and_force_keeps_its_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("precious");
    write(&out.join("thesis.txt"), b"do not delete");
    write(&out.join("notes/a.txt"), b"mine too");
    write(&out.join("index.html"), b"<p>my old homepage</p>");
    let before = tree(&out);
    let run = build_to(&repo(), &out);
    assert_eq!(run.status.code(), Some(2));
    let err = text(&run.stderr);
    assert!(err.contains("refusing") && err.contains("--force"), "{err}");
    assert_eq!(tree(&out), before);
    let run = build_args(&repo(), &out, &["--force"]);
    assert_built(&run);
    let err = text(&run.stderr);
    assert!(
        err.contains("warning:") && err.contains("`index.html`"),
        "{err}"
    );
    let after = tree(&out);
    assert_eq!(after["thesis.txt"], b"do not delete");
    assert_eq!(after["notes/a.txt"], b"mine too");
    assert_ne!(after["index.html"], b"<p>my old homepage</p>");
    let listed = manifest(&out);
    assert!(listed.contains(&"index.html".to_owned()));
    assert!(
        !listed
            .iter()
            .any(|p| p == "thesis.txt" || p.starts_with("notes"))
    );
    // Adopted: later builds need no --force and still keep the user's files.
    assert_built(&build_to(&repo(), &out));
    assert_eq!(tree(&out)["thesis.txt"], b"do not delete");
    assert!(leftovers(tmp.path()).is_empty());
}
