//! `swift://<container>/<prefix>`: OpenStack Swift through its object API, authenticated
//! with a Keystone v3 token ([`super::swift_auth`]).
//!
//! One token per backend, requested on first use and requested again once when Swift answers
//! 401 (tokens expire). Requests are bounded by the same timeouts and retry budget as the
//! other cloud backends: 5xx, 429 and transport errors are retried with exponential backoff,
//! at most [`http::MAX_RETRIES`] times. Writes send the MD5 of the content as `ETag`, so
//! Swift itself refuses a corrupted upload (422), and the returned `ETag` is compared too.

use futures::future::BoxFuture;
use percent_encoding::{utf8_percent_encode, AsciiSet};
use reqwest::{Method, StatusCode};
use std::sync::{Arc, Mutex};

use super::http::Timeouts;
use super::object::MAX_LISTED_OBJECTS;
use super::rest::{self, Answer, Bounded};
use super::runtime::block_on;
use super::swift_auth::{self, Session, SwiftSettings};
use super::{
    compare_read_back, key_of, list_prefix, prefixed, validate_key, validate_write_key, Backend,
    ObjectMeta, RemoteErrorKind, VfsError,
};
use crate::env::Environment;
use crate::findings::Finding;
use crate::resolve::url::StoreUrl;

/// Objects per listing page: Swift's default (and usual maximum) container listing limit.
const PAGE_SIZE: usize = 10_000;

/// Characters kept as-is in an object path: unreserved ones and `/`.
const PATH_SET: &AsciiSet = &rest::UNRESERVED.remove(b'/');

pub struct SwiftBackend {
    root: StoreUrl,
    container: String,
    /// Object-name prefix inside the container (no leading or trailing `/`).
    prefix: String,
    settings: SwiftSettings,
    client: reqwest::Client,
    session: Mutex<Option<Arc<Session>>>,
    findings: Vec<Finding>,
    /// Objects asked for per listing request.
    page_size: usize,
    /// How long a request may wait, for messages.
    timeouts: Timeouts,
}

/// Opens a `swift://` store: resolves the credentials now, authenticates on first use.
pub fn open(url: &StoreUrl, env: &dyn Environment) -> Result<SwiftBackend, VfsError> {
    let redacted = url.redacted();
    let settings = swift_auth::resolve(&redacted, env)?;
    let timeouts = Timeouts::from_env(env);
    let mut builder = rest::client_builder(timeouts);
    if settings.insecure_tls {
        builder = builder.danger_accept_invalid_certs(true);
    }
    if let Some(ca) = &settings.ca_file {
        let pem = std::fs::read(ca).map_err(|e| VfsError::Config {
            url: redacted.clone(),
            code: &crate::vfs::diags::BAD_CREDENTIALS,
            message: format!(
                "`OS_CACERT` names `{}`, which cannot be read: {e}",
                ca.display()
            ),
            help: "point `OS_CACERT` at the cloud's CA bundle (PEM), or unset it".into(),
        })?;
        builder = rest::trust_pem(builder, &pem)
            .map(|(builder, _)| builder)
            .map_err(|e| VfsError::Config {
                url: redacted.clone(),
                code: &crate::vfs::diags::BAD_CREDENTIALS,
                message: format!("`OS_CACERT` (`{}`) is not a PEM bundle: {e}", ca.display()),
                help: "point `OS_CACERT` at the cloud's CA bundle (PEM), or unset it".into(),
            })?;
    }
    let client = builder.build().map_err(|e| VfsError::Remote {
        url: redacted.clone(),
        kind: RemoteErrorKind::Other,
        detail: format!("cannot build the HTTP client: {e}"),
    })?;
    let findings = settings.findings.clone();
    Ok(SwiftBackend {
        root: url.clone(),
        container: url.host.clone(),
        prefix: url.path.trim_matches('/').to_string(),
        settings,
        client,
        session: Mutex::new(None),
        findings,
        page_size: PAGE_SIZE,
        timeouts,
    })
}

