//! Cluster DNS and the add-ons kops installs: kube-dns/CoreDNS and NodeLocal DNS
//! (`ValidateCluster` in `legacy.go`, `validateNodeLocalDNS`), external-dns, add-ons that
//! need cert-manager, cert-manager itself, cluster-autoscaler, the node termination
//! handler, custom add-on manifests and `nodeAuthorization` (`validation.go`).

use serde_json::Value;

use super::cloud::Cloud;
use super::engine::{is_present, is_true, Check, Format, KopsRef, Shape, When};
use crate::document::Document;
use crate::findings::{code, CodeInfo};

code!(
    NEEDS_CERT_MANAGER,
    "SL607",
    "needs-cert-manager",
    Error,
    "an add-on that kops runs only with cert-manager is enabled without `spec.certManager.enabled`"
);
code!(
    DNS_ADDRESS,
    "SL620",
    "kube-dns-address",
    Error,
    "a kube-dns/CoreDNS address is not an IP address, or a stub domain has no nameservers"
);
code!(
    CLUSTER_DNS,
    "SL621",
    "kubelet-cluster-dns",
    Error,
    "a kubelet's `clusterDNS` is neither `kubeDNS.serverIP` nor the NodeLocal DNS address kops requires"
);
code!(
    NODE_LOCAL_PROVIDER,
    "SL622",
    "node-local-dns-provider",
    Error,
    "NodeLocal DNS is enabled with a DNS provider other than CoreDNS"
);
code!(
    EXTERNAL_DNS,
    "SL623",
    "external-dns-setting",
    Error,
    "an `externalDns` setting kops refuses (provider, watched namespace, external-dns without DNS)"
);
code!(
    CERT_MANAGER_ZONES,
    "SL624",
    "cert-manager-hosted-zones",
    Error,
    "cert-manager's `hostedZoneIDs` without service accounts using external permissions"
);
code!(
    AUTOSCALER,
    "SL625",
    "cluster-autoscaler-setting",
    Error,
    "a cluster-autoscaler `expander` kops refuses, or cluster-autoscaler on OpenStack"
);
code!(
    ADDON_FILE,
    "SL626",
    "addon-manifest-file-url",
    Error,
    "a custom add-on's `manifest` is a `file://` URL, which kops's channels cannot read"
);
code!(
    NODE_AUTHORIZATION,
    "SL627",
    "node-authorization-removed",
    Error,
    "`spec.nodeAuthorization` is set; kops removed it"
);
code!(
    TERMINATION_HANDLER,
    "SL628",
    "node-termination-handler-setting",
    Error,
    "a node termination handler setting kops refuses (with Karpenter, or draining options outside queue mode)"
);

pub static CODES: &[&CodeInfo] = &[
    &NEEDS_CERT_MANAGER,
    &DNS_ADDRESS,
    &CLUSTER_DNS,
    &NODE_LOCAL_PROVIDER,
    &EXTERNAL_DNS,
    &CERT_MANAGER_ZONES,
    &AUTOSCALER,
    &ADDON_FILE,
    &NODE_AUTHORIZATION,
    &TERMINATION_HANDLER,
];

const LEGACY: KopsRef = KopsRef {
    file: "pkg/apis/kops/validation/legacy.go",
    function: "ValidateCluster",
};

/// kops's `IsCertManagerEnabled`.
pub fn cert_manager_off(cluster: &Document) -> bool {
    !is_true(cluster, "/spec/certManager/enabled")
}

fn here_true_without_cert_manager(cluster: &Document, pointer: &str) -> bool {
    is_true(cluster, pointer) && cert_manager_off(cluster)
}

fn secure_metrics_without_cert_manager(cluster: &Document, pointer: &str) -> bool {
    here_true_without_cert_manager(cluster, pointer)
        && !is_true(cluster, "/spec/metricsServer/insecure")
}

fn server_ip(cluster: &Document) -> Option<&str> {
    cluster
        .str_at("/spec/kubeDNS/serverIP")
        .filter(|s| !s.is_empty())
}

