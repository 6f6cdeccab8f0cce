//! Request scheduling: many reads and writes in flight on the shared I/O runtime,
//! independent of the number of CPU threads.
//!
//! A remote store costs a round trip per object; with one request per worker thread, a
//! 30 ms link and two cores read about 60 objects a second. [`read_each`] and
//! [`run_releasing`] (reads and writes together) keep up to `max_requests` requests in flight
//! instead and hand each result over as it arrives. When the
//! store throttles (503 SlowDown, 429 — errors of kind [`RemoteErrorKind::Unavailable`] once
//! the backend's own retries are spent), the window of requests in flight is halved and the
//! read is tried again after a backoff, a bounded number of times; a streak of successes
//! widens the window again by one (additive increase, multiplicative decrease).

use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;
use futures::StreamExt;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, SemaphorePermit};

use super::rest::backoff;
use super::runtime::block_on;
use super::{Backend, RemoteErrorKind, VfsError};

/// Requests in flight when `--max-requests` is not given.
pub const DEFAULT_MAX_REQUESTS: usize = 64;
/// The largest accepted `--max-requests`.
pub const MAX_MAX_REQUESTS: usize = 1024;
/// Further attempts at a read still throttled after the backend's own retries.
pub const THROTTLED_ATTEMPTS: usize = 6;
/// Throttling answers closer together than this count as one signal (one halving).
const REDUCE_INTERVAL: Duration = Duration::from_millis(250);

/// How a run of reads went, for a note to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReadStats {
    /// The window the run started with.
    pub max_requests: usize,
    /// The most requests that were in flight at once.
    pub peak_in_flight: usize,
    /// The smallest window throttling brought the run down to (`max_requests` if none).
    pub lowest_window: usize,
    /// Reads that were throttled and tried again.
    pub throttled: usize,
}

/// The adaptive window of requests in flight.
struct Window {
    permits: Semaphore,
    max: usize,
    state: Mutex<WindowState>,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    throttled: AtomicUsize,
    /// Set when one request stayed throttled through every attempt: the rest of the batch
    /// is not tried (it would wait as long, one request at a time).
    gave_up: Mutex<Option<String>>,
}

struct WindowState {
    /// Requests allowed in flight now.
    limit: usize,
    /// Permits still to retire as requests finish (the window shrank below what is out).
    debt: usize,
    /// Successes since the window last changed.
    streak: usize,
    lowest: usize,
    last_reduced: Option<Instant>,
}

impl Window {
    fn new(max: usize) -> Window {
        Window {
            permits: Semaphore::new(max),
            max,
            state: Mutex::new(WindowState {
                limit: max,
                debt: 0,
                streak: 0,
                lowest: max,
                last_reduced: None,
            }),
            in_flight: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            throttled: AtomicUsize::new(0),
            gave_up: Mutex::new(None),
        }
    }

    async fn acquire(&self) -> Option<SemaphorePermit<'_>> {
        let permit = self.permits.acquire().await.ok()?;
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        Some(permit)
    }

    /// Ends one request: widens the window after a streak of successes, halves it on
    /// throttling, and retires the permit when the window owes one.
    fn release(&self, permit: SemaphorePermit<'_>, throttled: bool) {
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        let Ok(mut s) = self.state.lock() else {
            return; // a poisoned lock only loses adaptation, never correctness
        };
        if throttled {
            self.throttled.fetch_add(1, Ordering::SeqCst);
            let recent = s
                .last_reduced
                .is_some_and(|t| t.elapsed() < REDUCE_INTERVAL);
            if !recent && s.limit > 1 {
                let target = (s.limit / 2).max(1);
                s.debt += s.limit - target;
                s.limit = target;
                s.lowest = s.lowest.min(target);
                s.last_reduced = Some(Instant::now());
            }
            s.streak = 0;
        } else {
            s.streak += 1;
            if s.streak >= s.limit && s.limit < self.max {
                s.streak = 0;
                s.limit += 1;
                if s.debt > 0 {
                    s.debt -= 1;
                } else {
                    self.permits.add_permits(1);
                }
            }
        }
        if s.debt > 0 {
            s.debt -= 1;
            permit.forget();
        }
    }

    fn stats(&self) -> ReadStats {
        ReadStats {
            max_requests: self.max,
            peak_in_flight: self.peak.load(Ordering::SeqCst),
            lowest_window: self.state.lock().map_or(self.max, |s| s.lowest),
            throttled: self.throttled.load(Ordering::SeqCst),
        }
    }
}

/// Whether an error is the store asking to slow down (or briefly unable to serve).
fn is_throttling(err: &VfsError) -> bool {
    matches!(
        err,
        VfsError::Remote {
            kind: RemoteErrorKind::Unavailable,
            ..
        }
    )
}