/// What one request asks for; rebuilt for each attempt.
struct Call<'a> {
    method: Method,
    /// Path below the account URL, already encoded (`/container/object`).
    path: String,
    query: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
    body: Option<&'a [u8]>,
}

impl SwiftBackend {
    /// Lists with smaller pages (tests exercise paging without 10,000 objects).
    pub fn with_page_size(mut self, page_size: usize) -> SwiftBackend {
        self.page_size = page_size.max(1);
        self
    }

    fn object_name(&self, key: &str) -> String {
        prefixed(&self.prefix, key)
    }

    fn object_path(&self, key: &str) -> String {
        format!(
            "/{}/{}",
            utf8_percent_encode(&self.container, PATH_SET),
            utf8_percent_encode(&self.object_name(key), PATH_SET)
        )
    }

    fn remote(&self, key: &str, kind: RemoteErrorKind, detail: impl Into<String>) -> VfsError {
        VfsError::Remote {
            url: self.url_of(key),
            kind,
            detail: detail.into(),
        }
    }

    /// The current session, authenticating when there is none (or `renew`).
    async fn session(&self, renew: bool) -> Result<Arc<Session>, VfsError> {
        if !renew {
            if let Some(s) = self.session.lock().ok().and_then(|g| g.clone()) {
                return Ok(s);
            }
        }
        let fresh = Arc::new(self.authenticate().await?);
        if let Ok(mut guard) = self.session.lock() {
            *guard = Some(fresh.clone());
        }
        Ok(fresh)
    }

