//! The virtual file system every command reads and writes through.
//!
//! One [`Backend`] per scheme family. Keys are relative to the store root, `/`-separated,
//! and validated by [`validate_key`] before any backend sees them, so a hostile cluster
//! name (`..`, a leading `/`, NUL) can never address something outside the store.

pub mod azure;
pub mod azure_diags;
pub mod diags;
pub mod fail_fast;
pub mod fs;
pub mod gcs;
pub mod gcs_api;
pub mod gcs_diags;
pub mod http;
pub mod k8s;
pub mod k8s_diags;
pub mod kubeconfig;
pub mod mem;
pub mod object;
pub mod rest;
pub mod runtime;
pub mod s3;
pub mod s3_diags;
pub mod schedule;
pub mod schedule_diags;
pub mod secret;
pub mod sentence;
pub mod swift;
pub mod swift_auth;
pub mod swift_diags;

use futures::future::BoxFuture;
use std::fmt;
use std::sync::Arc;

use crate::env::Environment;
use crate::findings::{CodeInfo, Finding};
use crate::resolve::url::{Scheme, StoreUrl};
use fail_fast::FailFast;

/// Default bound on one object read (kops documents are a few KiB).
pub const DEFAULT_MAX_OBJECT_BYTES: u64 = 4 * 1024 * 1024;

/// One object in a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectMeta {
    /// Key relative to the store root.
    pub key: String,
    pub size: u64,
}

/// Why a VFS call failed. Every variant names the (redacted) URL involved.
#[derive(Debug, thiserror::Error)]
pub enum VfsError {
    #[error("`{url}` does not exist")]
    NotFound { url: String },
    #[error("`{url}` is {size} bytes, over the {limit}-byte read limit")]
    TooLarge { url: String, size: u64, limit: u64 },
    #[error("`{url}` is a symbolic link leading outside the store root (to `{target}`)")]
    SymlinkEscape { url: String, target: String },
    #[error("permission denied on `{url}`")]
    PermissionDenied { url: String },
    #[error("invalid key `{key}`: {reason}")]
    InvalidKey { key: String, reason: &'static str },
    #[error("the `{scheme}://` backend is not available in this build: {reason}")]
    Unsupported {
        scheme: Scheme,
        reason: &'static str,
    },
    #[error("{kind} on `{url}`: {detail}")]
    Remote {
        url: String,
        kind: RemoteErrorKind,
        detail: String,
    },
    /// The backend's configuration (environment, credentials file) makes it unusable; the
    /// code explains which setting and why.
    #[error("{message}")]
    Config {
        url: String,
        code: &'static CodeInfo,
        message: String,
        help: String,
    },
    #[error("cannot access `{url}`: {source}")]
    Io {
        url: String,
        #[source]
        source: std::io::Error,
    },
}

impl VfsError {
    /// Maps an `io::Error` on `url` to the most specific variant.
    pub fn from_io(url: impl fmt::Display, err: std::io::Error) -> VfsError {
        let url = url.to_string();
        match err.kind() {
            std::io::ErrorKind::NotFound => VfsError::NotFound { url },
            std::io::ErrorKind::PermissionDenied => VfsError::PermissionDenied { url },
            _ => VfsError::Io { url, source: err },
        }
    }
}

/// What went wrong talking to a remote store, as far as it can be told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RemoteErrorKind {
    /// The bucket/container does not exist.
    NoSuchBucket,
    /// Authenticated, but not allowed (HTTP 403).
    AccessDenied,
    /// The credentials were rejected (unknown key, bad signature, expired token).
    BadCredentials,
    /// The bucket lives in another region than the one the request was signed for.
    WrongRegion,
    /// DNS failure, refused or reset connection.
    Connection,
    /// No answer within the timeout.
    Timeout,
    /// Throttling or 5xx responses that outlasted the retry budget.
    Unavailable,
    /// No credentials could be found at all.
    NoCredentials,
    /// Anything else the server said.
    Other,
}

