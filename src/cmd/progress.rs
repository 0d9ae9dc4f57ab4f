//! The one line a long build shows on a terminal: which release it is
//! writing and how many files are done, redrawn a few times a second once
//! the build has run past a second. Piped, or under CI (`$CI`), it shows
//! nothing: the summary line says it all.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Result;
use bytes::Bytes;

use crate::sink::Sink;

#[derive(Default)]
struct State {
    files: AtomicUsize,
    /// (release number from 1, releases, name)
    release: Mutex<(usize, usize, String)>,
    stop: AtomicBool,
}

/// A progress line, drawn by its own thread until [`Progress::done`].
pub struct Progress {
    state: Arc<State>,
    ticker: Option<JoinHandle<bool>>,
}

impl Progress {
    /// Starts drawing (on a terminal only) once `start` is a second old.
    pub fn start(start: Instant) -> Self {
        let state = Arc::new(State::default());
        let on = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let ticker = on.then(|| {
            let state = state.clone();
            std::thread::spawn(move || {
                let mut shown = false;
                while !state.stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(200));
                    if start.elapsed() < Duration::from_secs(1) {
                        continue;
                    }
                    let files = state.files.load(Ordering::Relaxed);
                    let line = match &*state.release.lock().unwrap_or_else(|e| e.into_inner()) {
                        (i, n, name) if *n > 1 => {
                            format!("building release {i}/{n} ({name}): {files} files written")
                        }
                        _ => format!("building: {files} files written"),
                    };
                    eprint!("\r\x1b[2K{line}");
                    shown = true;
                }
                shown
            })
        });
        Self { state, ticker }
    }

    /// The pipeline is writing release `i` (from 0) of `n`.
    pub fn release(&self, i: usize, n: usize, name: &str) {
        *self.state.release.lock().unwrap_or_else(|e| e.into_inner()) = (i + 1, n, name.to_owned());
    }

    /// Wraps a sink so that the files put into it are counted.
    pub fn counting<S: Sink>(&self, inner: S) -> Counting<S> {
        Counting {
            inner,
            state: self.state.clone(),
        }
    }

    /// Stops drawing and clears the line.
    pub fn done(mut self) {
        self.state.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.ticker.take()
            && t.join().unwrap_or(false)
        {
            eprint!("\r\x1b[2K");
        }
    }
}

/// A sink that counts the files put into it for a [`Progress`].
pub struct Counting<S> {
    pub inner: S,
    state: Arc<State>,
}

impl<S: Sink> Sink for Counting<S> {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<()> {
        self.state.files.fetch_add(1, Ordering::Relaxed);
        self.inner.put(path, bytes)
    }

    fn put_bytes(&self, path: String, bytes: Bytes) -> Result<()> {
        self.state.files.fetch_add(1, Ordering::Relaxed);
        self.inner.put_bytes(path, bytes)
    }

    fn put_parts(&self, path: String, parts: &[&str]) -> Result<()> {
        self.state.files.fetch_add(1, Ordering::Relaxed);
        self.inner.put_parts(path, parts)
    }

    fn put_with(&self, path: String, write: &crate::sink::WriteFile<'_>) -> Result<()> {
        self.state.files.fetch_add(1, Ordering::Relaxed);
        self.inner.put_with(path, write)
    }
}
