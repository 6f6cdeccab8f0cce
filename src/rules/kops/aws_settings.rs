//! AWS-only cluster settings kops checks without calling AWS (`awsValidateCluster`'s
//! helpers in `pkg/apis/kops/validation/aws.go`): the EBS CSI driver, the NLB
//! security-group mode, IP-based node names, an `s3://` file repository in a region
//! whose EC2 endpoint is not `ec2.<region>.amazonaws.com`, and the IAM authenticator.

use serde_json::Value;

use super::cloud::Cloud;
use super::engine::{expand, Check, Format, KopsRef, Shape, When};
use crate::document::Document;
use crate::findings::{code, CodeInfo};

code!(
    AWS_SETTING,
    "SL650",
    "aws-cloud-config",
    Error,
    "an AWS `cloudConfig` setting kops refuses (EBS CSI driver off, NLB security-group mode, IP-based names on IPv6, an `s3://` file repository where nodes cannot bootstrap from S3)"
);
code!(
    IAM_AUTHENTICATOR,
    "SL651",
    "aws-iam-authenticator",
    Error,
    "the AWS IAM authenticator's identity mappings without `backendMode: CRD`, or with an ARN that is no IAM role or user"
);

pub static CODES: &[&CodeInfo] = &[&AWS_SETTING, &IAM_AUTHENTICATOR];

const fn aws(function: &'static str) -> KopsRef {
    KopsRef {
        file: "pkg/apis/kops/validation/aws.go",
        function,
    }
}

const AWS: &[Cloud] = &[Cloud::Aws];

fn ipv6_only_and_true(cluster: &Document, pointer: &str) -> bool {
    cluster.get(pointer) == Some(&Value::Bool(true))
        && cluster
            .str_at("/spec/nonMasqueradeCIDR")
            .is_some_and(|c| c.contains(':'))
}

/// The cluster's region as `awsup.FindRegion` reads it: the first subnet's zone without
/// its letter (or its `region`).
fn region(cluster: &Document) -> Option<String> {
    let subnets = expand(&cluster.value, "/spec/subnets/*");
    let first = subnets.first()?.1;
    if let Some(zone) = first.get("zone").and_then(Value::as_str) {
        let trimmed = zone.trim_end_matches(|c: char| c.is_ascii_lowercase());
        if trimmed.len() + 1 == zone.len() {
            return Some(trimmed.to_string());
        }
        return None;
    }
    first
        .get("region")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// Regions outside the `aws` and `aws-us-gov` partitions, whose EC2 endpoint is not
/// `ec2.<region>.amazonaws.com` (China, the ISO partitions, the European sovereign cloud).
fn other_partition(region: &str) -> bool {
    ["cn-", "us-iso", "eu-iso", "eusc-"]
        .iter()
        .any(|p| region.starts_with(p))
}

fn s3_repository_unreachable(cluster: &Document, pointer: &str) -> bool {
    cluster
        .str_at(pointer)
        .is_some_and(|r| r.starts_with("s3://"))
        && region(cluster).is_some_and(|r| other_partition(&r))
}

fn has_mappings(cluster: &Document, _: &str) -> bool {
    matches!(
        cluster.get("/spec/authentication/aws/identityMappings"),
        Some(Value::Array(a)) if !a.is_empty()
    )
}

fn has_crd(text: &str) -> bool {
    text.contains("CRD")
}

/// `arn.Parse` with a `role/` or `user/` resource.
fn is_role_or_user_arn(text: &str) -> bool {
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && (parts[5].starts_with("role/") || parts[5].starts_with("user/"))
}

static CRD_MODE: Format = Format {
    expected: "a backend mode list that includes `CRD`",
    test: has_crd,
};

static ROLE_OR_USER: Format = Format {
    expected: "an IAM role or user ARN such as `arn:aws:iam::123456789012:role/KopsExampleRole`",
    test: is_role_or_user_arn,
};

pub static CHECKS: &[Check] = &[
    Check::cluster(
        &AWS_SETTING,
        "/spec/cloudConfig/awsEBSCSIDriver/enabled",
        Shape::OneOf(&["true"]),
        When::Cloud(AWS),
        aws("awsValidateEBSCSIDriver"),
        "kops needs the EBS CSI driver for volumes on AWS",
        "remove `enabled: false` (the driver must run)",
    ),
    Check::cluster(
        &AWS_SETTING,
        "/spec/cloudConfig/nlbSecurityGroupMode",
        Shape::OneOf(&["Managed"]),
        When::Cloud(AWS),
        aws("awsValidateNLBSecurityGroupMode"),
        "",
        "set `nlbSecurityGroupMode: Managed`, or remove it",
    ),
    Check::cluster(
        &AWS_SETTING,
        "/spec/cloudConfig/useIPBasedNodeNames",
        Shape::Forbidden,
        When::All(&[When::Cloud(AWS), When::Test(ipv6_only_and_true)]),
        aws("awsValidateUseIPBasedNodeNames"),
        "IP-based node names are not supported on IPv6-only clusters",
        "remove `useIPBasedNodeNames`, or give the cluster an IPv4 `nonMasqueradeCIDR`",
    ),
    Check::cluster(
        &AWS_SETTING,
        "/spec/assets/fileRepository",
        Shape::Forbidden,
        When::All(&[When::Cloud(AWS), When::Test(s3_repository_unreachable)]),
        aws("awsValidateS3FileRepositoryPartition"),
        "nodes in this region's AWS partition cannot bootstrap from an `s3://` file repository",
        "serve the files over `https://` (e.g. the bucket's HTTPS URL)",
    ),
    Check::cluster(
        &IAM_AUTHENTICATOR,
        "/spec/authentication/aws/backendMode",
        Shape::Required,
        When::Test(has_mappings),
        aws("awsValidateIAMAuthenticator"),
        "`identityMappings` are stored as custom resources, so `backendMode` must include `CRD`",
        "set `backendMode: CRD` (or e.g. `CRD,MountedFile`)",
    ),
    Check::cluster(
        &IAM_AUTHENTICATOR,
        "/spec/authentication/aws/backendMode",
        Shape::Format(&CRD_MODE),
        When::Test(has_mappings),
        aws("awsValidateIAMAuthenticator"),
        "`identityMappings` are stored as custom resources",
        "add `CRD` to `backendMode` (e.g. `CRD,MountedFile`)",
    ),
    Check::cluster(
        &IAM_AUTHENTICATOR,
        "/spec/authentication/aws/identityMappings/*/arn",
        Shape::Format(&ROLE_OR_USER),
        When::Always,
        aws("awsValidateIAMAuthenticator"),
        "",
        "give the role's or user's full ARN",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_and_arns() {
        assert!(other_partition("cn-north-1") && other_partition("us-isob-east-1"));
        assert!(!other_partition("us-east-1") && !other_partition("us-gov-west-1"));
        assert!(is_role_or_user_arn(
            "arn:aws:iam::123456789012:role/KopsExampleRole"
        ));
        assert!(is_role_or_user_arn(
            "arn:aws:iam::123456789012:user/someone"
        ));
        assert!(!is_role_or_user_arn("arn:aws:iam::123456789012:policy/P"));
    }
}
