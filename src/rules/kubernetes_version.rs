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
    "`spec.kubernetesVersion` is missing or not a version kops can read"
);

pub struct KubernetesVersion;

pub static RULE: KubernetesVersion = KubernetesVersion;

/// Whether kops reads `text` as a Kubernetes version, as `ParseKubernetesVersion`
/// (`pkg/apis/kops/util/versions.go`) does: blang/semver's `ParseTolerant` (spaces and a
/// leading `v` trimmed, leading zeros dropped, `1.35` read as `1.35.0`), else a URL or path
/// holding `/v1.<minor>.`.
pub fn parses_like_kops(text: &str) -> bool {
    is_tolerant_semver(text) || has_release_segment(text)
}

/// blang/semver `ParseTolerant` followed by its strict `Parse`.
fn is_tolerant_semver(text: &str) -> bool {
    let text = text.trim();
    let text = text.strip_prefix('v').unwrap_or(text);
    let mut parts: Vec<String> = text.splitn(3, '.').map(str::to_string).collect();
    for part in &mut parts {
        if part.len() > 1 {
            let trimmed = part.trim_start_matches('0');
            *part = if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
                trimmed.to_string()
            } else {
                format!("0{trimmed}")
            };
        }
    }
    if parts.len() < 3 {
        if parts.last().is_some_and(|p| p.contains(['+', '-'])) {
            return false;
        }
        parts.resize(3, "0".to_string());
    }
    is_strict_semver(&parts.join("."))
}

/// `MAJOR.MINOR.PATCH[-pre][+build]`, numbers without leading zeros (blang/semver `Parse`).
pub fn is_strict_semver(text: &str) -> bool {
    let (version, build) = match text.split_once('+') {
        Some((v, b)) => (v, Some(b)),
        None => (text, None),
    };
    let (core, pre) = match version.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (version, None),
    };
    let number = |n: &str| {
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && (n == "0" || !n.starts_with('0'))
    };
    let identifiers = |s: &str| {
        s.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
    };
    let numbers: Vec<&str> = core.split('.').collect();
    numbers.len() == 3
        && numbers.iter().all(|n| number(n))
        && pre.is_none_or(identifiers)
        && build.is_none_or(identifiers)
}

/// kops's fallback: `/v1.<minor>.` anywhere in the text (release URLs).
fn has_release_segment(text: &str) -> bool {
    release_minor(text).is_some()
}

/// The minor version a release URL names by its first `/v1.<minor>.`, which kops reads as
/// Kubernetes `1.<minor>.0` when the text is not a version itself (`ParseKubernetesVersion`).
pub fn release_minor(text: &str) -> Option<u32> {
    text.match_indices("/v1.").find_map(|(i, m)| {
        let rest = &text[i + m.len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if !rest[digits..].starts_with('.') {
            return None;
        }
        // No digits at all (`/v1../`) gives no minor: `"".parse()` fails.
        rest[..digits].parse().ok()
    })
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
            Some(Value::String(v)) if parses_like_kops(v) => {}
            Some(Value::String(v)) => out.push(
                at(&INFO, cx.cluster, pointer, format!("`spec.kubernetesVersion` is `{v}`, which kops cannot read as a version"))
                    .with_help("write a version such as `1.34.1` (or a release URL containing `/v1.34.1/`)"),
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
    fn reads_versions_as_kops_does() {
        for ok in [
            "1.30.2",
            "v1.31.0",
            "1.32.0-rc.1",
            "1.29.3+build.7",
            "1.32.0-rc-1.2",
            "1.35",
            "v1.35",
            "1",
            " 1.34.1 ",
            "01.034.001",
            "https://dl.k8s.io/release/v1.30.2/",
            "https://example.com/k8s/v1.31.0-custom/",
        ] {
            assert!(parses_like_kops(ok), "{ok}");
        }
        for bad in [
            "1.30.x",
            "",
            "1..2",
            "1.30.2-",
            "latest",
            "1.35-rc.1",
            "https://dl.k8s.io/release/latest/",
            // A pre-release identifier is letters, digits and hyphens only.
            "1.32.0-rc_1",
            // The release segment needs a minor number: `/v1..` is none.
            "https://example.com/k8s/v1../",
            "v1.",
            "1.2.3.4",
        ] {
            assert!(!parses_like_kops(bad), "{bad}");
        }
    }

    #[test]
    fn a_release_url_names_its_minor() {
        // The cases of kops's `Test_ParseKubernetesVersion` (versions_test.go) that are URLs.
        for (url, minor) in [
            ("https://storage.googleapis.com/k8s-release-dev/ci/v1.4.0-alpha.2.677+ea69570f61af8e/", 4),
            ("https://storage.googleapis.com/k8s-release-dev/ci/v1.30.0-alpha.0.5+d61cbac69aae97", 30),
            ("https://dl.k8s.io/release/v1.30.2", 30),
            // The first segment with a minor counts; one without (`/v1../`) is passed over.
            ("https://example.com/v1../k8s/v1.31.0/v1.29.0/", 31),
        ] {
            assert_eq!(release_minor(url), Some(minor), "{url}");
        }
        for none in [
            "1.30.2",
            "https://dl.k8s.io/release/latest/",
            "https://example.com/v1.31",
        ] {
            assert_eq!(release_minor(none), None, "{none}");
        }
    }
}
