//! Control-plane components and the kubelet: kube-apiserver, kube-controller-manager,
//! kube-scheduler, kube-proxy, `kubelet` and `masterKubelet` (`validateKube*` in
//! `pkg/apis/kops/validation/validation.go`, and the `cloudProvider` agreement of
//! `ValidateCluster` in `legacy.go`).

use serde_json::Value;

use super::cloud::Cloud;
use super::engine::{is_present, is_true, sibling, Check, Format, KopsRef, Shape, When};
use super::version::KopsVersion;
use crate::document::Document;
use crate::findings::{code, CodeInfo};
use crate::rules::go_duration::go_duration_seconds;
use crate::rules::kubernetes_version::release_minor;

code!(
    APISERVER_REMOVED,
    "SL610",
    "kube-apiserver-removed-option",
    Error,
    "a kube-apiserver option kops no longer accepts (bootstrap tokens, `admissionControl`, PodSecurityPolicy)"
);
code!(
    APISERVER_FILES,
    "SL611",
    "kube-apiserver-file-pair",
    Error,
    "a kube-apiserver file setting without its partner (proxy client certificate and key, webhook authorization or audit config, authentication config with OIDC)"
);
code!(
    APISERVER_AUTHZ,
    "SL612",
    "kube-apiserver-authorization-mode",
    Error,
    "kube-apiserver's `authorizationMode` names an unknown mode, or lacks `RBAC` and `Node` on AWS"
);
code!(
    APISERVER_VALUE,
    "SL613",
    "kube-apiserver-value",
    Error,
    "a kube-apiserver value kops refuses (`serviceNodePortRange`, `logFormat`, a `serviceClusterIPRange` unlike the cluster's)"
);
code!(
    REMOVED_FLAG,
    "SL614",
    "component-removed-option",
    Error,
    "a kubelet, kube-controller-manager or kube-scheduler option removed from Kubernetes, which kops refuses"
);
code!(
    KUBE_PROXY,
    "SL615",
    "kube-proxy-setting",
    Error,
    "kube-proxy's `ipvsExcludeCidrs` holds a non-CIDR or `master` is not a URL"
);
code!(
    KUBELET,
    "SL616",
    "kubelet-setting",
    Error,
    "a kubelet value kops refuses (topology manager, log format, swap, shutdown grace periods, restart back-off)"
);
code!(
    CLOUD_PROVIDER,
    "SL617",
    "component-cloud-provider",
    Error,
    "a component's `cloudProvider` does not match the cluster's cloud"
);

pub static CODES: &[&CodeInfo] = &[
    &APISERVER_REMOVED,
    &APISERVER_FILES,
    &APISERVER_AUTHZ,
    &APISERVER_VALUE,
    &REMOVED_FLAG,
    &KUBE_PROXY,
    &KUBELET,
    &CLOUD_PROVIDER,
];

fn authorization_mode(cluster: &Document) -> Option<&str> {
    cluster.str_at("/spec/kubeAPIServer/authorizationMode")
}

fn webhook_mode(cluster: &Document, _: &str) -> bool {
    authorization_mode(cluster).is_some_and(|m| m.contains("Webhook"))
}

/// RBAC authorization is on: set, or defaulted because `spec.authorization` is absent or
/// empty (v1alpha2 `SetDefaults_ClusterSpec`).
fn rbac(cluster: &Document, _: &str) -> bool {
    is_present(cluster.get("/spec/authorization/rbac"))
        || !is_present(cluster.get("/spec/authorization/alwaysAllow"))
}

/// On AWS with RBAC, the mode list lacks `Node` or `RBAC`.
fn aws_mode_lacks_node_or_rbac(cluster: &Document, at: &str) -> bool {
    let modes: Vec<&str> = authorization_mode(cluster)
        .unwrap_or("")
        .split(',')
        .collect();
    Cloud::of(cluster) == Some(Cloud::Aws)
        && rbac(cluster, at)
        && !(modes.contains(&"Node") && modes.contains(&"RBAC"))
}

