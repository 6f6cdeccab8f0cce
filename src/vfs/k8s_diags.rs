//! Codes and typed constructors for `k8s://` stores (SL070-SL076): the kubeconfig, the kops
//! custom resources behind the Kubernetes API, and the file store `spec.configBase` must
//! still name.

use crate::findings::{code, CodeInfo, Finding, Location};
use crate::vfs::VfsError;

code!(
    KUBECONFIG_INVALID,
    "SL070",
    "k8s-kubeconfig-invalid",
    Error,
    "the kubeconfig does not define a usable context for the `k8s://` store"
);
code!(EXEC_PLUGIN, "SL071", "k8s-exec-credentials-unsupported", Error,
    "the kubeconfig user authenticates through an exec or auth-provider plugin, which statelint does not run");
code!(
    CONFIG_BASE_NOT_A_STORE,
    "SL072",
    "k8s-config-base-not-a-store",
    Error,
    "a cluster kept in the Kubernetes API has no `spec.configBase` naming a real file store"
);
code!(
    CONFIG_BASE_UNREACHABLE,
    "SL073",
    "k8s-config-base-unreachable",
    Error,
    "the store that `spec.configBase` names cannot be listed"
);
code!(
    CONFIG_BASE_EMPTY,
    "SL074",
    "k8s-config-base-empty",
    Warning,
    "the store that `spec.configBase` names is reachable but holds nothing for the cluster"
);
code!(
    CRDS_MISSING,
    "SL075",
    "k8s-kops-resources-missing",
    Error,
    "the Kubernetes API does not serve the `kops.k8s.io` resources"
);
code!(
    READ_ONLY,
    "SL076",
    "k8s-store-read-only",
    Error,
    "statelint reads `k8s://` stores through the Kubernetes API and never writes them"
);

pub static CODES: &[&CodeInfo] = &[
    &KUBECONFIG_INVALID,
    &EXEC_PLUGIN,
    &CONFIG_BASE_NOT_A_STORE,
    &CONFIG_BASE_UNREACHABLE,
    &CONFIG_BASE_EMPTY,
    &CRDS_MISSING,
    &READ_ONLY,
];

pub fn kubeconfig_invalid(url: &str, problem: &str) -> VfsError {
    VfsError::Config {
        url: url.to_string(),
        code: &KUBECONFIG_INVALID,
        message: format!("the kubeconfig for `{url}` is not usable: {problem}"),
        help:
            "list the contexts with `kubectl config get-contexts` and name one in `k8s://<context>`"
                .into(),
    }
}

pub fn exec_plugin(url: &str, user: &str, plugin: &str, command: &str) -> VfsError {
    VfsError::Config {
        url: url.to_string(),
        code: &EXEC_PLUGIN,
        message: format!("kubeconfig user `{user}` gets its credentials from the `{plugin}` plugin `{command}`, which statelint does not run"),
        help: "give the check a context with a token (`kubectl create token ...`) or a client certificate".into(),
    }
}

pub fn crds_missing(url: &str, server: &str) -> VfsError {
    VfsError::Config {
        url: url.to_string(),
        code: &CRDS_MISSING,
        message: format!(
            "the API server `{server}` does not serve `clusters.kops.k8s.io` (HTTP 404)"
        ),
        help: "use the context of the management cluster that holds the kops resources".into(),
    }
}

pub fn read_only(url: &str) -> VfsError {
    VfsError::Config {
        url: url.to_string(),
        code: &READ_ONLY,
        message: format!(
            "`{url}` is read through the Kubernetes API; statelint does not write `k8s://` stores"
        ),
        help: "export from the k8s:// store instead, or apply objects with `kops replace -f`"
            .into(),
    }
}

pub fn config_base_not_a_store(
    location: Location,
    cluster: &str,
    value: Option<&str>,
    why: &str,
) -> Finding {
    let message = match value {
        Some(v) => format!("`spec.configBase` is `{v}`, {why}"),
        None => format!("`spec.configBase` is not set: {why}"),
    };
    Finding::new(&CONFIG_BASE_NOT_A_STORE, message, location).with_help(format!(
        "set `spec.configBase` to the file store the cluster's files go to, e.g. `s3://<bucket>/{cluster}`"
    ))
}

pub fn config_base_unreachable(location: Location, base: &str, error: &str) -> Finding {
    Finding::new(
        &CONFIG_BASE_UNREACHABLE,
        format!("`spec.configBase` `{base}` cannot be listed: {error}"),
        location,
    )
    .with_help("create the store or grant list/get/put on it, or correct `spec.configBase`")
}

pub fn config_base_empty(location: Location, cluster: &str, base: &str) -> Finding {
    Finding::new(
        &CONFIG_BASE_EMPTY,
        format!("`spec.configBase` `{base}` is reachable but empty: nothing was ever written there for this cluster"),
        location,
    )
    .with_help(format!(
        "run `kops update cluster --name {cluster} --yes` once configBase names the intended location"
    ))
}
