//! Subnets and address ranges: names, ids, regions, types and where ranges may lie.

use serde_json::Value;

use super::cloud::Cloud;
use super::engine::{expand, sibling, Check, Format, KopsRef, Shape, When};
use crate::document::Document;
use crate::findings::{code, CodeInfo};
use crate::schema::display_path;

code!(
    SUBNET_NAME,
    "SL125",
    "subnet-name",
    Error,
    "a subnet has no name, or the same name as another subnet"
);
code!(
    SUBNET_ID_MIXED,
    "SL126",
    "subnet-id-mixed",
    Error,
    "some subnets give an `id` (shared subnets) and others do not"
);
code!(
    SUBNET_REGION,
    "SL127",
    "subnet-region",
    Error,
    "a subnet lacks the `region` its cloud needs, or the subnets span regions"
);

pub static CODES: &[&CodeInfo] = &[&SUBNET_NAME, &SUBNET_ID_MIXED, &SUBNET_REGION];

const fn subnets(function: &'static str) -> KopsRef {
    KopsRef {
        file: "pkg/apis/kops/validation/validation.go",
        function,
    }
}

/// `constraints.requiresSubnetRegion` in `validateCloudProvider`.
const REGIONAL: &[Cloud] = &[Cloud::Azure, Cloud::DigitalOcean, Cloud::Gce, Cloud::Linode];

pub static CHECKS: &[Check] = &[
    Check::cluster(
        &SUBNET_NAME,
        "/spec/subnets/*/name",
        Shape::Required,
        When::Always,
        subnets("validateSubnet"),
        "kops refers to subnets by name",
        "give the subnet a `name` (usually its zone, e.g. `us-east-1a`)",
    ),
    Check::cluster(
        &SUBNET_NAME,
        "/spec/subnets/*/name",
        Shape::Unique,
        When::Always,
        subnets("validateSubnets"),
        "subnet names must be unique",
        "rename one of the subnets, or merge the two entries",
    ),
    Check::cluster(
        &SUBNET_ID_MIXED,
        "/spec/subnets/*/id",
        Shape::AllOrNone,
        When::Always,
        subnets("validateSubnets"),
        "kops cannot mix shared subnets (with `id`) and subnets it creates",
        "give every subnet the `id` of an existing subnet, or remove `id` from all of them",
    ),
    Check::cluster(
        &SUBNET_REGION,
        "/spec/subnets/*/region",
        Shape::Required,
        When::Cloud(REGIONAL),
        subnets("validateSubnets"),
        "this cloud's subnets are regional",
        "add `region:` with the cluster's region to the subnet",
    ),
    Check::cluster(
        &SUBNET_REGION,
        "/spec/subnets/*/region",
        Shape::Same,
        When::Cloud(REGIONAL),
        subnets("validateSubnets"),
        "a cluster cannot span regions",
        "put every subnet in the same region",
    ),
];

code!(
    RANGE_OVERLAP,
    "SL133",
    "address-range-overlap",
    Error,
    "two address ranges overlap that kops keeps apart (subnets, pods, services, the network)"
);
code!(
    RANGE_OUTSIDE,
    "SL134",
    "address-range-outside",
    Error,
    "an address or range is not inside the range kops requires it in"
);
code!(
    NETWORK_CIDR,
    "SL135",
    "network-cidr-setting",
    Error,
    "`networkCIDR`, `additionalNetworkCIDRs` or `nonMasqueradeCIDR` is missing, forbidden or of the wrong kind for the cloud"
);
code!(
    SUBNET_EGRESS,
    "SL136",
    "subnet-egress",
    Error,
    "a subnet's `egress` is of an unknown kind or on a subnet that cannot have one"
);
code!(
    SUBNET_TYPE,
    "SL137",
    "subnet-type-not-allowed",
    Error,
    "a subnet's `type` is not allowed in this cluster (`DualStack` without IPv6, `Public` without an external network)"
);
code!(
    SUBNET_ROUTES,
    "SL138",
    "subnet-additional-routes",
    Error,
    "a subnet's `additionalRoutes` are on a subnet that cannot have them, or a route is malformed, repeated, or peers into the cluster's own network"
);
code!(
    CIDR_LIST,
    "SL139",
    "access-cidr-invalid",
    Error,
    "an entry of an access list, a route or a subnet's `ipv6CIDR` is not a valid CIDR"
);

