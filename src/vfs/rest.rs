//! Plumbing shared by the backends that speak HTTP themselves (Swift, the GCS JSON API and
//! the Kubernetes API): one client configuration, bounded retries with backoff, bounded
//! bodies, and the mapping of statuses and transport errors to [`RemoteErrorKind`].

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, Response, StatusCode};
use std::time::Duration;

use super::http::{Timeouts, MAX_RETRIES};
use super::{RemoteErrorKind, VfsError};

/// A client builder with statelint's timeouts and user agent, never through a proxy
/// variable (endpoints are named explicitly).
pub fn client_builder(timeouts: Timeouts) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .timeout(timeouts.request)
        .connect_timeout(timeouts.connect)
        .no_proxy()
        .user_agent(concat!("statelint/", env!("CARGO_PKG_VERSION")))
}

/// Characters sent as they are in a path segment or a query value: RFC 3986's unreserved
/// ones. Everything else, `/` included, is percent-encoded.
pub const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes one path segment or query value (see [`UNRESERVED`]).
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

/// Trusts the certificates of a PEM bundle besides the system roots; returns how many.
pub fn trust_pem(
    builder: reqwest::ClientBuilder,
    pem: &[u8],
) -> Result<(reqwest::ClientBuilder, usize), reqwest::Error> {
    let certs = reqwest::Certificate::from_pem_bundle(pem)?;
    let count = certs.len();
    let builder = certs
        .into_iter()
        .fold(builder, |b, cert| b.add_root_certificate(cert));
    Ok((builder, count))
}

/// Statuses worth another try: 5xx, 429 and Swift's 498 (rate limited).
pub fn retryable(status: StatusCode) -> bool {
    status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS || status.as_u16() == 498
}

/// 100 ms, 200 ms, 400 ms, ... capped at 5 s.
pub fn backoff(attempt: usize) -> Duration {
    let base = Duration::from_millis(100) * 2u32.saturating_pow(attempt as u32);
    base.min(Duration::from_secs(5))
}

/// Sends a request, retrying at most [`MAX_RETRIES`] times on retryable statuses and
/// transport errors other than timeouts. The last answer (whatever its status) or error is returned.
pub async fn send(request: RequestBuilder) -> Result<Response, reqwest::Error> {
    let mut attempt = 0;
    loop {
        let Some(this) = request.try_clone() else {
            return request.send().await; // a streamed body cannot be repeated
        };
        match this.send().await {
            Ok(r) if retryable(r.status()) && attempt < MAX_RETRIES => {}
            // A timeout is not retried: the endpoint had its whole window to answer.
            Err(e) if attempt < MAX_RETRIES && !e.is_builder() && !e.is_timeout() => {}
            other => return other,
        }
        tokio::time::sleep(backoff(attempt)).await;
        attempt += 1;
    }
}

/// The body of an object GET's answer: the bytes on 200, [`VfsError::NotFound`] (at `url`)
/// on 404, and `other`'s error for any other status.
pub fn object_body(
    answer: Answer,
    url: impl FnOnce() -> String,
    other: impl FnOnce(&Answer) -> VfsError,
) -> Result<Vec<u8>, VfsError> {
    match answer.status.as_u16() {
        200 => Ok(answer.body),
        404 => Err(VfsError::NotFound { url: url() }),
        _ => Err(other(&answer)),
    }
}

/// A finished response.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as one short line, for error messages.
    pub fn snippet(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        flat.chars().take(300).collect()
    }
}

/// The outcome of reading a body under a size bound.
pub enum Bounded {
    Read(Answer),
    /// A successful answer larger than the bound (its size, as far as known).
    TooLarge(u64),
}

/// Reads the body, refusing a successful answer over `max` bytes. Error bodies are cut at
/// `max` (their start is enough for a message).
pub async fn read_bounded(mut response: Response, max: u64) -> Result<Bounded, reqwest::Error> {
    let status = response.status();
    let headers = response.headers().clone();
    let length = response.content_length();
    if status.is_success() && length.is_some_and(|l| l > max) {
        return Ok(Bounded::TooLarge(length.unwrap_or(0)));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if (body.len() + chunk.len()) as u64 > max {
            if status.is_success() {
                return Ok(Bounded::TooLarge((body.len() + chunk.len()) as u64));
            }
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bounded::Read(Answer {
        status,
        headers,
        body,
    }))
}

/// What an unexpected status means.
pub fn status_kind(status: StatusCode) -> RemoteErrorKind {
    match status.as_u16() {
        401 => RemoteErrorKind::BadCredentials,
        403 => RemoteErrorKind::AccessDenied,
        429 | 498 | 500..=599 => RemoteErrorKind::Unavailable,
        _ => RemoteErrorKind::Other,
    }
}

/// What a transport error means.
pub fn transport_kind(e: &reqwest::Error) -> RemoteErrorKind {
    if e.is_timeout() {
        RemoteErrorKind::Timeout
    } else if e.is_connect() {
        RemoteErrorKind::Connection
    } else {
        RemoteErrorKind::classify(&error_text(e))
    }
}

/// The error and its sources on one line (the root cause is usually the last).
pub fn error_text(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The hex MD5 of `data` (Swift's ETag).
pub fn md5_hex(data: &[u8]) -> String {
    use md5::{Digest, Md5};
    Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether an ETag is the hex MD5 `md5_hex` (quotes and case ignored).
pub fn etag_matches(etag: Option<&str>, md5_hex: &str) -> bool {
    etag.is_some_and(|t| t.trim_matches('"').eq_ignore_ascii_case(md5_hex))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_kinds_and_backoff_is_bounded() {
        assert_eq!(
            status_kind(StatusCode::UNAUTHORIZED),
            RemoteErrorKind::BadCredentials
        );
        assert_eq!(
            status_kind(StatusCode::FORBIDDEN),
            RemoteErrorKind::AccessDenied
        );
        assert_eq!(
            status_kind(StatusCode::SERVICE_UNAVAILABLE),
            RemoteErrorKind::Unavailable
        );
        assert!(retryable(StatusCode::TOO_MANY_REQUESTS));
        assert!(!retryable(StatusCode::NOT_FOUND));
        assert!(backoff(0) < backoff(1));
        assert_eq!(backoff(30), Duration::from_secs(5));
        assert_eq!(md5_hex(b"hello"), "5d41402abc4b2a76b9719d911017c592");
        assert_eq!(encode("a/b c~d_e.f-g?"), "a%2Fb%20c~d_e.f-g%3F");
        let md5 = md5_hex(b"hello");
        assert!(etag_matches(
            Some("\"5D41402ABC4B2A76B9719D911017C592\""),
            &md5
        ));
        assert!(!etag_matches(None, &md5));
    }
}
