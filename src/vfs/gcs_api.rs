//! The data plane of `gs://` stores: the Cloud Storage JSON API, which is what kops itself
//! uses (`storage/v1`), so a check exercises the same calls and permissions. The bearer
//! token comes from `object_store`'s credential providers (service account, authorized
//! user, metadata server; see [`super::gcs`]); an emulator gets no token at all.
//!
//! | verb | request |
//! |---|---|
//! | list | `GET /storage/v1/b/<bucket>/o?prefix=..&pageToken=..` |
//! | read | `GET /storage/v1/b/<bucket>/o/<object>?alt=media` |
//! | stat | `GET /storage/v1/b/<bucket>/o/<object>` |
//! | write | `POST /upload/storage/v1/b/<bucket>/o?uploadType=media&name=<object>`, verified by the returned `md5Hash` |
//! | delete | `DELETE /storage/v1/b/<bucket>/o/<object>` |

use base64::Engine as _;
use futures::future::BoxFuture;
use object_store::gcp::GcpCredentialProvider;
use reqwest::{Method, StatusCode};

use super::http::Timeouts;
use super::object::MAX_LISTED_OBJECTS;
use super::rest::{self, Answer, Bounded};
use super::runtime::block_on;
use super::{
    compare_read_back, key_of, list_prefix, prefixed, validate_key, validate_write_key, Backend,
    ObjectMeta, RemoteErrorKind, VfsError,
};
use crate::findings::Finding;
use crate::resolve::url::StoreUrl;

/// Google's endpoint, unless an emulator replaces it.
pub const GOOGLE_ENDPOINT: &str = "https://storage.googleapis.com";
/// Objects per listing page (the API's maximum is 1,000).
const PAGE_SIZE: usize = 1000;
/// Bound on listing pages (with [`MAX_LISTED_OBJECTS`]).
const MAX_PAGES: usize = 1 + MAX_LISTED_OBJECTS / PAGE_SIZE;

pub struct GcsBackend {
    root: StoreUrl,
    bucket: String,
    /// Object-name prefix (no leading or trailing `/`).
    prefix: String,
    base: String,
    /// `None`: send no `Authorization` header (emulators).
    credentials: Option<GcpCredentialProvider>,
    client: reqwest::Client,
    findings: Vec<Finding>,
    /// Where requests go and which setting chose it, for errors in one sentence.
    endpoint: Option<super::sentence::Endpoint>,
}

impl GcsBackend {
    pub fn new(
        root: StoreUrl,
        bucket: String,
        prefix: String,
        endpoint: Option<String>,
        credentials: Option<GcpCredentialProvider>,
        timeouts: Timeouts,
        findings: Vec<Finding>,
    ) -> Result<GcsBackend, VfsError> {
        let client = rest::client_builder(timeouts)
            .build()
            .map_err(|e| VfsError::Remote {
                url: root.redacted(),
                kind: RemoteErrorKind::Other,
                detail: format!("cannot build the HTTP client: {e}"),
            })?;
        // A custom endpoint only ever comes from the emulator variable.
        let origin = match endpoint {
            Some(_) => super::gcs::EMULATOR_VAR,
            None => "Google's endpoint",
        };
        let base = endpoint
            .unwrap_or_else(|| GOOGLE_ENDPOINT.to_string())
            .trim_end_matches('/')
            .to_string();
        Ok(GcsBackend {
            bucket,
            prefix: prefix.trim_matches('/').to_string(),
            endpoint: Some(super::sentence::Endpoint {
                url: base.clone(),
                origin: origin.to_string(),
                timeout_secs: timeouts.request.as_secs(),
            }),
            base,
            root,
            credentials,
            client,
            findings,
        })
    }

    fn object_name(&self, key: &str) -> String {
        prefixed(&self.prefix, key)
    }

    fn object_url(&self, key: &str) -> String {
        format!(
            "{}/storage/v1/b/{}/o/{}",
            self.base,
            rest::encode(&self.bucket),
            rest::encode(&self.object_name(key))
        )
    }