pub static RANGE_CODES: &[&CodeInfo] = &[
    &RANGE_OVERLAP,
    &RANGE_OUTSIDE,
    &NETWORK_CIDR,
    &SUBNET_EGRESS,
    &SUBNET_TYPE,
    &SUBNET_ROUTES,
    &CIDR_LIST,
];

/// A CIDR without host bits, as kops's `parseCIDR` accepts it.
fn is_network_cidr(text: &str) -> bool {
    text.parse::<ipnet::IpNet>().is_ok_and(|n| n.trunc() == n)
}

/// An IPv6 CIDR, or `/N#x` (the `x`-th (hex) subnet of size `N` carved from the VPC's IPv6
/// range), as kops's `validateIPv6CIDR` and `ParseCIDRNotation` accept them.
fn is_ipv6_cidr(text: &str) -> bool {
    match text.strip_prefix('/') {
        Some(notation) => notation.split_once('#').is_some_and(|(size, index)| {
            size.parse::<u8>().is_ok_and(|n| n <= 128)
                && !index.is_empty()
                && index.len() <= 15
                && index
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        }),
        None => {
            matches!(text.parse::<ipnet::IpNet>(), Ok(n @ ipnet::IpNet::V6(_)) if n.trunc() == n)
        }
    }
}

/// An RFC 1918 range (kops: `IP.IsPrivate()` of the network address).
fn is_private_cidr(text: &str) -> bool {
    match text.parse::<ipnet::IpNet>() {
        Ok(ipnet::IpNet::V4(n)) => n.network().is_private(),
        Ok(ipnet::IpNet::V6(n)) => (n.network().segments()[0] & 0xfe00) == 0xfc00,
        Err(_) => true, // malformed: SL115's business
    }
}

/// An IPv4 `nonMasqueradeCIDR`, or `::/0` for an IPv6 cluster.
fn is_ipv6_catch_all_if_ipv6(text: &str) -> bool {
    !text.contains(':') || text == "::/0"
}

/// `nat-`, `eipalloc-`, `i-`, `tgw-` ids or `External` (kops's `Egress*` constants).
fn is_egress(text: &str) -> bool {
    let kind = text.split('-').next().unwrap_or("");
    ["nat", "eipalloc", "i", "tgw", "External"].contains(&kind)
}

/// Route targets kops knows: peering, instance, NAT, transit, internet gateways.
fn is_route_target(text: &str) -> bool {
    ["pcx-", "i-", "nat-", "tgw-", "igw-", "eigw-"]
        .iter()
        .any(|p| text.starts_with(p))
}

static CIDR: Format = Format {
    expected: "a CIDR without host bits (e.g. `203.0.113.0/24`)",
    test: is_network_cidr,
};
static IPV6_CIDR: Format = Format {
    expected: "an IPv6 CIDR, or `/<size>#<hex index>` such as `/64#1`",
    test: is_ipv6_cidr,
};
static PRIVATE: Format = Format {
    expected: "a private (RFC 1918) range",
    test: is_private_cidr,
};
static IPV6_NON_MASQ: Format = Format {
    expected: "`::/0`, which kops requires of IPv6 clusters",
    test: is_ipv6_catch_all_if_ipv6,
};
static EGRESS: Format = Format {
    expected: "`External` or the id of a NAT gateway (`nat-`), elastic IP (`eipalloc-`), NAT instance (`i-`) or transit gateway (`tgw-`)",
    test: is_egress,
};
/// The cluster's network ranges as kops collects them for the route checks: `networkCIDR`
/// and `additionalNetworkCIDRs`, each written as Go prints a parsed range.
fn network_ranges(cluster: &Document) -> Vec<ipnet::IpNet> {
    let mut texts: Vec<&str> = cluster.str_at("/spec/networkCIDR").into_iter().collect();
    texts.extend(
        expand(&cluster.value, "/spec/additionalNetworkCIDRs/*")
            .into_iter()
            .filter_map(|(_, v)| v.as_str()),
    );
    texts
        .into_iter()
        .filter_map(|t| t.parse::<ipnet::IpNet>().ok().map(|n| n.trunc()))
        .collect()
}

