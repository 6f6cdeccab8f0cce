//! Codes and typed constructors for `k8s://` stores (SL070-SL076): the kubeconfig, the kops
//! custom resources behind the Kubernetes API, and the file store `spec.configBase` must
//! still name.

use crate::codes::code;
use crate::codes::CodeInfo;
use crate::findings::{Finding, Location};
use crate::vfs::VfsError;

code!(KUBECONFIG_INVALID, "SL070", "k8s-kubeconfig-invalid", Error,
    "the kubeconfig does not define a usable context for the `k8s://` store",
    "## What it checks\nThat the kubeconfig (the files in `KUBECONFIG`, else `~/.kube/config`) can be read and defines the context named by `k8s://<context>` (or a `current-context`), with its cluster's `server` and any certificate files it names.\n\n## Why\nkops, like kubectl, picks the API server and credentials from that context. A typo in the context name, or a certificate path relative to another folder, otherwise shows up as a connection or TLS error far from its cause.\n\n## Example\n```sh\nstatelint check --state k8s://prod-admin   # no context `prod-admin`\n```\n\n## Fix\nUse one of the contexts the message lists (`kubectl config get-contexts`), or fix the named file.\n");
code!(EXEC_PLUGIN, "SL071", "k8s-exec-credentials-unsupported", Error,
    "the kubeconfig user authenticates through an exec or auth-provider plugin, which statelint does not run",
    "## What it checks\nWhether the context's user gets its credentials from an `exec` plugin (`aws eks get-token`, `gke-gcloud-auth-plugin`, `kubelogin`, ...) or a legacy `auth-provider`.\n\n## Why\nA pre-flight check that runs programs named in a config file would be a way to run anything on a CI machine. statelint supports tokens, token files, client certificates and basic auth.\n\n## Example\n```yaml\nusers:\n- name: eks\n  user:\n    exec: {command: aws, args: [eks, get-token, --cluster-name, mgmt]}\n```\n\n## Fix\nCreate a context for the check with a short-lived token: `kubectl create token <service-account>` and `kubectl config set-credentials statelint --token=...`.\n");
code!(CONFIG_BASE_NOT_A_STORE, "SL072", "k8s-config-base-not-a-store", Error,
    "a cluster kept in the Kubernetes API has no `spec.configBase` naming a real file store",
    "## What it checks\nFor clusters read from a `k8s://` store: that `spec.configBase` is set, is a valid store URL, and names a file store (`s3://`, `gs://`, `azureblob://`, `swift://`, `file://`, ...), not `k8s://` or `memfs://`.\n\n## Why\nkops keeps the Cluster and InstanceGroup objects in the API, but nodes still read their boot configuration, keys and secrets from `configBase`. Without a real store there, `kops update cluster` has nowhere to write what nodes need.\n\n## Example\n```yaml\nkind: Cluster\nspec:\n  configBase: k8s://mgmt/c.example.com\n```\n\n## Fix\nSet `spec.configBase` to the bucket path the cluster's files are written to, e.g. `s3://kops-files/c.example.com`.\n");
code!(CONFIG_BASE_UNREACHABLE, "SL073", "k8s-config-base-unreachable", Error,
    "the store that `spec.configBase` names cannot be listed",
    "## What it checks\nFor clusters read from a `k8s://` store (unless `--offline`): that the store named by `spec.configBase` can be opened and listed with the current credentials.\n\n## Why\nThe configBase of an API-kept cluster is where kops writes node configuration and secrets. A missing bucket or a missing grant there fails `kops update cluster`, and nodes cannot boot.\n\n## Example\n```yaml\nspec:\n  configBase: s3://kops-files-typo/c.example.com\n```\n\n## Fix\nCreate the bucket or grant list/get/put on the prefix, or correct `spec.configBase`.\n");
code!(CONFIG_BASE_EMPTY, "SL074", "k8s-config-base-empty", Warning,
    "the store that `spec.configBase` names is reachable but holds nothing for the cluster",
    "## What it checks\nFor clusters read from a `k8s://` store (unless `--offline`): that the configBase location holds at least one object.\n\n## Why\n`kops update cluster` writes the completed cluster spec and node configuration under configBase. An empty location means the cluster was never applied there, or configBase was changed after the fact: nodes would find nothing.\n\n## Example\n```yaml\nspec:\n  configBase: s3://kops-files/new-location/c.example.com\n```\n\n## Fix\nRun `kops update cluster --yes` after checking that configBase is the intended location.\n");
code!(CRDS_MISSING, "SL075", "k8s-kops-resources-missing", Error,
    "the Kubernetes API does not serve the `kops.k8s.io` resources",
    "## What it checks\nThat the API server of the context serves `clusters` and `instancegroups` in the `kops.k8s.io/v1alpha2` API group.\n\n## Why\nA `k8s://` store keeps kops's objects as custom resources. Without their definitions every list is a 404, which usually means the context points at the wrong API server (a workload cluster instead of the management cluster).\n\n## Example\n```sh\nstatelint check --state k8s://workload-cluster\n```\n\n## Fix\nUse the context of the cluster that holds the kops resources, or install the kops CRDs there.\n");
code!(READ_ONLY, "SL076", "k8s-store-read-only", Error,
    "statelint reads `k8s://` stores through the Kubernetes API and never writes them",
    "## What it checks\nWhether a command tried to write or delete in a `k8s://` store (as the destination of `migrate` or `import`).\n\n## Why\nThe objects of such a store are Kubernetes resources with their own validation and history; statelint presents them as files for checking and export only.\n\n## Example\n```sh\nstatelint migrate --from s3://kops-state --to k8s://mgmt\n```\n\n## Fix\nExport from the `k8s://` store instead (`statelint export --from k8s://mgmt`), or apply the objects with `kops replace -f`.\n");

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

pub fn config_base_not_a_store(location: Location, value: Option<&str>, why: &str) -> Finding {
    let message = match value {
        Some(v) => format!("`spec.configBase` is `{v}`, {why}"),
        None => format!("`spec.configBase` is not set: {why}"),
    };
    Finding::new(&CONFIG_BASE_NOT_A_STORE, message, location)
        .with_help("set `spec.configBase` to the file store the cluster's files go to, e.g. `s3://<bucket>/<cluster>`")
}

pub fn config_base_unreachable(location: Location, base: &str, error: &str) -> Finding {
    Finding::new(
        &CONFIG_BASE_UNREACHABLE,
        format!("`spec.configBase` `{base}` cannot be listed: {error}"),
        location,
    )
    .with_help("create the store or grant list/get/put on it, or correct `spec.configBase`")
}

pub fn config_base_empty(location: Location, base: &str) -> Finding {
    Finding::new(
        &CONFIG_BASE_EMPTY,
        format!("`spec.configBase` `{base}` is reachable but empty: nothing was ever written there for this cluster"),
        location,
    )
    .with_help("run `kops update cluster --yes` once configBase names the intended location")
}