fn is_known_mode_list(text: &str) -> bool {
    text.split(',').all(|m| {
        [
            "ABAC",
            "Webhook",
            "Node",
            "RBAC",
            "AlwaysAllow",
            "AlwaysDeny",
        ]
        .contains(&m)
    })
}

fn folder(path: &str) -> &str {
    path.rsplit_once('/')
        .map_or(".", |(dir, _)| if dir.is_empty() { "/" } else { dir })
}

fn audit_webhook_elsewhere(cluster: &Document, pointer: &str) -> bool {
    let policy = sibling(cluster, pointer, "auditPolicyFile").and_then(Value::as_str);
    let webhook = cluster.str_at(pointer);
    match (policy, webhook) {
        (Some(p), Some(w)) if !p.is_empty() => folder(p) != folder(w),
        _ => false,
    }
}

/// Any OIDC option set. v1alpha2 keeps them on `kubeAPIServer` (`oidcClientID`, ...); kops's
/// conversion (`v1alpha2/conversion.go`) moves them to the `authentication.oidc` that
/// `validateKubeAPIServer` reads, which v1alpha2 itself cannot hold.
fn oidc_options_set(cluster: &Document, _: &str) -> bool {
    [
        "oidcClientID",
        "oidcGroupsClaim",
        "oidcGroupsPrefix",
        "oidcIssuerURL",
        "oidcRequiredClaim",
        "oidcUsernameClaim",
        "oidcUsernamePrefix",
    ]
    .iter()
    .any(|k| {
        !matches!(
            cluster.get(&format!("/spec/kubeAPIServer/{k}")),
            None | Some(Value::Null)
        )
    })
}

fn service_range_differs(cluster: &Document, pointer: &str) -> bool {
    cluster.str_at(pointer) != Some(cluster.str_at("/spec/serviceClusterIPRange").unwrap_or(""))
}

/// Kubernetes's `PortRange.Set`: `low-high`, `base+size` or one port, within 0-65535.
fn is_port_range(text: &str) -> bool {
    let port = |s: &str| s.trim().parse::<u32>().ok().filter(|p| *p <= 65535);
    let (low, high) = if let Some((a, b)) = text.split_once('-') {
        (port(a), port(b))
    } else if let Some((a, b)) = text.split_once('+') {
        let base = port(a);
        (
            base,
            base.zip(port(b))
                .map(|(x, y)| x + y)
                .filter(|h| *h <= 65535),
        )
    } else {
        (port(text), port(text))
    };
    matches!((low, high), (Some(l), Some(h)) if l <= h)
}

fn critical_longer_than_grace(cluster: &Document, pointer: &str) -> bool {
    let grace = sibling(cluster, pointer, "shutdownGracePeriod")
        .and_then(Value::as_str)
        .and_then(go_duration_seconds);
    let critical = cluster.str_at(pointer).and_then(go_duration_seconds);
    matches!((grace, critical), (Some(g), Some(c)) if c > g)
}

fn is_restart_period(text: &str) -> bool {
    go_duration_seconds(text).is_some_and(|s| (1.0..=300.0).contains(&s))
}

fn is_cidr(text: &str) -> bool {
    text.parse::<ipnet::IpNet>().is_ok()
}

/// `isValidAPIServersURL`: a URL with a scheme and a host.
fn is_api_url(text: &str) -> bool {
    text.split_once("://").is_some_and(|(scheme, rest)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && !rest.split(['/', '?', '#']).next().unwrap_or("").is_empty()
    })
}