/// A route to a peering connection whose destination lies inside one of the cluster's
/// own network ranges (`awsValidateAdditionalRoutes`).
fn peering_inside_network(
    cluster: &Document,
    _: &Document,
    pointer: &str,
    value: &Value,
) -> Option<String> {
    let target = value.as_str().filter(|t| t.starts_with("pcx-"))?;
    let cidr = sibling(cluster, pointer, "cidr")?.as_str()?;
    let route = cidr.parse::<ipnet::IpNet>().ok()?;
    let network = network_ranges(cluster)
        .into_iter()
        .find(|n| n.contains(&route.network()))?;
    Some(format!(
        "`{}` is the peering connection `{target}` for `{cidr}`, inside the cluster's network `{network}`",
        display_path(pointer)
    ))
}

/// A route destination written like one of the cluster's network ranges or like an
/// earlier route of the same subnet (kops compares the texts).
fn repeated_route(
    cluster: &Document,
    _: &Document,
    pointer: &str,
    value: &Value,
) -> Option<String> {
    let cidr = value.as_str()?;
    let f = display_path(pointer);
    if let Some(network) = network_ranges(cluster)
        .into_iter()
        .find(|n| n.to_string() == cidr)
    {
        return Some(format!(
            "`{f}` is `{cidr}`, the cluster's own network `{network}`"
        ));
    }
    let route = pointer.strip_suffix("/cidr")?;
    let (list, index) = route.rsplit_once('/')?;
    let index: usize = index.parse().ok()?;
    let earlier = (0..index).find(|i| cluster.str_at(&format!("{list}/{i}/cidr")) == Some(cidr))?;
    Some(format!(
        "`{f}` is `{cidr}`, already routed by `{}`",
        display_path(&format!("{list}/{earlier}"))
    ))
}

/// A row of `awsValidateAdditionalRoutes` (`aws.go`), over a subnet's routes on AWS.
const fn aws_route(
    info: &'static CodeInfo,
    pointer: &'static str,
    shape: Shape,
    reason: &'static str,
    help: &'static str,
) -> Check {
    Check::cluster(
        info,
        pointer,
        shape,
        When::Cloud(&[Cloud::Aws]),
        KopsRef {
            file: "pkg/apis/kops/validation/aws.go",
            function: "awsValidateAdditionalRoutes",
        },
        reason,
        help,
    )
}

static ROUTE_TARGET: Format = Format {
    expected: "a peering connection, instance, NAT, transit, internet or egress-only gateway id (`pcx-`, `i-`, `nat-`, `tgw-`, `igw-`, `eigw-`)",
    test: is_route_target,
};

const VALIDATION: &str = "pkg/apis/kops/validation/validation.go";
const fn networking() -> KopsRef {
    subnets("validateNetworking")
}
const fn legacy() -> KopsRef {
    KopsRef {
        file: "pkg/apis/kops/validation/legacy.go",
        function: "ValidateCluster",
    }
}
const NO_AMAZON_VPC: When = When::Not(&When::ClusterSet("/spec/networking/amazonvpc"));
const PLAIN_IPAM: When = When::All(&[
    NO_AMAZON_VPC,
    When::Not(&When::ClusterIs("/spec/networking/cilium/ipam", "eni")),
]);

