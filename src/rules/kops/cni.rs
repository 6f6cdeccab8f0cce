//! The networking option (CNI) under `spec.networking`: exactly one, one kops still
//! supports, on a cloud and an address family it works on, and per-CNI settings kops
//! refuses (`validateNetworking` and the `validateNetworking*` functions of
//! `pkg/apis/kops/validation/validation.go`).

use serde_json::Value;

use super::addons::{cert_manager_off, NEEDS_CERT_MANAGER};
use super::cloud::Cloud;
use super::engine::{is_present, is_true, sibling, Check, Format, Shape, When};
use crate::document::Document;
use crate::findings::{code, CodeInfo};

code!(
    OPTION_COUNT,
    "SL600",
    "networking-option-count",
    Error,
    "more than one networking option (CNI) is configured under `spec.networking`"
);
code!(
    OPTION_REMOVED,
    "SL601",
    "networking-option-removed",
    Error,
    "a networking option kops no longer supports (classic, external, Weave, Canal, Romana, LyftVPC)"
);
code!(
    OPTION_CLOUD,
    "SL602",
    "networking-option-cloud",
    Error,
    "a networking option or mode used on a cloud it does not work on (Amazon VPC, Cilium ENI off AWS; GCE networking off GCE)"
);
code!(
    OPTION_IPV6,
    "SL603",
    "networking-option-ipv6",
    Error,
    "a networking option or mode that does not support IPv6 in an IPv6 cluster"
);
code!(
    KUBE_PROXY,
    "SL604",
    "networking-needs-kube-proxy-off",
    Error,
    "kube-proxy is left on although the CNI replaces it (kube-router, Cilium NodePort, Calico BPF)"
);
code!(
    CALICO,
    "SL605",
    "calico-setting",
    Error,
    "a Calico setting kops refuses (modes, autodetection, Typha replicas, `awsSrcDstCheck`)"
);
code!(
    CILIUM,
    "SL606",
    "cilium-setting",
    Error,
    "a Cilium setting kops refuses (`version`, tunnel, IPAM, identity allocation, encryption, load balancing)"
);
code!(
    FLANNEL_KINDNET,
    "SL608",
    "flannel-kindnet-setting",
    Error,
    "a Flannel `backend` or a kindnet masquerade CIDR kops refuses"
);

pub static CODES: &[&CodeInfo] = &[
    &OPTION_COUNT,
    &OPTION_REMOVED,
    &OPTION_CLOUD,
    &OPTION_IPV6,
    &KUBE_PROXY,
    &CALICO,
    &CILIUM,
    &FLANNEL_KINDNET,
];

/// The v1alpha2 keys of `NetworkingSpec`'s options (`ConfiguredOptions`).
const OPTIONS: &[&str] = &[
    "classic",
    "kubenet",
    "external",
    "cni",
    "kopeio",
    "weave",
    "flannel",
    "calico",
    "canal",
    "kuberouter",
    "romana",
    "amazonvpc",
    "cilium",
    "lyftvpc",
    "gce",
    "kindnet",
];

fn more_than_one_option(cluster: &Document, _: &str) -> bool {
    OPTIONS
        .iter()
        .filter(|o| is_present(cluster.get(&format!("/spec/networking/{o}"))))
        .count()
        > 1
}

/// kops's `IsIPv6Only`: an IPv6 `nonMasqueradeCIDR`.
fn ipv6_only(cluster: &Document, _: &str) -> bool {
    cluster
        .str_at("/spec/nonMasqueradeCIDR")
        .is_some_and(|c| c.contains(':'))
}

fn ipv4(cluster: &Document, at: &str) -> bool {
    !ipv6_only(cluster, at)
}

/// `spec.kubeProxy` is given and not `enabled: false` (kops: `KubeProxy != nil &&
/// (Enabled == nil || *Enabled)`).
fn kube_proxy_on(cluster: &Document) -> bool {
    !matches!(cluster.get("/spec/kubeProxy"), None | Some(Value::Null))
        && cluster.get("/spec/kubeProxy/enabled") != Some(&Value::Bool(false))
}

fn kube_router_with_proxy(cluster: &Document, _: &str) -> bool {
    kube_proxy_on(cluster) && is_present(cluster.get("/spec/networking/kuberouter"))
}

