//! IAM: `iam.legacy`, service-account external permissions, the role keys of
//! `additionalPolicies`/`externalPolicies` and the ARNs of the latter, the service-account
//! issuer discovery store, and Karpenter's need for external permissions
//! (`validateClusterSpec`, `validateSAExternalPermissions`, `validateAdditionalPolicy`,
//! `validateExternalPolicies` in `validation.go`; `validateServiceAccountIssuerDiscovery`
//! in `legacy.go`). The policy documents inside `additionalPolicies` are linted by the
//! SL3xx policy linter.

use serde_json::Value;

use super::engine::{is_present, is_true, Check, Format, KopsRef, Shape, When};
use crate::document::Document;
use crate::findings::{code, CodeInfo};

code!(
    LEGACY,
    "SL640",
    "iam-legacy",
    Error,
    "`spec.iam.legacy: true`; kops no longer supports legacy IAM permissions"
);
code!(
    SA_PERMISSIONS,
    "SL641",
    "service-account-external-permissions",
    Error,
    "a service account's external permissions lack a name, namespace or `aws` policy, set both ARNs and an inline policy, or repeat an account"
);
code!(
    ROLE_KEY,
    "SL642",
    "iam-policy-role-key",
    Error,
    "an `additionalPolicies` or `externalPolicies` key that is not an instance-group role"
);
code!(
    POLICY_ARN,
    "SL643",
    "external-policy-arn",
    Error,
    "an `externalPolicies` entry that is not the ARN of an IAM policy"
);
code!(
    DISCOVERY,
    "SL644",
    "service-account-issuer-discovery",
    Error,
    "the service-account issuer discovery settings kops refuses (store and service together, a store that is not S3 or GCS, a bucket with dots, an OIDC provider without either)"
);
code!(
    KARPENTER,
    "SL645",
    "karpenter-external-permissions",
    Error,
    "Karpenter is enabled without service accounts using external permissions"
);

pub static CODES: &[&CodeInfo] = &[
    &LEGACY,
    &SA_PERMISSIONS,
    &ROLE_KEY,
    &POLICY_ARN,
    &DISCOVERY,
    &KARPENTER,
];

const DISCOVERY_FN: KopsRef = KopsRef {
    file: "pkg/apis/kops/validation/legacy.go",
    function: "validateServiceAccountIssuerDiscovery",
};

/// The role keys kops accepts: `ToLowerString` of `AllInstanceGroupRoles`, plus `master`,
/// which v1alpha2's conversion renames to `control-plane`.
const ROLE_KEYS: &[&str] = &[
    "master",
    "control-plane",
    "apiserver",
    "node",
    "bastion",
    "etcd",
    "scheduler",
    "kubecontrollermanager",
];

fn parent(pointer: &str) -> &str {
    pointer.rsplit_once('/').map_or("", |(p, _)| p)
}

fn unknown_role_key(_: &Document, pointer: &str) -> bool {
    let key = pointer.rsplit('/').next().unwrap_or("");
    !ROLE_KEYS.contains(&key.replace("~1", "/").replace("~0", "~").as_str())
}

/// The field is not there at all (`aws: {}` is there, and SL641's next row speaks to it).
fn absent(cluster: &Document, pointer: &str) -> bool {
    matches!(cluster.get(pointer), None | Some(Value::Null))
}

fn inline_policy_missing(cluster: &Document, pointer: &str) -> bool {
    !is_present(cluster.get(&format!("{}/inlinePolicy", parent(pointer))))
}

fn policy_arns_given(cluster: &Document, pointer: &str) -> bool {
    matches!(cluster.get(&format!("{}/policyARNs", parent(pointer))), Some(Value::Array(a)) if !a.is_empty())
}