    /// `POST /v3/auth/tokens`, then the Swift endpoint from the returned catalog.
    async fn authenticate(&self) -> Result<Session, VfsError> {
        let url = format!("{}/auth/tokens", self.settings.auth_url);
        let store = self.root.redacted();
        let body = self.settings.token_request().to_string();
        let request = self
            .client
            .post(&url)
            .header("Content-Type", "application/json")
            .body(body);
        let response = rest::send(request).await.map_err(|e| VfsError::Remote {
            url: url.clone(),
            kind: rest::transport_kind(&e),
            detail: format!("Keystone at `{url}`: {}", rest::error_text(&e)),
        })?;
        let status = response.status();
        let token = response
            .headers()
            .get("X-Subject-Token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let text = response.text().await.unwrap_or_default();
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            let kind = if status == StatusCode::UNAUTHORIZED {
                RemoteErrorKind::BadCredentials
            } else {
                RemoteErrorKind::AccessDenied
            };
            return Err(VfsError::Remote {
                url: store,
                kind,
                detail: format!(
                    "Keystone at `{url}` refused {}: HTTP {status} {}",
                    self.settings.who(),
                    keystone_message(&text)
                ),
            });
        }
        if !status.is_success() {
            return Err(VfsError::Remote {
                url: store,
                kind: rest::status_kind(status),
                detail: format!(
                    "Keystone at `{url}` answered HTTP {status} {}",
                    keystone_message(&text)
                ),
            });
        }
        let token = token.ok_or_else(|| VfsError::Remote {
            url: store.clone(),
            kind: RemoteErrorKind::Other,
            detail: format!("Keystone at `{url}` issued no `X-Subject-Token`"),
        })?;
        let parsed: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| VfsError::Remote {
                url: store.clone(),
                kind: RemoteErrorKind::Other,
                detail: format!("Keystone's token response is not JSON: {e}"),
            })?;
        let storage_url = self.settings.storage_url(&store, &parsed)?;
        Ok(Session {
            token: super::secret::Secret::new(token),
            storage_url,
        })
    }

    /// Sends one call with retries, renewing the token once on 401.
    async fn send(&self, key: &str, call: &Call<'_>, max_body: u64) -> Result<Answer, VfsError> {
        let mut session = self.session(false).await?;
        let mut renewed = false;
        loop {
            let url = format!(
                "{}{}{}",
                session.storage_url,
                call.path,
                query_string(&call.query)
            );
            let mut request = self
                .client
                .request(call.method.clone(), &url)
                .header("X-Auth-Token", session.token.expose());
            for (name, value) in &call.headers {
                request = request.header(*name, value);
            }
            if let Some(body) = call.body {
                request = request.body(body.to_vec());
            }
            let transport = |e: reqwest::Error| {
                self.remote(key, rest::transport_kind(&e), rest::error_text(&e))
            };
            let response = rest::send(request).await.map_err(transport)?;
            if response.status() == StatusCode::UNAUTHORIZED && !renewed {
                renewed = true;
                session = self.session(true).await?;
                continue;
            }
            return match rest::read_bounded(response, max_body)
                .await
                .map_err(transport)?
            {
                Bounded::Read(answer) => Ok(answer),
                Bounded::TooLarge(size) => Err(VfsError::TooLarge {
                    url: self.url_of(key),
                    size,
                    limit: max_body,
                }),
            };
        }
    }

    /// One object's bytes (a single GET).
    async fn get(&self, key: &str, max_bytes: u64) -> Result<Vec<u8>, VfsError> {
        validate_key(key)?;
        let call = Call {
            method: Method::GET,
            path: self.object_path(key),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        };
        let answer = self.send(key, &call, max_bytes).await?;
        rest::object_body(
            answer,
            || self.url_of(key),
            |a| self.status_error(key, a, "the object read"),
        )
    }

    /// One PUT carrying the MD5 as `ETag`, verified by the answer's ETag (or by reading
    /// the object back).
    async fn put(&self, key: &str, data: &[u8]) -> Result<(), VfsError> {
        validate_write_key(key)?;
        let md5 = rest::md5_hex(data);
        let call = Call {
            method: Method::PUT,
            path: self.object_path(key),
            query: Vec::new(),
            headers: vec![("ETag", md5.clone())],
            body: Some(data),
        };
        let answer = self.send(key, &call, 64 * 1024).await?;
        match answer.status.as_u16() {
            201 | 200 if rest::etag_matches(answer.header("ETag"), &md5) => Ok(()),
            // No or another ETag: verify by reading the object back.
            201 | 200 => {
                let read_back = self.get(key, data.len() as u64).await;
                compare_read_back(self.url_of(key), read_back, data)
            }
            404 => Err(self.remote(
                key,
                RemoteErrorKind::NoSuchBucket,
                format!("no such container `{}`", self.container),
            )),
            422 => Err(self.remote(
                key,
                RemoteErrorKind::Other,
                "Swift refused the upload: the content it received does not match its MD5",
            )),
            _ => Err(self.status_error(key, &answer, "the object write")),
        }
    }

    fn run(&self, key: &str, call: Call<'_>, max_body: u64) -> Result<Answer, VfsError> {
        block_on(self.send(key, &call, max_body))
            .map_err(|e| self.remote(key, RemoteErrorKind::Other, e))?
    }

    /// The error for a status statelint did not expect.
    fn status_error(&self, key: &str, answer: &Answer, what: &str) -> VfsError {
        self.remote(
            key,
            rest::status_kind(answer.status),
            format!(
                "{what} answered HTTP {} {}",
                answer.status,
                answer.snippet()
            ),
        )
    }
}

/// `?a=1&b=x%2Fy`, or nothing for no parameters.
fn query_string(params: &[(&str, String)]) -> String {
    let pairs: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", rest::encode(v)))
        .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

/// Keystone's `{"error": {"message": ...}}`, or nothing.
fn keystone_message(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(|m| format!("({m})")))
        .unwrap_or_default()
}

#[derive(serde::Deserialize)]
struct Listed {
    name: Option<String>,
    bytes: Option<u64>,
}

impl Backend for SwiftBackend {
    fn root(&self) -> &StoreUrl {
        &self.root
    }

