//! SL109: `spec.kubernetesVersion` is missing or not a version kops can use.

use serde_json::Value;

use crate::findings::{code, CodeInfo, Finding};

use super::support::{at, at_key};
use super::{ClusterContext, Rule};

code!(
    INFO,
    "SL109",
    "invalid-kubernetes-version",
    Error,
    "`spec.kubernetesVersion` is missing or not a semantic version"
);

pub struct KubernetesVersion;

pub static RULE: KubernetesVersion = KubernetesVersion;

/// `MAJOR.MINOR.PATCH` with an optional `v`, pre-release and build metadata.
pub fn is_semver(text: &str) -> bool {
    let text = text.strip_prefix('v').unwrap_or(text);
    let (version, build) = match text.split_once('+') {
        Some((v, b)) => (v, Some(b)),
        None => (text, None),
    };
    let (core, pre) = match version.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (version, None),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    let identifiers_ok = |s: &str| {
        !s.is_empty()
            && s.split('.').all(|part| {
                !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
    };
    numbers.len() == 3
        && numbers
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        && pre.is_none_or(identifiers_ok)
        && build.is_none_or(identifiers_ok)
}

/// A release URL is accepted when one of its path segments is a version.
fn is_release_url(text: &str) -> bool {
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return false;
    };
    rest.split('/')
        .skip(1)
        .any(|seg| seg.starts_with('v') && is_semver(seg))
}

/// The value's text as it appears in the file (`1.30`, where the parsed number is 1.3).
fn as_written(cx: &ClusterContext<'_>, pointer: &str) -> Option<String> {
    let span = cx.cluster.span(pointer);
    let text = cx
        .cluster
        .source
        .text
        .get(span.offset..span.offset + span.length)?;
    Some(text.trim().to_string())
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        Value::Array(_) => "list",
        Value::Object(_) => "mapping",
        _ => "value",
    }
}

impl Rule for KubernetesVersion {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        let pointer = "/spec/kubernetesVersion";
        match cx.cluster.get(pointer) {
            None | Some(Value::Null) => {
                if cx.cluster.get("/spec").is_some() {
                    out.push(
                        at_key(&INFO, cx.cluster, "/spec", "the Cluster has no `spec.kubernetesVersion`, which kops requires".into())
                            .with_pointer(pointer)
                            .with_help("add `kubernetesVersion: <x.y.z>`; if the key is there, check its spelling"),
                    );
                }
            }
            Some(Value::String(v)) if is_semver(v) || is_release_url(v) => {}
            Some(Value::String(v)) => out.push(
                at(&INFO, cx.cluster, pointer, format!("`spec.kubernetesVersion` is `{v}`, which is not a semantic version"))
                    .with_help("write a full version such as `1.30.2` (or a release URL ending in `/v1.30.2/`)"),
            ),
            Some(other) => out.push(
                at(
                    &INFO,
                    cx.cluster,
                    pointer,
                    format!(
                        "`spec.kubernetesVersion` is `{}`, which YAML reads as the {} `{other}`, not a version",
                        as_written(cx, pointer).unwrap_or_else(|| other.to_string()),
                        kind(other)
                    ),
                )
                    .with_help("write the full version as a string, e.g. `kubernetesVersion: 1.30.2`"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_versions_and_release_urls() {
        for ok in ["1.30.2", "v1.31.0", "1.32.0-rc.1", "1.29.3+build.7"] {
            assert!(is_semver(ok), "{ok}");
        }
        for bad in ["1.30", "v1", "1.30.x", "", "1..2", "1.30.2-", "latest"] {
            assert!(!is_semver(bad), "{bad}");
        }
        assert!(is_release_url("https://dl.k8s.io/release/v1.30.2/"));
        assert!(!is_release_url("https://dl.k8s.io/release/latest/"));
        assert!(!is_release_url("ftp://x/v1.30.2/"));
    }
}
