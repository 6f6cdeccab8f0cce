//! The throw-away probe object, and the guarantee that it never outlives the probe.
//!
//! A [`ProbeObject`] deletes itself when dropped (so early returns and panics clean up), and
//! is listed in a process-wide registry that the SIGINT/SIGTERM handler empties before the
//! process exits with 130/143. Its key is unique per run and never names a real state file.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, Once};
use std::time::{Duration, Instant};

use crate::vfs::{Backend, VfsError};

/// Prefix of every probe object's name; nothing kops writes starts with it.
pub const PROBE_PREFIX: &str = ".statelint-probe-";

type Pending = Vec<(u64, Arc<dyn Backend>, String)>;

static PENDING: Mutex<Pending> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn pending() -> std::sync::MutexGuard<'static, Pending> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Probe writes under way, and whether an interrupt stopped new ones. With many clusters
/// probed at once, an interrupt can come while PUTs are in flight; a DELETE sent before
/// such a PUT lands would leave the object behind, so the cleanup waits for them.
struct Writes {
    in_flight: usize,
    stopped: bool,
}

static WRITES: Mutex<Writes> = Mutex::new(Writes {
    in_flight: 0,
    stopped: false,
});
static WRITE_ENDED: Condvar = Condvar::new();

fn writes() -> std::sync::MutexGuard<'static, Writes> {
    WRITES.lock().unwrap_or_else(|e| e.into_inner())
}

/// The longest the interrupt cleanup waits for probe writes in flight (one request's
/// timeout): after that it deletes what it knows of and exits.
pub const INTERRUPT_WAIT: Duration = crate::vfs::runtime::REQUEST_TIMEOUT;

/// A unique suffix: time, process and a counter, hashed.
fn unique_suffix() -> String {
    use sha2::{Digest, Sha256};
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let seed = format!(
        "{nanos}-{}-{}",
        std::process::id(),
        NEXT_ID.fetch_add(1, Ordering::Relaxed)
    );
    Sha256::digest(seed.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A probe object that exists in the store until [`ProbeObject::remove`] succeeds.
pub struct ProbeObject {
    id: u64,
    backend: Arc<dyn Backend>,
    key: String,
    url: String,
    content: Vec<u8>,
    removed: bool,
}

impl ProbeObject {
    /// Writes a new probe object under `<cluster>/`. On failure returns the URL tried.
    pub fn create(
        backend: &Arc<dyn Backend>,
        cluster: &str,
    ) -> Result<ProbeObject, (String, VfsError)> {
        let key = format!("{cluster}/{PROBE_PREFIX}{}", unique_suffix());
        let url = backend.url_of(&key);
        let content = format!("statelint permission probe; safe to delete ({key})\n").into_bytes();
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        {
            let mut w = writes();
            if w.stopped {
                return Err((
                    url.clone(),
                    VfsError::Io {
                        url,
                        source: std::io::Error::other("not written: statelint was interrupted"),
                    },
                ));
            }
            w.in_flight += 1;
            // Registered before the write: an interrupt during the write still cleans up.
            pending().push((id, Arc::clone(backend), key.clone()));
        }
        let written = backend.write(&key, &content);
        writes().in_flight -= 1;
        WRITE_ENDED.notify_all();
        if let Err(e) = written {
            // The write may have landed before failing (a timeout after the upload).
            let _ = backend.delete(&key);
            deregister(id);
            return Err((url, e));
        }
        Ok(ProbeObject {
            id,
            backend: Arc::clone(backend),
            key,
            url,
            content,
            removed: false,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// Reads the object back; `Ok(false)` when the content differs.
    pub fn read_back(&self) -> Result<bool, VfsError> {
        let limit = self.content.len() as u64 + 1024;
        Ok(self.backend.read(&self.key, limit)? == self.content)
    }

    /// Deletes the object and checks it is gone.
    pub fn remove(mut self) -> Result<(), VfsError> {
        self.backend.delete(&self.key)?;
        match self.backend.stat(&self.key) {
            Ok(None) | Err(VfsError::NotFound { .. }) => {}
            Ok(Some(_)) => {
                return Err(VfsError::Io {
                    url: self.url.clone(),
                    source: std::io::Error::other("still present after delete"),
                })
            }
            Err(e) => return Err(e),
        }
        self.removed = true;
        deregister(self.id);
        Ok(())
    }
}

impl Drop for ProbeObject {
    fn drop(&mut self) {
        if !self.removed {
            let _ = self.backend.delete(&self.key);
            deregister(self.id);
        }
    }
}

fn deregister(id: u64) {
    pending().retain(|(i, _, _)| *i != id);
}

/// How many probe objects currently exist (for tests and the interrupt handler).
pub fn outstanding() -> usize {
    pending().len()
}

/// Deletes every outstanding probe object; returns how many could not be removed.
pub fn cleanup_all() -> usize {
    let entries = std::mem::take(&mut *pending());
    entries
        .into_iter()
        .filter(|(_, backend, key)| backend.delete(key).is_err())
        .count()
}

/// After an interrupt: starts no further probe write, waits (up to `wait`) for the writes
/// in flight to land or fail, then deletes every outstanding probe object; returns how many
/// could not be removed.
pub fn cleanup_after_interrupt(wait: Duration) -> usize {
    let deadline = Instant::now() + wait;
    let mut w = writes();
    w.stopped = true;
    while w.in_flight > 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        w = match WRITE_ENDED.wait_timeout(w, left) {
            Ok((w, _)) => w,
            Err(poisoned) => poisoned.into_inner().0,
        };
    }
    drop(w);
    cleanup_all()
}

/// Whether an interrupt stopped the probe writes (see [`cleanup_after_interrupt`]).
pub fn interrupted() -> bool {
    writes().stopped
}

/// Lets probe writes start again after [`cleanup_after_interrupt`] (tests only: a real
/// interrupt ends the process).
#[cfg(test)]
pub fn resume_after_interrupt() {
    writes().stopped = false;
}

/// Installs (once) a SIGINT/SIGTERM handler that removes outstanding probe objects, tells
/// `on_exit` how many could not be removed, and exits with 128 + the signal number, the
/// shell convention (130, 143).
pub fn install_interrupt_cleanup(on_exit: fn(usize)) {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGINT, SIGTERM};
            if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) {
                std::thread::spawn(move || {
                    if let Some(signal) = signals.forever().next() {
                        on_exit(cleanup_after_interrupt(INTERRUPT_WAIT));
                        std::process::exit(128 + signal);
                    }
                });
            }
        }
    });
}