impl fmt::Display for RemoteErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RemoteErrorKind::NoSuchBucket => "no such bucket",
            RemoteErrorKind::AccessDenied => "access denied",
            RemoteErrorKind::BadCredentials => "credentials rejected",
            RemoteErrorKind::WrongRegion => "wrong region",
            RemoteErrorKind::Connection => "connection failed",
            RemoteErrorKind::Timeout => "timed out",
            RemoteErrorKind::Unavailable => "service unavailable",
            RemoteErrorKind::NoCredentials => "no credentials",
            RemoteErrorKind::Other => "request failed",
        })
    }
}

/// The service's error code in an XML error answer (`<Code>AccessDenied</Code>`), as
/// written; the probes report it and shortened error texts keep it.
pub fn service_code(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once("<Code>")?;
    let (code, _) = rest.split_once("</Code>")?;
    Some(code)
}

impl RemoteErrorKind {
    /// Classifies an error text from an HTTP client or a cloud API.
    pub fn classify(text: &str) -> RemoteErrorKind {
        // `retry_timeout: 20s` is object_store's retry settings, not a timeout that happened.
        let t = text
            .to_ascii_lowercase()
            .replace("retry_timeout", "retry budget");
        let has = |needles: &[&str]| needles.iter().any(|n| t.contains(n));
        if has(&[
            "nosuchbucket",
            "containernotfound",
            "the specified bucket does not exist",
            "bucket does not exist",
            "no such container",
        ]) {
            RemoteErrorKind::NoSuchBucket
        } else if has(&[
            "invalidaccesskeyid",
            "signaturedoesnotmatch",
            "expiredtoken",
            "invalidtoken",
            "authenticationfailed",
            "invalid_grant",
            "unauthenticated",
            "401 unauthorized",
            "status: 401",
            // Azure (and azurite) answer a bad key with 403 `AuthorizationFailure`.
            "failed to authenticate",
        ]) {
            RemoteErrorKind::BadCredentials
        } else if has(&[
            "permanentredirect",
            "authorizationheadermalformed",
            "incorrectendpoint",
            "301 moved permanently",
            "status: 301",
            "wrong region",
            "region '",
        ]) {
            RemoteErrorKind::WrongRegion
        } else if has(&[
            "accessdenied",
            "access denied",
            "authorizationpermissionmismatch",
            "authorizationfailure",
            "forbidden",
            "status: 403",
            "permission denied",
            "permissiondenied",
        ]) {
            RemoteErrorKind::AccessDenied
        } else if has(&["timed out", "timeout", "deadline has elapsed"]) {
            RemoteErrorKind::Timeout
        } else if has(&[
            "dns error",
            "failed to lookup",
            "connection refused",
            "connection reset",
            "error trying to connect",
            "tcp connect error",
            "connect error",
            "broken pipe",
            "unexpected eof",
            "incomplete message",
            "connection closed",
            "error sending request",
        ]) {
            RemoteErrorKind::Connection
        } else if has(&[
            "slowdown",
            "throttl",
            "503",
            "500 internal",
            "status: 5",
            "server busy",
            "serviceunavailable",
            "internalerror",
        ]) {
            RemoteErrorKind::Unavailable
        } else if has(&[
            "no credentials",
            "credentials not found",
            "missing credentials",
            "no providers in chain",
        ]) {
            RemoteErrorKind::NoCredentials
        } else {
            RemoteErrorKind::Other
        }
    }
}

