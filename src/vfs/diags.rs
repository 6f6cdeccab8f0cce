//! Codes for talking to remote stores (SL030-SL039), shared by every cloud backend, and
//! the mapping from a [`VfsError`] to the finding that explains it.

use crate::findings::{code, CodeInfo, Finding, Location};
use crate::vfs::{RemoteErrorKind, VfsError};

code!(
    BUCKET_NOT_FOUND,
    "SL030",
    "bucket-not-found",
    Error,
    "the bucket or container named by the store URL does not exist"
);
code!(
    ACCESS_DENIED,
    "SL031",
    "access-denied",
    Error,
    "the caller is authenticated but not allowed to read the store"
);
code!(
    BAD_CREDENTIALS,
    "SL032",
    "bad-credentials",
    Error,
    "the store rejected the credentials (unknown key, bad signature, expired token)"
);
code!(
    WRONG_REGION,
    "SL033",
    "wrong-region",
    Error,
    "the bucket is in another region than the one requests are signed for"
);
code!(
    ENDPOINT_UNREACHABLE,
    "SL034",
    "endpoint-unreachable",
    Error,
    "the store's endpoint cannot be reached (DNS failure, connection refused or reset)"
);
code!(
    REQUEST_TIMEOUT,
    "SL035",
    "request-timeout",
    Error,
    "the store did not answer in time"
);
code!(
    SERVICE_UNAVAILABLE,
    "SL036",
    "service-unavailable",
    Error,
    "the store kept answering with throttling or server errors after bounded retries"
);
code!(
    NO_CREDENTIALS,
    "SL037",
    "no-credentials",
    Error,
    "no credentials for the store's backend were found"
);
code!(
    REMOTE_ERROR,
    "SL038",
    "remote-error",
    Error,
    "the store answered with an error statelint cannot classify"
);

pub static CODES: &[&CodeInfo] = &[
    &BUCKET_NOT_FOUND,
    &ACCESS_DENIED,
    &BAD_CREDENTIALS,
    &WRONG_REGION,
    &ENDPOINT_UNREACHABLE,
    &REQUEST_TIMEOUT,
    &SERVICE_UNAVAILABLE,
    &NO_CREDENTIALS,
    &REMOTE_ERROR,
];

/// The finding for a failed remote call, or `None` when `err` is not a remote error.
pub fn remote_finding(err: &VfsError) -> Option<Finding> {
    if let VfsError::Config {
        url,
        code,
        message,
        help,
    } = err
    {
        return Some(
            Finding::new(code, message.clone(), Location::resource(url.clone())).with_help(help),
        );
    }
    let VfsError::Remote { url, kind, .. } = err else {
        return None;
    };
    let (info, help): (&'static CodeInfo, &str) = match kind {
        RemoteErrorKind::NoSuchBucket => (&BUCKET_NOT_FOUND, "check the bucket name in the store URL; create the bucket with versioning on if it is new"),
        RemoteErrorKind::AccessDenied => (&ACCESS_DENIED, "run `statelint probe` to see which grant is missing for your identity"),
        RemoteErrorKind::BadCredentials => (&BAD_CREDENTIALS, "refresh the credentials and check which profile or variables are active"),
        RemoteErrorKind::WrongRegion => (&WRONG_REGION, "unset the region override or set it to the bucket's region"),
        RemoteErrorKind::Connection => (&ENDPOINT_UNREACHABLE, "correct the endpoint in the setting named above, or start the server it names"),
        RemoteErrorKind::Timeout => (&REQUEST_TIMEOUT, "check that the endpoint is the store's server and the network path to it; `STATELINT_REQUEST_TIMEOUT` (seconds) waits longer"),
        RemoteErrorKind::Unavailable => (&SERVICE_UNAVAILABLE, "retry later, or lower `--max-requests`"),
        RemoteErrorKind::NoCredentials => (&NO_CREDENTIALS, "provide credentials the backend's usual way"),
        RemoteErrorKind::Other => (&REMOTE_ERROR, "read the server's message; it is kept verbatim"),
    };
    // These say in one sentence what failed and where the endpoint came from (see
    // `vfs::sentence`); the store is named after it.
    let message = match (kind, err) {
        (
            RemoteErrorKind::Connection | RemoteErrorKind::Timeout | RemoteErrorKind::NoCredentials,
            VfsError::Remote { detail, .. },
        ) if !detail.starts_with("not tried") => format!("{detail} (reading `{url}`)"),
        _ => err.to_string(),
    };
    Some(Finding::new(info, message, Location::resource(url.clone())).with_help(help))
}
