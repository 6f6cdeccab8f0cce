//! Codes for permission probes (SL200-SL219).

use crate::codes::CodeInfo;
use crate::findings::{Finding, Location, Severity};

macro_rules! code {
    ($id:ident, $code:literal, $name:literal, $sev:ident, $summary:literal, $doc:literal) => {
        pub static $id: CodeInfo = CodeInfo {
            code: $code,
            name: $name,
            default_severity: Severity::$sev,
            summary: $summary,
            doc: $doc,
        };
    };
}

code!(LIST_DENIED, "SL200", "probe-list-denied", Error,
    "the caller cannot list the store or a cluster's folder",
    "## What it checks\nA real listing of the store root and of each cluster prefix (S3 `s3:ListBucket`).\n\n## Why\nkops finds clusters and instance groups by listing; without it every command fails with \"cluster not found\" or AccessDenied.\n\n## Example\nA bucket policy granting `s3:GetObject` on `bucket/*` but no `s3:ListBucket` on `bucket`.\n\n## Fix\nGrant list on the bucket (S3: `s3:ListBucket` on `arn:aws:s3:::bucket`, optionally limited with an `s3:prefix` condition).\n");
code!(READ_DENIED, "SL201", "probe-read-denied", Error,
    "the caller cannot read a real state file",
    "## What it checks\nA read of each cluster's `config` (S3 `s3:GetObject`), touching nothing.\n\n## Why\nEvery kops command reads the cluster spec first.\n\n## Example\nA role with `s3:ListBucket` but no `s3:GetObject` on `bucket/cluster/*`.\n\n## Fix\nGrant read on the cluster prefix (S3: `s3:GetObject` on `arn:aws:s3:::bucket/prefix/*`).\n");
code!(WRITE_DENIED, "SL202", "probe-write-denied", Error,
    "the caller cannot write under a cluster's folder",
    "## What it checks\nA write of a throw-away object `<cluster>/.statelint-probe-<random>`, never a real state file (skipped with `--read-only`).\n\n## Why\n`kops update`, `edit` and `create` write the store; a read-only identity fails half-way.\n\n## Example\nA cross-account user granted `s3:GetObject` only.\n\n## Fix\nGrant write on the cluster prefix (S3: `s3:PutObject` on `arn:aws:s3:::bucket/prefix/*`), or use `--read-only` for identities that should only read.\n");
code!(DELETE_DENIED, "SL203", "probe-delete-denied", Error,
    "the caller cannot delete under a cluster's folder",
    "## What it checks\nThe delete of the throw-away probe object.\n\n## Why\n`kops delete` and secret rotation remove objects; the probe object itself is left behind (see SL204).\n\n## Example\nA policy with `s3:PutObject` but no `s3:DeleteObject`.\n\n## Fix\nGrant delete on the cluster prefix (S3: `s3:DeleteObject`).\n");
code!(CLEANUP_FAILED, "SL204", "probe-object-left-behind", Error,
    "a probe object could not be removed",
    "## What it checks\nThat the throw-away probe object is gone after the probe (statelint deletes it on success, on errors and on Ctrl-C).\n\n## Why\nA leftover `.statelint-probe-*` object is harmless to kops but clutters the store; the finding names it so it can be removed by someone allowed to.\n\n## Example\nDelete denied after a successful write.\n\n## Fix\nRemove the named object with an identity that may delete.\n");
code!(INCONCLUSIVE, "SL205", "probe-inconclusive", Warning,
    "a permission could not be determined",
    "## What it checks\nProbes whose answer was neither allowed nor denied: timeouts, throttling, server errors.\n\n## Why\nAn unanswered probe is never reported as a pass.\n\n## Example\nA 503 SlowDown that outlasts the retries.\n\n## Fix\nRe-run later, or lower `--jobs`.\n");
code!(SECRETS_READABLE, "SL206", "secrets-readable-by-others", Critical,
    "private keys or secrets in a local store are readable by other users",
    "## What it checks\nFile modes under `<cluster>/pki/private/` and `<cluster>/secrets/` of a `file://` store.\n\n## Why\nThese hold the cluster CA private keys and credentials; anyone who can read them controls the cluster.\n\n## Example\n`pki/private/ca/keyset.yaml` with mode 0644.\n\n## Fix\n`chmod -R go-rwx <store>/<cluster>/pki/private <store>/<cluster>/secrets`.\n");

/// Every code of this module.
pub static CODES: &[&CodeInfo] = &[
    &LIST_DENIED,
    &READ_DENIED,
    &WRITE_DENIED,
    &DELETE_DENIED,
    &CLEANUP_FAILED,
    &INCONCLUSIVE,
    &SECRETS_READABLE,
];

pub fn denied(info: &'static CodeInfo, action: &str, url: &str, detail: &str) -> Finding {
    Finding::new(
        info,
        format!("`{action}` is denied on `{url}`: {detail}"),
        Location::resource(url),
    )
}

pub fn left_behind(url: &str, detail: &str) -> Finding {
    Finding::new(
        &CLEANUP_FAILED,
        format!("the probe object `{url}` could not be removed: {detail}"),
        Location::resource(url),
    )
    .with_help("remove it with an identity that may delete; it holds no data")
}

pub fn inconclusive(action: &str, url: &str, detail: &str) -> Finding {
    Finding::new(
        &INCONCLUSIVE,
        format!("`{action}` on `{url}` could not be determined: {detail}"),
        Location::resource(url),
    )
    .with_help("re-run the probe; an unanswered probe is never counted as a pass")
}

pub fn secrets_readable(url: &str, mode: u32, who: &str) -> Finding {
    Finding::new(
        &SECRETS_READABLE,
        format!("`{url}` has mode {mode:04o}: readable by {who}"),
        Location::resource(url),
    )
    .with_help("restrict it: `chmod go-rwx` on the file (and its folder)")
}