fn cilium_node_port_with_proxy(cluster: &Document, _: &str) -> bool {
    kube_proxy_on(cluster) && is_true(cluster, "/spec/networking/cilium/enableNodePort")
}

fn calico_bpf_with_proxy(cluster: &Document, _: &str) -> bool {
    kube_proxy_on(cluster) && is_true(cluster, "/spec/networking/calico/bpfEnabled")
}

fn hubble_without_cert_manager(cluster: &Document, pointer: &str) -> bool {
    // kops checks Hubble only when the Cilium `version` is given.
    is_present(cluster.get("/spec/networking/cilium/version"))
        && is_true(cluster, pointer)
        && cert_manager_off(cluster)
}

fn kvstore_without_managed_etcd(cluster: &Document, pointer: &str) -> bool {
    sibling(cluster, pointer, "etcdManaged") != Some(&Value::Bool(true))
}

fn encryption_off(cluster: &Document, pointer: &str) -> bool {
    sibling(cluster, pointer, "enableEncryption") != Some(&Value::Bool(true))
}

fn lb_sock_off_with_host_ns_only(cluster: &Document, pointer: &str) -> bool {
    is_true(cluster, pointer) && sibling(cluster, pointer, "bpfLBSock") != Some(&Value::Bool(true))
}

fn ingress_enabled(cluster: &Document, _: &str) -> bool {
    is_true(cluster, "/spec/networking/cilium/ingress/enabled")
}

fn true_and_ipv6(cluster: &Document, pointer: &str) -> bool {
    is_true(cluster, pointer) && ipv6_only(cluster, pointer)
}

fn kindnet_masquerade_on(cluster: &Document, _: &str) -> bool {
    is_true(cluster, "/spec/networking/kindnet/masquerade/enabled")
}

/// A Cilium `version`: `v` + semantic version (kops's `semver.Parse`).
fn is_cilium_semver(text: &str) -> bool {
    text.strip_prefix('v').is_some_and(is_semver)
}

/// `MAJOR.MINOR.PATCH` with optional `-pre` and `+build`, numbers without leading zeros.
fn is_semver(text: &str) -> bool {
    let core = text.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
}

/// The Cilium minor release kops ships manifests for.
fn is_cilium_1_18(text: &str) -> bool {
    !is_cilium_semver(text) || text.trim_start_matches('v').split('.').nth(1) == Some("18")
}

fn is_non_negative(text: &str) -> bool {
    text.parse::<i64>().is_ok_and(|n| n >= 0)
}

/// An IPv4 or IPv6 prefix (`netip.ParsePrefix`), host bits allowed.
fn is_prefix(text: &str) -> bool {
    text.parse::<ipnet::IpNet>().is_ok()
}

/// Calico's autodetection methods, as `validateCalicoAutoDetectionMethod` accepts them,
/// with the address family of `can-reach=`.
fn is_autodetection(text: &str, v6: bool) -> bool {
    let parts: Vec<&str> = text.split('=').collect();
    match parts.as_slice() {
        ["first-found"] => true,
        ["can-reach", dest] => dest
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_ipv6() == v6),
        ["interface" | "skip-interface", list] => {
            let items: Vec<&str> = list.split(',').map(str::trim).collect();
            !items[0].is_empty() && items.iter().all(|r| compiles_as_re2(r))
        }
        _ => false,
    }
}

/// Whether Go's `regexp.Compile` accepts the pattern: the `regex` crate's parser follows
/// the same RE2 syntax (no backreferences or lookaround, the same classes and flags). It
/// differs on `\Q...\E` quoting, which Go accepts and this parser refuses.
fn compiles_as_re2(text: &str) -> bool {
    regex_syntax::Parser::new().parse(text).is_ok()
}

static CILIUM_VERSION: Format = Format {
    expected: "`v` followed by a semantic version (e.g. `v1.18.4`)",
    test: is_cilium_semver,
};
static CILIUM_MINOR: Format = Format {
    expected: "a Cilium 1.18 release, the only one kops supports",
    test: is_cilium_1_18,
};
static NON_NEGATIVE: Format = Format {
    expected: "zero or more",
    test: is_non_negative,
};
static IPV4_AUTODETECT: Format = Format {
    expected:
        "`first-found`, `can-reach=<IPv4>`, `interface=<regexes>` or `skip-interface=<regexes>`",
    test: |t| is_autodetection(t, false),
};
static IPV6_AUTODETECT: Format = Format {
    expected:
        "`first-found`, `can-reach=<IPv6>`, `interface=<regexes>` or `skip-interface=<regexes>`",
    test: |t| is_autodetection(t, true),
};
static PREFIX: Format = Format {
    expected: "an IP prefix",
    test: is_prefix,
};

