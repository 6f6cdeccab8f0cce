//! A failed remote call said in one sentence a person can act on: which endpoint, which
//! setting it came from, and what happened ("connection refused by http://127.0.0.1:9
//! (from S3_ENDPOINT)"), instead of the HTTP client's nested error chain with its retry
//! settings and debug text.

use super::RemoteErrorKind;
use crate::resolve::url::Scheme;

/// Where a backend sends its requests, and the setting that said so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `scheme://host[:port]`, no credentials.
    pub url: String,
    /// The variable or file the endpoint came from (`S3_ENDPOINT`, `OS_AUTH_URL`, ...), or
    /// a phrase such as "AWS's endpoint for us-east-1".
    pub origin: String,
    /// How long a request may wait for an answer, in seconds.
    pub timeout_secs: u64,
}

/// The sentence for an error of `kind` whose client text is `detail`, or `None` when the
/// client's own text is the best there is (an answer from the server, kept verbatim).
pub fn rewrite(
    kind: RemoteErrorKind,
    detail: &str,
    endpoint: Option<&Endpoint>,
    scheme: Scheme,
) -> Option<String> {
    let lower = detail.to_ascii_lowercase();
    let target = || {
        let url = endpoint
            .map(|e| shown(&e.url))
            .or_else(|| first_url(detail).map(|u| shown(&u)))
            .unwrap_or_else(|| "the endpoint".into());
        match endpoint {
            Some(e) => format!("{url} (from {})", e.origin),
            None => url,
        }
    };
    match kind {
        RemoteErrorKind::Connection => Some(if lower.contains("connection refused") {
            format!("connection refused by {}", target())
        } else if lower.contains("dns error") || lower.contains("failed to lookup") {
            format!("the host of {} cannot be resolved", target())
        } else if [
            "connection reset",
            "connection closed",
            "unexpected eof",
            "incomplete message",
            "broken pipe",
        ]
        .iter()
        .any(|s| lower.contains(s))
        {
            format!("{} closed the connection without an answer", target())
        } else if lower.contains("certificate") || lower.contains("unknownissuer") {
            format!(
                "{} presented a TLS certificate that is not trusted",
                target()
            )
        } else {
            format!("cannot connect to {}", target())
        }),
        RemoteErrorKind::Timeout => Some(match endpoint {
            Some(e) => format!("no answer from {} within {} s", target(), e.timeout_secs),
            None => format!("no answer from {} in time", target()),
        }),
        RemoteErrorKind::NoCredentials => Some(no_credentials(scheme).to_string()),
        _ => None,
    }
}

/// What to do when a backend finds no credentials, the way its own tools say it.
pub fn no_credentials(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Gs => "no Google Cloud credentials: run `gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS",
        Scheme::AzureBlob => "no Azure credentials: set AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_KEY, or run `az login`",
        Scheme::Swift => "no OpenStack credentials: source your openrc file (OS_AUTH_URL, OS_USERNAME, OS_PASSWORD)",
        Scheme::K8s => "no Kubernetes credentials: give the context a token or client certificate in the kubeconfig",
        _ => "no AWS credentials: set AWS_PROFILE, run `aws sso login`, or export AWS_ACCESS_KEY_ID",
    }
}

/// An endpoint as it may be shown: no `user:password@`, no query (which may hold a token).
fn shown(url: &str) -> String {
    let url = url.split(['?', '#']).next().unwrap_or(url);
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let host = authority
                .rsplit_once('@')
                .map_or(authority, |(_, host)| host);
            format!("{scheme}://{host}{path}")
        }
        None => url.to_string(),
    }
}

/// The first `http(s)://host[:port]` in a client's error text.
fn first_url(text: &str) -> Option<String> {
    let start = text.find("http://").or_else(|| text.find("https://"))?;
    let rest = &text[start..];
    let after_scheme = rest.find("://")? + 3;
    let end = rest[after_scheme..]
        .find(|c: char| {
            c == '/' || c == '?' || c.is_whitespace() || c == '"' || c == '\'' || c == ')'
        })
        .map_or(rest.len(), |i| after_scheme + i);
    Some(rest[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OBJECT_STORE_REFUSED: &str = "Generic S3 error: Error performing list request: Error performing GET http://127.0.0.1:9/bucket?list-type=2&prefix=kops%2F in 586ms, after 3 retries, max_retries: 3, retry_timeout: 20s - HTTP error: error sending request: Connection refused (os error 111)";

    fn s3_endpoint() -> Endpoint {
        Endpoint {
            url: "http://127.0.0.1:9".into(),
            origin: "S3_ENDPOINT".into(),
            timeout_secs: 30,
        }
    }

    #[test]
    fn refused_names_the_endpoint_and_its_setting() {
        let text = rewrite(
            RemoteErrorKind::Connection,
            OBJECT_STORE_REFUSED,
            Some(&s3_endpoint()),
            Scheme::S3,
        );
        assert_eq!(
            text.as_deref(),
            Some("connection refused by http://127.0.0.1:9 (from S3_ENDPOINT)")
        );
        // Without a known endpoint, the one in the text, never the chain.
        let text = rewrite(
            RemoteErrorKind::Connection,
            OBJECT_STORE_REFUSED,
            None,
            Scheme::S3,
        );
        assert_eq!(
            text.as_deref(),
            Some("connection refused by http://127.0.0.1:9")
        );
    }

    #[test]
    fn credentials_in_an_endpoint_are_never_shown() {
        let endpoint = Endpoint {
            url: "http://admin:hunter2@127.0.0.1:9/path?sig=secret".into(),
            ..s3_endpoint()
        };
        let text = rewrite(
            RemoteErrorKind::Connection,
            "Connection refused",
            Some(&endpoint),
            Scheme::S3,
        )
        .unwrap_or_default();
        assert_eq!(
            text,
            "connection refused by http://127.0.0.1:9/path (from S3_ENDPOINT)"
        );
    }

    #[test]
    fn silence_and_missing_credentials_are_one_sentence() {
        let text = rewrite(
            RemoteErrorKind::Timeout,
            "operation timed out",
            Some(&s3_endpoint()),
            Scheme::S3,
        );
        assert_eq!(
            text.as_deref(),
            Some("no answer from http://127.0.0.1:9 (from S3_ENDPOINT) within 30 s")
        );
        let text = rewrite(
            RemoteErrorKind::NoCredentials,
            "no credentials: the credential provider was not enabled",
            None,
            Scheme::S3,
        );
        assert_eq!(
            text.as_deref(),
            Some("no AWS credentials: set AWS_PROFILE, run `aws sso login`, or export AWS_ACCESS_KEY_ID")
        );
        assert_eq!(
            rewrite(
                RemoteErrorKind::AccessDenied,
                "AccessDenied",
                None,
                Scheme::S3
            ),
            None,
            "an answer from the server is kept"
        );
    }
}
