//! Loading clusters as their objects arrive.
//!
//! One thread keeps the store's reads in flight on the I/O runtime
//! ([`crate::vfs::schedule::read_each`]); as soon as every object of a cluster is in, the
//! cluster goes to the CPU workers, which parse and check it while the rest is still being
//! read. Each object is read exactly once, as [`super::load_cluster`] would.

use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::mpsc;

use super::{load_cluster_from, ClusterEntry, LoadOptions, LoadedCluster};
use crate::source::SourceDb;
use crate::vfs::schedule::{read_each, ReadStats};
use crate::vfs::{Backend, VfsError};

/// How the clusters are read and worked on.
#[derive(Debug, Clone, Copy, Default)]
pub struct Concurrency {
    /// Requests in flight (default [`crate::vfs::schedule::DEFAULT_MAX_REQUESTS`]).
    pub max_requests: Option<usize>,
    /// CPU worker threads (default: one per core).
    pub jobs: Option<usize>,
}

impl Concurrency {
    pub fn max_requests(&self) -> usize {
        self.max_requests
            .unwrap_or(crate::vfs::schedule::DEFAULT_MAX_REQUESTS)
    }
}

/// The objects of one cluster, read.
type Fetched = HashMap<String, Result<Vec<u8>, VfsError>>;

/// Runs `f` on a pool of `jobs` threads (the global pool when `None` or when a pool cannot
/// be built).
pub fn on_pool<R: Send>(jobs: Option<usize>, f: impl FnOnce() -> R + Send) -> R {
    match jobs.map(|n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
    }) {
        Some(Ok(pool)) => pool.install(f),
        _ => f(),
    }
}

/// Loads every entry and applies `work` to it on the CPU workers, as the entry's objects
/// arrive. Results come back in the order of `entries`.
pub fn load_each<R: Send>(
    backend: &dyn Backend,
    entries: &[&ClusterEntry],
    options: &LoadOptions,
    sources: &SourceDb,
    concurrency: Concurrency,
    work: impl Fn(&ClusterEntry, LoadedCluster) -> R + Sync,
) -> (Vec<R>, ReadStats) {
    let mut keys: Vec<String> = Vec::new();
    let mut owner: HashMap<String, usize> = HashMap::new();
    let mut pending: Vec<usize> = vec![0; entries.len()];
    for (i, entry) in entries.iter().enumerate() {
        for key in entry.read_keys() {
            if owner.insert(key.to_string(), i).is_none() {
                keys.push(key.to_string());
                pending[i] += 1;
            }
        }
    }
    // Enough clusters queued to keep every worker busy, not the whole store in memory.
    let queued = concurrency.max_requests().clamp(16, 1024);
    let (tx, rx) = mpsc::sync_channel::<(usize, Fetched)>(queued);
    let max_bytes = options.max_object_bytes;
    let (mut results, stats) = std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut fetched: Vec<Fetched> = entries.iter().map(|_| Fetched::new()).collect();
            for (i, n) in pending.iter().enumerate() {
                if *n == 0 {
                    let _ = tx.send((i, Fetched::new()));
                }
            }
            read_each(
                backend,
                &keys,
                max_bytes,
                concurrency.max_requests(),
                |key, result| {
                    let Some(&i) = owner.get(key) else { return };
                    fetched[i].insert(key.to_string(), result);
                    pending[i] -= 1;
                    if pending[i] == 0 {
                        // A closed channel means the workers stopped: nothing left to do.
                        let _ = tx.send((i, std::mem::take(&mut fetched[i])));
                    }
                },
            )
        });
        let results: Vec<(usize, R)> = on_pool(concurrency.jobs, || {
            rx.into_iter()
                .par_bridge()
                .map(|(i, mut got)| {
                    let entry = entries[i];
                    let loaded = load_cluster_from(backend, entry, options, sources, &mut |key| {
                        got.remove(key)
                            .unwrap_or_else(|| backend.read(key, max_bytes))
                    });
                    (i, work(entry, loaded))
                })
                .collect()
        });
        let stats = match reader.join() {
            Ok(stats) => stats,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        (results, stats)
    });
    results.sort_by_key(|(i, _)| *i);
    (results.into_iter().map(|(_, r)| r).collect(), stats)
}