/// One request under the window, started again (after a backoff, with the window reduced)
/// while the store throttles it. Writes are retried the same way: a PUT of the same content
/// is idempotent.
async fn throttled_retries<'a, T>(
    window: &Window,
    url: impl Fn() -> String,
    start: impl Fn() -> Option<BoxFuture<'a, Result<T, VfsError>>>,
) -> Result<T, VfsError> {
    let mut attempt = 0;
    loop {
        if let Some(first) = window.gave_up.lock().ok().and_then(|g| g.clone()) {
            return Err(VfsError::Remote {
                url: url(),
                kind: RemoteErrorKind::Unavailable,
                detail: format!("not tried: the store kept throttling ({first})"),
            });
        }
        let Some(permit) = window.acquire().await else {
            return Err(VfsError::Remote {
                url: url(),
                kind: RemoteErrorKind::Other,
                detail: "the request scheduler stopped".into(),
            });
        };
        let result = match start() {
            Some(request) => request.await,
            None => Err(VfsError::Remote {
                url: url(),
                kind: RemoteErrorKind::Other,
                detail: "this backend has no concurrent requests".into(),
            }),
        };
        let throttled = result.as_ref().is_err_and(is_throttling);
        window.release(permit, throttled);
        if !throttled {
            return result;
        }
        if attempt >= THROTTLED_ATTEMPTS {
            if let (Err(VfsError::Remote { detail, .. }), Ok(mut g)) =
                (&result, window.gave_up.lock())
            {
                g.get_or_insert_with(|| detail.clone());
            }
            return result;
        }
        tokio::time::sleep(backoff(attempt + 1)).await;
        attempt += 1;
    }
}

/// Runs one request per item with at most `max_requests` (1..=[`MAX_MAX_REQUESTS`]) in
/// flight, calling `ready` on this thread with each result as it arrives (in no particular
/// order). `start` builds an item's request (no I/O until polled); when it has none (local
/// backends), every item is done by `blocking` on this thread, one after another.
fn run_each<'a, I: 'a, T>(
    items: &'a [I],
    max_requests: usize,
    url: impl Fn(&I) -> String,
    start: impl Fn(&'a I) -> Option<BoxFuture<'a, Result<T, VfsError>>>,
    blocking: impl Fn(&I) -> Result<T, VfsError>,
    mut ready: impl FnMut(&I, Result<T, VfsError>),
) -> ReadStats {
    let max_requests = max_requests.clamp(1, MAX_MAX_REQUESTS);
    // Building the future does no I/O; it only tells whether the backend has one.
    let concurrent = items.first().is_some_and(|i| start(i).is_some());
    if !concurrent {
        for item in items {
            ready(item, blocking(item));
        }
        return ReadStats {
            max_requests: 1,
            peak_in_flight: usize::from(!items.is_empty()),
            lowest_window: 1,
            throttled: 0,
        };
    }
    let window = Window::new(max_requests);
    let run = block_on(async {
        let mut requests = futures::stream::iter(items.iter())
            .map(|item| {
                let (window, url, start) = (&window, &url, &start);
                async move {
                    let result = throttled_retries(window, || url(item), || start(item)).await;
                    (item, result)
                }
            })
            .buffer_unordered(max_requests);
        while let Some((item, result)) = requests.next().await {
            ready(item, result);
        }
    });
    if run.is_err() {
        // The runtime could not start: each request reports why.
        for item in items {
            ready(item, blocking(item));
        }
    }
    window.stats()
}

/// Reads every key once (see [`run_each`]); `ready` gets each key's bytes as they arrive.
pub fn read_each(
    backend: &dyn Backend,
    keys: &[String],
    max_bytes: u64,
    max_requests: usize,
    mut ready: impl FnMut(&str, Result<Vec<u8>, VfsError>),
) -> ReadStats {
    run_each(
        keys,
        max_requests,
        |key| backend.url_of(key),
        |key| backend.read_async(key, max_bytes),
        |key| backend.read(key, max_bytes),
        |key, result| ready(key, result),
    )
}

/// What one request of a [`run_releasing`] run does.
pub enum Op {
    /// Read the object, up to this many bytes.
    Read(u64),
    /// Create or replace the object with these bytes, verified by the backend.
    Write(Arc<Vec<u8>>),
}

/// One request of a [`run_releasing`] run; `label` is the caller's, handed back with the
/// answer (e.g. which side of a copy was read).
pub struct Request<'a, L> {
    pub backend: &'a dyn Backend,
    pub key: String,
    pub op: Op,
    pub label: L,
}

/// The answer to one [`Request`]: the bytes read, or nothing for a verified write.
pub type Answer = Result<Option<Vec<u8>>, VfsError>;

impl<L> Request<'_, L> {
    /// Whether the backend has a future for this request (building it does no I/O).
    fn concurrent(&self) -> bool {
        match &self.op {
            Op::Read(max) => self.backend.read_async(&self.key, *max).is_some(),
            Op::Write(data) => self.backend.write_async(&self.key, data).is_some(),
        }
    }

    /// On this thread, for backends without futures (local stores).
    fn blocking(&self) -> Answer {
        match &self.op {
            Op::Read(max) => self.backend.read(&self.key, *max).map(Some),
            Op::Write(data) => self.backend.write(&self.key, data).map(|()| None),
        }
    }

    /// Under the window, with the throttling retries.
    async fn run(&self, window: &Window) -> Answer {
        let url = || self.backend.url_of(&self.key);
        match &self.op {
            Op::Read(max) => {
                throttled_retries(window, url, || self.backend.read_async(&self.key, *max))
                    .await
                    .map(Some)
            }
            Op::Write(data) => {
                throttled_retries(window, url, || self.backend.write_async(&self.key, data))
                    .await
                    .map(|()| None)
            }
        }
    }
}

