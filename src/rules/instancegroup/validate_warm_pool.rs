//! SL185: a warm pool kops refuses on AWS. Mirrors the warm-pool part of kops's
//! `CrossValidateInstanceGroup` (`instancegroup.go`), after `WarmPoolSpec.ResolveDefaults`
//! (`pkg/apis/kops/cluster.go`) merges the cluster's default pool into the group's.

use serde_json::Value;

use crate::findings::{code, CodeInfo, Finding};
use crate::rules::support::{at, is_control_plane, role};
use crate::rules::{ClusterContext, InstanceGroup, Rule};

use super::{finding, finding_at_key, is_aws};

code!(
    INFO,
    "SL185",
    "warm-pool",
    Error,
    "on AWS, a warm pool an instance group cannot have (wrong role, spot instances), or negative or inverted warm pool sizes (group or cluster default)"
);

pub struct ValidateWarmPool;

pub static RULE: ValidateWarmPool = ValidateWarmPool;

/// A warm pool's sizes after defaults: `max` absent means "the group's maxSize".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pool {
    pub min: i64,
    pub max: Option<i64>,
}

fn read(v: &Value) -> Pool {
    Pool {
        min: v.get("minSize").and_then(Value::as_i64).unwrap_or(0),
        max: v.get("maxSize").and_then(Value::as_i64),
    }
}

/// kops's `ResolveDefaults`: control-plane and bastion groups never inherit the
/// cluster's pool; a group's own fields win over the cluster's.
pub fn resolve(cluster: Option<Pool>, group: Option<Pool>, inherits: bool) -> Pool {
    let none = Pool {
        min: 0,
        max: Some(0),
    };
    match (group, cluster.filter(|_| inherits)) {
        (None, None) => none,
        (None, Some(c)) => c,
        (Some(g), None) => g,
        (Some(g), Some(c)) => Pool {
            min: if g.min == 0 { c.min } else { g.min },
            max: g.max.or(c.max),
        },
    }
}

impl Rule for ValidateWarmPool {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &ClusterContext<'_>, out: &mut Vec<Finding>) {
        if !is_aws(cx) {
            return;
        }
        let pointer = ["/spec/warmPool", "/spec/cloudProvider/aws/warmPool"]
            .into_iter()
            .find(|p| cx.cluster.get(p).is_some());
        let cluster = pointer.and_then(|p| cx.cluster.get(p)).map(read);
        if let (Some(pointer), Some(pool)) = (pointer, cluster) {
            check_cluster(cx, pointer, pool, out);
        }
        for ig in cx.instance_groups {
            check_group(ig, cluster, out);
        }
    }
}

/// kops's `validateWarmPool` on the cluster's default pool.
fn check_cluster(cx: &ClusterContext<'_>, base: &str, pool: Pool, out: &mut Vec<Finding>) {
    let name = cx.name;
    let mut report = |field: &str, what: String, help: &str| {
        let pointer = format!("{base}/{field}");
        out.push(
            at(
                &INFO,
                cx.cluster,
                &pointer,
                format!("cluster `{name}` {what}"),
            )
            .with_help(help),
        );
    };
    match pool.max {
        Some(max) if max < 0 => report(
            "maxSize",
            format!("has a negative default warm pool `maxSize: {max}`"),
            "use zero or more (zero disables the pool)",
        ),
        Some(max) if pool.min > max => report(
            "maxSize",
            format!(
                "has default warm pool `minSize: {}` above `maxSize: {max}`",
                pool.min
            ),
            "raise the warm pool's `maxSize` or lower its `minSize`",
        ),
        Some(_)
            if cx
                .cluster
                .get(&format!("{base}/additionalImages"))
                .is_some() =>
        {
            report(
                "additionalImages",
                "sets `additionalImages` on the cluster's default warm pool".to_string(),
                "set `warmPool.additionalImages` on the instance groups instead",
            )
        }
        _ => {}
    }
    if pool.min < 0 {
        report(
            "minSize",
            format!("has a negative default warm pool `minSize: {}`", pool.min),
            "use zero or more",
        );
    }
}

fn check_group(ig: &InstanceGroup, cluster: Option<Pool>, out: &mut Vec<Finding>) {
    let own = ig.doc.get("/spec/warmPool");
    let bastion = role(ig).is_some_and(|r| r.eq_ignore_ascii_case("Bastion"));
    let pool = resolve(cluster, own.map(read), !is_control_plane(ig) && !bastion);
    let here = if own.is_some() {
        "/spec/warmPool"
    } else {
        "/spec/role"
    };
    if pool.max != Some(0) {
        let allowed = role(ig).is_some_and(|r| r == "Node" || r == "APIServer");
        if !allowed {
            out.push(finding_at_key(
                &INFO,
                ig,
                here,
                format_args!("has a warm pool but role `{}`", role(ig).unwrap_or("")),
                "only Node and APIServer groups may have a warm pool: delete `warmPool` or set its `maxSize: 0`",
            ));
        }
        if ig.doc.get("/spec/maxPrice").is_some() {
            out.push(finding_at_key(
                &INFO,
                ig,
                "/spec/maxPrice",
                "runs spot instances (`maxPrice`) and has a warm pool",
                "drop `maxPrice`, or give the group `warmPool: {maxSize: 0}`; AWS warm pools cannot hold spot instances",
            ));
        }
    }
    // Sizes the group does not set itself come from the cluster's pool, checked once above.
    let Some(own) = own else { return };
    match pool.max {
        Some(max) if max < 0 => out.push(finding(
            &INFO,
            ig,
            "/spec/warmPool/maxSize",
            format_args!("has a negative warm pool `maxSize: {max}`"),
            "use zero or more (zero disables the pool)",
        )),
        Some(max) if pool.min > max => out.push(finding(
            &INFO,
            ig,
            if own.get("maxSize").is_some() {
                "/spec/warmPool/maxSize"
            } else {
                "/spec/warmPool/minSize"
            },
            format_args!(
                "has warm pool `minSize: {}` above `maxSize: {max}`",
                pool.min
            ),
            "raise the warm pool's `maxSize` or lower its `minSize`",
        )),
        _ => {}
    }
    if pool.min < 0 {
        out.push(finding(
            &INFO,
            ig,
            "/spec/warmPool/minSize",
            format_args!("has a negative warm pool `minSize: {}`", pool.min),
            "use zero or more",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_defaults_like_kops() {
        let cluster = Pool {
            min: 1,
            max: Some(5),
        };
        let c = Some(cluster);
        let g = Some(Pool { min: 0, max: None });
        assert_eq!(
            resolve(None, None, true),
            Pool {
                min: 0,
                max: Some(0)
            }
        );
        assert_eq!(resolve(c, None, true), cluster);
        assert_eq!(
            resolve(c, None, false),
            Pool {
                min: 0,
                max: Some(0)
            }
        );
        assert_eq!(
            resolve(c, g, true),
            Pool {
                min: 1,
                max: Some(5)
            }
        );
        assert_eq!(resolve(c, g, false), Pool { min: 0, max: None });
    }
}
