//! SL183: an `externalLoadBalancers` entry kops refuses. Mirrors kops's
//! `validateExternalLoadBalancer` (`instancegroup.go`).

use serde_json::Value;

use crate::findings::{code, Finding};
use crate::policy::arn::Arn;
use crate::rules::{ClusterContext, InstanceGroup};

use super::{finding, finding_at_key, GroupRule};

code!(
    INFO,
    "SL183",
    "external-load-balancer",
    Error,
    "an `externalLoadBalancers` entry names both a load balancer and a target group, a name over 32 characters, or a malformed target group ARN"
);

/// AWS's limit on load balancer and target group names. kops measures a name with Go's
/// `len`, in UTF-8 bytes, so statelint does too: a name of 17 `é` is 34 bytes, over it.
pub const MAX_NAME: usize = 32;

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: false,
    check,
};

fn check(_cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    let base = "/spec/externalLoadBalancers";
    let Some(lbs) = ig.doc.get(base).and_then(Value::as_array) else {
        return;
    };
    for (i, lb) in lbs.iter().enumerate() {
        let pointer = format!("{base}/{i}");
        let name = lb.get("loadBalancerName").and_then(Value::as_str);
        let arn = lb.get("targetGroupArn").and_then(Value::as_str);
        if name.is_some() && arn.is_some() {
            out.push(finding_at_key(
                &INFO,
                ig,
                &format!("{pointer}/targetGroupArn"),
                format_args!(
                    "gives external load balancer {i} both `loadBalancerName` and `targetGroupArn`"
                ),
                "keep one per entry: a Classic load balancer's name or a target group's ARN",
            ));
        }
        if let Some((name, why)) = name.and_then(|n| Some((n, too_long(n)?))) {
            out.push(finding(
                &INFO,
                ig,
                &format!("{pointer}/loadBalancerName"),
                format_args!("names load balancer `{name}`, {why}"),
                "use the load balancer's real name; AWS names have at most 32 characters",
            ));
        }
        if let Some(arn) = arn {
            if let Some(problem) = target_group_problem(arn) {
                out.push(bad_arn(
                    ig,
                    &format!("{pointer}/targetGroupArn"),
                    arn,
                    &problem,
                ));
            }
        }
    }
}

/// Why a load balancer or target group name is too long, or `None`. kops counts bytes (Go's
/// `len`); the message says bytes where that differs from the characters a reader counts.
fn too_long(name: &str) -> Option<String> {
    if name.len() <= MAX_NAME {
        None
    } else if name.is_ascii() {
        Some(format!("longer than {MAX_NAME} characters"))
    } else {
        Some(format!(
            "{} bytes long in UTF-8, over the limit of {MAX_NAME}",
            name.len()
        ))
    }
}

/// What is wrong with a target group ARN, as kops checks it.
pub fn target_group_problem(arn: &str) -> Option<String> {
    let parsed = match Arn::parse(arn) {
        Ok(a) => a,
        Err(e) => return Some(format!("it is not an ARN: {e}")),
    };
    let parts: Vec<&str> = parsed.resource.split('/').collect();
    match parts.as_slice() {
        [kind, name, _id] => {
            if *kind != "targetgroup" {
                Some(format!("its resource type is `{kind}`, not `targetgroup`"))
            } else {
                too_long(name).map(|why| format!("its name `{name}` is {why}"))
            }
        }
        _ => Some("its resource is not `targetgroup/<name>/<id>`".to_string()),
    }
}

fn bad_arn(ig: &InstanceGroup, pointer: &str, arn: &str, problem: &str) -> Finding {
    finding(
        &INFO,
        ig,
        pointer,
        format_args!("has target group ARN `{arn}`, but {problem}"),
        "copy the ARN from the target group, like `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/my-tg/0123456789abcdef`",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_name_is_measured_in_bytes_and_said_so_when_it_is_not_ascii() {
        assert_eq!(too_long(&"a".repeat(32)), None);
        assert_eq!(
            too_long(&"a".repeat(33)).as_deref(),
            Some("longer than 32 characters")
        );
        // 17 characters, 34 bytes: over kops's limit, and the message must not say 17 > 32.
        assert_eq!(
            too_long(&"é".repeat(17)).as_deref(),
            Some("34 bytes long in UTF-8, over the limit of 32")
        );
    }
}
