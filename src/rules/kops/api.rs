//! API access and the API load balancer (AWS rules from `awsValidateCluster`), and the
//! subnets a cloud needs.

use super::cloud::Cloud;
use serde_json::Value;

use super::engine::{expand, sibling, Check, Format, KopsRef, Shape, When};
use super::version::Release;
use crate::document::Document;
use crate::findings::{code, CodeInfo};
use crate::schema::display_path;

code!(
    LB_CLASS,
    "SL144",
    "api-lb-class",
    Error,
    "the API load balancer's `class` is not one the kops release or the cluster's settings allow"
);
code!(
    LB_INTERNAL,
    "SL145",
    "api-lb-internal-without-private-subnet",
    Error,
    "an internal API load balancer in a cluster without a private subnet"
);
code!(
    LB_SSL,
    "SL146",
    "api-lb-ssl",
    Error,
    "`sslCertificate` or `sslPolicy` on an API load balancer that cannot use it"
);
code!(
    LB_SUBNETS,
    "SL147",
    "api-lb-subnets",
    Error,
    "an API load balancer subnet is unnamed or unknown, or has an address it cannot have"
);
code!(
    SECURITY_GROUP,
    "SL148",
    "security-group-id",
    Error,
    "a security group of the API load balancer is not an AWS id (`sg-...`) or is listed twice"
);
code!(
    SUBNETS_REQUIRED,
    "SL149",
    "subnets-required",
    Error,
    "the cluster has no subnets, which its cloud needs"
);

pub static CODES: &[&CodeInfo] = &[
    &LB_CLASS,
    &LB_INTERNAL,
    &LB_SSL,
    &LB_SUBNETS,
    &SECURITY_GROUP,
    &SUBNETS_REQUIRED,
];

fn is_security_group(text: &str) -> bool {
    text.starts_with("sg-")
}

fn is_ipv4(text: &str) -> bool {
    text.parse::<std::net::Ipv4Addr>().is_ok()
}

/// A load balancer's fixed address outside the CIDR of the cluster subnet it names (kops
/// skips the test when the name or the CIDR does not resolve: other rows report those).
fn address_outside_subnet(
    cluster: &Document,
    _: &Document,
    pointer: &str,
    value: &Value,
) -> Option<String> {
    let address = value.as_str()?.parse::<std::net::Ipv4Addr>().ok()?;
    let name = sibling(cluster, pointer, "name")?.as_str()?;
    let subnet = expand(&cluster.value, "/spec/subnets/*")
        .into_iter()
        .map(|(_, s)| s)
        .find(|s| s.get("name").and_then(Value::as_str) == Some(name))?;
    let cidr = subnet.get("cidr")?.as_str()?;
    let range = cidr.parse::<ipnet::IpNet>().ok()?;
    (!range.contains(&std::net::IpAddr::from(address))).then(|| {
        format!(
            "`{}` is `{address}`, outside the CIDR `{cidr}` of subnet `{name}`",
            display_path(pointer)
        )
    })
}

static SG: Format = Format {
    expected: "an AWS security group id (`sg-...`)",
    test: is_security_group,
};
static IPV4: Format = Format {
    expected: "an IPv4 address",
    test: is_ipv4,
};

const AWS_FILE: &str = "pkg/apis/kops/validation/aws.go";
const AWS_CLUSTER: KopsRef = KopsRef {
    file: AWS_FILE,
    function: "awsValidateCluster",
};
const LB_SUBNETS_FN: KopsRef = KopsRef {
    file: AWS_FILE,
    function: "awsValidateLoadBalancerSubnets",
};
const AWS: When = When::Cloud(&[Cloud::Aws]);
const NLB: When = When::ClusterIs("/spec/api/loadBalancer/class", "Network");
const INTERNAL: When = When::ClusterIs("/spec/api/loadBalancer/type", "Internal");