/// A state store backend. Implementations are cheap to share across threads.
pub trait Backend: Send + Sync {
    /// The store root this backend serves.
    fn root(&self) -> &StoreUrl;
    /// Every object whose key starts with `prefix` (recursively), sorted by key.
    fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, VfsError>;
    /// The object's bytes; fails with [`VfsError::TooLarge`] past `max_bytes`.
    fn read(&self, key: &str, max_bytes: u64) -> Result<Vec<u8>, VfsError>;
    /// As [`Backend::read`], as a future for the shared I/O runtime, so that many reads can
    /// be in flight without a thread each (see [`schedule`]). `None` for backends whose
    /// reads are local or served from a snapshot: those are read on the calling thread.
    fn read_async<'a>(
        &'a self,
        _key: &'a str,
        _max_bytes: u64,
    ) -> Option<BoxFuture<'a, Result<Vec<u8>, VfsError>>> {
        None
    }
    /// Creates or replaces an object.
    fn write(&self, key: &str, data: &[u8]) -> Result<(), VfsError>;
    /// As [`Backend::write`] (verified the same way), as a future for the shared I/O
    /// runtime; `None` for backends written on the calling thread.
    fn write_async<'a>(
        &'a self,
        _key: &'a str,
        _data: &'a [u8],
    ) -> Option<BoxFuture<'a, Result<(), VfsError>>> {
        None
    }
    /// Removes an object; removing a missing object is not an error.
    fn delete(&self, key: &str) -> Result<(), VfsError>;
    /// Size of one object, or `None` when it does not exist.
    fn stat(&self, key: &str) -> Result<Option<ObjectMeta>, VfsError>;

    /// Whether the store can only be read (writes and deletes always fail): probes then
    /// skip their write checks instead of reporting them as denied.
    fn is_read_only(&self) -> bool {
        false
    }

    /// The redacted URL of a key, for messages and findings.
    fn url_of(&self, key: &str) -> String {
        self.root().join(key).redacted()
    }

    /// Findings about how the backend was configured from the environment (legacy variables,
    /// credentials kops would not use, endpoint overrides). Reported once per run.
    fn open_findings(&self) -> Vec<Finding> {
        Vec::new()
    }

    /// Why the store is known to be unreachable (see [`fail_fast`]): no further request
    /// should be tried on it.
    fn unreachable(&self) -> Option<String> {
        None
    }

    /// Where requests go and which setting chose it, for errors people can act on (see
    /// [`sentence`]); `None` when the backend has no single endpoint worth naming.
    fn endpoint(&self) -> Option<sentence::Endpoint> {
        None
    }
}

/// Rejects keys that could escape the store or confuse a backend.
pub fn validate_key(key: &str) -> Result<(), VfsError> {
    let bad = |reason| {
        Err(VfsError::InvalidKey {
            key: key.escape_debug().to_string(),
            reason,
        })
    };
    if key.starts_with('/') {
        return bad("keys are relative to the store root");
    }
    if key.chars().any(char::is_control) {
        return bad("control characters are not allowed");
    }
    for segment in key.split('/') {
        if segment == ".." || segment == "." {
            return bad("`.` and `..` segments are not allowed");
        }
    }
    if key.contains("//") {
        return bad("empty path segments are not allowed");
    }
    Ok(())
}

/// As [`validate_key`], for a key about to be written: the store root is never an object.
pub fn validate_write_key(key: &str) -> Result<(), VfsError> {
    validate_key(key)?;
    if key.is_empty() {
        return Err(VfsError::InvalidKey {
            key: String::new(),
            reason: "cannot write the store root",
        });
    }
    Ok(())
}

/// The object name of `key` under a store's prefix (both without leading or trailing `/`).
pub fn prefixed(prefix: &str, key: &str) -> String {
    match (prefix.is_empty(), key.is_empty()) {
        (true, _) => key.to_string(),
        (false, true) => prefix.to_string(),
        (false, false) => format!("{prefix}/{key}"),
    }
}

/// The name prefix that lists `prefix` (a key prefix) inside a store's prefix: everything
/// under the store for an empty `prefix`, never objects that merely start like the store.
pub fn list_prefix(store_prefix: &str, prefix: &str) -> String {
    if store_prefix.is_empty() {
        prefix.to_string()
    } else {
        format!("{store_prefix}/{prefix}")
    }
}

