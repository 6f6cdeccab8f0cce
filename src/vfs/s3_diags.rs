//! Codes and typed constructors for S3-family stores (SL040-SL049): `s3://` and the
//! S3-compatible `do://`, `scw://`, `linode://`, `hos://` and `oss://`.

use crate::findings::{code, CodeInfo, Finding, Location};
use crate::vfs::VfsError;

code!(ENDPOINT_REQUIRED, "SL040", "s3-endpoint-required", Error,
    "an S3-compatible store (`do://`, `scw://`, `linode://`, `hos://`, `oss://`) without `S3_ENDPOINT`");
code!(
    ENDPOINT_CREDENTIALS,
    "SL041",
    "s3-endpoint-credentials-missing",
    Error,
    "`S3_ENDPOINT` is set but `S3_ACCESS_KEY_ID` or `S3_SECRET_ACCESS_KEY` is not"
);
code!(
    REGION_MISMATCH,
    "SL042",
    "s3-region-mismatch",
    Warning,
    "the configured AWS region differs from the bucket's region"
);
code!(
    LOCATION_DENIED,
    "SL043",
    "get-bucket-location-denied",
    Warning,
    "`s3:GetBucketLocation` is denied, so kops older than 1.36 cannot find the bucket's region"
);
code!(
    REGION_UNKNOWN,
    "SL044",
    "s3-region-unknown",
    Warning,
    "the bucket's region could not be determined"
);
code!(
    ACL_NOT_APPLIED,
    "SL045",
    "s3-acl-not-applied",
    Note,
    "`KOPS_STATE_S3_ACL` is set; kops applies it to every write, statelint's probe writes do not"
);

/// Every code of this module.
pub static CODES: &[&CodeInfo] = &[
    &ENDPOINT_REQUIRED,
    &ENDPOINT_CREDENTIALS,
    &REGION_MISMATCH,
    &LOCATION_DENIED,
    &REGION_UNKNOWN,
    &ACL_NOT_APPLIED,
];

pub fn endpoint_required(url: &str, scheme: &str) -> VfsError {
    VfsError::Config {
        url: url.to_string(),
        code: &ENDPOINT_REQUIRED,
        message: format!("`{scheme}://` stores need `S3_ENDPOINT`, which is not set"),
        help: "export the provider's S3 endpoint, e.g. `S3_ENDPOINT=https://nyc3.digitaloceanspaces.com`".into(),
    }
}

pub fn endpoint_credentials(url: &str, missing: &[&str]) -> VfsError {
    VfsError::Config {
        url: url.to_string(),
        code: &ENDPOINT_CREDENTIALS,
        message: format!(
            "`S3_ENDPOINT` is set, so kops uses static keys, but {} {} not set",
            missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(" and "),
            if missing.len() == 1 { "is" } else { "are" }
        ),
        help: "export `S3_ACCESS_KEY_ID` and `S3_SECRET_ACCESS_KEY`".into(),
    }
}

pub fn region_mismatch(bucket_url: &str, configured: &str, actual: &str) -> Finding {
    Finding::new(
        &REGION_MISMATCH,
        format!("the configured region is `{configured}` but the bucket is in `{actual}`"),
        Location::resource(bucket_url),
    )
    .with_help(format!(
        "set `AWS_REGION={actual}`; statelint, like kops, uses `{actual}`"
    ))
}

pub fn location_denied(bucket_url: &str, region: &str) -> Finding {
    Finding::new(
        &LOCATION_DENIED,
        format!("`s3:GetBucketLocation` is denied on `{bucket_url}`; HeadBucket says the bucket is in `{region}`"),
        Location::resource(bucket_url),
    )
    .with_help("grant `s3:GetBucketLocation` on the bucket ARN to this caller (see `statelint fix-policy`); kops before 1.36 fails without it")
}

pub fn region_unknown(bucket_url: &str, using: &str, detail: &str) -> Finding {
    Finding::new(
        &REGION_UNKNOWN,
        format!("the region of `{bucket_url}` could not be determined ({detail}); using `{using}`"),
        Location::resource(bucket_url),
    )
    .with_help(
        "grant `s3:GetBucketLocation` and `s3:ListBucket` on the bucket, or set `AWS_REGION`",
    )
}

pub fn acl_not_applied(store_url: &str, acl: &str) -> Finding {
    Finding::new(
        &ACL_NOT_APPLIED,
        format!("`KOPS_STATE_S3_ACL={acl}` is set: kops writes with this ACL, statelint's probe objects do not"),
        Location::resource(store_url),
    )
}