/// kops checks NodeLocal DNS only with a `serverIP` and `nodeLocalDNS.enabled: true`.
fn node_local_on(cluster: &Document, _: &str) -> bool {
    server_ip(cluster).is_some() && is_true(cluster, "/spec/kubeDNS/nodeLocalDNS/enabled")
}

fn local_ip(cluster: &Document) -> &str {
    cluster
        .str_at("/spec/kubeDNS/nodeLocalDNS/localIP")
        .unwrap_or("")
}

/// `isExperimentalClusterDNS`: with a valid `serverIP` and a `nodeLocalDNS` block, the
/// kubelet's `clusterDNS` is neither.
fn cluster_dns_elsewhere(cluster: &Document, pointer: &str) -> bool {
    let Some(server) = server_ip(cluster) else {
        return false;
    };
    if server.parse::<std::net::IpAddr>().is_err()
        || matches!(
            cluster.get("/spec/kubeDNS/nodeLocalDNS"),
            None | Some(Value::Null)
        )
    {
        return false;
    }
    let dns = cluster.str_at(pointer).unwrap_or("");
    dns != server && dns != local_ip(cluster)
}

/// `validateNodeLocalDNS`: with IPVS kube-proxy or Cilium, a set `clusterDNS` must be
/// NodeLocal DNS's `localIP`.
fn cluster_dns_not_local(cluster: &Document, pointer: &str) -> bool {
    let intercepting = cluster.str_at("/spec/kubeProxy/proxyMode") == Some("ipvs")
        || is_present(cluster.get("/spec/networking/cilium"));
    let dns = cluster.str_at(pointer).unwrap_or("");
    node_local_on(cluster, pointer) && intercepting && !dns.is_empty() && dns != local_ip(cluster)
}

fn uses_none_dns(cluster: &Document, _: &str) -> bool {
    cluster.str_at("/spec/topology/dns/type") == Some("None")
}

fn zones_without_external_permissions(cluster: &Document, _: &str) -> bool {
    is_true(cluster, "/spec/certManager/enabled")
        && !is_true(cluster, "/spec/iam/useServiceAccountExternalPermissions")
}

fn not_gce(cluster: &Document, _: &str) -> bool {
    Cloud::of(cluster) != Some(Cloud::Gce)
}

/// The handler is on (`enabled` absent or true) while Karpenter is enabled.
fn handler_with_karpenter(cluster: &Document, _: &str) -> bool {
    cluster.get("/spec/nodeTerminationHandler/enabled") != Some(&Value::Bool(false))
        && is_true(cluster, "/spec/karpenter/enabled")
}

/// `IsQueueMode`: enabled, and SQS draining not turned off.
fn queue_mode(cluster: &Document) -> bool {
    is_true(cluster, "/spec/nodeTerminationHandler/enabled")
        && cluster.get("/spec/nodeTerminationHandler/enableSQSTerminationDraining")
            != Some(&Value::Bool(false))
}

fn spot_draining_off_in_queue_mode(cluster: &Document, pointer: &str) -> bool {
    queue_mode(cluster) && cluster.get(pointer) == Some(&Value::Bool(false))
}

fn rebalance_monitoring_without_draining(cluster: &Document, pointer: &str) -> bool {
    queue_mode(cluster)
        && is_true(cluster, pointer)
        && !is_true(
            cluster,
            "/spec/nodeTerminationHandler/enableRebalanceDraining",
        )
}

fn empty_list(cluster: &Document, pointer: &str) -> bool {
    matches!(cluster.get(pointer), Some(Value::Array(items)) if items.is_empty())
}

fn is_ip(text: &str) -> bool {
    text.parse::<std::net::IpAddr>().is_ok()
}

static IP: Format = Format {
    expected: "an IP address",
    test: is_ip,
};

const fn needs_cert_manager(
    pointer: &'static str,
    test: fn(&Document, &str) -> bool,
    function: &'static str,
    what: &'static str,
) -> Check {
    Check::cluster(
        &NEEDS_CERT_MANAGER,
        pointer,
        Shape::Forbidden,
        When::Test(test),
        KopsRef::validation(function),
        what,
        "set `spec.certManager.enabled: true`, or disable the add-on",
    )
}

