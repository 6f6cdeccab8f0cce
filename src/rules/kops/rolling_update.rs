//! `rollingUpdate` of the Cluster and of each instance group (`validateRollingUpdate` in
//! `pkg/apis/kops/validation/validation.go`): `maxUnavailable` and `maxSurge` are
//! non-negative integers or percentages, not both zero, and control-plane groups do not
//! surge.

use serde_json::Value;

use super::engine::{Check, Format, KopsRef, Shape, Target, When};
use crate::document::Document;
use crate::findings::{code, CodeInfo};

code!(
    ROLLING_UPDATE,
    "SL638",
    "rolling-update-setting",
    Error,
    "a `rollingUpdate` kops refuses: a malformed or negative `maxUnavailable`/`maxSurge`, both zero, or a surging control-plane group"
);

pub static CODES: &[&CodeInfo] = &[&ROLLING_UPDATE];

const KOPS: KopsRef = KopsRef {
    file: "pkg/apis/kops/validation/validation.go",
    function: "validateRollingUpdate",
};

/// Kubernetes's `GetScaledValueFromIntOrPercent` over `total`, rounding up or down; `None`
/// when the value is neither an integer nor `N%`.
fn scaled(value: &Value, total: f64, round_up: bool) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let percent: f64 = s.strip_suffix('%')?.parse::<i64>().ok()? as f64;
            let exact = percent * total / 100.0;
            Some(if round_up {
                exact.ceil()
            } else {
                exact.floor()
            } as i64)
        }
        _ => None,
    }
}

fn unavailable(value: &Value) -> Option<i64> {
    scaled(value, 1.0, false)
}

fn surge(value: &Value) -> Option<i64> {
    scaled(value, 1000.0, true)
}

fn text_value(text: &str) -> Value {
    text.parse::<i64>()
        .map(Value::from)
        .unwrap_or_else(|_| Value::String(text.to_string()))
}

fn is_unavailable(text: &str) -> bool {
    unavailable(&text_value(text)).is_some_and(|n| n >= 0)
}

fn is_surge(text: &str) -> bool {
    surge(&text_value(text)).is_some_and(|n| n >= 0)
}

/// `maxSurge` is zero while `maxUnavailable` (1 when absent) is zero too.
fn nothing_moves(doc: &Document, pointer: &str) -> bool {
    let parent = pointer.rsplit_once('/').map_or("", |(p, _)| p);
    let unavailable_now = doc
        .get(&format!("{parent}/maxUnavailable"))
        .map_or(Some(1), unavailable);
    doc.get(pointer).and_then(surge) == Some(0) && unavailable_now == Some(0)
}

/// A control-plane group with a non-zero `maxSurge`.
fn control_plane_surges(doc: &Document, pointer: &str) -> bool {
    let control_plane = matches!(doc.str_at("/spec/role"), Some("ControlPlane" | "Master"));
    control_plane && doc.get(pointer).and_then(surge).is_some_and(|n| n != 0)
}

static MAX_UNAVAILABLE: Format = Format {
    expected: "a non-negative integer or percentage",
    test: is_unavailable,
};
static MAX_SURGE: Format = Format {
    expected: "a non-negative integer or percentage",
    test: is_surge,
};

const fn rows(target: Target) -> [Check; 4] {
    let base = Check {
        target,
        ..Check::cluster(
            &ROLLING_UPDATE,
            "/spec/rollingUpdate/maxUnavailable",
            Shape::Format(&MAX_UNAVAILABLE),
            When::Always,
            KOPS,
            "",
            "write a count such as `1` or a percentage such as `20%`",
        )
    };
    [
        Check { ..base },
        Check {
            pointer: "/spec/rollingUpdate/maxSurge",
            shape: Shape::Format(&MAX_SURGE),
            ..base
        },
        Check {
            pointer: "/spec/rollingUpdate/maxSurge",
            shape: Shape::Forbidden,
            when: When::Test(nothing_moves),
            reason: "with `maxUnavailable` also zero no instance could ever be replaced",
            help: "allow a surge or some unavailability",
            ..base
        },
        Check {
            pointer: "/spec/rollingUpdate/maxSurge",
            shape: Shape::Forbidden,
            when: When::Test(control_plane_surges),
            reason: "control-plane groups cannot surge",
            help: "set `maxSurge: 0` on control-plane groups and use `maxUnavailable`",
            ..base
        },
    ]
}

static CLUSTER_ROWS: [Check; 4] = rows(Target::Cluster);
static GROUP_ROWS: [Check; 4] = rows(Target::InstanceGroup);

/// The Cluster's `rollingUpdate` (its control-plane row never matches: the Cluster has no
/// role).
pub static CHECKS: &[Check] = &CLUSTER_ROWS;
/// Each instance group's `rollingUpdate`.
pub static GROUP_CHECKS: &[Check] = &GROUP_ROWS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_or_percent_scales_as_kubernetes_does() {
        assert_eq!(unavailable(&Value::from(2)), Some(2));
        assert_eq!(unavailable(&Value::from("50%")), Some(0));
        assert_eq!(surge(&Value::from("1%")), Some(10));
        assert_eq!(surge(&Value::from("abc")), None);
        assert!(is_unavailable("20%") && !is_unavailable("-1") && !is_unavailable("x"));
    }
}
