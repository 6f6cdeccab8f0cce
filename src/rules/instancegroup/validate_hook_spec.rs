//! SL193: an instance-group hook kops refuses. Mirrors kops's `validateHookSpec` and
//! `validateExecContainerAction` (`validation.go`) as `ValidateInstanceGroup` calls them.
//! (The cluster's own `spec.hooks`, which `validateClusterSpec` checks the same way, belong
//! with the cluster's components.)

use serde_json::Value;

use crate::document::Document;
use crate::findings::{code, Finding};
use crate::rules::support::{at, at_key, ig_name};
use crate::rules::{ClusterContext, InstanceGroup};

use super::GroupRule;

code!(
    INFO,
    "SL193",
    "hook-spec",
    Error,
    "a hook has neither `manifest` nor `execContainer`, an `execContainer` without `image`, or `useRawManifest` with fields it cannot have"
);

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: false,
    check,
};

/// One problem kops finds in a hook: the field it is about and what is wrong.
#[derive(Debug, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub what: &'static str,
    pub help: &'static str,
    /// Whether the field is missing (point at the hook) or present (point at it).
    pub missing: bool,
}

/// kops's checks of one hook; a hook with `disabled: true` is skipped (the v1alpha2
/// conversion turns it into `Enabled: false`, which `validateHookSpec` does not check).
pub fn problems(hook: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    if hook.get("disabled").and_then(Value::as_bool) == Some(true) {
        return out;
    }
    let has = |k: &str| hook.get(k).is_some_and(|v| !v.is_null());
    let manifest = hook
        .get("manifest")
        .and_then(Value::as_str)
        .is_some_and(|m| !m.is_empty());
    let exec = has("execContainer");
    let raw = hook.get("useRawManifest").and_then(Value::as_bool) == Some(true);
    if !exec && !manifest {
        out.push(Problem {
            field: "manifest",
            what: "has neither `manifest` nor `execContainer`",
            help: "give the hook a systemd unit in `manifest`, or a container to run in `execContainer`",
            missing: true,
        });
    }
    if exec && raw {
        out.push(Problem {
            field: "execContainer",
            what: "sets `execContainer` together with `useRawManifest`",
            help: "with `useRawManifest: true` write the whole unit in `manifest` and drop `execContainer`",
            missing: false,
        });
    }
    if raw && !manifest {
        out.push(Problem {
            field: "manifest",
            what: "sets `useRawManifest` without a `manifest`",
            help: "write the systemd unit in `manifest`, or drop `useRawManifest`",
            missing: true,
        });
    }
    for field in ["before", "requires"] {
        if raw && has(field) {
            out.push(Problem {
                field,
                what: if field == "before" {
                    "sets `before` together with `useRawManifest`"
                } else {
                    "sets `requires` together with `useRawManifest`"
                },
                help:
                    "put the ordering in the raw unit's `[Unit]` section, or drop `useRawManifest`",
                missing: false,
            });
        }
    }
    let image = hook
        .pointer("/execContainer/image")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if exec && image.is_empty() {
        out.push(Problem {
            field: "execContainer/image",
            what: "has an `execContainer` without an `image`",
            help: "name the container image the hook runs, for example `busybox:1.36`",
            missing: true,
        });
    }
    out
}

fn check_hooks(doc: &Document, owner: &str, out: &mut Vec<Finding>) {
    let Some(hooks) = doc.get("/spec/hooks").and_then(Value::as_array) else {
        return;
    };
    for (i, hook) in hooks.iter().enumerate() {
        let name = hook
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| format!("kops-hook-{i}"), str::to_string);
        for p in problems(hook) {
            let pointer = format!("/spec/hooks/{i}/{}", p.field);
            let message = format!("{owner}: hook `{name}` {}", p.what);
            let finding = if p.missing {
                at_key(&INFO, doc, &pointer, message)
            } else {
                at(&INFO, doc, &pointer, message)
            };
            out.push(finding.with_help(p.help));
        }
    }
}

fn check(_cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    check_hooks(&ig.doc, &format!("instance group `{}`", ig_name(ig)), out);
}

#[cfg(test)]
mod tests {
    use super::problems;
    use serde_json::json;

    #[test]
    fn checks_hooks_like_kops() {
        let fields = |v| problems(&v).iter().map(|p| p.field).collect::<Vec<_>>();
        assert!(fields(json!({"manifest": "[Unit]"})).is_empty());
        assert!(fields(json!({"execContainer": {"image": "busybox"}})).is_empty());
        assert_eq!(fields(json!({"name": "x"})), ["manifest"]);
        assert!(fields(json!({"name": "x", "disabled": true})).is_empty());
        assert_eq!(
            fields(json!({"name": "x", "disabled": false})),
            ["manifest"]
        );
        assert_eq!(
            fields(json!({"execContainer": {"command": ["sh"]}})),
            ["execContainer/image"]
        );
        assert_eq!(
            fields(json!({"useRawManifest": true, "manifest": "[Unit]", "before": ["a"]})),
            ["before"]
        );
        assert_eq!(
            fields(json!({"useRawManifest": true, "execContainer": {"image": "b"}})),
            ["execContainer", "manifest"]
        );
    }
}