/// kops checks kube-apiserver's `cloudProvider` only below Kubernetes `1.33.0-alpha.3`
/// (`legacy.go`, `ValidateCluster`), so the 1.33 pre-releases before it are checked too. A
/// release URL counts as `1.<minor>.0` of the `/v1.<minor>.` it holds, as kops reads it
/// (`util/versions.go`, `ParseKubernetesVersion`). A version kops cannot read is not
/// checked: kops skips the test without one.
fn kubernetes_before_1_33(cluster: &Document, _: &str) -> bool {
    // Kubernetes versions follow the same semantic-version order as kops releases.
    let first_unchecked = KopsVersion {
        major: 1,
        minor: 33,
        patch: 0,
        pre: "alpha.3".to_string(),
    };
    let from_release_url = |text: &str| {
        release_minor(text).map(|minor| KopsVersion {
            major: 1,
            minor,
            patch: 0,
            pre: String::new(),
        })
    };
    cluster
        .str_at("/spec/kubernetesVersion")
        .and_then(|text| KopsVersion::parse(text).or_else(|| from_release_url(text)))
        .is_some_and(|v| first_unchecked.is_newer_than(&v))
}

static PORT_RANGE: Format = Format {
    expected: "a port range like `30000-32767` or `30000+2767`",
    test: is_port_range,
};
static MODES: Format = Format {
    expected:
        "a comma-separated list of `ABAC`, `Webhook`, `Node`, `RBAC`, `AlwaysAllow`, `AlwaysDeny`",
    test: is_known_mode_list,
};
static RESTART_PERIOD: Format = Format {
    expected: "a duration from 1s to 300s",
    test: is_restart_period,
};
static CIDR: Format = Format {
    expected: "a CIDR",
    test: is_cidr,
};
static API_URL: Format = Format {
    expected: "a URL with a scheme and a host (e.g. `https://api.internal.example.com`)",
    test: is_api_url,
};

const APISERVER: &str = "validateKubeAPIServer";
const KUBELET_FN: &str = "validateKubelet";

const fn removed(pointer: &'static str, function: &'static str, reason: &'static str) -> Check {
    Check::validation(
        &REMOVED_FLAG,
        pointer,
        Shape::Forbidden,
        When::Always,
        function,
        reason,
        "remove the option (see the reason for its replacement, if any)",
    )
}

/// The proxy client certificate and key, each required with the other.
const fn proxy_client_pair(pointer: &'static str, with: &'static str) -> Check {
    Check::validation(
        &APISERVER_FILES,
        pointer,
        Shape::RequiredWith(with),
        When::Always,
        APISERVER,
        "`proxyClientCertFile` and `proxyClientKeyFile` go together",
        "set both `proxyClientCertFile` and `proxyClientKeyFile`, or neither",
    )
}

/// PodSecurityPolicy in an admission plugin list.
const fn no_pod_security_policy(pointer: &'static str) -> Check {
    Check::validation(
        &APISERVER_REMOVED,
        pointer,
        Shape::NoneOf(&["PodSecurityPolicy"]),
        When::Always,
        APISERVER,
        "PodSecurityPolicy was removed in Kubernetes 1.25",
        "remove it; use Pod Security Admission (`PodSecurity`) instead",
    )
}

const fn kubelet_one_of(pointer: &'static str, allowed: &'static [&'static str]) -> Check {
    Check::validation(
        &KUBELET,
        pointer,
        Shape::OneOf(allowed),
        When::Always,
        KUBELET_FN,
        "",
        "use one of the values kops accepts",
    )
}

const fn cloud(
    pointer: &'static str,
    clouds: &'static [Cloud],
    allowed: &'static [&'static str],
) -> Check {
    Check {
        kops: KopsRef {
            file: "pkg/apis/kops/validation/legacy.go",
            function: "ValidateCluster",
        },
        ..Check::validation(
            &CLOUD_PROVIDER,
            pointer,
            Shape::OneOf(allowed),
            When::Cloud(clouds),
            "ValidateCluster",
            "it must match the cluster's cloud",
            "remove the component's `cloudProvider` (kops sets it), or set it to the cluster's cloud or `external`",
        )
    }
}