    /// Keystone, the first server asked (the storage URL comes from its catalogue).
    fn endpoint(&self) -> Option<super::sentence::Endpoint> {
        let origin = match &self.settings.source {
            swift_auth::CredentialSource::Environment => "OS_AUTH_URL".to_string(),
            swift_auth::CredentialSource::File(path) => {
                format!("`auth_url` in {}", path.display())
            }
        };
        Some(super::sentence::Endpoint {
            url: self.settings.auth_url.clone(),
            origin,
            timeout_secs: self.timeouts.request.as_secs(),
        })
    }

    fn open_findings(&self) -> Vec<Finding> {
        self.findings.clone()
    }

    fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, VfsError> {
        validate_key(prefix)?;
        let full_prefix = list_prefix(&self.prefix, prefix);
        let container_path = format!("/{}", utf8_percent_encode(&self.container, PATH_SET));
        let mut out = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let mut query = vec![
                ("format", "json".to_string()),
                ("limit", self.page_size.to_string()),
                ("prefix", full_prefix.clone()),
            ];
            if let Some(m) = &marker {
                query.push(("marker", m.clone()));
            }
            let call = Call {
                method: Method::GET,
                path: container_path.clone(),
                query,
                headers: Vec::new(),
                body: None,
            };
            let answer = self.run(prefix, call, 64 * 1024 * 1024)?;
            match answer.status.as_u16() {
                200 => {}
                204 => break, // an empty container
                404 => {
                    return Err(self.remote(
                        prefix,
                        RemoteErrorKind::NoSuchBucket,
                        format!("no such container `{}`", self.container),
                    ))
                }
                _ => return Err(self.status_error(prefix, &answer, "the container listing")),
            }
            let page: Vec<Listed> = serde_json::from_slice(&answer.body).map_err(|e| {
                self.remote(
                    prefix,
                    RemoteErrorKind::Other,
                    format!("the listing is not JSON: {e}"),
                )
            })?;
            let count = page.len();
            for item in page {
                let Some(name) = item.name else { continue };
                marker = Some(name.clone());
                if let Some(key) = key_of(&self.prefix, &name) {
                    if key.starts_with(prefix) {
                        out.push(ObjectMeta {
                            key: key.to_string(),
                            size: item.bytes.unwrap_or(0),
                        });
                    }
                }
            }
            if out.len() > MAX_LISTED_OBJECTS {
                return Err(self.remote(
                    prefix,
                    RemoteErrorKind::Other,
                    format!("more than {MAX_LISTED_OBJECTS} objects"),
                ));
            }
            if count < self.page_size || marker.is_none() {
                break;
            }
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
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
        let call = Call {
            method: Method::DELETE,
            path: self.object_path(key),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        };
        let answer = self.run(key, call, 64 * 1024)?;
        match answer.status.as_u16() {
            200..=299 | 404 => Ok(()),
            _ => Err(self.status_error(key, &answer, "the object delete")),
        }
    }

    fn stat(&self, key: &str) -> Result<Option<ObjectMeta>, VfsError> {
        validate_key(key)?;
        let call = Call {
            method: Method::HEAD,
            path: self.object_path(key),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        };
        // A HEAD answer has no body; its Content-Length is the object's size.
        let answer = self.run(key, call, u64::MAX)?;
        match answer.status.as_u16() {
            200 | 204 => Ok(Some(ObjectMeta {
                key: key.to_string(),
                size: answer
                    .header("Content-Length")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0),
            })),
            404 => Ok(None),
            _ => Err(self.status_error(key, &answer, "the object HEAD")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_paths_are_percent_encoded_but_keep_slashes() {
        let env = crate::env::MapEnv::new()
            .with_var("OS_AUTH_URL", "http://127.0.0.1:1/v3")
            .with_var("OS_USERID", "u")
            .with_var("OS_PASSWORD", "p");
        let url = StoreUrl::parse("swift://kops-state/clusters").expect("url");
        let b = open(&url, &env).expect("open");
        assert_eq!(
            b.object_path("c.example.com/instancegroup/nodes a?b"),
            "/kops-state/clusters/c.example.com/instancegroup/nodes%20a%3Fb"
        );
    }
}
