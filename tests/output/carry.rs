//! A rebuild replaces what the manifest lists and keeps every other file of
//! the output folder: the user's files, `.git` (folder or worktree file).

use super::*;

#[test]
fn the_manifest_names_every_file_the_build_wrote_in_order() {
    let (_tmp, _proj, out) = sample_site();
    let listed = manifest(&out);
    let mut sorted = listed.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(listed, sorted, "sorted, no duplicates");
    let written: Vec<String> = tree(&out).into_keys().filter(|p| p != MARKER).collect();
    assert_eq!(listed, written);
    assert!(listed.iter().any(|p| p == "index.html"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode(&out.join(MARKER)),
            mode(&out.join("index.html")),
            "the marker is as readable as the pages"
        );
    }
}

#[test]
fn a_rebuild_keeps_every_file_specbook_did_not_write() {
    let (_tmp, proj, out) = sample_site();
    let first = manifest(&out);
    let user: &[(&str, &[u8])] = &[
        ("CNAME", b"spec.example.org\n"),
        ("downloads/spec.pdf", b"%PDF-1.7 not really\n"),
        ("static/extra.js", b"console.log('mine')\n"),
        (".git/HEAD", b"ref: refs/heads/gh-pages\n"),
        (".git/objects/ab/cdef0123", b"\x78\x01blob"),
    ];
    for (rel, bytes) in user {
        write(&out.join(rel), bytes);
    }
    std::fs::create_dir_all(out.join("downloads/empty")).unwrap();
    // The next build drops a chapter, so some pages of the first are stale.
    std::fs::remove_file(proj.join("content/05-multilingual.md")).unwrap();
    let run = build_to(&proj, &out);
    assert_built(&run);
    let after = tree(&out);
    for (rel, bytes) in user {
        assert_eq!(after.get(*rel).map(Vec::as_slice), Some(*bytes), "{rel}");
    }
    assert_eq!(
        after.get("downloads/empty").map(Vec::as_slice),
        Some(&b"/"[..])
    );
    let second = manifest(&out);
    let stale: Vec<&String> = first.iter().filter(|p| !second.contains(p)).collect();
    assert!(!stale.is_empty(), "the smaller spec drops some pages");
    for page in stale {
        assert!(!after.contains_key(page), "stale page `{page}` is removed");
    }
    // Every file is the build's, the marker, or one of the user's.
    for rel in after.keys() {
        assert!(
            rel == MARKER
                || second.contains(rel)
                || user.iter().any(|(u, _)| u == rel)
                || rel == "downloads/empty",
            "unexpected `{rel}`"
        );
    }
    assert!(second.iter().all(|p| !p.starts_with(".git")));
    assert!(!second.contains(&"CNAME".to_owned()));
    assert!(leftovers(out.parent().unwrap()).is_empty());
}

#[test]
fn a_git_file_of_a_worktree_is_kept() {
    let (_tmp, proj, out) = sample_site();
    let gitfile = b"gitdir: /home/me/spec/.git/worktrees/site\n";
    write(&out.join(".git"), gitfile);
    assert_built(&build_to(&proj, &out));
    assert_eq!(std::fs::read(out.join(".git")).unwrap(), gitfile);
    assert!(out.join("index.html").is_file());
}

#[test]
fn a_marker_without_a_manifest_keeps_every_file_it_cannot_vouch_for() {
    let (_tmp, proj, out) = sample_site();
    // What an older specbook wrote: a marker that lists nothing.
    std::fs::write(
        out.join(MARKER),
        "This folder was written by specbook; `specbook build` may replace it.\n",
    )
    .unwrap();
    write(&out.join("old-page.html"), b"<p>from long ago</p>");
    let run = build_to(&proj, &out);
    assert_built(&run);
    assert_eq!(
        std::fs::read(out.join("old-page.html")).unwrap(),
        b"<p>from long ago</p>"
    );
    let err = text(&run.stderr);
    assert!(
        err.contains("warning:") && err.contains("older specbook"),
        "{err}"
    );
    assert!(!manifest(&out).contains(&"old-page.html".to_owned()));
}

#[cfg(unix)]
#[test]
fn an_output_folder_that_is_a_symlink_stays_one() {
    let (tmp, proj, real) = sample_site();
    write(&real.join("CNAME"), b"spec.example.org\n");
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    assert_built(&build_to(&proj, &link));
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert!(real.join("index.html").is_file());
    assert_eq!(
        std::fs::read(real.join("CNAME")).unwrap(),
        b"spec.example.org\n"
    );
    assert!(leftovers(tmp.path()).is_empty());
}