pub static RANGE_CHECKS: &[Check] = &[
    Check::cluster(
        &RANGE_OVERLAP,
        "/spec/subnets/*/cidr",
        Shape::Disjoint("/spec/podCIDR"),
        NO_AMAZON_VPC,
        subnets("validateSubnet"),
        "pod addresses must not collide with node addresses",
        "choose a subnet CIDR outside `podCIDR`, or move `podCIDR` elsewhere inside `nonMasqueradeCIDR`",
    ),
    Check::cluster(
        &RANGE_OVERLAP,
        "/spec/subnets/*/cidr",
        Shape::Disjoint("/spec/serviceClusterIPRange"),
        When::Always,
        subnets("validateSubnet"),
        "service addresses must not collide with node addresses",
        "choose a subnet CIDR outside `serviceClusterIPRange`",
    ),
    Check::cluster(
        &RANGE_OVERLAP,
        "/spec/subnets/*/ipv6CIDR",
        Shape::Disjoint("/spec/serviceClusterIPRange"),
        When::Always,
        subnets("validateIPv6CIDR"),
        "service addresses must not collide with node addresses",
        "choose an `ipv6CIDR` outside `serviceClusterIPRange`",
    ),
    Check::cluster(
        &RANGE_OVERLAP,
        "/spec/nonMasqueradeCIDR",
        Shape::Disjoint("/spec/networkCIDR"),
        PLAIN_IPAM,
        networking(),
        "traffic to the network would not be masqueraded",
        "choose a `nonMasqueradeCIDR` (e.g. `100.64.0.0/10`) outside `networkCIDR`",
    ),
    Check::cluster(
        &RANGE_OVERLAP,
        "/spec/additionalNetworkCIDRs/*",
        Shape::Disjoint("/spec/nonMasqueradeCIDR"),
        PLAIN_IPAM,
        networking(),
        "traffic to the network would not be masqueraded",
        "choose a `nonMasqueradeCIDR` (e.g. `100.64.0.0/10`) outside every network CIDR",
    ),
    Check::cluster(
        &RANGE_OUTSIDE,
        "/spec/podCIDR",
        Shape::Inside("/spec/nonMasqueradeCIDR"),
        When::Always,
        networking(),
        "pod addresses must not be masqueraded",
        "choose a `podCIDR` inside `nonMasqueradeCIDR`",
    ),
    Check::cluster(
        &RANGE_OUTSIDE,
        "/spec/kubeControllerManager/clusterCIDR",
        Shape::Inside("/spec/nonMasqueradeCIDR"),
        When::Always,
        legacy(),
        "pod addresses must not be masqueraded",
        "choose a `clusterCIDR` inside `nonMasqueradeCIDR` (usually the same as `podCIDR`)",
    ),
    Check::cluster(
        &RANGE_OUTSIDE,
        "/spec/kubeDNS/serverIP",
        Shape::Inside("/spec/serviceClusterIPRange"),
        When::Always,
        legacy(),
        "the DNS service address must be a service address",
        "choose a `serverIP` inside `serviceClusterIPRange` (kops's default is its tenth address)",
    ),
    Check::cluster(
        &NETWORK_CIDR,
        "/spec/networkCIDR",
        Shape::Required,
        When::Cloud(&[Cloud::Aws, Cloud::Azure]),
        networking(),
        "kops needs the address range of the cluster's network on this cloud",
        "add `networkCIDR:` with the VPC/VNet range (e.g. `172.20.0.0/16`)",
    ),
    Check::cluster(
        &NETWORK_CIDR,
        "/spec/networkCIDR",
        Shape::Forbidden,
        When::Cloud(&[Cloud::Gce]),
        networking(),
        "GCE networks have no single range",
        "remove `networkCIDR`; give each subnet its own `cidr`",
    ),
    Check::cluster(
        &NETWORK_CIDR,
        "/spec/additionalNetworkCIDRs",
        Shape::Forbidden,
        When::NotCloud(&[Cloud::Aws]),
        networking(),
        "kops supports additional network ranges only on AWS",
        "remove `additionalNetworkCIDRs`",
    ),
    Check::cluster(
        &NETWORK_CIDR,
        "/spec/nonMasqueradeCIDR",
        Shape::Required,
        When::NotCloud(&[Cloud::Gce]),
        networking(),
        "kops needs the range that is not masqueraded",
        "add `nonMasqueradeCIDR: 100.64.0.0/10` (or `::/0` for IPv6)",
    ),
    Check::cluster(
        &NETWORK_CIDR,
        "/spec/nonMasqueradeCIDR",
        Shape::Format(&IPV6_NON_MASQ),
        When::Always,
        networking(),
        "IPv6 clusters masquerade nothing",
        "write `nonMasqueradeCIDR: ::/0`",
    ),
    Check::cluster(
        &NETWORK_CIDR,
        "/spec/networkCIDR",
        Shape::Format(&PRIVATE),
        When::Cloud(&[Cloud::DigitalOcean, Cloud::Linode]),
        networking(),
        "this cloud's private networks use private ranges only",
        "choose a range inside `10.0.0.0/8`, `172.16.0.0/12` or `192.168.0.0/16`",
    ),
    Check::cluster(
        &NETWORK_CIDR,
        "/spec/networkCIDR",
        Shape::Forbidden,
        When::All(&[When::Cloud(&[Cloud::DigitalOcean, Cloud::Linode]), When::ClusterSet("/spec/networkID")]),
        networking(),
        "on this cloud an existing network (`networkID`) brings its own range",
        "remove `networkCIDR`, or `networkID` to let kops create the network",
    ),
    Check::cluster(
        &SUBNET_EGRESS,
        "/spec/subnets/*/egress",
        Shape::Format(&EGRESS),
        When::Always,
        subnets("validateSubnet"),
        "kops does not know how to route through it",
        "use `External` or the id of a NAT gateway, elastic IP, NAT instance or transit gateway",
    ),
    Check::cluster(
        &SUBNET_EGRESS,
        "/spec/subnets/*/egress",
        Shape::Forbidden,
        When::All(&[
            When::Not(&When::ValueIs("External")),
            When::SiblingNotIn("type", &["Private", "DualStack"]),
            When::Not(&When::All(&[When::SiblingSet("ipv6CIDR"), When::Not(&When::SiblingNotIn("type", &["Public"]))])),
        ]),
        subnets("validateSubnet"),
        "egress can only be given for private or IPv6-capable public subnets",
        "remove `egress`, or make the subnet `type: Private`",
    ),
    Check::cluster(
        &SUBNET_TYPE,
        "/spec/subnets/*/type",
        Shape::NoneOf(&["DualStack"]),
        When::NotIpv6Only,
        subnets("validateSubnet"),
        "`DualStack` subnets exist only in IPv6 clusters (`nonMasqueradeCIDR: ::/0`)",
        "use `Private` (or `Public`), or make the cluster IPv6",
    ),
    Check::cluster(
        &SUBNET_TYPE,
        "/spec/subnets/*/type",
        Shape::NoneOf(&["Public"]),
        When::All(&[When::Cloud(&[Cloud::Openstack]), When::Not(&When::ClusterHas("/spec/cloudConfig/openstack/router/externalNetwork"))]),
        subnets("validateSubnet"),
        "an OpenStack public subnet needs `cloudConfig.openstack.router.externalNetwork`",
        "set the router's `externalNetwork`, or make the subnet `Private`",
    ),
    Check::cluster(
        &SUBNET_ROUTES,
        "/spec/subnets/*/additionalRoutes",
        Shape::Forbidden,
        When::All(&[When::Cloud(&[Cloud::Aws]), When::SiblingSet("id")]),
        subnets("validateSubnet"),
        "kops does not add routes to a shared subnet (one with `id`)",
        "add the routes to the shared subnet's route table yourself, and remove `additionalRoutes`",
    ),
    Check::cluster(
        &SUBNET_ROUTES,
        "/spec/subnets/*/additionalRoutes",
        Shape::Forbidden,
        When::All(&[When::Cloud(&[Cloud::Aws]), When::Not(&When::SiblingSet("id")), When::SiblingNotIn("type", &["Private"])]),
        subnets("validateSubnet"),
        "kops adds routes only to private subnets",
        "move the routes to a `Private` subnet, or remove `additionalRoutes`",
    ),
    aws_route(
        &SUBNET_ROUTES,
        "/spec/subnets/*/additionalRoutes/*/target",
        Shape::Format(&ROUTE_TARGET),
        "kops does not know the target type",
        "use the id of a peering connection, instance, NAT, transit, internet or egress-only gateway",
    ),
    aws_route(
        &SUBNET_ROUTES,
        "/spec/subnets/*/additionalRoutes/*/target",
        Shape::Logic(peering_inside_network),
        "traffic inside the network already has the VPC's local route, so only an instance or an interface can take a more specific one",
        "route only destinations outside the cluster's network to the peering connection",
    ),
    aws_route(
        &SUBNET_ROUTES,
        "/spec/subnets/*/additionalRoutes/*/cidr",
        Shape::Logic(repeated_route),
        "a route table holds one route per destination",
        "remove the repeated route, or change its `cidr`",
    ),
    aws_route(
        &CIDR_LIST,
        "/spec/subnets/*/additionalRoutes/*/cidr",
        Shape::Format(&CIDR),
        "",
        "write the route's destination as a CIDR, e.g. `10.10.0.0/16`",
    ),
    Check::cluster(
        &CIDR_LIST,
        "/spec/subnets/*/ipv6CIDR",
        Shape::Format(&IPV6_CIDR),
        When::Always,
        subnets("validateIPv6CIDR"),
        "",
        "write an IPv6 CIDR such as `2001:db8::/64`, or `/64#1` for the VPC range's first /64",
    ),
    access_cidr("/spec/sshAccess/*"),
    access_cidr("/spec/kubernetesApiAccess/*"),
    access_cidr("/spec/nodePortAccess/*"),
];

