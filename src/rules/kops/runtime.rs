//! What kops puts on every node: hooks, the container runtime and containerd, asset
//! mirrors, and cluster-wide node settings (`validateHookSpec`, `validateContainerRuntime`,
//! `validateContainerdConfig`,
//! `validateFileRepository` and `validateClusterSpec` in `validation.go`).

use super::cloud::Cloud;
use super::engine::{is_present, is_true, Check, Format, Shape, When};
use crate::document::Document;
use crate::findings::{code, CodeInfo};
use crate::rules::go_duration::go_duration_seconds;

code!(
    HOOK,
    "SL630",
    "hook-setting",
    Error,
    "a hook without a manifest or exec container, an exec container without an image, or a raw manifest with an exec container or ordering"
);
code!(
    RUNTIME,
    "SL632",
    "container-runtime-unsupported",
    Error,
    "a container runtime kops no longer supports (`docker`), or runtime settings kops refuses in the Cluster"
);
code!(
    CONTAINERD,
    "SL633",
    "containerd-setting",
    Error,
    "a containerd setting kops refuses (`version` below 2.1.0, package URL without hash, NRI timeouts)"
);
code!(
    ASSETS,
    "SL634",
    "assets-setting",
    Error,
    "an `assets` setting kops refuses (`containerProxy` with `containerRegistry`, a `fileRepository` the nodes cannot read)"
);
code!(
    NODE_SETTING,
    "SL635",
    "cluster-node-setting",
    Error,
    "a cluster-wide node setting kops refuses (`sysctlParameters`, `updatePolicy`)"
);

pub static CODES: &[&CodeInfo] = &[&HOOK, &RUNTIME, &CONTAINERD, &ASSETS, &NODE_SETTING];

/// The hook (`/spec/hooks/N`) that `pointer` lies in.
fn hook_of(pointer: &str) -> &str {
    pointer
        .match_indices('/')
        .nth(3)
        .map_or(pointer, |(i, _)| &pointer[..i])
}

/// kops skips a hook written `disabled: true` (v1alpha2's inverted `Enabled`).
fn hook_on(cluster: &Document, hook: &str) -> bool {
    !is_true(cluster, &format!("{hook}/disabled"))
}

fn raw(cluster: &Document, hook: &str) -> bool {
    is_true(cluster, &format!("{hook}/useRawManifest"))
}

/// The hook needs a `manifest`: it has no exec container, or it is a raw manifest.
fn manifest_needed(cluster: &Document, pointer: &str) -> bool {
    let hook = hook_of(pointer);
    hook_on(cluster, hook)
        && (!is_present(cluster.get(&format!("{hook}/execContainer"))) || raw(cluster, hook))
}

fn raw_hook(cluster: &Document, pointer: &str) -> bool {
    let hook = hook_of(pointer);
    hook_on(cluster, hook) && raw(cluster, hook)
}

fn enabled_hook(cluster: &Document, pointer: &str) -> bool {
    hook_on(cluster, hook_of(pointer))
}

/// A version as `semver.ParseTolerant` reads it: `v` and spaces trimmed, missing minor
/// and patch as 0; returns (major, minor, patch, has a pre-release).
fn tolerant_version(text: &str) -> Option<(u64, u64, u64, bool)> {
    let text = text.trim().trim_start_matches('v');
    let core_end = text.find(['-', '+']).unwrap_or(text.len());
    let pre = text[core_end..].starts_with('-');
    let mut numbers = [0u64; 3];
    let parts: Vec<&str> = text[..core_end].split('.').collect();
    if parts.len() > 3 {
        return None;
    }
    for (slot, part) in numbers.iter_mut().zip(&parts) {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *slot = part.parse().ok()?;
    }
    Some((numbers[0], numbers[1], numbers[2], pre))
}

/// containerd 2.1.0 or newer (a pre-release of 2.1.0 is older).
fn is_supported_containerd(text: &str) -> bool {
    tolerant_version(text)
        .is_some_and(|(major, minor, patch, pre)| (major, minor, patch, !pre) >= (2, 1, 0, true))
}

fn is_hash(text: &str) -> bool {
    text.len() <= 64
}

fn nri_on(cluster: &Document, _: &str) -> bool {
    is_true(cluster, "/spec/containerd/nri/enabled")
}

fn is_positive_duration(text: &str) -> bool {
    go_duration_seconds(text).is_some_and(|s| s > 0.0)
}

fn nvidia_on(cluster: &Document, _: &str) -> bool {
    is_true(cluster, "/spec/containerd/nvidiaGPU/enabled")
}