    fn remote(&self, key: &str, kind: RemoteErrorKind, detail: impl Into<String>) -> VfsError {
        VfsError::Remote {
            url: self.url_of(key),
            kind,
            detail: detail.into(),
        }
    }

    async fn call(
        &self,
        key: &str,
        method: Method,
        url: String,
        body: Option<&[u8]>,
        max_body: u64,
    ) -> Result<Answer, VfsError> {
        let mut request = self.client.request(method, &url);
        if let Some(provider) = &self.credentials {
            let token = provider.get_credential().await.map_err(|e| {
                let text = e.to_string();
                self.remote(
                    key,
                    RemoteErrorKind::classify(&text),
                    format!("getting a Google access token: {text}"),
                )
            })?;
            request = request.bearer_auth(&token.bearer);
        }
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/octet-stream")
                .body(body.to_vec());
        }
        let transport =
            |e: reqwest::Error| self.remote(key, rest::transport_kind(&e), rest::error_text(&e));
        let response = rest::send(request).await.map_err(transport)?;
        match rest::read_bounded(response, max_body)
            .await
            .map_err(transport)?
        {
            Bounded::Read(answer) => Ok(answer),
            Bounded::TooLarge(size) => Err(VfsError::TooLarge {
                url: self.url_of(key),
                size,
                limit: max_body,
            }),
        }
    }

    /// One object's bytes (a single `alt=media` GET).
    async fn get(&self, key: &str, max_bytes: u64) -> Result<Vec<u8>, VfsError> {
        validate_key(key)?;
        let url = format!("{}?alt=media", self.object_url(key));
        let answer = self.call(key, Method::GET, url, None, max_bytes).await?;
        rest::object_body(
            answer,
            || self.url_of(key),
            |a| self.status_error(key, a, "the object read"),
        )
    }

    /// A media upload, verified by the returned `md5Hash` (or by reading it back).
    async fn put(&self, key: &str, data: &[u8]) -> Result<(), VfsError> {
        validate_write_key(key)?;
        let url = format!(
            "{}/upload/storage/v1/b/{}/o?uploadType=media&name={}",
            self.base,
            rest::encode(&self.bucket),
            rest::encode(&self.object_name(key))
        );
        let answer = self
            .call(key, Method::POST, url, Some(data), 1024 * 1024)
            .await?;
        if !answer.status.is_success() {
            return Err(self.status_error(key, &answer, "the upload"));
        }
        let stored: serde_json::Value = serde_json::from_slice(&answer.body).unwrap_or_default();
        if stored["md5Hash"].as_str() == Some(md5_base64(data).as_str()) {
            return Ok(());
        }
        // No or another checksum (composite objects, proxies): read it back.
        compare_read_back(
            self.url_of(key),
            self.get(key, data.len() as u64).await,
            data,
        )
    }

    fn run(
        &self,
        key: &str,
        method: Method,
        url: String,
        body: Option<&[u8]>,
        max_body: u64,
    ) -> Result<Answer, VfsError> {
        block_on(self.call(key, method, url, body, max_body))
            .map_err(|e| self.remote(key, RemoteErrorKind::Other, e))?
    }

    /// The error for a status statelint did not expect, with Google's own message.
    fn status_error(&self, key: &str, answer: &Answer, what: &str) -> VfsError {
        let parsed: serde_json::Value = serde_json::from_slice(&answer.body).unwrap_or_default();
        let message = parsed["error"]["message"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| answer.snippet());
        let message = if message.is_empty() {
            String::new()
        } else {
            format!(": {message}")
        };
        let kind = if answer.status == StatusCode::NOT_FOUND {
            RemoteErrorKind::NoSuchBucket
        } else {
            rest::status_kind(answer.status)
        };
        self.remote(
            key,
            kind,
            format!("{what} answered HTTP {}{message}", answer.status),
        )
    }
}

fn md5_base64(data: &[u8]) -> String {
    use md5::{Digest, Md5};
    base64::engine::general_purpose::STANDARD.encode(Md5::digest(data))
}

/// `size` is a decimal string in the JSON API.
fn size_of(item: &serde_json::Value) -> u64 {
    item["size"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| item["size"].as_u64())
        .unwrap_or(0)
}

