//! A build that is killed, at any point, leaves the previous site intact,
//! and the next build clears what it left.

use super::*;

#[test]
fn stale_staging_folders_are_cleaned_but_not_a_running_builds() {
    let (tmp, proj, out) = sample_site();
    let stale = tmp.path().join(".site.specbook-tmp-stale1");
    write(&stale.join("index.html"), b"half a site");
    let busy = tmp.path().join(".site.specbook-tmp-busy");
    write(&busy.join("index.html"), b"being written");
    let someone_elses = tmp.path().join(".other.specbook-tmp-x");
    write(&someone_elses.join("index.html"), b"not this output's");
    // A build still running holds a lock on its staging folder.
    let lock = std::fs::File::open(&busy).unwrap();
    lock.lock().unwrap();
    assert_built(&build_to(&proj, &out));
    assert!(!stale.exists(), "a stale staging folder is removed");
    assert!(busy.join("index.html").is_file(), "a locked one is not");
    assert!(someone_elses.join("index.html").is_file());
    drop(lock);
}

#[test]
fn a_swap_interrupted_between_its_renames_is_recovered() {
    let (tmp, proj, out) = sample_site();
    write(&out.join("CNAME"), b"spec.example.org\n");
    // Where a build that moved the old site aside, and was killed before
    // moving the new one in, leaves it (where folders cannot be exchanged).
    let aside = tmp.path().join(".site.specbook-old-4242");
    std::fs::rename(&out, &aside).unwrap();
    let run = build_to(&proj, &out);
    assert_built(&run);
    assert!(
        text(&run.stderr).contains("restored"),
        "{}",
        text(&run.stderr)
    );
    assert_eq!(
        std::fs::read(out.join("CNAME")).unwrap(),
        b"spec.example.org\n"
    );
    assert!(out.join("index.html").is_file());
    assert!(leftovers(tmp.path()).is_empty());
}

/// A project with `copies` copies of the sample chapters, ids made distinct.
fn large_project(to: &Path, copies: usize) {
    copy_sample_project(to);
    let content = to.join("content");
    let chapters: Vec<PathBuf> = std::fs::read_dir(&content)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    for path in &chapters {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        for k in 1..=copies {
            let copy = text
                .replace("{#", &format!("{{#c{k}_"))
                .replace("(#", &format!("(#c{k}_"))
                .replace("[#", &format!("[#c{k}_"));
            std::fs::write(content.join(format!("c{k:03}-{name}")), copy).unwrap();
        }
        std::fs::remove_file(path).unwrap();
    }
}

#[cfg(unix)]
#[test]
fn kill_9_during_a_build_leaves_the_previous_site_intact() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let (tmp, _proj, out) = sample_site();
    write(&out.join("CNAME"), b"spec.example.org\n");
    write(&out.join(".git/HEAD"), b"ref: refs/heads/gh-pages\n");
    let big = tmp.path().join("big");
    large_project(&big, 50);
    let before = tree(&out);
    for delay_ms in [0, 40, 250] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_specbook"))
            .args(["build", big.to_str().unwrap(), "-o", out.to_str().unwrap()])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let staging_seen = || {
            leftovers(tmp.path())
                .iter()
                .any(|n| n.starts_with(".site.specbook-tmp-"))
        };
        while !staging_seen() {
            assert!(
                child.try_wait().unwrap().is_none(),
                "the build ended before its staging folder was seen"
            );
            assert!(started.elapsed() < Duration::from_secs(120));
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(delay_ms));
        assert!(
            child.try_wait().unwrap().is_none(),
            "the build ended before it was killed at {delay_ms} ms: generate a larger spec"
        );
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(
            tree(&out) == before,
            "killed at {delay_ms} ms: site changed"
        );
    }
    // A later build succeeds, keeps the user's files and clears the
    // staging folders the killed builds left.
    assert_built(&build_to(&big, &out));
    let after = tree(&out);
    assert_eq!(after["CNAME"], b"spec.example.org\n");
    assert_eq!(after[".git/HEAD"], b"ref: refs/heads/gh-pages\n");
    let names: BTreeSet<String> = leftovers(tmp.path()).into_iter().collect();
    assert!(names.is_empty(), "left behind: {names:?}");
}
