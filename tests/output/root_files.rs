//! `static/root/` files land at the site's root; a user file at a path the
//! build now writes gives way, with a warning.

use super::*;

#[test]
fn static_root_files_land_at_the_site_root_verbatim() {
    let tmp = tempfile::tempdir().unwrap();
    let proj = tmp.path().join("proj");
    copy_sample_project(&proj);
    let root: &[(&str, &[u8])] = &[
        ("CNAME", b"spec.example.org"),
        (".nojekyll", b""),
        ("_redirects", b"/old/*  /:splat  301\r\n"),
        (
            ".well-known/security.txt",
            b"Contact: mailto:sec@example.org\n",
        ),
    ];
    for (rel, bytes) in root {
        write(&proj.join("static/root").join(rel), bytes);
    }
    let out = tmp.path().join("site");
    assert_built(&build_to(&proj, &out));
    let site = tree(&out);
    let listed = manifest(&out);
    for (rel, bytes) in root {
        assert_eq!(site.get(*rel).map(Vec::as_slice), Some(*bytes), "{rel}");
        assert!(listed.contains(&(*rel).to_owned()), "{rel} in the manifest");
    }
    assert!(site.keys().all(|p| !p.starts_with("static/root")));
    assert!(site.contains_key("static/style.css"));
    // The same project gives the same bytes, manifest included.
    let again = tmp.path().join("again");
    assert_built(&build_to(&proj, &again));
    assert_eq!(tree(&again), site);
}

#[test]
fn a_root_file_that_would_replace_a_page_is_refused() {
    let (tmp, proj, out) = sample_site();
    let before = tree(&out);
    write(&proj.join("static/root/index.html"), b"<p>mine</p>");
    let run = build_to(&proj, &out);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run.stderr));
    let err = text(&run.stderr);
    assert!(
        err.contains("static/root") && err.contains("index.html"),
        "{err}"
    );
    assert_eq!(tree(&out), before);
    assert!(leftovers(tmp.path()).is_empty());
}

#[test]
fn a_user_file_at_a_path_the_build_now_writes_is_replaced_with_a_warning() {
    let (_tmp, proj, out) = sample_site();
    write(&out.join("CNAME"), b"old.example.org\n");
    write(&proj.join("static/root/CNAME"), b"spec.example.org\n");
    let run = build_to(&proj, &out);
    assert_built(&run);
    assert_eq!(
        std::fs::read(out.join("CNAME")).unwrap(),
        b"spec.example.org\n"
    );
    let err = text(&run.stderr);
    assert!(
        err.contains("warning:") && err.contains("`CNAME`"),
        "says which user file the build replaced: {err}"
    );
    assert!(manifest(&out).contains(&"CNAME".to_owned()));
    // Now the build's own: once the project drops it, so does the site.
    std::fs::remove_file(proj.join("static/root/CNAME")).unwrap();
    let run = build_to(&proj, &out);
    assert_built(&run);
    assert!(!out.join("CNAME").exists());
    assert!(
        !text(&run.stderr).contains("warning:"),
        "{}",
        text(&run.stderr)
    );
}

#[test]
fn user_files_the_new_site_leaves_no_room_for_are_kept_beside_it() {
    let (tmp, proj, out) = sample_site();
    write(&out.join("CNAME/notes.txt"), b"a folder, oddly named");
    write(&proj.join("static/root/CNAME"), b"spec.example.org\n");
    let run = build_to(&proj, &out);
    assert_built(&run);
    let err = text(&run.stderr);
    let kept = tmp.path().join("site.specbook-kept-1");
    assert!(
        err.contains("warning:") && err.contains(&kept.display().to_string()),
        "{err}"
    );
    assert_eq!(
        std::fs::read(kept.join("CNAME/notes.txt")).unwrap(),
        b"a folder, oddly named"
    );
    assert_eq!(
        std::fs::read(out.join("CNAME")).unwrap(),
        b"spec.example.org\n"
    );
}

#[test]
fn root_files_the_output_reserves_are_refused_all_at_once() {
    let (tmp, proj, out) = sample_site();
    let before = tree(&out);
    write(&proj.join("static/root/.specbook-site"), b"forged");
    write(&proj.join("static/root/.git/config"), b"[core]\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/hostname", proj.join("static/root/CNAME")).unwrap();
    let run = build_to(&proj, &out);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run.stderr));
    let err = text(&run.stderr);
    let mut named = vec!["static/root/.specbook-site", "static/root/.git/config"];
    if cfg!(unix) {
        named.push("static/root/CNAME");
    }
    for path in named {
        assert!(err.contains(&format!("`{path}`")), "names {path}: {err}");
    }
    assert_eq!(tree(&out), before);
    assert!(leftovers(tmp.path()).is_empty());
}