impl Backend for GcsBackend {
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
        let full_prefix = list_prefix(&self.prefix, prefix);
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut url = format!(
                "{}/storage/v1/b/{}/o?prefix={}&maxResults={PAGE_SIZE}",
                self.base,
                rest::encode(&self.bucket),
                rest::encode(&full_prefix)
            );
            if let Some(t) = &token {
                url.push_str("&pageToken=");
                url.push_str(&rest::encode(t));
            }
            let answer = self.run(prefix, Method::GET, url, None, 64 * 1024 * 1024)?;
            if !answer.status.is_success() {
                return Err(self.status_error(prefix, &answer, "the object listing"));
            }
            let page: serde_json::Value = serde_json::from_slice(&answer.body).map_err(|e| {
                self.remote(
                    prefix,
                    RemoteErrorKind::Other,
                    format!("the listing is not JSON: {e}"),
                )
            })?;
            for item in page["items"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
                let Some(name) = item["name"].as_str() else {
                    continue;
                };
                if let Some(key) = key_of(&self.prefix, name).filter(|k| k.starts_with(prefix)) {
                    out.push(ObjectMeta {
                        key: key.to_string(),
                        size: size_of(item),
                    });
                }
            }
            if out.len() > MAX_LISTED_OBJECTS {
                break;
            }
            match page["nextPageToken"].as_str().filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t.to_string()),
                None => {
                    out.sort_by(|a, b| a.key.cmp(&b.key));
                    return Ok(out);
                }
            }
        }
        Err(self.remote(
            prefix,
            RemoteErrorKind::Other,
            format!("more than {MAX_LISTED_OBJECTS} objects"),
        ))
    }

    fn read(&self, key: &str, max_bytes: u64) -> Result<Vec<u8>, VfsError> {
        block_on(self.get(key, max_bytes))
            .map_err(|e| self.remote(key, RemoteErrorKind::Other, e))?
    }

    fn read_async<'a>(
        &'a self,
        key: &'a str,
        max_bytes: u64,
    ) -> Option<BoxFuture<'a, Result<Vec<u8>, VfsError>>> {
        Some(Box::pin(self.get(key, max_bytes)))
    }

    fn write(&self, key: &str, data: &[u8]) -> Result<(), VfsError> {
        block_on(self.put(key, data)).map_err(|e| self.remote(key, RemoteErrorKind::Other, e))?
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
        let answer = self.run(key, Method::DELETE, self.object_url(key), None, 64 * 1024)?;
        match answer.status.as_u16() {
            200..=299 | 404 => Ok(()),
            _ => Err(self.status_error(key, &answer, "the delete")),
        }
    }

    fn stat(&self, key: &str) -> Result<Option<ObjectMeta>, VfsError> {
        validate_key(key)?;
        let answer = self.run(key, Method::GET, self.object_url(key), None, 1024 * 1024)?;
        match answer.status.as_u16() {
            200 => {
                let item: serde_json::Value =
                    serde_json::from_slice(&answer.body).unwrap_or_default();
                Ok(Some(ObjectMeta {
                    key: key.to_string(),
                    size: size_of(&item),
                }))
            }
            404 => Ok(None),
            _ => Err(self.status_error(key, &answer, "the metadata read")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names_are_one_encoded_segment() {
        let root = StoreUrl::parse("gs://kops-state/clusters").expect("url");
        let b = GcsBackend::new(
            root,
            "kops-state".into(),
            "clusters".into(),
            Some("http://127.0.0.1:1/".into()),
            None,
            Timeouts::default(),
            Vec::new(),
        )
        .expect("backend");
        assert_eq!(
            b.object_url("c.example.com/instancegroup/nodes a"),
            "http://127.0.0.1:1/storage/v1/b/kops-state/o/clusters%2Fc.example.com%2Finstancegroup%2Fnodes%20a"
        );
        assert_eq!(md5_base64(b"hello"), "XUFAKrxLKna5cZ2REBfFkg==");
        assert_eq!(size_of(&serde_json::json!({"size": "42"})), 42);
    }
}
