//! etcd clusters: that they exist, their provider, storage version and members.

use super::engine::{Check, Format, KopsRef, Shape, Target, When};
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
    Check {
        info: &ETCD_MISSING,
        target: Target::Cluster,
        pointer: "/spec/etcdClusters",
        shape: Shape::Required,
        when: When::Always,
        since: None,
        kops: validation("validateClusterSpec"),
        reason: "kops needs at least the `main` and `events` etcd clusters",
        help: "add `etcdClusters` with `main` and `events`, one member per control-plane group",
    },
    Check {
        info: &ETCD_MISSING,
        target: Target::Cluster,
        pointer: "/spec/networking/cilium/etcdManaged",
        shape: Shape::NoneOf(&["true"]),
        when: When::NoItemWith("/spec/etcdClusters", "name", "cilium"),
        since: None,
        kops: validation("validateNetworkingCilium"),
        reason: "Cilium with managed etcd needs a dedicated etcd cluster named `cilium`",
        help: "add an etcd cluster named `cilium` with the control-plane members, or set `etcdManaged: false`",
    },
    Check {
        info: &ETCD_PROVIDER,
        target: Target::Cluster,
        pointer: "/spec/etcdClusters/*/provider",
        shape: Shape::OneOf(&["Manager"]),
        when: When::Always,
        since: None,
        kops: validation("validateEtcdClusterSpec"),
        reason: "kops runs etcd only through etcd-manager",
        help: "remove `provider` (or set `provider: Manager`)",
    },
    Check {
        info: &ETCD_VERSION,
        target: Target::Cluster,
        pointer: "/spec/etcdClusters/*/version",
        shape: Shape::Format(&ETCD3),
        when: When::Always,
        since: None,
        kops: validation("validateEtcdVersion"),
        reason: "kops supports only etcd major version 3",
        help: "write a 3.x version such as `3.5.21`, or remove `version` to get kops's default",
    },
    Check {
        info: &ETCD_VERSION,
        target: Target::Cluster,
        pointer: "/spec/etcdClusters/*/version",
        shape: Shape::RequiredWith("image"),
        when: When::Always,
        since: None,
        kops: validation("validateEtcdClusterSpec"),
        reason: "kops needs the version of a custom etcd image",
        help: "add `version:` with the etcd version the image holds",
    },
    Check {
        info: &ETCD_VERSION,
        target: Target::Cluster,
        pointer: "/spec/etcdClusters/*/version",
        shape: Shape::Same,
        when: When::Always,
        since: None,
        kops: validation("validateEtcdStorage"),
        reason: "every etcd cluster must use the same storage version",
        help: "give every etcd cluster the same `version`",
    },
    Check {
        info: &ETCD_MEMBER_NAME,
        target: Target::Cluster,
        pointer: "/spec/etcdClusters/*/etcdMembers/*/name",
        shape: Shape::Required,
        when: When::Always,
        since: None,
        kops: validation("validateEtcdMemberSpec"),
        reason: "etcd-manager names each member's volume and peer after it",
        help: "give the member a `name`, usually the zone letter of its group (e.g. `a`)",
    },
];
