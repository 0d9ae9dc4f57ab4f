//! Where outputs put the files they make. Every output writes through a
//! [`Sink`]: `build` stages files on disk (`output::Staging`), `serve` and
//! the tests keep them in memory ([`MemorySink`]).

use std::collections::BTreeMap;
use std::sync::Mutex;

use anyhow::Result;
use bytes::Bytes;

/// A site as relative path → bytes, sorted (deterministic). `Bytes`, so
/// serving a file or carrying it into the next build never copies it.
pub type SiteFiles = BTreeMap<String, Bytes>;

/// Takes files one at a time, from any rendering thread. Handing each file
/// over as soon as it is made keeps a large site out of memory and overlaps
/// writing with rendering.
pub trait Sink: Sync {
    /// `path` is relative to the site root, with `/` separators.
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<()>;

    /// [`Sink::put`] for bytes that may be shared (a page also kept in
    /// `serve`'s render cache): a sink that keeps `Bytes` takes them
    /// without a copy.
    fn put_bytes(&self, path: String, bytes: Bytes) -> Result<()> {
        self.put(path, Vec::from(bytes))
    }

    /// [`Sink::put`] for a file made of pieces (an eval download: one
    /// record per case, each shared by several files). A sink writing to
    /// disk streams them, so the file is never whole in memory.
    fn put_parts(&self, path: String, parts: &[&str]) -> Result<()> {
        self.put(path, parts.concat().into_bytes())
    }

    /// [`Sink::put`] for a file `write` makes piece by piece (`spec.json`,
    /// a whole-spec eval download): a sink writing to disk hands it the
    /// file, so a large file is never whole in memory.
    fn put_with(&self, path: String, write: &WriteFile<'_>) -> Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        self.put(path, bytes)
    }
}

/// What makes a file for [`Sink::put_with`].
pub type WriteFile<'a> = dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()> + Sync + 'a;

/// The in-memory sink: the whole site as a map.
#[derive(Debug, Default)]
pub struct MemorySink {
    files: Mutex<SiteFiles>,
}

impl MemorySink {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn into_files(self) -> SiteFiles {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemorySink {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<()> {
        self.files
            .lock()
            .map_err(|_| anyhow::anyhow!("a rendering thread panicked"))?
            .insert(path, Bytes::from(bytes));
        Ok(())
    }

    fn put_bytes(&self, path: String, bytes: Bytes) -> Result<()> {
        self.files
            .lock()
            .map_err(|_| anyhow::anyhow!("a rendering thread panicked"))?
            .insert(path, bytes);
        Ok(())
    }
}

/// A sink that puts every file under a folder of another sink: one
/// release of a versioned site under `<name>/`.
pub struct PrefixSink<'a> {
    inner: &'a dyn Sink,
    prefix: String,
}

impl<'a> PrefixSink<'a> {
    /// `prefix` ends with `/`.
    pub fn new(inner: &'a dyn Sink, prefix: &str) -> Self {
        Self {
            inner,
            prefix: prefix.to_owned(),
        }
    }
}

impl Sink for PrefixSink<'_> {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<()> {
        self.inner.put(format!("{}{path}", self.prefix), bytes)
    }

    fn put_bytes(&self, path: String, bytes: Bytes) -> Result<()> {
        self.inner
            .put_bytes(format!("{}{path}", self.prefix), bytes)
    }

    fn put_parts(&self, path: String, parts: &[&str]) -> Result<()> {
        self.inner
            .put_parts(format!("{}{path}", self.prefix), parts)
    }

    fn put_with(&self, path: String, write: &WriteFile<'_>) -> Result<()> {
        self.inner.put_with(format!("{}{path}", self.prefix), write)
    }
}
