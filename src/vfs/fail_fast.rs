//! Fail fast once a store stops answering: after the first request that could not reach
//! it (connection refused or reset, timeout, lasting 5xx: SL034/SL035/SL036), every later
//! call on the same store fails at once with the same kind of error instead of waiting
//! out its own timeout. A whole run against a dead endpoint then costs about one request
//! timeout, not one per step. Deletes are the exception: they only ever remove statelint's
//! own probe object, which must not be left behind.

use futures::future::BoxFuture;
use std::sync::Mutex;

use super::{Backend, ObjectMeta, RemoteErrorKind, VfsError};
use crate::findings::Finding;
use crate::resolve::url::StoreUrl;

/// Whether an error means the endpoint cannot be reached at all (as opposed to an answer).
pub fn is_unreachable(err: &VfsError) -> bool {
    matches!(
        err,
        VfsError::Remote {
            kind: RemoteErrorKind::Connection
                | RemoteErrorKind::Timeout
                | RemoteErrorKind::Unavailable,
            ..
        }
    )
}

/// A backend that remembers the first "unreachable" error of the one it wraps.
pub struct FailFast<B: Backend> {
    inner: B,
    down: Mutex<Option<(RemoteErrorKind, String)>>,
}

impl<B: Backend> FailFast<B> {
    pub fn new(inner: B) -> FailFast<B> {
        FailFast {
            inner,
            down: Mutex::new(None),
        }
    }

    fn down(&self) -> Option<(RemoteErrorKind, String)> {
        self.down.lock().ok().and_then(|d| d.clone())
    }

    /// The error for a call not made because the store is already known to be down.
    fn not_tried(&self, key: &str) -> Option<VfsError> {
        let (kind, first) = self.down()?;
        Some(VfsError::Remote {
            url: self.inner.url_of(key),
            kind,
            detail: format!("not tried: the store stopped answering earlier ({first})"),
        })
    }

    /// A connection, timeout or credentials error said in one sentence naming the
    /// endpoint and the setting it came from (see [`super::sentence`]).
    fn explain<T>(&self, result: Result<T, VfsError>) -> Result<T, VfsError> {
        match result {
            Err(VfsError::Remote { url, kind, detail }) => {
                let endpoint = self.inner.endpoint();
                let scheme = self.inner.root().scheme;
                let detail = super::sentence::rewrite(kind, &detail, endpoint.as_ref(), scheme)
                    .unwrap_or(detail);
                Err(VfsError::Remote { url, kind, detail })
            }
            other => other,
        }
    }

    /// Runs `call` unless the store is already known to be down; records a new outage.
    fn guard<T>(
        &self,
        key: &str,
        call: impl FnOnce() -> Result<T, VfsError>,
    ) -> Result<T, VfsError> {
        if let Some(e) = self.not_tried(key) {
            return Err(e);
        }
        let result = self.explain(call());
        if let Err(e) = &result {
            if let (true, VfsError::Remote { kind, detail, .. }) = (is_unreachable(e), e) {
                if let Ok(mut d) = self.down.lock() {
                    d.get_or_insert((*kind, detail.clone()));
                }
            }
        }
        result
    }

    /// As [`FailFast::guard`] for a request the scheduler ([`super::schedule`]) runs among
    /// many. Throttling is not recorded as an outage here: the scheduler slows down and
    /// tries again, and gives up on the whole batch itself when throttling lasts.
    async fn guard_async<T>(
        &self,
        key: &str,
        call: impl std::future::Future<Output = Result<T, VfsError>>,
    ) -> Result<T, VfsError> {
        if let Some(e) = self.not_tried(key) {
            return Err(e);
        }
        let result = self.explain(call.await);
        if let Err(VfsError::Remote { kind, detail, .. }) = &result {
            if matches!(kind, RemoteErrorKind::Connection | RemoteErrorKind::Timeout) {
                if let Ok(mut d) = self.down.lock() {
                    d.get_or_insert((*kind, detail.clone()));
                }
            }
        }
        result
    }
}