const fn one_of(
    info: &'static CodeInfo,
    pointer: &'static str,
    allowed: &'static [&'static str],
    function: &'static str,
) -> Check {
    Check::validation(
        info,
        pointer,
        Shape::OneOf(allowed),
        When::Always,
        function,
        "",
        "use one of the values kops accepts",
    )
}

const fn counted(option: &'static str) -> Check {
    Check::validation(
        &OPTION_COUNT,
        option,
        Shape::Forbidden,
        When::Test(more_than_one_option),
        "validateNetworking",
        "kops permits exactly one networking option under `spec.networking`",
        "keep the one CNI the cluster runs and remove the other networking options",
    )
}

const fn removed(option: &'static str, reason: &'static str) -> Check {
    Check::validation(
        &OPTION_REMOVED,
        option,
        Shape::Forbidden,
        When::Always,
        "validateNetworking",
        reason,
        "migrate to a supported CNI (e.g. `calico`, `cilium` or `kindnet`) before upgrading kops",
    )
}

const fn no_ipv6(option: &'static str, function: &'static str, reason: &'static str) -> Check {
    Check::validation(
        &OPTION_IPV6,
        option,
        Shape::Forbidden,
        When::Test(ipv6_only),
        function,
        reason,
        "choose a CNI that supports IPv6 (Calico or Cilium), or give the cluster an IPv4 `nonMasqueradeCIDR`",
    )
}

const fn proxy_off(
    test: fn(&Document, &str) -> bool,
    function: &'static str,
    reason: &'static str,
) -> Check {
    Check::validation(
        &KUBE_PROXY,
        "/spec/kubeProxy",
        Shape::Forbidden,
        When::Test(test),
        function,
        reason,
        "set `spec.kubeProxy.enabled: false`",
    )
}

const CALICO_FN: &str = "validateNetworkingCalico";
const CILIUM_FN: &str = "validateNetworkingCilium";
const ENCAP_MODES: &[&str] = &["Always", "CrossSubnet", "Never"];
const ENCAP_ON: &[&str] = &["Always", "CrossSubnet"];

