//! HTTP settings shared by the `object_store` clients of the cloud backends: bounded
//! timeouts and a bounded retry budget with exponential backoff, so an unreachable or
//! throttling endpoint turns into a coded finding instead of a hang.

use object_store::{BackoffConfig, ClientOptions, RetryConfig};
use std::time::Duration;

use super::runtime::{CONNECT_TIMEOUT, REQUEST_TIMEOUT};

/// Retries of one request on 5xx, throttling and transport errors.
pub const MAX_RETRIES: usize = 3;
/// Upper bound on the time spent retrying one request.
pub const RETRY_BUDGET: Duration = Duration::from_secs(20);

/// Request and connect timeouts of one backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub request: Duration,
}

/// `STATELINT_REQUEST_TIMEOUT`: seconds one request may take before it is abandoned.
pub const TIMEOUT_VAR: &str = "STATELINT_REQUEST_TIMEOUT";

impl Timeouts {
    /// The defaults, or `STATELINT_REQUEST_TIMEOUT` seconds (1-600) for requests, and the
    /// connect timeout capped by it.
    pub fn from_env(env: &dyn crate::env::Environment) -> Timeouts {
        let request = env
            .var(TIMEOUT_VAR)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|s| (1..=600).contains(s))
            .map(Duration::from_secs)
            .unwrap_or(REQUEST_TIMEOUT);
        Timeouts {
            connect: CONNECT_TIMEOUT.min(request),
            request,
        }
    }
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: CONNECT_TIMEOUT,
            request: REQUEST_TIMEOUT,
        }
    }
}

/// Client options with explicit timeouts.
pub fn client_options_with(allow_http: bool, timeouts: Timeouts) -> ClientOptions {
    ClientOptions::new()
        .with_timeout(timeouts.request)
        .with_connect_timeout(timeouts.connect)
        .with_allow_http(allow_http)
}

/// Client options: statelint's timeouts; plain HTTP only when the endpoint asks for it
/// (local emulators).
pub fn client_options(allow_http: bool) -> ClientOptions {
    ClientOptions::new()
        .with_timeout(REQUEST_TIMEOUT)
        .with_connect_timeout(CONNECT_TIMEOUT)
        .with_allow_http(allow_http)
}

/// Bounded retries with exponential backoff. No retry starts once `request` (one request's
/// timeout) has passed, so an endpoint that never answers costs one timeout, not four.
pub fn retry_config(request: Duration) -> RetryConfig {
    RetryConfig {
        backoff: BackoffConfig {
            init_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            base: 2.0,
        },
        max_retries: MAX_RETRIES,
        retry_timeout: RETRY_BUDGET.min(request),
    }
}

/// Whether an endpoint URL uses plain HTTP.
pub fn is_plain_http(endpoint: &str) -> bool {
    endpoint
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
}

/// Whether a URL's host is on this machine (`127.0.0.0/8`, `::1`, `localhost`).
pub fn is_loopback_url(endpoint: &str) -> bool {
    let Some((_, rest)) = endpoint.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_plain_http_and_loopback() {
        assert!(is_plain_http("http://127.0.0.1:1"));
        assert!(is_plain_http("HTTP://x"));
        assert!(!is_plain_http("https://x"));
        assert!(is_loopback_url("http://127.0.0.1:10000/devstoreaccount1"));
        assert!(is_loopback_url("http://127.3.2.1"));
        assert!(is_loopback_url("http://localhost:4443"));
        assert!(is_loopback_url("http://[::1]:80/x"));
        assert!(!is_loopback_url("https://acct.blob.core.windows.net"));
        assert!(!is_loopback_url("http://10.0.0.1:80"));
        assert!(!is_loopback_url("127.0.0.1:80"));
    }
}
