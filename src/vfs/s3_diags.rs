//! Codes and typed constructors for S3-family stores (SL040-SL049): `s3://` and the
//! S3-compatible `do://`, `scw://`, `linode://`, `hos://` and `oss://`.

use crate::codes::code;
use crate::codes::CodeInfo;
use crate::findings::{Finding, Location};
use crate::vfs::VfsError;

code!(ENDPOINT_REQUIRED, "SL040", "s3-endpoint-required", Error,
    "an S3-compatible store (`do://`, `scw://`, `linode://`, `hos://`, `oss://`) without `S3_ENDPOINT`",
    "## What it checks\nThat `S3_ENDPOINT` is set when the store uses one of the S3-compatible schemes.\n\n## Why\nkops talks to these providers through its S3 client and takes the endpoint from `S3_ENDPOINT` only; without it there is no server to talk to.\n\n## Example\n```sh\nstatelint check --state do://my-space/kops\n```\n\n## Fix\nExport the provider's endpoint, e.g. `S3_ENDPOINT=https://nyc3.digitaloceanspaces.com` for DigitalOcean Spaces or `https://s3.fr-par.scw.cloud` for Scaleway.\n");
code!(ENDPOINT_CREDENTIALS, "SL041", "s3-endpoint-credentials-missing", Error,
    "`S3_ENDPOINT` is set but `S3_ACCESS_KEY_ID` or `S3_SECRET_ACCESS_KEY` is not",
    "## What it checks\nThat both `S3_ACCESS_KEY_ID` and `S3_SECRET_ACCESS_KEY` are set whenever `S3_ENDPOINT` is.\n\n## Why\nWith `S3_ENDPOINT`, kops switches to path-style requests and static keys from these two variables; it does not fall back to the AWS credential chain.\n\n## Example\n```sh\nS3_ENDPOINT=https://s3.example.com AWS_ACCESS_KEY_ID=... statelint check --state s3://b/kops\n```\n\n## Fix\nExport `S3_ACCESS_KEY_ID` and `S3_SECRET_ACCESS_KEY` (the provider's access key pair).\n");
code!(REGION_MISMATCH, "SL042", "s3-region-mismatch", Warning,
    "the configured AWS region differs from the bucket's region",
    "## What it checks\nThat `AWS_REGION` (or `AWS_DEFAULT_REGION`, or the profile's region) is the region the state bucket lives in.\n\n## Why\nkops looks the bucket's region up and uses it, so it works; but every other tool in the pipeline (the AWS CLI, Terraform) signs for the configured region and fails with a redirect or `AuthorizationHeaderMalformed`.\n\n## Example\n```sh\nAWS_REGION=us-west-2 statelint check --state s3://bucket-in-eu-west-1/kops\n```\n\n## Fix\nSet the region to the bucket's (the message names it), or keep the difference on purpose and suppress this code.\n");
code!(LOCATION_DENIED, "SL043", "get-bucket-location-denied", Warning,
    "`s3:GetBucketLocation` is denied, so kops older than 1.36 cannot find the bucket's region",
    "## What it checks\nWhether `GetBucketLocation` on the state bucket is denied while `HeadBucket` still reveals the region (its `x-amz-bucket-region` header).\n\n## Why\nkops asks GetBucketLocation first. A cross-account caller is usually denied it (it needs an explicit grant in the bucket policy). kops 1.36 and later then fall back to HeadBucket; older versions fail with \"Could not retrieve location for AWS bucket\" even though every object permission is in place.\n\n## Example\nA bucket policy granting another account `s3:ListBucket` and `s3:GetObject`, but not `s3:GetBucketLocation`.\n\n## Fix\nGrant `s3:GetBucketLocation` on `arn:aws:s3:::<bucket>` to the caller in the bucket policy (`statelint fix-policy` prints the statement), or use kops 1.36 or later.\n");
code!(REGION_UNKNOWN, "SL044", "s3-region-unknown", Warning,
    "the bucket's region could not be determined",
    "## What it checks\nThat either GetBucketLocation or HeadBucket answers with the bucket's region.\n\n## Why\nWithout the region kops cannot build its S3 client (\"Could not retrieve location for AWS bucket\"); statelint continues with the configured region, so later errors may be redirects.\n\n## Example\nA caller denied both `s3:GetBucketLocation` and `s3:ListBucket`.\n\n## Fix\nGrant `s3:GetBucketLocation` and `s3:ListBucket` on the bucket, or set `AWS_REGION` to the bucket's region.\n");
code!(ACL_NOT_APPLIED, "SL045", "s3-acl-not-applied", Note,
    "`KOPS_STATE_S3_ACL` is set; kops applies it to every write, statelint's probe writes do not",
    "## What it checks\nWhether `KOPS_STATE_S3_ACL` is set.\n\n## Why\nkops sends this canned ACL with every object it writes (for example `bucket-owner-full-control` for cross-account writers). statelint's throw-away probe objects are written without it, so a bucket policy that requires the ACL on writes denies the probe but not kops.\n\n## Example\n```sh\nKOPS_STATE_S3_ACL=bucket-owner-full-control statelint probe --state s3://b/kops\n```\n\n## Fix\nNothing to fix; keep it in mind when a write probe is denied (`--read-only` skips it).\n");

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