pub static CHECKS: &[Check] = &[
    Check::cluster(
        &LB_CLASS,
        "/spec/api/loadBalancer/class",
        Shape::NoneOf(&["Classic"]),
        AWS,
        AWS_CLUSTER,
        "kops 1.37 no longer supports Classic Load Balancers for the API",
        "migrate to `class: Network` with kops 1.36 or earlier before upgrading",
    )
    .since(Release::new(1, 37, 0)),
    Check::cluster(
        &LB_CLASS,
        "/spec/api/loadBalancer/class",
        Shape::NoneOf(&["Classic"]),
        When::All(&[AWS, When::ClusterIs("/spec/topology/dns/type", "None")]),
        KopsRef { file: AWS_FILE, function: "awsValidateTopologyDNS" },
        "`topology.dns.type: None` needs a Network Load Balancer",
        "use `class: Network`",
    ),
    Check::cluster(
        &LB_CLASS,
        "/spec/api/loadBalancer/useForInternalApi",
        Shape::NoneOf(&["true"]),
        When::All(&[AWS, NLB, INTERNAL]),
        AWS_CLUSTER,
        "an internal Network Load Balancer cannot carry internal API traffic (no hairpinning)",
        "remove `useForInternalApi`, or make the load balancer public",
    ),
    Check::cluster(
        &LB_INTERNAL,
        "/spec/api/loadBalancer/type",
        Shape::NoneOf(&["Internal"]),
        When::NoItemWith("/spec/subnets", "type", "Private"),
        KopsRef { file: "pkg/apis/kops/validation/validation.go", function: "validateClusterSpec" },
        "an internal load balancer needs at least one subnet of type `Private`",
        "add a `Private` subnet (and `topology` for private networking), or make the load balancer `Public`",
    ),
    Check::cluster(
        &LB_SSL,
        "/spec/api/loadBalancer/sslCertificate",
        Shape::Forbidden,
        When::All(&[AWS, When::Not(&NLB)]),
        AWS_CLUSTER,
        "a certificate needs a Network Load Balancer (`class: Network`)",
        "set `class: Network`, or remove `sslCertificate`",
    ),
    Check::cluster(
        &LB_SSL,
        "/spec/api/loadBalancer/sslPolicy",
        Shape::Forbidden,
        When::All(&[AWS, When::Not(&NLB)]),
        KopsRef { file: AWS_FILE, function: "awsValidateSSLPolicy" },
        "an SSL policy needs a Network Load Balancer (`class: Network`)",
        "set `class: Network`, or remove `sslPolicy`",
    ),
    Check::cluster(
        &LB_SSL,
        "/spec/api/loadBalancer/sslCertificate",
        Shape::RequiredWith("sslPolicy"),
        AWS,
        KopsRef { file: AWS_FILE, function: "awsValidateSSLPolicy" },
        "an SSL policy applies only to a TLS listener with a certificate",
        "add `sslCertificate`, or remove `sslPolicy`",
    ),
    Check::cluster(
        &LB_SUBNETS,
        "/spec/api/loadBalancer/subnets/*/name",
        Shape::Required,
        AWS,
        LB_SUBNETS_FN,
        "kops finds the load balancer's subnets by name",
        "give the entry the `name` of a cluster subnet",
    ),
    Check::cluster(
        &LB_SUBNETS,
        "/spec/api/loadBalancer/subnets/*/name",
        Shape::Among("/spec/subnets/*/name"),
        AWS,
        LB_SUBNETS_FN,
        "the load balancer can only use the cluster's subnets",
        "use the name of one of the cluster's subnets",
    ),
    Check::cluster(
        &LB_SUBNETS,
        "/spec/api/loadBalancer/subnets/*/privateIPv4Address",
        Shape::Format(&IPV4),
        AWS,
        LB_SUBNETS_FN,
        "",
        "write an IPv4 address inside the subnet's CIDR",
    ),
    Check::cluster(
        &LB_SUBNETS,
        "/spec/api/loadBalancer/subnets/*/privateIPv4Address",
        Shape::Logic(address_outside_subnet),
        AWS,
        LB_SUBNETS_FN,
        "AWS places the address in the subnet the entry names",
        "pick an unused address inside that subnet's `cidr`",
    ),
    Check::cluster(
        &LB_SUBNETS,
        "/spec/api/loadBalancer/subnets/*/privateIPv4Address",
        Shape::Forbidden,
        When::All(&[AWS, When::Not(&When::All(&[NLB, INTERNAL]))]),
        LB_SUBNETS_FN,
        "a fixed private address is possible only on an internal Network Load Balancer",
        "remove `privateIPv4Address`, or use `class: Network` with `type: Internal`",
    ),
    Check::cluster(
        &LB_SUBNETS,
        "/spec/api/loadBalancer/subnets/*/allocationId",
        Shape::Forbidden,
        When::All(&[AWS, When::Not(&When::All(&[NLB, When::Not(&INTERNAL)]))]),
        LB_SUBNETS_FN,
        "an elastic IP allocation is possible only on a public Network Load Balancer",
        "remove `allocationId`, or use `class: Network` with `type: Public`",
    ),
    Check::cluster(
        &SECURITY_GROUP,
        "/spec/api/loadBalancer/securityGroupOverride",
        Shape::Format(&SG),
        AWS,
        KopsRef { file: AWS_FILE, function: "awsValidateSecurityGroupOverride" },
        "",
        "write the id of an existing security group (`sg-0123456789abcdef0`)",
    ),
    Check::cluster(
        &SECURITY_GROUP,
        "/spec/api/loadBalancer/additionalSecurityGroups/*",
        Shape::Format(&SG),
        AWS,
        KopsRef { file: AWS_FILE, function: "awsValidateAdditionalSecurityGroups" },
        "",
        "write the id of an existing security group (`sg-0123456789abcdef0`)",
    ),
    Check::cluster(
        &SECURITY_GROUP,
        "/spec/api/loadBalancer/additionalSecurityGroups/*",
        Shape::Unique,
        AWS,
        KopsRef { file: AWS_FILE, function: "awsValidateAdditionalSecurityGroups" },
        "",
        "list each security group once",
    ),
    Check::cluster(
        &SUBNETS_REQUIRED,
        "/spec/subnets",
        Shape::Required,
        When::Cloud(&[Cloud::Aws, Cloud::Azure, Cloud::Gce, Cloud::Openstack, Cloud::Scaleway, Cloud::Metal]),
        KopsRef { file: "pkg/apis/kops/validation/validation.go", function: "validateSubnets" },
        "kops places the cluster's machines in its subnets",
        "add `subnets` (one per zone, e.g. with `kops create cluster --zones`)",
    ),
];