/// kops checks kube-apiserver's `cloudProvider` only below Kubernetes 1.33.
macro_rules! api_cloud {
    ($clouds:expr, $allowed:expr) => {
        Check {
            when: When::All(&[When::Cloud($clouds), When::Test(kubernetes_before_1_33)]),
            ..cloud("/spec/kubeAPIServer/cloudProvider", $clouds, $allowed)
        }
    };
}

const EXTERNAL_CLOUDS: &[Cloud] = &[
    Cloud::DigitalOcean,
    Cloud::Hetzner,
    Cloud::Scaleway,
    Cloud::Linode,
];

/// Per-cloud `cloudProvider` rows for each component, as `legacy.go`'s
/// `k8sCloudProvider` names the clouds.
macro_rules! cloud_table {
    ($($make:ident $(($pointer:expr))?),* $(,)?) => {
        &[$(
            $make!($($pointer,)? &[Cloud::Aws], &["aws", "external"]),
            $make!($($pointer,)? &[Cloud::Gce], &["gce", "external"]),
            $make!($($pointer,)? &[Cloud::Openstack], &["openstack", "external"]),
            $make!($($pointer,)? &[Cloud::Azure], &["azure", "external"]),
            $make!($($pointer,)? EXTERNAL_CLOUDS, &["external"]),
        )*]
    };
}

/// One component's row for some clouds.
macro_rules! component_cloud {
    ($pointer:expr, $clouds:expr, $allowed:expr) => {
        cloud($pointer, $clouds, $allowed)
    };
}

/// The `cloudProvider` agreement rows.
pub static CLOUD_CHECKS: &[Check] = cloud_table!(
    component_cloud("/spec/kubelet/cloudProvider"),
    component_cloud("/spec/masterKubelet/cloudProvider"),
    component_cloud("/spec/kubeControllerManager/cloudProvider"),
    api_cloud,
);

/// Rows checking both kubelet configurations the same way: `make(pointer, args...)` for
/// `kubelet` and for `masterKubelet`.
macro_rules! kubelet_table {
    ($($make:ident($field:literal $(, $arg:expr)*);)*) => {
        &[$(
            $make(concat!("/spec/kubelet/", $field) $(, $arg)*),
            $make(concat!("/spec/masterKubelet/", $field) $(, $arg)*),
        )*]
    };
}

const fn kubelet_removed(pointer: &'static str, reason: &'static str) -> Check {
    removed(pointer, KUBELET_FN, reason)
}

const fn grace_pair(pointer: &'static str) -> Check {
    Check::validation(
        &KUBELET,
        pointer,
        Shape::RequiredWith("shutdownGracePeriodCriticalPods"),
        When::Always,
        KUBELET_FN,
        "the critical pods' share needs the whole grace period",
        "set `shutdownGracePeriod` (at least as long as `shutdownGracePeriodCriticalPods`)",
    )
}

const fn grace_order(pointer: &'static str) -> Check {
    Check::validation(
        &KUBELET,
        pointer,
        Shape::Forbidden,
        When::Test(critical_longer_than_grace),
        KUBELET_FN,
        "it is longer than `shutdownGracePeriod`",
        "make `shutdownGracePeriodCriticalPods` at most `shutdownGracePeriod`",
    )
}

const fn restart_period(pointer: &'static str) -> Check {
    Check::validation(
        &KUBELET,
        pointer,
        Shape::Format(&RESTART_PERIOD),
        When::Always,
        KUBELET_FN,
        "",
        "set a duration from `1s` to `300s`, e.g. `60s`",
    )
}