/// An earlier entry names the same `namespace/name`.
fn repeated_account(cluster: &Document, pointer: &str) -> bool {
    let key = |item: &Value| {
        let field = |k: &str| {
            item.get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        format!("{}/{}", field("namespace"), field("name"))
    };
    let index: usize = pointer
        .rsplit('/')
        .next()
        .and_then(|i| i.parse().ok())
        .unwrap_or(0);
    let Some(Value::Array(items)) = cluster.get(parent(pointer)) else {
        return false;
    };
    let Some(this) = items.get(index).map(key) else {
        return false;
    };
    items[..index].iter().any(|other| key(other) == this)
}

fn discovery_service_given(cluster: &Document, _: &str) -> bool {
    !matches!(
        cluster.get("/spec/serviceAccountIssuerDiscovery/discoveryService"),
        None | Some(Value::Null)
    )
}

fn no_store_nor_service(cluster: &Document, pointer: &str) -> bool {
    is_true(cluster, pointer)
        && !is_present(cluster.get("/spec/serviceAccountIssuerDiscovery/discoveryStore"))
        && !discovery_service_given(cluster, pointer)
}

fn karpenter_without_external_permissions(cluster: &Document, pointer: &str) -> bool {
    is_true(cluster, pointer) && !is_true(cluster, "/spec/iam/useServiceAccountExternalPermissions")
}

/// `arn.Parse` and a `policy/` resource: `arn:PARTITION:SERVICE:REGION:ACCOUNT:policy/...`.
fn is_policy_arn(text: &str) -> bool {
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    parts.len() == 6 && parts[0] == "arn" && parts[5].starts_with("policy/")
}

/// A store the discovery documents can be served from: `s3://` with a bucket without dots
/// (the wildcard certificate would not match), or `gs://` (or kops's test store, memfs).
fn is_discovery_store(text: &str) -> bool {
    match text.split_once("://") {
        Some(("s3", rest)) => {
            let bucket = rest.split('/').next().unwrap_or("");
            !bucket.is_empty() && !bucket.contains('.')
        }
        Some(("gs", rest)) => !rest.split('/').next().unwrap_or("").is_empty(),
        // kops's own tests mark their in-memory stores cluster-readable; statelint reports
        // memfs stores elsewhere (SL008).
        Some(("memfs", _)) => true,
        _ => false,
    }
}

static POLICY_ARN_FORMAT: Format = Format {
    expected: "an IAM policy ARN such as `arn:aws:iam::123456789012:policy/KopsExamplePolicy`",
    test: is_policy_arn,
};
static DISCOVERY_STORE: Format = Format {
    expected: "an `s3://` bucket without dots in its name, or a `gs://` bucket",
    test: is_discovery_store,
};

const SA: &str = "/spec/iam/serviceAccountExternalPermissions/*";

const fn sa_row(
    pointer: &'static str,
    shape: Shape,
    when: When,
    reason: &'static str,
    help: &'static str,
) -> Check {
    Check::cluster(
        &SA_PERMISSIONS,
        pointer,
        shape,
        when,
        KopsRef::validation("validateSAExternalPermissions"),
        reason,
        help,
    )
}

const fn role_key(pointer: &'static str, function: &'static str) -> Check {
    Check::cluster(
        &ROLE_KEY,
        pointer,
        Shape::Forbidden,
        When::Test(unknown_role_key),
        KopsRef::validation(function),
        "the key must be an instance-group role: `master` (or `control-plane`), `node`, `bastion`, `apiserver`, `etcd`, `scheduler` or `kubecontrollermanager`",
        "rename the key to the role whose instances get the policy, e.g. `node`",
    )
}

pub static CHECKS: &[Check] = &[
    Check::cluster(
        &LEGACY,
        "/spec/iam/legacy",
        Shape::Forbidden,
        When::Test(is_true),
        KopsRef::validation("validateClusterSpec"),
        "kops no longer supports the broad legacy IAM permissions",
        "set `legacy: false` and grant extra permissions with `additionalPolicies`",
    ),
    sa_row(
        "/spec/iam/serviceAccountExternalPermissions/*/namespace",
        Shape::Required,
        When::Always,
        "kops names the IAM role after the service account's namespace",
        "add the service account's `namespace`",
    ),
    sa_row(
        "/spec/iam/serviceAccountExternalPermissions/*/name",
        Shape::Required,
        When::Always,
        "kops names the IAM role after the service account",
        "add the service account's `name`",
    ),
    sa_row(
        "/spec/iam/serviceAccountExternalPermissions/*/aws",
        Shape::Required,
        When::Test(absent),
        "AWS permissions must be set",
        "add `aws:` with `policyARNs` or an `inlinePolicy`",
    ),
    sa_row(
        "/spec/iam/serviceAccountExternalPermissions/*/aws/policyARNs",
        Shape::Required,
        When::Test(inline_policy_missing),
        "either `policyARNs` or `inlinePolicy` must be set",
        "add `policyARNs` or an `inlinePolicy`",
    ),
    sa_row(
        "/spec/iam/serviceAccountExternalPermissions/*/aws/inlinePolicy",
        Shape::Forbidden,
        When::Test(policy_arns_given),
        "it cannot be combined with `policyARNs`",
        "keep either `policyARNs` or `inlinePolicy`",
    ),
    sa_row(
        SA,
        Shape::Forbidden,
        When::Test(repeated_account),
        "an earlier entry names the same service account",
        "merge the two entries into one",
    ),
    role_key("/spec/additionalPolicies/*", "validateAdditionalPolicy"),
    role_key("/spec/externalPolicies/*", "validateExternalPolicies"),
    Check::cluster(
        &POLICY_ARN,
        "/spec/externalPolicies/*/*",
        Shape::Format(&POLICY_ARN_FORMAT),
        When::Always,
        KopsRef::validation("validateExternalPolicies"),
        "",
        "give the policy's full ARN, e.g. `arn:aws:iam::123456789012:policy/KopsExamplePolicy`",
    ),
    Check::cluster(
        &DISCOVERY,
        "/spec/serviceAccountIssuerDiscovery/discoveryStore",
        Shape::Forbidden,
        When::Test(discovery_service_given),
        DISCOVERY_FN,
        "only one of `discoveryStore` or `discoveryService` may be set",
        "keep either `discoveryStore` or `discoveryService`",
    ),
    Check::cluster(
        &DISCOVERY,
        "/spec/serviceAccountIssuerDiscovery/discoveryStore",
        Shape::Format(&DISCOVERY_STORE),
        When::Always,
        DISCOVERY_FN,
        "",
        "publish the discovery documents to an S3 bucket whose name has no dots (or a GCS bucket)",
    ),
    Check::cluster(
        &DISCOVERY,
        "/spec/serviceAccountIssuerDiscovery/discoveryService/url",
        Shape::Required,
        When::Test(discovery_service_given),
        DISCOVERY_FN,
        "the discovery service needs its URL",
        "set `discoveryService.url`, or remove `discoveryService`",
    ),
    Check::cluster(
        &DISCOVERY,
        "/spec/serviceAccountIssuerDiscovery/enableAWSOIDCProvider",
        Shape::Forbidden,
        When::Test(no_store_nor_service),
        DISCOVERY_FN,
        "the AWS OIDC provider needs a `discoveryStore` or `discoveryService`",
        "set `discoveryStore` to a public S3 bucket, or remove `enableAWSOIDCProvider`",
    ),
    Check::cluster(
        &KARPENTER,
        "/spec/karpenter/enabled",
        Shape::Forbidden,
        When::Test(karpenter_without_external_permissions),
        KopsRef::validation("validateClusterSpec"),
        "Karpenter needs service accounts with external permissions",
        "set `spec.iam.useServiceAccountExternalPermissions: true` (with a discovery store)",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_arns_and_discovery_stores() {
        assert!(is_policy_arn(
            "arn:aws:iam::123456789012:policy/KopsExamplePolicy"
        ));
        assert!(is_policy_arn(
            "arn:aws-test:iam::123456789000:policy/test-policy"
        ));
        assert!(!is_policy_arn("arn:aws:iam::123456789012:role/KopsRole"));
        assert!(!is_policy_arn("KopsExamplePolicy"));
        assert!(is_discovery_store("s3://oidc-bucket/c.example.com"));
        assert!(is_discovery_store("gs://oidc/c"));
        assert!(is_discovery_store("memfs://tests/c"));
        assert!(!is_discovery_store("s3://oidc.example.com/c"));
        assert!(!is_discovery_store("azureblob://account/container"));
    }
}
