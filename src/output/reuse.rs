//! A rebuild keeps the files that did not change: a file the previous site
//! holds with the same bytes is hard-linked into the staging folder instead
//! of written again, as `rsync --link-dest` does.
//!
//! Why: creating a file costs the file system far more than linking one
//! (an inode to allocate; on ext4 without a journal, a scan past every
//! recently freed inode), and a rebuild after a small edit writes the same
//! bytes again for nearly every file. A kept file also keeps its
//! modification time, so `rsync` and HTTP caches see only what changed.
//!
//! Safety: only files the previous site's manifest names are linked, only
//! regular files, and only when their bytes are the new file's; a build
//! never writes into a file in place, so a link shared with the previous
//! site is never changed through it. Where linking fails (a file system
//! without hard links), the file is written as usual.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// The previous site a build may keep files from.
#[derive(Debug)]
pub struct Previous {
    pub dir: PathBuf,
    /// The files specbook wrote there (its manifest).
    pub files: std::collections::BTreeSet<String>,
}

impl Previous {
    /// The previous site's file at `rel` when it is one of specbook's,
    /// a regular file of `len` bytes.
    fn candidate(&self, rel: &str, len: Option<u64>) -> Option<PathBuf> {
        if !self.files.contains(rel) || super::manifest::is_git(rel) {
            return None;
        }
        let path = self.dir.join(rel);
        let meta = std::fs::symlink_metadata(&path).ok()?;
        (meta.is_file() && len.is_none_or(|n| meta.len() == n)).then_some(path)
    }

    /// Links the previous site's `rel` to `dest` when it holds `bytes`;
    /// whether it did.
    pub fn keep(&self, rel: &str, bytes: &[u8], dest: &Path) -> bool {
        let Some(old) = self.candidate(rel, Some(bytes.len() as u64)) else {
            return false;
        };
        same_bytes(&old, bytes) && std::fs::hard_link(&old, dest).is_ok()
    }

    /// A writer for a file made piece by piece: it compares what it is
    /// given with the previous site's file and writes a file of its own
    /// only from the first difference on (the equal start copied over).
    pub fn writer(&self, rel: &str, dest: &Path) -> io::Result<KeepOrWrite> {
        let state = match self
            .candidate(rel, None)
            .and_then(|old| File::open(&old).ok().map(|f| (old, f)))
        {
            Some((old, file)) => State::Comparing {
                old,
                reader: BufReader::with_capacity(1 << 16, file),
                equal: 0,
                scratch: Vec::new(),
            },
            None => State::Writing(new_file(dest)?),
        };
        Ok(KeepOrWrite {
            dest: dest.to_path_buf(),
            state,
        })
    }
}

/// Whether the file at `path` holds exactly `bytes`, read a block at a
/// time (a page of a large spec runs to tens of megabytes, and the new one
/// is in memory already).
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    let Ok(mut file) = File::open(path) else {
        return false;
    };
    let mut block = vec![0u8; 1 << 16];
    let mut rest = bytes;
    loop {
        let n = match file.read(&mut block) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return false,
        };
        if n == 0 {
            return rest.is_empty();
        }
        match rest.split_at_checked(n) {
            Some((head, tail)) if head == &block[..n] => rest = tail,
            _ => return false,
        }
    }
}

/// A file being made new, with a large buffer (downloads run to megabytes).
fn new_file(dest: &Path) -> io::Result<BufWriter<File>> {
    Ok(BufWriter::with_capacity(1 << 18, File::create(dest)?))
}

/// See [`Previous::writer`].
pub struct KeepOrWrite {
    dest: PathBuf,
    state: State,
}

enum State {
    /// Every byte so far equals the previous file's first `equal` bytes.
    Comparing {
        old: PathBuf,
        reader: BufReader<File>,
        equal: u64,
        scratch: Vec<u8>,
    },
    Writing(BufWriter<File>),
}

impl KeepOrWrite {
    /// From comparing to writing: the new file starts with the `equal`
    /// bytes it shares with the old one.
    fn diverge(&mut self) -> io::Result<&mut BufWriter<File>> {
        if let State::Comparing { old, equal, .. } = &self.state {
            let mut file = new_file(&self.dest)?;
            let copied = io::copy(&mut File::open(old)?.take(*equal), &mut file)?;
            if copied != *equal {
                return Err(io::Error::other(format!(
                    "`{}` changed while the build read it",
                    old.display()
                )));
            }
            self.state = State::Writing(file);
        }
        match &mut self.state {
            State::Writing(file) => Ok(file),
            State::Comparing { .. } => unreachable!("just replaced"),
        }
    }