/// The rows for `kubelet` and `masterKubelet` alike.
pub static KUBELET_CHECKS: &[Check] = kubelet_table!(
    kubelet_removed("configureCbr0", "the configure-cbr0 flag was removed in Kubernetes 1.5");
    kubelet_removed("apiServers", "the api-servers flag was removed in Kubernetes 1.6");
    kubelet_removed("podInfraContainerImage", "the flag was removed in Kubernetes 1.35; use `spec.containerd.sandboxImage`");
    kubelet_removed("requireKubeconfig", "the require-kubeconfig flag was removed in Kubernetes 1.10 (was the config taken from `kops get cluster --full`?)");
    kubelet_removed("experimentalAllowedUnsafeSysctls", "it was renamed `allowedUnsafeSysctls` in Kubernetes 1.11");
    kubelet_removed("bootstrapKubeconfig", "kops does not support bootstrap tokens");
    kubelet_removed("enableCadvisorJsonEndpoints", "it existed only in Kubernetes 1.18 to 1.20");
    kubelet_removed("cpuCFSQuotaPeriod", "it was removed in Kubernetes 1.20");
    kubelet_removed("networkPluginName", "it was removed in Kubernetes 1.24");
    kubelet_removed("networkPluginMTU", "it was removed in Kubernetes 1.24");
    kubelet_removed("nonMasqueradeCIDR", "it was removed in Kubernetes 1.24; kops uses `spec.nonMasqueradeCIDR`");
    kubelet_one_of("topologyManagerPolicy", &["none", "best-effort", "restricted", "single-numa-node"]);
    kubelet_one_of("logFormat", &["text", "json"]);
    kubelet_one_of("memorySwapBehavior", &["LimitedSwap", "UnlimitedSwap"]);
    grace_pair("shutdownGracePeriod");
    grace_order("shutdownGracePeriodCriticalPods");
    restart_period("crashLoopBackOffMaxContainerRestartPeriod");
);