/// Runs reads and writes, each once, with at most `max_requests` (1..=[`MAX_MAX_REQUESTS`])
/// in flight together: `ready` gets every request back with its answer as it arrives (on
/// this thread) and returns the requests it releases (a cluster's writes once its reads
/// are in, its `config` once everything else of it landed). Released requests go before
/// the ones still waiting, so writes are not queued behind every read; nothing waits for
/// the slowest request of an unrelated object. Requests a backend cannot run as futures
/// (local stores) run on this thread, one at a time, counted in the bound.
pub fn run_releasing<'a, L>(
    first: Vec<Request<'a, L>>,
    max_requests: usize,
    mut ready: impl FnMut(Request<'a, L>, Answer) -> Vec<Request<'a, L>>,
) -> ReadStats {
    let max_requests = max_requests.clamp(1, MAX_MAX_REQUESTS);
    let mut queue: VecDeque<Request<'a, L>> = first.into();
    let release = |queue: &mut VecDeque<Request<'a, L>>, released: Vec<Request<'a, L>>| {
        for request in released.into_iter().rev() {
            queue.push_front(request);
        }
    };
    // Without a runtime every request runs on this thread (and says why it failed).
    let runtime = block_on(async {}).is_ok();
    let window = Window::new(max_requests);
    let mut running = FuturesUnordered::new();
    let mut blocking_only = true;
    loop {
        while running.len() < max_requests {
            let Some(request) = queue.pop_front() else {
                break;
            };
            if runtime && request.concurrent() {
                blocking_only = false;
                let window = &window;
                running.push(async move {
                    let answer = request.run(window).await;
                    (request, answer)
                });
            } else {
                let answer = request.blocking();
                let released = ready(request, answer);
                release(&mut queue, released);
            }
        }
        if running.is_empty() {
            if queue.is_empty() {
                break;
            }
            continue;
        }
        // The futures make progress only in here; a local request above runs between two
        // waits, while at most `max_requests - 1` others are out.
        let Ok(Some((request, answer))) = block_on(running.next()) else {
            break; // unreachable: the runtime started above and `running` is not empty
        };
        let released = ready(request, answer);
        release(&mut queue, released);
    }
    if blocking_only {
        return ReadStats {
            max_requests: 1,
            peak_in_flight: 1,
            lowest_window: 1,
            throttled: 0,
        };
    }
    window.stats()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn permit_count(w: &Window) -> usize {
        w.permits.available_permits()
    }

    #[test]
    fn throttling_halves_the_window_and_successes_widen_it() {
        let w = Window::new(8);
        block_on(async {
            let p = w.acquire().await.expect("permit");
            w.release(p, true);
        })
        .expect("runtime");
        // The released permit was retired: 4 owed, 1 paid.
        assert_eq!(w.stats().lowest_window, 4);
        assert_eq!(permit_count(&w), 7);
        // Four more requests pay off the debt; then a streak of 4 successes widens by one.
        block_on(async {
            for _ in 0..12 {
                let p = w.acquire().await.expect("permit");
                w.release(p, false);
            }
        })
        .expect("runtime");
        let s = w.state.lock().expect("state");
        assert!(s.limit > 4 && s.limit <= 8, "limit {}", s.limit);
        assert_eq!(s.debt, 0);
        assert_eq!(permit_count(&w), s.limit);
    }

    #[test]
    fn released_requests_run_before_the_waiting_ones() {
        let root = crate::resolve::url::StoreUrl::parse("memfs://released").expect("url");
        let b = super::super::mem::MemBackend::named(&root);
        let read = |key: &str| Request {
            backend: &b,
            key: key.to_string(),
            op: Op::Read(10),
            label: (),
        };
        let mut seen = Vec::new();
        run_releasing(vec![read("a"), read("b")], 4, |done, answer| {
            seen.push((done.key.clone(), answer.is_ok()));
            if done.key != "a" {
                return Vec::new();
            }
            vec![Request {
                backend: &b,
                key: "c".to_string(),
                op: Op::Write(Arc::new(b"1".to_vec())),
                label: (),
            }]
        });
        assert_eq!(
            seen,
            [("a".into(), false), ("c".into(), true), ("b".into(), false)]
        );
        assert_eq!(b.read("c", 10).expect("written"), b"1");
    }

    #[test]
    fn local_backends_are_read_in_order_on_the_calling_thread() {
        let root = crate::resolve::url::StoreUrl::parse("memfs://t").expect("url");
        let b = super::super::mem::MemBackend::named(&root);
        b.write("a", b"1").expect("write");
        let keys = vec!["a".to_string(), "b".to_string()];
        let mut seen = Vec::new();
        read_each(&b, &keys, 10, 64, |k, r| {
            seen.push((k.to_string(), r.is_ok()))
        });
        assert_eq!(seen, [("a".into(), true), ("b".into(), false)]);
    }
}