/// An entry of an access list: a CIDR unless it is an AWS prefix list (SL124's business).
const fn access_cidr(pointer: &'static str) -> Check {
    Check::cluster(
        &CIDR_LIST,
        pointer,
        Shape::Format(&CIDR),
        When::ValueLacksPrefix("pl-"),
        SPEC,
        "",
        "write an address range such as `203.0.113.0/24` (`/32` for one address)",
    )
}

const SPEC: KopsRef = KopsRef {
    file: VALIDATION,
    function: "validateClusterSpec",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_cidrs_are_cidrs_or_kops_subnet_notation() {
        for good in ["2001:db8::/56", "/64#1", "/64#a0", "/128#0"] {
            assert!(is_ipv6_cidr(good), "{good}");
        }
        // A size over 128, no index, a non-hex or over-long index, an IPv4 or unaligned CIDR.
        for bad in [
            "/129#1",
            "/64#",
            "/64#g",
            "/64#1234567890abcdef",
            "/64",
            "10.0.0.0/8",
            "2001:db8::1/56",
        ] {
            assert!(!is_ipv6_cidr(bad), "{bad}");
        }
    }

    #[test]
    fn private_ranges_are_rfc_1918_or_unique_local_ipv6() {
        for private in [
            "10.0.0.0/8",
            "172.20.0.0/16",
            "192.168.1.0/24",
            "fd00::/8",
            "fc00::/7",
        ] {
            assert!(is_private_cidr(private), "{private}");
        }
        for public in ["8.8.8.0/24", "100.64.0.0/10", "2001:db8::/32", "fe80::/10"] {
            assert!(!is_private_cidr(public), "{public}");
        }
        // Malformed ranges are SL115's to report, not this check's.
        assert!(is_private_cidr("not-a-range"));
    }
}
