//! The cluster's name and DNS: a fully qualified DNS name, gossip names (removed in kops
//! 1.37) and the DNS topologies each cloud supports.

use super::cloud::Cloud;
use super::engine::{Check, Format, KopsRef, Shape, When};
use super::version::Release;
use crate::findings::{code, CodeInfo};

code!(
    NAME_INVALID,
    "SL141",
    "cluster-name-invalid",
    Error,
    "the cluster name is not a fully qualified DNS name kops accepts"
);
code!(
    GOSSIP,
    "SL142",
    "gossip-dns-removed",
    Error,
    "the cluster uses gossip DNS (`.k8s.local`), which the kops release does not support"
);
code!(
    DNS_TOPOLOGY,
    "SL143",
    "dns-topology-unsupported",
    Error,
    "`topology.dns.type` is one the cluster's cloud does not support"
);

pub static CODES: &[&CodeInfo] = &[&NAME_INVALID, &GOSSIP, &DNS_TOPOLOGY];

/// A DNS-1123 subdomain: at most 253 characters of lower-case dot-separated labels, each
/// starting and ending with a letter or digit (apimachinery's `IsDNS1123Subdomain`).
fn is_dns_subdomain(text: &str) -> bool {
    text.len() <= 253
        && text.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

fn has_dot(text: &str) -> bool {
    text.contains('.')
}

fn at_most_32(text: &str) -> bool {
    text.len() <= 32
}

fn not_gossip(text: &str) -> bool {
    !text.trim_end_matches('.').ends_with(".k8s.local")
}

static DNS_SUBDOMAIN: Format = Format {
    expected: "a DNS name (lower-case letters, digits, `-` and `.`; at most 253 characters)",
    test: is_dns_subdomain,
};
static QUALIFIED: Format = Format {
    expected: "a fully qualified DNS name (e.g. `mycluster.example.com`)",
    test: has_dot,
};
static LINODE_LENGTH: Format = Format {
    expected: "at most 32 characters long, as Linode requires",
    test: at_most_32,
};
static NOT_GOSSIP: Format = Format {
    expected: "a name in a real DNS zone (a `.k8s.local` name means gossip DNS)",
    test: not_gossip,
};

const VALIDATION: &str = "pkg/apis/kops/validation/validation.go";
const NEW_CLUSTER: KopsRef = KopsRef {
    file: VALIDATION,
    function: "newValidateCluster",
};
const TOPOLOGY: KopsRef = KopsRef {
    file: VALIDATION,
    function: "validateCloudDNSTopology",
};
const DNS_NONE: When = When::ClusterIs("/spec/topology/dns/type", "None");
const IMPORTED: When = When::ClusterIs(
    "/metadata/annotations/kops.kubernetes.io~1management",
    "imported",
);
/// Clouds without a DNS service kops manages (only `None`, and gossip before 1.37).
const NO_DNS: &[Cloud] = &[Cloud::Azure, Cloud::Hetzner, Cloud::Linode, Cloud::Metal];
const NO_PRIVATE_DNS: &[Cloud] = &[
    Cloud::Azure,
    Cloud::DigitalOcean,
    Cloud::Hetzner,
    Cloud::Linode,
    Cloud::Metal,
    Cloud::Scaleway,
];
const GOSSIP_NEVER: &[Cloud] = &[Cloud::Linode, Cloud::Metal];
const V1_36: Release = Release::new(1, 36, 0);
const V1_37: Release = Release::new(1, 37, 0);

pub static CHECKS: &[Check] = &[
    Check::cluster(
        &NAME_INVALID,
        "/metadata/name",
        Shape::Format(&DNS_SUBDOMAIN),
        When::Always,
        NEW_CLUSTER,
        "kops names DNS records and cloud resources after the cluster",
        "rename the cluster to a lower-case DNS name such as `mycluster.example.com`",
    ),
    Check::cluster(
        &NAME_INVALID,
        "/metadata/name",
        Shape::Format(&QUALIFIED),
        When::All(&[When::Not(&DNS_NONE), When::Not(&IMPORTED)]),
        NEW_CLUSTER,
        "kops creates the API's DNS records in the zone the name ends in",
        "use a name inside a DNS zone you own (e.g. `mycluster.example.com`), or set `topology.dns.type: None`",
    ),
    Check::cluster(
        &NAME_INVALID,
        "/metadata/name",
        Shape::Format(&LINODE_LENGTH),
        When::Cloud(&[Cloud::Linode]),
        KopsRef { file: "pkg/apis/kops/validation/linode.go", function: "linodeValidateCluster" },
        "Linode labels are limited to 32 characters",
        "choose a cluster name of at most 32 characters",
    ),
    Check::cluster(
        &GOSSIP,
        "/metadata/name",
        Shape::Format(&NOT_GOSSIP),
        When::All(&[When::Not(&DNS_NONE), When::NotCloud(GOSSIP_NEVER)]),
        TOPOLOGY,
        "gossip DNS was removed in kops 1.37",
        "migrate the cluster to `topology.dns.type: None` (or a hosted zone) with kops 1.36 before upgrading",
    )
    .since(V1_37),
    Check::cluster(
        &GOSSIP,
        "/metadata/name",
        Shape::Format(&NOT_GOSSIP),
        When::All(&[When::Not(&DNS_NONE), When::Cloud(GOSSIP_NEVER)]),
        TOPOLOGY,
        "this cloud never supported gossip DNS",
        "set `topology.dns.type: None`, or use a name in a hosted DNS zone",
    )
    .since(V1_36),
    Check::cluster(
        &GOSSIP,
        "/spec/gossipConfig",
        Shape::Forbidden,
        When::Always,
        KopsRef { file: VALIDATION, function: "validateClusterSpec" },
        "gossip DNS was removed in kops 1.37",
        "remove `gossipConfig`",
    )
    .since(V1_37),
    Check::cluster(
        &GOSSIP,
        "/spec/dnsControllerGossipConfig",
        Shape::Forbidden,
        When::Always,
        KopsRef { file: VALIDATION, function: "validateClusterSpec" },
        "gossip DNS was removed in kops 1.37",
        "remove `dnsControllerGossipConfig`",
    )
    .since(V1_37),
    Check::cluster(
        &DNS_TOPOLOGY,
        "/spec/topology/dns/type",
        Shape::NoneOf(&["Private"]),
        When::All(&[When::Cloud(NO_PRIVATE_DNS), When::Not(&When::GossipName)]),
        TOPOLOGY,
        "this cloud has no private DNS zones kops can manage",
        "use `None` (or `Public` where the cloud has public DNS)",
    )
    .since(V1_36),
    Check::cluster(
        &DNS_TOPOLOGY,
        "/spec/topology/dns/type",
        Shape::NoneOf(&["Public"]),
        When::All(&[When::Cloud(NO_DNS), When::Not(&When::GossipName)]),
        TOPOLOGY,
        "this cloud has no DNS service kops can manage",
        "set `topology.dns.type: None`",
    )
    .since(V1_36),
    Check::cluster(
        &DNS_TOPOLOGY,
        "/spec/topology/dns/type",
        Shape::Required,
        When::All(&[When::Cloud(NO_DNS), When::Not(&When::GossipName)]),
        TOPOLOGY,
        "kops reads a missing type as `Public`, and this cloud has no DNS service kops can manage",
        "set `topology.dns.type: None`",
    )
    .since(V1_36),
];
