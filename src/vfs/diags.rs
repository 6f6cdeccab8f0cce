//! Codes for talking to remote stores (SL030-SL039), shared by every cloud backend, and
//! the mapping from a [`VfsError`] to the finding that explains it.

use crate::codes::code;
use crate::codes::CodeInfo;
use crate::findings::{Finding, Location};
use crate::vfs::{RemoteErrorKind, VfsError};

code!(BUCKET_NOT_FOUND, "SL030", "bucket-not-found", Error,
    "the bucket or container named by the store URL does not exist",
    "## What it checks\nThat the bucket (S3, GCS) or container (Azure, Swift) of the store exists.\n\n## Why\nkops reports this as a generic listing error; a typo in the bucket name or a deleted bucket is the usual cause.\n\n## Example\n```sh\nstatelint check --state s3://typo-bucket/kops\n```\n\n## Fix\nCorrect the bucket name, or create the bucket (with versioning on) before running kops.\n");
code!(ACCESS_DENIED, "SL031", "access-denied", Error,
    "the caller is authenticated but not allowed to read the store",
    "## What it checks\nThat listing and reading the store is allowed for the current identity.\n\n## Why\nkops shows an opaque AccessDenied. Cross-account callers need an Allow in their own policy and in the bucket policy.\n\n## Example\nA CI role from account 222222222222 reading a bucket owned by 111111111111 with no bucket policy grant.\n\n## Fix\nRun `statelint probe` to see which grant is missing, and `statelint fix-policy` for the policy that adds it.\n");
code!(BAD_CREDENTIALS, "SL032", "bad-credentials", Error,
    "the store rejected the credentials (unknown key, bad signature, expired token)",
    "## What it checks\nThat the credentials found in the environment are accepted by the backend.\n\n## Why\nA stale `AWS_SESSION_TOKEN` or a rotated key fails every request.\n\n## Example\n```sh\nAWS_ACCESS_KEY_ID=AKIAOLD statelint check --state s3://bucket/kops\n```\n\n## Fix\nRefresh the credentials (`aws sso login`, new keys) and check which profile is active.\n");
code!(WRONG_REGION, "SL033", "wrong-region", Error,
    "the bucket is in another region than the one requests are signed for",
    "## What it checks\nThat the region used for the store agrees with the bucket's real region.\n\n## Why\nS3 answers a request signed for the wrong region with a redirect or an error; kops works around it only when it can look the region up.\n\n## Example\n`AWS_REGION=us-east-1` for a bucket in `eu-west-1`.\n\n## Fix\nUnset the region override or set it to the bucket's region (shown in the message).\n");
code!(ENDPOINT_UNREACHABLE, "SL034", "endpoint-unreachable", Error,
    "the store's endpoint cannot be reached (DNS failure, connection refused or reset)",
    "## What it checks\nThat a connection to the backend's endpoint can be made.\n\n## Why\nA wrong `S3_ENDPOINT`, a proxy or a firewall makes kops hang or fail with a transport error.\n\n## Example\n```sh\nS3_ENDPOINT=https://s3.invalid statelint check --state do://space/kops\n```\n\n## Fix\nCheck the endpoint URL, DNS and proxy settings.\n");
code!(REQUEST_TIMEOUT, "SL035", "request-timeout", Error,
    "the store did not answer in time",
    "## What it checks\nThat each request completes within statelint's timeout (retries included).\n\n## Why\nA black-holed endpoint makes kops hang; a bounded check fails fast with the URL that did not answer.\n\n## Example\nAn endpoint behind a firewall that drops packets.\n\n## Fix\nCheck network paths to the endpoint.\n");
code!(SERVICE_UNAVAILABLE, "SL036", "service-unavailable", Error,
    "the store kept answering with throttling or server errors after bounded retries",
    "## What it checks\nThat requests succeed within the retry budget (exponential backoff on 5xx and SlowDown).\n\n## Why\nPersistent throttling makes kops operations flaky.\n\n## Example\nRepeated `503 SlowDown` answers.\n\n## Fix\nRetry later; reduce `--jobs` if statelint itself is the load.\n");
code!(NO_CREDENTIALS, "SL037", "no-credentials", Error,
    "no credentials for the store's backend were found",
    "## What it checks\nThat the backend's credential chain finds credentials.\n\n## Why\nWithout credentials every request fails; kops's error does not say which variables it looked at.\n\n## Example\nA CI job without `AWS_PROFILE` or `AWS_ACCESS_KEY_ID`.\n\n## Fix\nProvide credentials the backend's usual way (see the README's backend table).\n");
code!(REMOTE_ERROR, "SL038", "remote-error", Error,
    "the store answered with an error statelint cannot classify",
    "## What it checks\nAny other failed request to a remote store.\n\n## Why\nThe raw error is kept so nothing is hidden.\n\n## Example\nAn S3-compatible server rejecting a request it does not implement.\n\n## Fix\nRead the server's message in the finding.\n");

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
        RemoteErrorKind::Connection => (&ENDPOINT_UNREACHABLE, "check the endpoint URL, DNS and proxy settings"),
        RemoteErrorKind::Timeout => (&REQUEST_TIMEOUT, "check the network path to the endpoint"),
        RemoteErrorKind::Unavailable => (&SERVICE_UNAVAILABLE, "retry later, or lower `--jobs`"),
        RemoteErrorKind::NoCredentials => (&NO_CREDENTIALS, "provide credentials the backend's usual way"),
        RemoteErrorKind::Other => (&REMOTE_ERROR, "read the server's message; it is kept verbatim"),
    };
    Some(Finding::new(info, err.to_string(), Location::resource(url.clone())).with_help(help))
}
