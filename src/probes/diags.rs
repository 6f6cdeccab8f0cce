//! Codes for permission probes (SL200-SL219).

use crate::codes::code;
use crate::codes::CodeInfo;
use crate::findings::{Finding, Location};

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

code!(IDENTITY_UNKNOWN, "SL207", "caller-identity-unknown", Warning,
    "the caller's AWS identity could not be determined (STS GetCallerIdentity failed)",
    "## What it checks\nThat `sts:GetCallerIdentity` answers, so statelint can say who is running kops and in which account.\n\n## Why\nWithout the identity, cross-account access cannot be detected and denials cannot be explained; the call needs no permission, so a failure means missing or broken credentials.\n\n## Example\nExpired SSO session.\n\n## Fix\nRefresh the credentials (`aws sso login`, new keys) and check `AWS_PROFILE`.\n");
code!(ENCRYPTION_UNREADABLE, "SL208", "encryption-config-unreadable", Warning,
    "`s3:GetEncryptionConfiguration` is denied: kops then silently sends AES256 with every write",
    "## What it checks\nThat the caller can read the bucket's default-encryption configuration.\n\n## Why\nkops reads it once per bucket; when the call fails it assumes no default rule and sends `x-amz-server-side-encryption: AES256`, which a bucket policy enforcing KMS rejects: writes fail with AccessDenied although `s3:PutObject` is granted.\n\n## Example\nA cross-account role with object permissions only.\n\n## Fix\nGrant `s3:GetEncryptionConfiguration` on the bucket ARN.\n");
code!(VERSIONING_DISABLED, "SL209", "bucket-versioning-disabled", Warning,
    "the state bucket does not keep object versions",
    "## What it checks\nThe bucket's versioning status (`s3:GetBucketVersioning`).\n\n## Why\nThe store is the only copy of the cluster's configuration, CA keys and secrets; with versioning a bad `kops replace` or an accidental delete can be undone, without it it cannot.\n\n## Example\nA bucket created with default settings.\n\n## Fix\n`aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled` (and a lifecycle rule for old versions).\n");
code!(PUBLIC_ACCESS_BLOCK, "SL210", "public-access-block-missing", Critical,
    "the state bucket has no complete public-access block",
    "## What it checks\nThat the bucket's public-access block has all four settings on (`BlockPublicAcls`, `IgnorePublicAcls`, `BlockPublicPolicy`, `RestrictPublicBuckets`).\n\n## Why\nThe store holds the cluster CA private keys and secrets; a public ACL or policy added by mistake would expose them to anyone. The block makes such mistakes impossible.\n\n## Example\nA bucket created before public-access blocks were the default.\n\n## Fix\n`aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`.\n");
code!(CROSS_ACCOUNT, "SL211", "cross-account-caller", Note,
    "the caller is in another AWS account than the state bucket",
    "## What it checks\nWhether the bucket belongs to the caller's account (HeadBucket with `ExpectedBucketOwner`).\n\n## Why\nA cross-account caller needs every grant twice: in its own identity policy and in the bucket policy, plus `s3:GetBucketLocation` for kops to find the region. Knowing this turns an opaque AccessDenied into a checklist.\n\n## Example\nA CI role in account 222222222222 using a state bucket in 111111111111.\n\n## Fix\nNothing by itself; see the probe results and `statelint fix-policy` for the grants.\n");

/// Every code of this module.
pub static CODES: &[&CodeInfo] = &[
    &LIST_DENIED,
    &READ_DENIED,
    &WRITE_DENIED,
    &DELETE_DENIED,
    &CLEANUP_FAILED,
    &INCONCLUSIVE,
    &SECRETS_READABLE,
    &IDENTITY_UNKNOWN,
    &ENCRYPTION_UNREADABLE,
    &VERSIONING_DISABLED,
    &PUBLIC_ACCESS_BLOCK,
    &CROSS_ACCOUNT,
];

/// A finding about a bucket-level setting, at the bucket.
pub fn bucket_finding(
    info: &'static CodeInfo,
    bucket_url: &str,
    message: String,
    help: &str,
) -> Finding {
    Finding::new(info, message, Location::resource(bucket_url)).with_help(help)
}

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