const fn dns_address(pointer: &'static str, when: When, help: &'static str) -> Check {
    Check::cluster(
        &DNS_ADDRESS,
        pointer,
        Shape::Format(&IP),
        when,
        LEGACY,
        "",
        help,
    )
}

const fn cluster_dns(pointer: &'static str) -> Check {
    Check::cluster(
        &CLUSTER_DNS,
        pointer,
        Shape::Forbidden,
        When::Test(cluster_dns_elsewhere),
        LEGACY,
        "it matches neither `kubeDNS.serverIP` nor `kubeDNS.nodeLocalDNS.localIP`",
        "remove `clusterDNS` (kops sets it), or set it to `kubeDNS.serverIP` or the NodeLocal DNS address",
    )
}

const fn cluster_dns_local(pointer: &'static str) -> Check {
    Check::cluster(
        &CLUSTER_DNS,
        pointer,
        Shape::Forbidden,
        When::Test(cluster_dns_not_local),
        KopsRef::validation("validateNodeLocalDNS"),
        "with IPVS kube-proxy or Cilium, NodeLocal DNS needs it to be `kubeDNS.nodeLocalDNS.localIP`",
        "remove `clusterDNS` (kops sets it), or set it to `kubeDNS.nodeLocalDNS.localIP`",
    )
}

