//! The search index under `serve`: built by the same function as in
//! `build`, right after each good build's pages are served, on a thread of
//! its own, so pages reload without waiting for it. Only the newest spec is
//! ever waiting: a burst of saves costs one index, not one per save.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use anyhow::{Context, Result};

use super::build::search_index;
use super::state::Shared;
use crate::pipeline::Loaded;
use crate::search::CachedSearchIndex;

/// The newest good build waiting to be indexed: its generation and spec.
type Slot = (Mutex<Option<(u64, Arc<Loaded>)>>, Condvar);

/// Hands the newest good build's spec to the indexing thread.
#[derive(Clone)]
pub struct Indexer {
    next: Arc<Slot>,
}

impl Indexer {
    /// Starts the indexing thread; `search` keeps what earlier indexes
    /// made (the first build's).
    pub fn spawn(shared: Arc<Shared>, search: CachedSearchIndex) -> Result<Indexer> {
        let next: Arc<Slot> = Arc::new((Mutex::new(None), Condvar::new()));
        let slot = Arc::clone(&next);
        std::thread::Builder::new()
            .name("specbook-search-index".into())
            .spawn(move || {
                loop {
                    let (generation, loaded) = {
                        let (lock, ready) = &*slot;
                        let mut next = lock.lock().expect("indexer lock");
                        loop {
                            if let Some(job) = next.take() {
                                break job;
                            }
                            next = ready.wait(next).expect("indexer lock");
                        }
                    };
                    let start = Instant::now();
                    match search_index(&loaded, &search) {
                        Ok(index) => shared.publish_search(generation, index, start.elapsed()),
                        Err(e) => eprintln!("warning: the search index was not updated: {e:#}"),
                    }
                }
            })
            .context("failed to start the search index thread")?;
        Ok(Indexer { next })
    }

    /// Indexes `loaded` (good build `generation`) next, replacing any
    /// older spec still waiting.
    pub fn submit(&self, generation: u64, loaded: Arc<Loaded>) {
        let (lock, ready) = &*self.next;
        *lock.lock().expect("indexer lock") = Some((generation, loaded));
        ready.notify_one();
    }
}