/// kube-apiserver, kube-controller-manager, kube-scheduler and kube-proxy.
pub static CHECKS: &[Check] = &[
    Check::validation(
        &APISERVER_REMOVED,
        "/spec/kubeAPIServer/enableBootstrapTokenAuth",
        Shape::Forbidden,
        When::Test(is_true),
        APISERVER,
        "kops does not support bootstrap tokens",
        "remove `enableBootstrapTokenAuth`",
    ),
    Check::validation(
        &APISERVER_REMOVED,
        "/spec/kubeAPIServer/admissionControl",
        Shape::Forbidden,
        When::Always,
        APISERVER,
        "it was replaced by `enableAdmissionPlugins` (and cannot be combined with `disableAdmissionPlugins`)",
        "move the plugins to `enableAdmissionPlugins`",
    ),
    no_pod_security_policy("/spec/kubeAPIServer/enableAdmissionPlugins/*"),
    no_pod_security_policy("/spec/kubeAPIServer/admissionControl/*"),
    proxy_client_pair("/spec/kubeAPIServer/proxyClientKeyFile", "proxyClientCertFile"),
    proxy_client_pair("/spec/kubeAPIServer/proxyClientCertFile", "proxyClientKeyFile"),
    Check::validation(
        &APISERVER_FILES,
        "/spec/kubeAPIServer/authorizationWebhookConfigFile",
        Shape::Required,
        When::Test(webhook_mode),
        APISERVER,
        "the `Webhook` authorization mode needs its config file",
        "set `authorizationWebhookConfigFile`, or remove `Webhook` from `authorizationMode`",
    ),
    Check::validation(
        &APISERVER_FILES,
        "/spec/kubeAPIServer/auditPolicyFile",
        Shape::RequiredWith("auditWebhookConfigFile"),
        When::Always,
        APISERVER,
        "the audit webhook needs an audit policy",
        "set `auditPolicyFile`, or remove `auditWebhookConfigFile`",
    ),
    Check::validation(
        &APISERVER_FILES,
        "/spec/kubeAPIServer/auditWebhookConfigFile",
        Shape::Forbidden,
        When::Test(audit_webhook_elsewhere),
        APISERVER,
        "the audit webhook config must be in the same folder as `auditPolicyFile`",
        "put both files in the same folder",
    ),
    Check::validation(
        &APISERVER_FILES,
        "/spec/kubeAPIServer/authenticationConfigFile",
        Shape::Forbidden,
        When::Test(oidc_options_set),
        APISERVER,
        "it excludes the `oidc*` options of `kubeAPIServer`",
        "move the OIDC settings into the authentication config file and remove the `oidc*` options",
    ),
    Check::validation(
        &APISERVER_AUTHZ,
        "/spec/kubeAPIServer/authorizationMode",
        Shape::Format(&MODES),
        When::Test(rbac),
        APISERVER,
        "",
        "list only modes the API server knows, e.g. `Node,RBAC`",
    ),
    Check::validation(
        &APISERVER_AUTHZ,
        "/spec/kubeAPIServer/authorizationMode",
        Shape::Forbidden,
        When::Test(aws_mode_lacks_node_or_rbac),
        APISERVER,
        "on AWS kops requires both `RBAC` and `Node`",
        "include `Node` and `RBAC`, e.g. `Node,RBAC`",
    ),
    Check::validation(
        &APISERVER_VALUE,
        "/spec/kubeAPIServer/serviceNodePortRange",
        Shape::Format(&PORT_RANGE),
        When::Always,
        APISERVER,
        "",
        "write the range as `30000-32767`",
    ),
    Check::validation(
        &APISERVER_VALUE,
        "/spec/kubeAPIServer/logFormat",
        Shape::OneOf(&["text", "json"]),
        When::Always,
        APISERVER,
        "",
        "use `text` or `json`",
    ),
    Check::validation(
        &APISERVER_VALUE,
        "/spec/kubeAPIServer/serviceClusterIPRange",
        Shape::Forbidden,
        When::Test(service_range_differs),
        APISERVER,
        "it differs from `spec.serviceClusterIPRange`",
        "remove `kubeAPIServer.serviceClusterIPRange` (kops copies `spec.serviceClusterIPRange`), or make the two equal",
    ),
    Check::validation(
        &REMOVED_FLAG,
        "/spec/kubeControllerManager/experimentalClusterSigningDuration",
        Shape::Forbidden,
        When::Always,
        "validateKubeControllerManager",
        "it was replaced by `ClusterSigningDuration` in Kubernetes 1.25",
        "rename the field to `ClusterSigningDuration` (kops spells it with a capital C)",
    ),
    Check::validation(
        &REMOVED_FLAG,
        "/spec/kubeScheduler/usePolicyConfigMap",
        Shape::Forbidden,
        When::Always,
        "validateKubeScheduler",
        "scheduler policies were replaced by `KubeSchedulerConfiguration`",
        "remove `usePolicyConfigMap` and configure the scheduler with a `KubeSchedulerConfiguration`",
    ),
    Check::validation(
        &KUBE_PROXY,
        "/spec/kubeProxy/ipvsExcludeCidrs/*",
        Shape::Format(&CIDR),
        When::Always,
        "validateKubeProxy",
        "",
        "write each entry as a CIDR, e.g. `10.0.0.0/8`",
    ),
    Check::validation(
        &KUBE_PROXY,
        "/spec/kubeProxy/master",
        Shape::Format(&API_URL),
        When::Always,
        "validateKubeProxy",
        "",
        "give the API server's URL with its scheme, e.g. `https://api.internal.c.example.com`",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_ranges_parse_as_kubernetes_does() {
        assert!(is_port_range("30000-32767") && is_port_range("30000+2767"));
        assert!(is_port_range("8080"));
        assert!(!is_port_range("32767-30000") && !is_port_range("1-70000"));
        assert!(!is_port_range("30000:32767") && !is_port_range("a-b"));
    }

    #[test]
    fn api_urls_need_scheme_and_host() {
        assert!(is_api_url("https://api.example.com"));
        assert!(!is_api_url("api.example.com") && !is_api_url("https://"));
    }
}