impl<B: Backend> Backend for FailFast<B> {
    fn root(&self) -> &StoreUrl {
        self.inner.root()
    }
    fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, VfsError> {
        self.guard(prefix, || self.inner.list(prefix))
    }
    fn read(&self, key: &str, max_bytes: u64) -> Result<Vec<u8>, VfsError> {
        self.guard(key, || self.inner.read(key, max_bytes))
    }
    fn read_async<'a>(
        &'a self,
        key: &'a str,
        max_bytes: u64,
    ) -> Option<BoxFuture<'a, Result<Vec<u8>, VfsError>>> {
        let read = self.inner.read_async(key, max_bytes)?;
        Some(Box::pin(self.guard_async(key, read)))
    }
    fn write(&self, key: &str, data: &[u8]) -> Result<(), VfsError> {
        self.guard(key, || self.inner.write(key, data))
    }
    fn write_async<'a>(
        &'a self,
        key: &'a str,
        data: &'a [u8],
    ) -> Option<BoxFuture<'a, Result<(), VfsError>>> {
        let write = self.inner.write_async(key, data)?;
        Some(Box::pin(self.guard_async(key, write)))
    }
    /// Always tried: statelint deletes only its own probe object, and leaving it behind
    /// because an earlier request failed would be worse than one more wait.
    fn delete(&self, key: &str) -> Result<(), VfsError> {
        self.explain(self.inner.delete(key))
    }
    fn stat(&self, key: &str) -> Result<Option<ObjectMeta>, VfsError> {
        self.guard(key, || self.inner.stat(key))
    }
    fn is_read_only(&self) -> bool {
        self.inner.is_read_only()
    }
    fn url_of(&self, key: &str) -> String {
        self.inner.url_of(key)
    }
    fn open_findings(&self) -> Vec<Finding> {
        self.inner.open_findings()
    }
    fn unreachable(&self) -> Option<String> {
        self.down().map(|(_, detail)| detail)
    }
    fn endpoint(&self) -> Option<super::sentence::Endpoint> {
        self.inner.endpoint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A store whose every call times out, counting the calls that reached it.
    struct Dead {
        url: StoreUrl,
        calls: AtomicUsize,
    }

    impl Dead {
        fn fail<T>(&self, key: &str) -> Result<T, VfsError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            Err(VfsError::Remote {
                url: self.url_of(key),
                kind: RemoteErrorKind::Timeout,
                detail: "operation timed out".into(),
            })
        }
    }

    impl Backend for Dead {
        fn root(&self) -> &StoreUrl {
            &self.url
        }
        fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, VfsError> {
            self.fail(prefix)
        }
        fn read(&self, key: &str, _: u64) -> Result<Vec<u8>, VfsError> {
            self.fail(key)
        }
        fn write(&self, key: &str, _: &[u8]) -> Result<(), VfsError> {
            self.fail(key)
        }
        fn delete(&self, key: &str) -> Result<(), VfsError> {
            self.fail(key)
        }
        fn stat(&self, key: &str) -> Result<Option<ObjectMeta>, VfsError> {
            self.fail(key)
        }
    }

    #[test]
    fn after_the_first_timeout_no_call_reaches_the_store() {
        let url = StoreUrl::parse("s3://bucket/kops").expect("url");
        let store = FailFast::new(Dead {
            url,
            calls: AtomicUsize::new(0),
        });
        assert!(store.unreachable().is_none());
        assert!(store.list("").is_err());
        for key in ["a/config", "b/config"] {
            let err = store.read(key, 10).expect_err("fails fast");
            assert!(is_unreachable(&err), "{err}");
            assert!(err.to_string().contains("not tried"), "{err}");
        }
        assert!(store.write("a/x", b"x").is_err());
        assert_eq!(store.inner.calls.load(Ordering::SeqCst), 1);
        // Cleaning up a probe object is still tried.
        assert!(store.delete("a/.statelint-probe-x").is_err());
        assert_eq!(store.inner.calls.load(Ordering::SeqCst), 2);
        assert!(store.unreachable().is_some());
    }
}