pub static CHECKS: &[Check] = &[
    counted("/spec/networking/classic"),
    counted("/spec/networking/kubenet"),
    counted("/spec/networking/external"),
    counted("/spec/networking/cni"),
    counted("/spec/networking/kopeio"),
    counted("/spec/networking/weave"),
    counted("/spec/networking/flannel"),
    counted("/spec/networking/calico"),
    counted("/spec/networking/canal"),
    counted("/spec/networking/kuberouter"),
    counted("/spec/networking/romana"),
    counted("/spec/networking/amazonvpc"),
    counted("/spec/networking/cilium"),
    counted("/spec/networking/lyftvpc"),
    counted("/spec/networking/gce"),
    counted("/spec/networking/kindnet"),
    removed("/spec/networking/classic", "classic networking is not supported"),
    removed("/spec/networking/external", "external networking is not supported from Kubernetes 1.26"),
    removed("/spec/networking/weave", "Weave is no longer supported"),
    removed("/spec/networking/canal", "Canal is not supported from Kubernetes 1.28"),
    removed("/spec/networking/romana", "support for Romana has been removed"),
    removed("/spec/networking/lyftvpc", "support for LyftVPC has been removed"),
    Check::validation(
        &OPTION_CLOUD,
        "/spec/networking/amazonvpc",
        Shape::Forbidden,
        When::NotCloud(&[Cloud::Aws]),
        "validateNetworking",
        "Amazon VPC networking works only on AWS",
        "choose another CNI (e.g. `calico` or `cilium`), or correct `spec.cloudProvider`",
    ),
    Check::validation(
        &OPTION_CLOUD,
        "/spec/networking/gce",
        Shape::Forbidden,
        When::NotCloud(&[Cloud::Gce]),
        "validateNetworkingGCP",
        "GCE networking works only on GCE",
        "choose another CNI (e.g. `calico` or `cilium`), or correct `spec.cloudProvider`",
    ),
    Check::validation(
        &OPTION_CLOUD,
        "/spec/networking/cilium/ipam",
        Shape::NoneOf(&["eni"]),
        When::NotCloud(&[Cloud::Aws]),
        CILIUM_FN,
        "Cilium's ENI IPAM works only on AWS",
        "remove `ipam: eni` (Cilium then uses its default IPAM)",
    ),
    no_ipv6("/spec/networking/kubenet", "validateNetworking", "kubenet does not support IPv6"),
    no_ipv6("/spec/networking/kopeio", "validateNetworking", "kopeio networking does not support IPv6"),
    no_ipv6("/spec/networking/kuberouter", "validateNetworking", "kube-router does not support IPv6"),
    no_ipv6("/spec/networking/amazonvpc", "validateNetworking", "Amazon VPC networking does not support IPv6"),
    no_ipv6("/spec/networking/gce", "validateNetworkingGCP", "GCE networking does not support IPv6"),
    no_ipv6("/spec/networking/flannel", "validateNetworkingFlannel", "Flannel does not support IPv6"),
    Check::validation(
        &OPTION_IPV6,
        "/spec/networking/cilium/ipam",
        Shape::NoneOf(&["eni"]),
        When::Test(ipv6_only),
        CILIUM_FN,
        "Cilium's ENI IPAM does not support IPv6",
        "remove `ipam: eni`, or give the cluster an IPv4 `nonMasqueradeCIDR`",
    ),
    Check::validation(
        &OPTION_IPV6,
        "/spec/networking/cilium/enableEncryption",
        Shape::Forbidden,
        When::Test(true_and_ipv6),
        CILIUM_FN,
        "Cilium encryption is not supported on IPv6 clusters",
        "remove `enableEncryption`, or give the cluster an IPv4 `nonMasqueradeCIDR`",
    ),
    Check::validation(
        &OPTION_IPV6,
        "/spec/networking/calico/wireguardEnabled",
        Shape::Forbidden,
        When::Test(true_and_ipv6),
        CALICO_FN,
        "Calico's WireGuard is not supported on IPv6 clusters",
        "remove `wireguardEnabled`, or give the cluster an IPv4 `nonMasqueradeCIDR`",
    ),
    proxy_off(
        kube_router_with_proxy,
        "validateNetworking",
        "kube-router replaces kube-proxy, so kops requires it disabled",
    ),
    proxy_off(
        cilium_node_port_with_proxy,
        CILIUM_FN,
        "Cilium's NodePort (`enableNodePort: true`) replaces kube-proxy, so kops requires it disabled",
    ),
    proxy_off(
        calico_bpf_with_proxy,
        CALICO_FN,
        "Calico in BPF mode (`bpfEnabled: true`) replaces kube-proxy, so kops requires it disabled",
    ),
    // Calico.
    Check::validation(
        &CALICO,
        "/spec/networking/calico/awsSrcDstCheck",
        Shape::OneOf(&["Enable", "Disable", "DoNothing"]),
        When::Test(ipv4),
        CALICO_FN,
        "",
        "use `Enable`, `Disable` or `DoNothing`",
    ),
    Check::validation(
        &CALICO,
        "/spec/networking/calico/awsSrcDstCheck",
        Shape::OneOf(&["DoNothing"]),
        When::Test(ipv6_only),
        CALICO_FN,
        "IPv6 clusters allow only `DoNothing`",
        "set `awsSrcDstCheck: DoNothing` or remove it",
    ),
    one_of(&CALICO, "/spec/networking/calico/bpfExternalServiceMode", &["Tunnel", "DSR"], CALICO_FN),
    one_of(&CALICO, "/spec/networking/calico/bpfLogLevel", &["Off", "Info", "Debug"], CALICO_FN),
    one_of(&CALICO, "/spec/networking/calico/chainInsertMode", &["insert", "append"], CALICO_FN),
    one_of(&CALICO, "/spec/networking/calico/encapsulationMode", &["ipip", "vxlan", "none"], CALICO_FN),
    Check::validation(
        &CALICO,
        "/spec/networking/calico/encapsulationMode",
        Shape::NoneOf(&["none"]),
        When::Test(ipv4),
        CALICO_FN,
        "`none` is only supported for IPv6 clusters",
        "use `ipip` or `vxlan`, or remove `encapsulationMode`",
    ),
    Check::validation(
        &CALICO,
        "/spec/networking/calico/encapsulationMode",
        Shape::NoneOf(&["ipip", "vxlan"]),
        When::Test(ipv6_only),
        CALICO_FN,
        "IPv6 clusters require `none`",
        "set `encapsulationMode: none`",
    ),
    Check::validation(
        &CALICO,
        "/spec/networking/calico/encapsulationMode",
        Shape::NoneOf(&["ipip", "none"]),
        When::Cloud(&[Cloud::Azure]),
        CALICO_FN,
        "Azure's network drops IP-in-IP, so kops requires `vxlan`",
        "set `encapsulationMode: vxlan`",
    ),
    one_of(&CALICO, "/spec/networking/calico/ipipMode", ENCAP_MODES, "validateCalicoEncapsulationMode"),
    one_of(&CALICO, "/spec/networking/calico/vxlanMode", ENCAP_MODES, "validateCalicoEncapsulationMode"),
    Check::validation(
        &CALICO,
        "/spec/networking/calico/ipipMode",
        Shape::NoneOf(ENCAP_ON),
        When::All(&[
            When::SiblingSet("encapsulationMode"),
            When::SiblingNotIn("encapsulationMode", &["ipip"]),
        ]),
        CALICO_FN,
        "IP-in-IP needs `encapsulationMode: ipip`",
        "set `ipipMode: Never`, or `encapsulationMode: ipip`",
    ),
    Check::validation(
        &CALICO,
        "/spec/networking/calico/vxlanMode",
        Shape::NoneOf(ENCAP_ON),
        When::All(&[
            When::SiblingSet("encapsulationMode"),
            When::SiblingNotIn("encapsulationMode", &["vxlan"]),
        ]),
        CALICO_FN,
        "VXLAN needs `encapsulationMode: vxlan`",
        "set `vxlanMode: Never`, or `encapsulationMode: vxlan`",
    ),
    Check::validation(
        &CALICO,
        "/spec/networking/calico/ipv4AutoDetectionMethod",
        Shape::Format(&IPV4_AUTODETECT),
        When::Always,
        "validateCalicoAutoDetectionMethod",
        "",
        "use e.g. `first-found`, `can-reach=8.8.8.8` or `interface=eth.*`",
    ),
    Check::validation(
        &CALICO,
        "/spec/networking/calico/ipv6AutoDetectionMethod",
        Shape::Format(&IPV6_AUTODETECT),
        When::Always,
        "validateCalicoAutoDetectionMethod",
        "",
        "use e.g. `first-found`, `can-reach=2001:4860:4860::8888` or `interface=eth.*`",
    ),
    one_of(&CALICO, "/spec/networking/calico/iptablesBackend", &["Auto", "Legacy", "NFT"], CALICO_FN),
    Check::validation(
        &CALICO,
        "/spec/networking/calico/typhaReplicas",
        Shape::Format(&NON_NEGATIVE),
        When::Always,
        CALICO_FN,
        "",
        "set `typhaReplicas` to 0 (no Typha) or a positive count",
    ),
    // Cilium.
    Check::validation(
        &CILIUM,
        "/spec/networking/cilium/version",
        Shape::Format(&CILIUM_VERSION),
        When::Always,
        CILIUM_FN,
        "",
        "write the version as kops does, e.g. `v1.18.4`, or remove it to get kops's default",
    ),
    Check::validation(
        &CILIUM,
        "/spec/networking/cilium/version",
        Shape::Format(&CILIUM_MINOR),
        When::Always,
        CILIUM_FN,
        "",
        "use a Cilium 1.18 release, or remove `version` to get kops's default",
    ),
    one_of(&CILIUM, "/spec/networking/cilium/enablePolicy", &["default", "always", "never"], CILIUM_FN),
    one_of(&CILIUM, "/spec/networking/cilium/tunnel", &["vxlan", "geneve", "disabled"], CILIUM_FN),
    one_of(&CILIUM, "/spec/networking/cilium/monitorAggregation", &["low", "medium", "maximum"], CILIUM_FN),
    one_of(&CILIUM, "/spec/networking/cilium/identityAllocationMode", &["crd", "kvstore"], CILIUM_FN),
    one_of(&CILIUM, "/spec/networking/cilium/bpfLBAlgorithm", &["random", "maglev"], CILIUM_FN),
    one_of(&CILIUM, "/spec/networking/cilium/ipam", &["hostscope", "kubernetes", "crd", "eni"], CILIUM_FN),
    one_of(&CILIUM, "/spec/networking/cilium/encryptionType", &["ipsec", "wireguard"], CILIUM_FN),
    Check::validation(
        &CILIUM,
        "/spec/networking/cilium/identityAllocationMode",
        Shape::NoneOf(&["kvstore"]),
        When::Test(kvstore_without_managed_etcd),
        CILIUM_FN,
        "identities in the kvstore need Cilium's managed etcd (`etcdManaged: true`)",
        "set `identityAllocationMode: crd`, or `etcdManaged: true` with a `cilium` etcd cluster",
    ),
    Check::validation(
        &CILIUM,
        "/spec/networking/cilium/encryptionType",
        Shape::Forbidden,
        When::Test(encryption_off),
        CILIUM_FN,
        "`encryptionType` requires `enableEncryption: true`",
        "set `enableEncryption: true`, or remove `encryptionType`",
    ),
    Check::validation(
        &CILIUM,
        "/spec/networking/cilium/bpfLBSockHostNSOnly",
        Shape::Forbidden,
        When::Test(lb_sock_off_with_host_ns_only),
        CILIUM_FN,
        "it requires `bpfLBSock: true`",
        "set `bpfLBSock: true`, or remove `bpfLBSockHostNSOnly`",
    ),
    Check::validation(
        &CILIUM,
        "/spec/networking/cilium/ingress/defaultLoadBalancerMode",
        Shape::OneOf(&["shared", "dedicated"]),
        When::Test(ingress_enabled),
        CILIUM_FN,
        "",
        "use `shared` or `dedicated`",
    ),
    Check::validation(
        &NEEDS_CERT_MANAGER,
            "/spec/networking/cilium/hubble/enabled",
        Shape::Forbidden,
        When::Test(hubble_without_cert_manager),
        CILIUM_FN,
        "Hubble needs cert-manager for its certificates",
        "set `spec.certManager.enabled: true`, or disable Hubble",
    ),
    // Flannel and kindnet.
    // An empty `backend` is no finding: v1alpha2's `SetDefaults_ClusterSpec` makes it `udp`
    // before `validateNetworkingFlannel` requires one.
    one_of(&FLANNEL_KINDNET, "/spec/networking/flannel/backend", &["udp", "vxlan"], "validateNetworkingFlannel"),
    Check::validation(
        &FLANNEL_KINDNET,
        "/spec/networking/kindnet/masquerade/nonMasqueradeCIDRs/*",
        Shape::Format(&PREFIX),
        When::Test(kindnet_masquerade_on),
        "validateNetworkingKindnet",
        "",
        "write each entry as a CIDR, e.g. `10.0.0.0/8`",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn autodetection_methods_parse_as_calico_does() {
        assert!(is_autodetection("first-found", false));
        assert!(is_autodetection("can-reach=8.8.8.8", false));
        assert!(!is_autodetection("can-reach=8.8.8.8", true));
        assert!(is_autodetection("can-reach=2001:4860:4860::8888", true));
        assert!(is_autodetection("interface=en.*,eth0", false));
        assert!(is_autodetection("skip-interface=en.*,eth0", true));
        for bad in [
            "bogus",
            "interface=",
            "interface=(,en1",
            "interface=foo=bar",
            "=en0,eth.*",
            // Balanced, yet Go's regexp refuses them.
            "interface=eth[z-a]",
            "interface=*eth0",
            "interface=en{2,1}",
            "interface=eth(?<=0)",
        ] {
            assert!(!is_autodetection(bad, false), "{bad}");
        }
        for good in ["interface=(?i)ETH\\d+", "interface=en[a-f0-9]{2}, wl.*"] {
            assert!(is_autodetection(good, false), "{good}");
        }
    }

    #[test]
    fn cilium_versions_need_v_semver_and_1_18() {
        assert!(is_cilium_semver("v1.18.4") && is_cilium_1_18("v1.18.4"));
        assert!(is_cilium_semver("v1.18.0-rc.1"));
        assert!(!is_cilium_semver("1.7.0") && !is_cilium_semver("v1.18"));
        for bad in ["v1.18.x", "v1.018.0", "v1..0", "v1.18.0x"] {
            assert!(!is_cilium_semver(bad), "{bad}");
        }
        assert!(!is_cilium_1_18("v1.0.0") && !is_cilium_1_18("v1.8.0"));
    }
}
