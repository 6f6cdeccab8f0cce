//! Codes for permission probes (SL200-SL219).

use crate::findings::{code, CodeInfo, Finding, Location};

code!(
    LIST_DENIED,
    "SL200",
    "probe-list-denied",
    Error,
    "the caller cannot list the store or a cluster's folder"
);
code!(
    READ_DENIED,
    "SL201",
    "probe-read-denied",
    Error,
    "the caller cannot read a real state file"
);
code!(
    WRITE_DENIED,
    "SL202",
    "probe-write-denied",
    Error,
    "the caller cannot write under a cluster's folder"
);
code!(
    DELETE_DENIED,
    "SL203",
    "probe-delete-denied",
    Error,
    "the caller cannot delete under a cluster's folder"
);
code!(
    CLEANUP_FAILED,
    "SL204",
    "probe-object-left-behind",
    Error,
    "a probe object could not be removed"
);
code!(
    INCONCLUSIVE,
    "SL205",
    "probe-inconclusive",
    Warning,
    "a permission could not be determined"
);
code!(
    SECRETS_READABLE,
    "SL206",
    "secrets-readable-by-others",
    Critical,
    "a private key or secret file in a local store is readable by other users"
);
code!(
    SECRETS_FOLDER_WRITABLE,
    "SL212",
    "secrets-folder-writable-by-others",
    Error,
    "a folder of private keys or secrets in a local store is writable by every user"
);

code!(
    IDENTITY_UNKNOWN,
    "SL207",
    "caller-identity-unknown",
    Warning,
    "the caller's AWS identity could not be determined (STS GetCallerIdentity failed)"
);
code!(
    ENCRYPTION_UNREADABLE,
    "SL208",
    "encryption-config-unreadable",
    Warning,
    "`s3:GetEncryptionConfiguration` is denied: kops then silently sends AES256 with every write"
);
code!(
    VERSIONING_DISABLED,
    "SL209",
    "bucket-versioning-disabled",
    Warning,
    "the state bucket does not keep object versions"
);
code!(
    PUBLIC_ACCESS_BLOCK,
    "SL210",
    "public-access-block-missing",
    Critical,
    "the state bucket has no complete public-access block"
);
code!(
    CROSS_ACCOUNT,
    "SL211",
    "cross-account-caller",
    Note,
    "the caller is in another AWS account than the state bucket"
);

/// Every code of this module.
pub static CODES: &[&CodeInfo] = &[
    &LIST_DENIED,
    &READ_DENIED,
    &WRITE_DENIED,
    &DELETE_DENIED,
    &CLEANUP_FAILED,
    &INCONCLUSIVE,
    &SECRETS_READABLE,
    &SECRETS_FOLDER_WRITABLE,
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
    .with_help("restrict the file to its owner, as kops writes it: `chmod 600` on it")
}

pub fn secrets_folder_writable(url: &str, mode: u32) -> Finding {
    Finding::new(
        &SECRETS_FOLDER_WRITABLE,
        format!(
            "folder `{url}` has mode {mode:04o}: every user can add, replace or remove keys in it"
        ),
        Location::resource(url),
    )
    .with_help("give the folder kops's own mode: `chmod 755` on it")
}
