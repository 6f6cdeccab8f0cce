//! A [`Backend`] over any `object_store` client: S3 (and S3-compatible), GCS and Azure all
//! use this adapter, so listing, bounded reads, verified writes and error mapping are written
//! once. Each scheme's module only builds the client from that backend's configuration.

use futures::future::BoxFuture;
use futures::StreamExt;
use object_store::path::Path as ObjPath;
use object_store::{GetOptions, ObjectStore, ObjectStoreExt, PutPayload};
use std::sync::Arc;

use super::runtime::block_on;
use super::{
    compare_read_back, prefixed, validate_key, validate_write_key, Backend, ObjectMeta,
    RemoteErrorKind, VfsError,
};
use crate::findings::Finding;
use crate::resolve::url::StoreUrl;

/// Upper bound on objects returned by one listing (a kops store has a few hundred).
pub const MAX_LISTED_OBJECTS: usize = 1_000_000;

#[derive(Debug, Clone)]
pub struct ObjectStoreBackend {
    root: StoreUrl,
    /// Key prefix inside the bucket/container (no leading or trailing `/`).
    prefix: String,
    store: Arc<dyn ObjectStore>,
    /// Findings about the configuration this client was built from.
    findings: Vec<Finding>,
    /// Where the client sends requests, for errors in one sentence.
    endpoint: Option<super::sentence::Endpoint>,
}

impl ObjectStoreBackend {
    /// Wraps a client; `prefix` is the store's key prefix inside the bucket.
    pub fn new(
        root: StoreUrl,
        prefix: impl Into<String>,
        store: Arc<dyn ObjectStore>,
    ) -> ObjectStoreBackend {
        ObjectStoreBackend {
            root,
            prefix: prefix.into().trim_matches('/').to_string(),
            store,
            findings: Vec::new(),
            endpoint: None,
        }
    }

    /// Names the endpoint and the setting it came from (see [`Backend::endpoint`]).
    pub fn with_endpoint(mut self, endpoint: super::sentence::Endpoint) -> ObjectStoreBackend {
        self.endpoint = Some(endpoint);
        self
    }

    /// Attaches findings about how the client was configured (see
    /// [`Backend::open_findings`]).
    pub fn with_findings(mut self, findings: Vec<Finding>) -> ObjectStoreBackend {
        self.findings = findings;
        self
    }

    /// The underlying client (for probes that need more than the VFS verbs).
    pub fn client(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }

    fn path(&self, key: &str) -> ObjPath {
        // `from` keeps the key as written (no percent-decoding), like kops's VFS.
        ObjPath::from(prefixed(&self.prefix, key))
    }

    /// One GET: the size comes from the response headers, and the body is only collected
    /// when it is within the bound.
    async fn get_bounded(&self, key: &str, max_bytes: u64) -> Result<Vec<u8>, VfsError> {
        let path = self.path(key);
        let too_large = |size| VfsError::TooLarge {
            url: self.url_of(key),
            size,
            limit: max_bytes,
        };
        let got = self
            .store
            .get_opts(&path, GetOptions::default())
            .await
            .map_err(|e| self.error(key, e))?;
        let size = got.meta.size;
        if size > max_bytes {
            return Err(too_large(size));
        }
        let mut data = Vec::with_capacity(size as usize);
        let mut stream = got.into_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| self.error(key, e))?;
            if (data.len() + chunk.len()) as u64 > max_bytes {
                return Err(too_large((data.len() + chunk.len()) as u64));
            }
            data.extend_from_slice(&chunk);
        }
        Ok(data)
    }

    /// One PUT, verified before success is reported: S3 answers a single-part upload with
    /// the MD5 of what it stored as the ETag; anything else (KMS, other providers) is read
    /// back.
    async fn put(&self, key: &str, data: &[u8]) -> Result<(), VfsError> {
        validate_write_key(key)?;
        let payload = PutPayload::from(bytes::Bytes::copy_from_slice(data));
        let result = self
            .store
            .put(&self.path(key), payload)
            .await
            .map_err(|e| self.error(key, e))?;
        if result
            .e_tag
            .as_deref()
            .is_some_and(|tag| etag_is_md5_of(tag, data))
        {
            return Ok(());
        }
        let read_back = self.get_bounded(key, data.len() as u64).await;
        compare_read_back(self.url_of(key), read_back, data)
    }

    fn error(&self, key: &str, err: object_store::Error) -> VfsError {
        let url = self.url_of(key);
        match err {
            object_store::Error::NotFound { .. } => {
                let detail = error_chain(&err);
                match RemoteErrorKind::classify(&detail) {
                    RemoteErrorKind::NoSuchBucket => VfsError::Remote {
                        url,
                        kind: RemoteErrorKind::NoSuchBucket,
                        detail: one_line(&detail),
                    },
                    _ => VfsError::NotFound { url },
                }
            }
            object_store::Error::PermissionDenied { .. } => {
                // Azure answers a bad signature with 403 `AuthenticationFailed`: that is a
                // credentials problem, not a missing grant.
                let detail = error_chain(&err);
                let kind = match RemoteErrorKind::classify(&detail) {
                    RemoteErrorKind::BadCredentials => RemoteErrorKind::BadCredentials,
                    RemoteErrorKind::NoSuchBucket => RemoteErrorKind::NoSuchBucket,
                    _ => RemoteErrorKind::AccessDenied,
                };
                VfsError::Remote {
                    url,
                    kind,
                    detail: one_line(&detail),
                }
            }
            object_store::Error::Unauthenticated { .. } => VfsError::Remote {
                url,
                kind: RemoteErrorKind::BadCredentials,
                detail: one_line(&err.to_string()),
            },
            other => {
                let detail = error_chain(&other);
                VfsError::Remote {
                    url,
                    kind: RemoteErrorKind::classify(&detail),
                    detail: one_line(&detail),
                }
            }
        }
    }
}