    /// Ends the file: links the old one when every byte was the same and
    /// nothing is left of it, else flushes the new one.
    pub fn finish(mut self) -> io::Result<()> {
        if let State::Comparing { old, reader, .. } = &mut self.state {
            let mut rest = [0u8; 1];
            let ended = matches!(reader.read(&mut rest), Ok(0));
            if ended && std::fs::hard_link(&*old, &self.dest).is_ok() {
                return Ok(());
            }
        }
        self.diverge()?.flush()
    }
}

impl Write for KeepOrWrite {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let State::Comparing {
            reader,
            equal,
            scratch,
            ..
        } = &mut self.state
        {
            scratch.resize(buf.len(), 0);
            if reader.read_exact(scratch).is_ok() && scratch[..] == *buf {
                *equal += buf.len() as u64;
                return Ok(buf.len());
            }
        }
        self.diverge()?.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.state {
            State::Writing(file) => file.flush(),
            State::Comparing { .. } => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(unix)]
    use std::os::unix::fs::MetadataExt;

    fn previous(dir: &Path, files: &[(&str, &str)]) -> Previous {
        for (rel, text) in files {
            std::fs::write(dir.join(rel), text).unwrap();
        }
        Previous {
            dir: dir.to_path_buf(),
            files: files.iter().map(|(r, _)| r.to_string()).collect(),
        }
    }

    #[cfg(unix)]
    fn same_file(a: &Path, b: &Path) -> bool {
        let (a, b) = (std::fs::metadata(a).unwrap(), std::fs::metadata(b).unwrap());
        (a.dev(), a.ino()) == (b.dev(), b.ino())
    }

    /// A temporary folder holding an `old` site and a `new` one.
    fn sites() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let (old, new) = (tmp.path().join("old"), tmp.path().join("new"));
        std::fs::create_dir_all(&old).unwrap();
        std::fs::create_dir_all(&new).unwrap();
        (tmp, old, new)
    }

    #[test]
    fn an_unchanged_file_is_linked_and_a_changed_one_written() {
        let (_tmp, old, new) = sites();
        std::fs::write(old.join("user.html"), "same").unwrap();
        let prev = previous(&old, &[("a.html", "same"), ("b.html", "before")]);
        assert!(prev.keep("a.html", b"same", &new.join("a.html")));
        assert!(!prev.keep("b.html", b"after!", &new.join("b.html")));
        assert!(!prev.keep("b.html", b"beforf", &new.join("b.html")));
        // Not in the manifest: the user's, never linked.
        assert!(!prev.keep("user.html", b"same", &new.join("user.html")));
        #[cfg(unix)]
        assert!(same_file(&old.join("a.html"), &new.join("a.html")));
        assert!(!new.join("b.html").exists());
    }

    /// Writes `pieces` through a `KeepOrWrite`, returns the file's text.
    fn stream(prev: &Previous, rel: &str, dest: &Path, pieces: &[&str]) -> String {
        let mut w = prev.writer(rel, dest).unwrap();
        for p in pieces {
            w.write_all(p.as_bytes()).unwrap();
        }
        w.finish().unwrap();
        std::fs::read_to_string(dest).unwrap()
    }

    #[test]
    fn a_streamed_file_is_linked_when_equal_and_written_from_where_it_differs() {
        let (_tmp, old, new) = sites();
        let prev = previous(
            &old,
            &[
                ("same.jsonl", "one\ntwo\n"),
                ("mid.jsonl", "one\ntwo\n"),
                ("longer.jsonl", "one\n"),
                ("shorter.jsonl", "one\ntwo\nthree\n"),
            ],
        );
        let at = |n: &str| new.join(n);
        assert_eq!(
            stream(&prev, "same.jsonl", &at("same.jsonl"), &["one\n", "two\n"]),
            "one\ntwo\n"
        );
        #[cfg(unix)]
        assert!(same_file(&old.join("same.jsonl"), &at("same.jsonl")));
        assert_eq!(
            stream(&prev, "mid.jsonl", &at("mid.jsonl"), &["one\n", "TWO\n"]),
            "one\nTWO\n"
        );
        assert_eq!(
            stream(
                &prev,
                "longer.jsonl",
                &at("longer.jsonl"),
                &["one\n", "two\n"]
            ),
            "one\ntwo\n"
        );
        assert_eq!(
            stream(
                &prev,
                "shorter.jsonl",
                &at("shorter.jsonl"),
                &["one\ntwo\n"]
            ),
            "one\ntwo\n"
        );
        assert_eq!(
            stream(&prev, "fresh.jsonl", &at("fresh.jsonl"), &["x", "y"]),
            "xy"
        );
        // The previous site is untouched.
        assert_eq!(
            std::fs::read_to_string(old.join("shorter.jsonl")).unwrap(),
            "one\ntwo\nthree\n"
        );
        #[cfg(unix)]
        for n in ["mid.jsonl", "longer.jsonl", "shorter.jsonl"] {
            assert!(!same_file(&old.join(n), &at(n)), "{n}");
        }
    }
}