/// The key of a listed object name, relative to the store's prefix (`None` when the name
/// is not inside it).
pub fn key_of<'a>(store_prefix: &str, name: &'a str) -> Option<&'a str> {
    if store_prefix.is_empty() {
        return Some(name);
    }
    name.strip_prefix(store_prefix)?.strip_prefix('/')
}

/// Confirms a write from the object read back (`read_back`), for answers that carry no
/// checksum to compare: success is only reported for content that is really stored.
pub fn compare_read_back(
    url: String,
    read_back: Result<Vec<u8>, VfsError>,
    data: &[u8],
) -> Result<(), VfsError> {
    if read_back? == data {
        Ok(())
    } else {
        Err(VfsError::Remote {
            url,
            kind: RemoteErrorKind::Other,
            detail: "content read back differs from what was written".into(),
        })
    }
}

/// An in-memory object's bytes under the read bound (memfs, the k8s snapshot); `url` names
/// it in errors.
pub(crate) fn bounded_copy(
    data: Option<&Vec<u8>>,
    url: String,
    max_bytes: u64,
) -> Result<Vec<u8>, VfsError> {
    let data = data.ok_or(VfsError::NotFound { url: url.clone() })?;
    if data.len() as u64 > max_bytes {
        return Err(VfsError::TooLarge {
            url,
            size: data.len() as u64,
            limit: max_bytes,
        });
    }
    Ok(data.clone())
}

/// Opens the backend for a store URL; a store that stops answering fails fast from then on.
pub fn open(url: &StoreUrl, env: &dyn Environment) -> Result<Arc<dyn Backend>, VfsError> {
    let cwd = env.current_dir();
    Ok(match url.scheme {
        Scheme::File => Arc::new(FailFast::new(fs::FsBackend::open(url, cwd.as_deref())?)),
        Scheme::Memfs => Arc::new(FailFast::new(mem::MemBackend::named(url))),
        Scheme::AzureBlob => Arc::new(FailFast::new(azure::open(url, env)?)),
        Scheme::Gs => Arc::new(FailFast::new(gcs::open(url, env)?)),
        Scheme::Swift => Arc::new(FailFast::new(swift::open(url, env)?)),
        Scheme::K8s => Arc::new(FailFast::new(k8s::open(url, env)?)),
        Scheme::S3 | Scheme::Do | Scheme::Scw | Scheme::Linode | Scheme::Hos | Scheme::Oss => {
            Arc::new(FailFast::new(s3::open(url, env)?))
        }
    })
}

/// As [`open`], also returning the control-plane handle of S3-family stores, which the
/// permission probes use for bucket-level calls.
pub fn open_with_control(
    url: &StoreUrl,
    env: &dyn Environment,
) -> Result<(Arc<dyn Backend>, Option<s3::S3Store>), VfsError> {
    if url.scheme.is_s3_family() {
        let (backend, store) = s3::open_store(url, env)?;
        Ok((Arc::new(FailFast::new(backend)), Some(store)))
    } else {
        Ok((open(url, env)?, None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_prefixes_stay_inside_the_store_prefix() {
        assert_eq!(list_prefix("", "c/"), "c/");
        assert_eq!(list_prefix("kops", ""), "kops/");
        assert_eq!(list_prefix("kops", "c/"), "kops/c/");
        assert_eq!(key_of("kops", "kops/c/config"), Some("c/config"));
        assert_eq!(key_of("kops", "kops-old/c/config"), None);
        assert_eq!(key_of("", "c/config"), Some("c/config"));
        assert_eq!(prefixed("kops", ""), "kops");
        assert_eq!(prefixed("", "c"), "c");
    }

    #[test]
    fn rejects_escaping_keys() {
        for key in ["../x", "a/../../b", "/etc/passwd", "a//b", "a\0b", "./a"] {
            assert!(validate_key(key).is_err(), "{key:?}");
        }
        for key in ["", "c.example.com/config", "a/b/c", "name%2Fwith"] {
            assert!(validate_key(key).is_ok(), "{key:?}");
        }
    }
}