/// The error and all its sources, so classification sees the HTTP status and body.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Error texts from cloud APIs can carry whole XML bodies; keep them to one short line:
/// its start (the request), the service's `<Code>` (what the probes report, e.g.
/// `AccessDenied`) and its end (the root cause, last in the chain).
fn one_line(text: &str) -> String {
    let flat_text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let flat: Vec<char> = flat_text.chars().collect();
    if flat.len() <= 400 {
        return flat_text;
    }
    let head: String = flat[..200].iter().collect();
    let tail: String = flat[flat.len() - 200..].iter().collect();
    let code = super::service_code(&flat_text)
        .map(|code| format!("<Code>{code}</Code>"))
        .filter(|c| c.len() < 80 && !head.contains(c.as_str()) && !tail.contains(c.as_str()));
    match code {
        Some(code) => format!("{head} ... {code} ... {tail}"),
        None => format!("{head} ... {tail}"),
    }
}

#[cfg(test)]
mod one_line_tests {
    use super::one_line;

    /// A long XML answer keeps its `<Code>` even when it sits in the cut middle.
    #[test]
    fn the_service_code_survives_shortening() {
        let long = format!(
            "request {} <Error><Code>AccessDenied</Code><Message>{}</Message></Error> cause {}",
            "a".repeat(300),
            "m".repeat(300),
            "z".repeat(300)
        );
        let short = one_line(&long);
        assert!(short.contains("<Code>AccessDenied</Code>"), "{short}");
        assert!(short.chars().count() < 460, "{short}");
        assert_eq!(one_line("two\n  words"), "two words");
    }
}

fn runtime_error(url: String, e: String) -> VfsError {
    VfsError::Remote {
        url,
        kind: RemoteErrorKind::Other,
        detail: e,
    }
}

/// Whether an ETag is the hex MD5 of `data` (quotes ignored).
fn etag_is_md5_of(etag: &str, data: &[u8]) -> bool {
    super::rest::etag_matches(Some(etag), &super::rest::md5_hex(data))
}

impl Backend for ObjectStoreBackend {
    fn root(&self) -> &StoreUrl {
        &self.root
    }

    fn open_findings(&self) -> Vec<Finding> {
        self.findings.clone()
    }

    fn endpoint(&self) -> Option<super::sentence::Endpoint> {
        self.endpoint.clone()
    }

    fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, VfsError> {
        validate_key(prefix)?;
        // List the folder that contains `prefix`, then filter: object_store lists by whole
        // path segments.
        let dir = match prefix.rfind('/') {
            Some(i) => &prefix[..i],
            None => "",
        };
        let base = self.path(dir);
        let strip = if self.prefix.is_empty() {
            0
        } else {
            self.prefix.len() + 1
        };
        let store = self.store.clone();
        let listed = block_on(async move {
            let mut out = Vec::new();
            let location = if base.as_ref().is_empty() {
                None
            } else {
                Some(&base)
            };
            let mut stream = store.list(location);
            while let Some(item) = stream.next().await {
                let meta = item?;
                out.push((meta.location.to_string(), meta.size));
                if out.len() > MAX_LISTED_OBJECTS {
                    break;
                }
            }
            Ok::<_, object_store::Error>(out)
        })
        .map_err(|e| runtime_error(self.url_of(prefix), e))?
        .map_err(|e| self.error(prefix, e))?;
        if listed.len() > MAX_LISTED_OBJECTS {
            return Err(VfsError::Remote {
                url: self.url_of(prefix),
                kind: RemoteErrorKind::Other,
                detail: format!("more than {MAX_LISTED_OBJECTS} objects"),
            });
        }
        let mut out: Vec<ObjectMeta> = listed
            .into_iter()
            .filter_map(|(full, size)| {
                let key = full.get(strip..)?.to_string();
                key.starts_with(prefix).then_some(ObjectMeta { key, size })
            })
            .collect();
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    fn read(&self, key: &str, max_bytes: u64) -> Result<Vec<u8>, VfsError> {
        validate_key(key)?;
        block_on(self.get_bounded(key, max_bytes))
            .map_err(|e| runtime_error(self.url_of(key), e))?
    }

    fn read_async<'a>(
        &'a self,
        key: &'a str,
        max_bytes: u64,
    ) -> Option<BoxFuture<'a, Result<Vec<u8>, VfsError>>> {
        Some(Box::pin(async move {
            validate_key(key)?;
            self.get_bounded(key, max_bytes).await
        }))
    }

    fn write(&self, key: &str, data: &[u8]) -> Result<(), VfsError> {
        block_on(self.put(key, data)).map_err(|e| runtime_error(self.url_of(key), e))?
    }

    fn write_async<'a>(
        &'a self,
        key: &'a str,
        data: &'a [u8],
    ) -> Option<BoxFuture<'a, Result<(), VfsError>>> {
        Some(Box::pin(self.put(key, data)))
    }

    fn delete(&self, key: &str) -> Result<(), VfsError> {
        validate_key(key)?;
        let path = self.path(key);
        let store = self.store.clone();
        match block_on(async move { store.delete(&path).await })
            .map_err(|e| runtime_error(self.url_of(key), e))?
        {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.error(key, e)),
        }
    }

    fn stat(&self, key: &str) -> Result<Option<ObjectMeta>, VfsError> {
        validate_key(key)?;
        let path = self.path(key);
        let store = self.store.clone();
        match block_on(async move { store.head(&path).await })
            .map_err(|e| runtime_error(self.url_of(key), e))?
        {
            Ok(meta) => Ok(Some(ObjectMeta {
                key: key.to_string(),
                size: meta.size,
            })),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.error(key, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use object_store::memory::InMemory;

    #[test]
    fn adapter_round_trips_through_an_object_store() {
        let root = StoreUrl::parse("s3://bucket/kops").expect("url");
        let b = ObjectStoreBackend::new(root, "kops", Arc::new(InMemory::new()));
        b.write("c.example.com/config", b"kind: Cluster\n")
            .expect("write");
        b.write(
            "c.example.com/instancegroup/nodes",
            b"kind: InstanceGroup\n",
        )
        .expect("write");
        b.write("other/config", b"x").expect("write");
        let keys: Vec<_> = b
            .list("c.example.com/")
            .expect("list")
            .into_iter()
            .map(|o| o.key)
            .collect();
        assert_eq!(
            keys,
            ["c.example.com/config", "c.example.com/instancegroup/nodes"]
        );
        assert_eq!(b.list("").expect("list").len(), 3);
        assert!(matches!(
            b.read("c.example.com/config", 4),
            Err(VfsError::TooLarge { size: 14, .. })
        ));
        assert_eq!(
            b.stat("c.example.com/config")
                .expect("stat")
                .map(|m| m.size),
            Some(14)
        );
        b.delete("c.example.com/config").expect("delete");
        b.delete("c.example.com/config").expect("delete twice");
        assert!(matches!(
            b.read("c.example.com/config", 100),
            Err(VfsError::NotFound { .. })
        ));
        assert_eq!(b.url_of("x/y"), "s3://bucket/kops/x/y");
    }

    #[test]
    fn md5_etags_verify_writes_and_others_do_not() {
        let data = b"kops";
        let md5 = {
            use md5::{Digest, Md5};
            Md5::digest(data)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        assert!(etag_is_md5_of(&format!("\"{md5}\""), data));
        assert!(!etag_is_md5_of(&format!("\"{md5}\""), b"other"));
        assert!(
            !etag_is_md5_of("\"0x8DC6A1E4F2\"", data),
            "Azure-style opaque ETag"
        );
        assert!(!etag_is_md5_of(&format!("{md5}-2"), data), "multipart ETag");
    }

    #[test]
    fn classifies_remote_errors() {
        use RemoteErrorKind as K;
        assert_eq!(K::classify("<Code>NoSuchBucket</Code>"), K::NoSuchBucket);
        // object_store's retry settings in the message are not a timeout.
        assert_eq!(
            K::classify("Error performing GET http://127.0.0.1:1/b in 420ms, after 3 retries, max_retries: 3, retry_timeout: 20s - HTTP error: error sending request"),
            K::Connection
        );
        assert_eq!(
            K::classify("<Code>InvalidAccessKeyId</Code>"),
            K::BadCredentials
        );
        assert_eq!(K::classify("<Code>AccessDenied</Code>"), K::AccessDenied);
        assert_eq!(
            K::classify("<Code>PermanentRedirect</Code>"),
            K::WrongRegion
        );
        assert_eq!(
            K::classify("error trying to connect: tcp connect error: Connection refused"),
            K::Connection
        );
        assert_eq!(K::classify("operation timed out"), K::Timeout);
        assert_eq!(K::classify("<Code>SlowDown</Code>"), K::Unavailable);
    }
}
