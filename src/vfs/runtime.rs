//! The one async runtime behind the synchronous [`super::Backend`] trait.
//!
//! Cloud SDKs are async; the checks are plain threads (rayon). A blocking call enters this
//! shared multi-threaded runtime from its thread; bulk reads and writes run many requests
//! on it at once from one thread ([`super::schedule`]). Connection pools are shared by every
//! call.

use std::future::Future;
use std::sync::LazyLock;
use std::time::Duration;

static RUNTIME: LazyLock<Result<tokio::runtime::Runtime, String>> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("statelint-io")
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
});

/// Default bound on one request (connect + transfer), before retries.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default bound on establishing a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Runs a future to completion on the shared runtime.
///
/// Must not be called from inside the runtime itself (it is only called from the
/// synchronous backend methods).
pub fn block_on<F: Future>(future: F) -> Result<F::Output, String> {
    match RUNTIME.as_ref() {
        Ok(rt) => Ok(rt.block_on(future)),
        Err(e) => Err(format!("cannot start the async runtime: {e}")),
    }
}