/// `validateFileRepository`: a URL with a host, whose scheme the nodes of this cloud can
/// read (`http(s)` anywhere, `s3` on AWS, `gs` on GCE, `azureblob` with a container on
/// Azure).
fn file_repository_problem(cluster: &Document, pointer: &str) -> bool {
    let Some(url) = cluster.str_at(pointer) else {
        return false;
    };
    let Some((scheme, rest)) = url.split_once("://") else {
        return true;
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let cloud = Cloud::of(cluster);
    let scheme_ok = match scheme {
        "http" | "https" => true,
        "s3" => cloud == Some(Cloud::Aws),
        "gs" => cloud == Some(Cloud::Gce),
        "azureblob" => {
            cloud == Some(Cloud::Azure) && !path.split('/').next().unwrap_or("").is_empty()
        }
        _ => false,
    };
    !scheme_ok || host.is_empty()
}

fn has_equals(text: &str) -> bool {
    text.contains('=')
}

static CONTAINERD_VERSION: Format = Format {
    expected: "containerd 2.1.0 or newer, the oldest kops supports",
    test: is_supported_containerd,
};
static HASH: Format = Format {
    expected: "a SHA-256 hash (64 hex characters at most)",
    test: is_hash,
};
static POSITIVE_DURATION: Format = Format {
    expected: "a positive duration such as `2s`",
    test: is_positive_duration,
};
static SYSCTL: Format = Format {
    expected: "a `key=value` pair",
    test: has_equals,
};

const fn raw_forbids(field: &'static str, help: &'static str) -> Check {
    Check::validation(
        &HOOK,
        field,
        Shape::Forbidden,
        When::Test(raw_hook),
        "validateHookSpec",
        "a hook with `useRawManifest: true` is written as given and cannot have it",
        help,
    )
}

const fn containerd_version() -> Check {
    Check::validation(
        &CONTAINERD,
        "/spec/containerd/version",
        Shape::Format(&CONTAINERD_VERSION),
        When::Always,
        "validateContainerdConfig",
        "",
        "use containerd 2.1.0 or newer, or remove `version` to get kops's default",
    )
}

const fn package_pair(pointer: &'static str, with: &'static str) -> Check {
    Check::validation(
        &CONTAINERD,
        pointer,
        Shape::RequiredWith(with),
        When::Always,
        "validateContainerdConfig",
        "a custom containerd package needs both its URL and its hash",
        "set both the package URL and its SHA-256 hash, or neither",
    )
}

const fn package_hash(pointer: &'static str) -> Check {
    Check::validation(
        &CONTAINERD,
        pointer,
        Shape::Format(&HASH),
        When::Always,
        "validateContainerdConfig",
        "",
        "give the package's SHA-256 hash in hex",
    )
}

const fn nri_timeout(pointer: &'static str) -> Check {
    Check::validation(
        &CONTAINERD,
        pointer,
        Shape::Format(&POSITIVE_DURATION),
        When::Test(nri_on),
        "validateNriConfig",
        "a zero or negative timeout makes NRI requests expire at once",
        "set a positive duration, or remove the field for containerd's default",
    )
}

pub static CHECKS: &[Check] = &[
    Check::validation(
        &HOOK,
        "/spec/hooks/*/manifest",
        Shape::Required,
        When::Test(manifest_needed),
        "validateHookSpec",
        "a hook needs a `manifest` or an `execContainer` (and a raw manifest needs `manifest`)",
        "add the systemd unit as `manifest`, or an `execContainer` with an image",
    ),
    raw_forbids(
        "/spec/hooks/*/execContainer",
        "remove `execContainer` and put the unit in `manifest`, or drop `useRawManifest`",
    ),
    raw_forbids(
        "/spec/hooks/*/before",
        "order the unit inside the raw `manifest` instead",
    ),
    raw_forbids(
        "/spec/hooks/*/requires",
        "order the unit inside the raw `manifest` instead",
    ),
    Check::validation(
        &HOOK,
        "/spec/hooks/*/execContainer/image",
        Shape::Required,
        When::Test(enabled_hook),
        "validateExecContainerAction",
        "an exec container runs an image",
        "set `execContainer.image`",
    ),
    Check::validation(
        &RUNTIME,
        "/spec/containerRuntime",
        Shape::OneOf(&["containerd"]),
        When::Always,
        "validateContainerRuntime",
        "Docker support was removed in Kubernetes 1.24",
        "set `containerRuntime: containerd` (or remove it)",
    ),
    Check::validation(
        &RUNTIME,
        "/spec/docker",
        Shape::Forbidden,
        When::Always,
        "validateClusterSpec",
        "Docker support was removed in Kubernetes 1.24",
        "remove `spec.docker` and configure the runtime under `spec.containerd`",
    ),
    Check::validation(
        &RUNTIME,
        "/spec/containerd/gvisor",
        Shape::Forbidden,
        When::Always,
        "validateGVisorConfig",
        "gVisor can only be configured on instance groups",
        "move `gvisor` to the `containerd` of the instance groups that run it",
    ),
    Check::validation(
        &RUNTIME,
        "/spec/containerd/nvidiaGPU",
        Shape::Forbidden,
        When::All(&[When::Test(nvidia_on), When::NotCloud(&[Cloud::Aws])]),
        "validateNvidiaConfig",
        "kops supports NVIDIA GPUs only on AWS, and on OpenStack only in instance groups",
        "remove `nvidiaGPU` from the Cluster (on OpenStack, set it on the GPU instance groups)",
    ),
    containerd_version(),
    package_pair("/spec/containerd/packages/hashAmd64", "urlAmd64"),
    package_pair("/spec/containerd/packages/urlAmd64", "hashAmd64"),
    package_pair("/spec/containerd/packages/hashArm64", "urlArm64"),
    package_pair("/spec/containerd/packages/urlArm64", "hashArm64"),
    package_hash("/spec/containerd/packages/hashAmd64"),
    package_hash("/spec/containerd/packages/hashArm64"),
    nri_timeout("/spec/containerd/nri/pluginRequestTimeout"),
    nri_timeout("/spec/containerd/nri/pluginRegistrationTimeout"),
    Check::validation(
        &ASSETS,
        "/spec/assets/containerProxy",
        Shape::Forbidden,
        When::ClusterSet("/spec/assets/containerRegistry"),
        "validateClusterSpec",
        "it cannot be used together with `containerRegistry`",
        "keep either `containerProxy` or `containerRegistry`",
    ),
    Check::validation(
        &ASSETS,
        "/spec/assets/fileRepository",
        Shape::Forbidden,
        When::Test(file_repository_problem),
        "validateFileRepository",
        "it must be an `http(s)://` URL with a host, or `s3://` on AWS, `gs://` on GCE, `azureblob://<account>/<container>/` on Azure",
        "point `fileRepository` at a URL the nodes of this cloud can read",
    ),
    Check::validation(
        &ASSETS,
        "/spec/assets/fileRepository",
        Shape::Required,
        When::ClusterHas("/spec/assets/fileRepository"),
        "validateFileRepository",
        "kops reads an empty `fileRepository` as a URL without scheme or host",
        "point `fileRepository` at a URL the nodes can read, or remove the key",
    ),
    Check::validation(
        &NODE_SETTING,
        "/spec/sysctlParameters/*",
        Shape::Format(&SYSCTL),
        When::Always,
        "validateClusterSpec",
        "",
        "write each entry as `key=value`, e.g. `net.ipv4.ip_forward=1`",
    ),
    Check::validation(
        &NODE_SETTING,
        "/spec/updatePolicy",
        Shape::OneOf(&["automatic", "external"]),
        When::Always,
        "validateClusterSpec",
        "",
        "use `automatic` or `external`",
    ),
];

/// An instance group's own `containerd` (kops's `CrossValidateInstanceGroup` runs
/// `validateContainerdConfig` on it with `inClusterConfig` false): the same settings as the
/// Cluster's, except that gVisor belongs here and NVIDIA GPUs are also allowed on OpenStack.
pub static GROUP_CHECKS: &[Check] = &[
    containerd_version().on_groups(),
    package_pair("/spec/containerd/packages/hashAmd64", "urlAmd64").on_groups(),
    package_pair("/spec/containerd/packages/urlAmd64", "hashAmd64").on_groups(),
    package_pair("/spec/containerd/packages/hashArm64", "urlArm64").on_groups(),
    package_pair("/spec/containerd/packages/urlArm64", "hashArm64").on_groups(),
    package_hash("/spec/containerd/packages/hashAmd64").on_groups(),
    package_hash("/spec/containerd/packages/hashArm64").on_groups(),
    nri_timeout("/spec/containerd/nri/pluginRequestTimeout").on_groups(),
    nri_timeout("/spec/containerd/nri/pluginRegistrationTimeout").on_groups(),
    Check::validation(
        &RUNTIME,
        "/spec/containerd/nvidiaGPU",
        Shape::Forbidden,
        When::All(&[
            When::Test(nvidia_on),
            When::NotCloud(&[Cloud::Aws, Cloud::Openstack]),
        ]),
        "validateNvidiaConfig",
        "kops supports NVIDIA GPUs only on AWS and OpenStack",
        "remove `nvidiaGPU`, or run the GPU nodes on AWS or OpenStack",
    )
    .on_groups(),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containerd_versions_compare_as_kops_does() {
        assert!(is_supported_containerd("2.1.0") && is_supported_containerd("v2.2"));
        assert!(!is_supported_containerd("1.7.32") && !is_supported_containerd("2.0.7"));
        assert!(!is_supported_containerd("2.1.0-rc.1") && !is_supported_containerd("not-a-semver"));
        assert!(is_supported_containerd("2.1.1-rc.1"));
        // blang/semver's ParseTolerant reads at most three numbers.
        assert!(!is_supported_containerd("2.1.0.9"));
    }

    #[test]
    fn hook_pointers_find_their_hook() {
        assert_eq!(
            hook_of("/spec/hooks/3/execContainer/image"),
            "/spec/hooks/3"
        );
        assert_eq!(hook_of("/spec/hooks/0/manifest"), "/spec/hooks/0");
    }
}