pub static CHECKS: &[Check] = &[
    needs_cert_manager(
        "/spec/metricsServer/enabled",
        secure_metrics_without_cert_manager,
        "validateMetricsServer",
        "the secure metrics server (without `insecure: true`) needs cert-manager for its certificate",
    ),
    needs_cert_manager(
        "/spec/snapshotController/enabled",
        here_true_without_cert_manager,
        "validateSnapshotController",
        "the snapshot controller needs cert-manager for its webhook certificate",
    ),
    needs_cert_manager(
        "/spec/awsLoadBalancerController/enabled",
        here_true_without_cert_manager,
        "validateAWSLoadBalancerController",
        "the AWS Load Balancer Controller needs cert-manager for its webhook certificate",
    ),
    needs_cert_manager(
        "/spec/podIdentityWebhook/enabled",
        here_true_without_cert_manager,
        "validatePodIdentityWebhook",
        "the pod identity webhook needs cert-manager for its certificate",
    ),
    dns_address(
        "/spec/kubeDNS/serverIP",
        When::Always,
        "set `serverIP` to an address inside `spec.serviceClusterIPRange`, e.g. `100.64.0.10`",
    ),
    dns_address(
        "/spec/kubeDNS/upstreamNameservers/*",
        When::Always,
        "list nameservers by IP address",
    ),
    dns_address(
        "/spec/kubeDNS/stubDomains/*/*",
        When::Always,
        "list the stub domain's nameservers by IP address",
    ),
    dns_address(
        "/spec/kubeDNS/nodeLocalDNS/localIP",
        When::Test(node_local_on),
        "set `localIP` to a link-local address such as `169.254.20.10`",
    ),
    Check::cluster(
        &DNS_ADDRESS,
        "/spec/kubeDNS/stubDomains/*",
        Shape::Forbidden,
        When::Test(empty_list),
        LEGACY,
        "it lists no nameserver",
        "list the stub domain's nameservers, or remove the domain",
    ),
    cluster_dns("/spec/kubelet/clusterDNS"),
    cluster_dns("/spec/masterKubelet/clusterDNS"),
    cluster_dns_local("/spec/kubelet/clusterDNS"),
    cluster_dns_local("/spec/masterKubelet/clusterDNS"),
    Check::cluster(
        &NODE_LOCAL_PROVIDER,
        "/spec/kubeDNS/provider",
        Shape::OneOf(&["CoreDNS"]),
        When::Test(node_local_on),
        LEGACY,
        "NodeLocal DNS works only with CoreDNS",
        "set `provider: CoreDNS`, or disable NodeLocal DNS",
    ),
    Check::cluster(
        &EXTERNAL_DNS,
        "/spec/externalDns/provider",
        Shape::OneOf(&["dns-controller", "external-dns", "none"]),
        When::Always,
        KopsRef::validation("validateExternalDNS"),
        "",
        "use `dns-controller`, `external-dns` or `none`",
    ),
    Check::cluster(
        &EXTERNAL_DNS,
        "/spec/externalDns/watchNamespace",
        Shape::OneOf(&["kube-system"]),
        When::Always,
        KopsRef::validation("validateExternalDNS"),
        "external DNS watches either every namespace or only `kube-system`",
        "remove `watchNamespace` (every namespace) or set it to `kube-system`",
    ),
    Check::cluster(
        &EXTERNAL_DNS,
        "/spec/externalDns/provider",
        Shape::NoneOf(&["external-dns"]),
        When::Test(uses_none_dns),
        KopsRef::validation("validateExternalDNS"),
        "external-dns needs a public or private DNS topology, not `topology.dns.type: None`",
        "use a Public or Private DNS topology, or another provider",
    ),
    Check::cluster(
        &CERT_MANAGER_ZONES,
        "/spec/certManager/hostedZoneIDs",
        Shape::Forbidden,
        When::Test(zones_without_external_permissions),
        KopsRef::validation("validateCertManager"),
        "dns-01 validation needs service accounts with external permissions",
        "set `spec.iam.useServiceAccountExternalPermissions: true`, or remove `hostedZoneIDs`",
    ),
    Check::cluster(
        &AUTOSCALER,
        "/spec/clusterAutoscaler/expander",
        Shape::OneOf(&["least-waste", "random", "most-pods", "price", "priority"]),
        When::Always,
        KopsRef::validation("validateClusterAutoscaler"),
        "",
        "use `least-waste`, `random`, `most-pods`, `priority` (or `price` on GCE)",
    ),
    Check::cluster(
        &AUTOSCALER,
        "/spec/clusterAutoscaler/expander",
        Shape::NoneOf(&["price"]),
        When::Test(not_gce),
        KopsRef::validation("validateClusterAutoscaler"),
        "the price expander works only on GCE",
        "use another expander, e.g. `least-waste`",
    ),
    Check::cluster(
        &AUTOSCALER,
        "/spec/clusterAutoscaler",
        Shape::Forbidden,
        When::Cloud(&[Cloud::Openstack]),
        KopsRef::validation("validateClusterAutoscaler"),
        "kops does not support cluster-autoscaler on OpenStack",
        "remove `spec.clusterAutoscaler`",
    ),
    Check::cluster(
        &ADDON_FILE,
        "/spec/addons/*/manifest",
        Shape::Forbidden,
        When::ValueStartsWith("file://"),
        KopsRef::validation("validateClusterSpec"),
        "kops-channels reads add-on manifests through its VFS at boot, where `file://` paths do not exist",
        "upload the manifest to the state store (or another kops VFS location) and point `manifest` there",
    ),
    Check::cluster(
        &NODE_AUTHORIZATION,
        "/spec/nodeAuthorization",
        Shape::Forbidden,
        When::Always,
        KopsRef::validation("validateClusterSpec"),
        "node authorization is built into Kubernetes from 1.19",
        "remove `spec.nodeAuthorization`",
    ),
    Check::cluster(
        &TERMINATION_HANDLER,
        "/spec/nodeTerminationHandler",
        Shape::Forbidden,
        When::Test(handler_with_karpenter),
        KopsRef::validation("validateNodeTerminationHandler"),
        "the node termination handler cannot run with Karpenter",
        "set `nodeTerminationHandler.enabled: false`, or disable Karpenter",
    ),
    Check::cluster(
        &TERMINATION_HANDLER,
        "/spec/nodeTerminationHandler/enableSpotInterruptionDraining",
        Shape::Forbidden,
        When::Test(spot_draining_off_in_queue_mode),
        KopsRef::validation("validateNodeTerminationHandler"),
        "spot interruption draining cannot be turned off in queue-processor mode",
        "remove `enableSpotInterruptionDraining: false`",
    ),
    Check::cluster(
        &TERMINATION_HANDLER,
        "/spec/nodeTerminationHandler/enableRebalanceMonitoring",
        Shape::Forbidden,
        When::Test(rebalance_monitoring_without_draining),
        KopsRef::validation("validateNodeTerminationHandler"),
        "in queue-processor mode rebalance events can only drain",
        "set `enableRebalanceDraining: true`, or remove `enableRebalanceMonitoring`",
    ),
];
