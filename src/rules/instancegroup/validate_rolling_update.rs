//! SL177: a `rollingUpdate` kops refuses, on an instance group or the cluster. Mirrors
//! kops's `validateRollingUpdate` (`validation.go`) as `ValidateInstanceGroup` and
//! `validateClusterSpec` call it.

use serde_json::Value;

use crate::document::Document;
use crate::findings::{code, CodeInfo, Finding};
use crate::rules::support::{at, ig_name, is_control_plane};
use crate::rules::{ClusterContext, Rule};

code!(
    INFO,
    "SL177",
    "rolling-update",
    Error,
    "a `rollingUpdate` (cluster or instance group) has an unparsable, negative or impossible `maxSurge`/`maxUnavailable`"
);

pub struct ValidateRollingUpdate;

pub static RULE: ValidateRollingUpdate = ValidateRollingUpdate;

/// Kubernetes's `GetScaledValueFromIntOrPercent`: an integer, or a string `N%` scaled
/// against `total` (rounded up or down). `Err` names what is wrong.
pub fn scaled(value: &Value, total: i64, round_up: bool) -> Result<i64, &'static str> {
    match value {
        Value::Number(n) => n.as_i64().ok_or("not a whole number"),
        Value::String(s) => {
            let digits = s
                .strip_suffix('%')
                .ok_or("a string must be a percentage like `25%`")?;
            let percent: i64 = digits.parse().map_err(|_| "not a whole percentage")?;
            let scaled = percent * total;
            Ok(if round_up {
                scaled.div_euclid(100) + i64::from(scaled.rem_euclid(100) != 0)
            } else {
                scaled.div_euclid(100)
            })
        }
        _ => Err("must be an integer or a percentage"),
    }
}

impl Rule for ValidateRollingUpdate {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        let cluster = Owner {
            doc: cx.cluster,
            name: format!("cluster `{}`", cx.name),
            control_plane: false,
        };
        cluster.check(out);
        for ig in cx.instance_groups {
            let group = Owner {
                doc: &ig.doc,
                name: format!("instance group `{}`", ig_name(ig)),
                control_plane: is_control_plane(ig),
            };
            group.check(out);
        }
    }
}

/// The document whose `spec.rollingUpdate` is checked, and how to name it.
struct Owner<'a> {
    doc: &'a Document,
    name: String,
    /// kops forbids surging control-plane groups.
    control_plane: bool,
}

impl Owner<'_> {
    fn report(&self, pointer: &str, what: std::fmt::Arguments<'_>, help: &str) -> Finding {
        at(&INFO, self.doc, pointer, format!("{} {what}", self.name)).with_help(help)
    }

    fn unparsable(&self, pointer: &str, v: &Value, why: &str) -> Finding {
        let field = pointer.rsplit('/').next().unwrap_or(pointer);
        self.report(
            pointer,
            format_args!("has `rollingUpdate.{field}: {v}`, which kops cannot read: {why}"),
            "write a whole number (`1`) or a percentage string (`\"25%\"`)",
        )
    }

    fn negative(&self, pointer: &str, v: &Value) -> Finding {
        let field = pointer.rsplit('/').next().unwrap_or(pointer);
        self.report(
            pointer,
            format_args!("has a negative `rollingUpdate.{field}: {v}`"),
            "use zero or more",
        )
    }

    fn check(&self, out: &mut Vec<Finding>) {
        let unavailable_ptr = "/spec/rollingUpdate/maxUnavailable";
        let surge_ptr = "/spec/rollingUpdate/maxSurge";
        let mut unavailable = 1;
        if let Some(v) = self.doc.get(unavailable_ptr) {
            match scaled(v, 1, false) {
                Ok(n) => unavailable = n,
                Err(why) => {
                    unavailable = 0;
                    out.push(self.unparsable(unavailable_ptr, v, why));
                }
            }
            if unavailable < 0 {
                out.push(self.negative(unavailable_ptr, v));
            }
        }
        let Some(v) = self.doc.get(surge_ptr) else {
            return;
        };
        let surge = scaled(v, 1000, true).unwrap_or_else(|why| {
            out.push(self.unparsable(surge_ptr, v, why));
            0
        });
        if self.control_plane && surge != 0 {
            out.push(self.report(
                surge_ptr,
                format_args!("has role ControlPlane and `maxSurge: {v}`; control-plane groups cannot surge"),
                "set `maxSurge: 0` (or delete it) and use `maxUnavailable` for control-plane groups",
            ));
        } else if surge < 0 {
            out.push(self.negative(surge_ptr, v));
        }
        if unavailable == 0 && surge == 0 {
            out.push(self.report(
                surge_ptr,
                format_args!("has `maxSurge: {v}` with `maxUnavailable` also zero, so no node could ever be replaced"),
                "allow at least one: raise `maxSurge` or `maxUnavailable` above zero",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::scaled;
    use serde_json::json;

    #[test]
    fn scales_like_kubernetes() {
        assert_eq!(scaled(&json!(2), 1, false), Ok(2));
        assert_eq!(scaled(&json!("50%"), 1, false), Ok(0));
        assert_eq!(scaled(&json!("50%"), 1000, true), Ok(500));
        assert_eq!(scaled(&json!("1%"), 1, true), Ok(1));
        assert_eq!(scaled(&json!("-10%"), 1000, true), Ok(-100));
        assert!(scaled(&json!("2"), 1, false).is_err());
        assert!(scaled(&json!("x%"), 1, false).is_err());
        assert!(scaled(&json!(true), 1, false).is_err());
    }
}
