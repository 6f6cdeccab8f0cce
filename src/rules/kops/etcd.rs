//! etcd clusters: that they exist, their provider, storage version and members.

use super::engine::{Check, Format, KopsRef, Shape, When};
use crate::findings::{code, CodeInfo};

code!(
    ETCD_MISSING,
    "SL129",
    "etcd-cluster-missing",
    Error,
    "the Cluster defines no etcd cluster, or not the `cilium` one its networking needs"
);
code!(
    ETCD_PROVIDER,
    "SL130",
    "etcd-provider-unsupported",
    Error,
    "an etcd cluster asks for a provider kops no longer runs"
);
code!(
    ETCD_VERSION,
    "SL131",
    "etcd-version",
    Error,
    "an etcd cluster's `version` is invalid, not 3.x, missing beside `image`, or differs between clusters"
);
code!(
    ETCD_MEMBER_NAME,
    "SL132",
    "etcd-member-name-missing",
    Error,
    "an etcd member has no name"
);

pub static CODES: &[&CodeInfo] = &[
    &ETCD_MISSING,
    &ETCD_PROVIDER,
    &ETCD_VERSION,
    &ETCD_MEMBER_NAME,
];

const fn validation(function: &'static str) -> KopsRef {
    KopsRef {
        file: "pkg/apis/kops/validation/validation.go",
        function,
    }
}

/// blang/semver `Parse` after a leading `v` is dropped, with major version 3.
fn is_etcd3_version(text: &str) -> bool {
    let text = text.strip_prefix('v').unwrap_or(text);
    crate::rules::kubernetes_version::is_strict_semver(text) && text.starts_with("3.")
}

static ETCD3: Format = Format {
    expected: "an etcd 3.x version such as `3.5.21`",
    test: is_etcd3_version,
};

pub static CHECKS: &[Check] = &[
    Check::cluster(
        &ETCD_MISSING,
        "/spec/etcdClusters",
        Shape::Required,
        When::Always,
        validation("validateClusterSpec"),
        "kops needs at least the `main` and `events` etcd clusters",
        "add `etcdClusters` with `main` and `events`, one member per control-plane group",
    ),
    Check::cluster(
        &ETCD_MISSING,
        "/spec/networking/cilium/etcdManaged",
        Shape::NoneOf(&["true"]),
        When::NoItemWith("/spec/etcdClusters", "name", "cilium"),
        validation("validateNetworkingCilium"),
        "Cilium with managed etcd needs a dedicated etcd cluster named `cilium`",
        "add an etcd cluster named `cilium` with the control-plane members, or set `etcdManaged: false`",
    ),
    Check::cluster(
        &ETCD_PROVIDER,
        "/spec/etcdClusters/*/provider",
        Shape::OneOf(&["Manager"]),
        When::Always,
        validation("validateEtcdClusterSpec"),
        "kops runs etcd only through etcd-manager",
        "remove `provider` (or set `provider: Manager`)",
    ),
    Check::cluster(
        &ETCD_VERSION,
        "/spec/etcdClusters/*/version",
        Shape::Format(&ETCD3),
        When::Always,
        validation("validateEtcdVersion"),
        "kops supports only etcd major version 3",
        "write a 3.x version such as `3.5.21`, or remove `version` to get kops's default",
    ),
    Check::cluster(
        &ETCD_VERSION,
        "/spec/etcdClusters/*/version",
        Shape::RequiredWith("image"),
        When::Always,
        validation("validateEtcdClusterSpec"),
        "kops needs the version of a custom etcd image",
        "add `version:` with the etcd version the image holds",
    ),
    Check::cluster(
        &ETCD_VERSION,
        "/spec/etcdClusters/*/version",
        Shape::Same,
        When::Always,
        validation("validateEtcdStorage"),
        "every etcd cluster must use the same storage version",
        "give every etcd cluster the same `version`",
    ),
    Check::cluster(
        &ETCD_MEMBER_NAME,
        "/spec/etcdClusters/*/etcdMembers/*/name",
        Shape::Required,
        When::Always,
        validation("validateEtcdMemberSpec"),
        "etcd-manager names each member's volume and peer after it",
        "give the member a `name`, usually the zone letter of its group (e.g. `a`)",
    ),
];
