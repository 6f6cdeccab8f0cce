//! SL189: a `maxInstanceLifetime` AWS refuses. Mirrors kops's
//! `awsValidateMaximumInstanceLifetime` (`aws.go`): zero, or at least one day.

use crate::findings::{code, Finding};
use crate::rules::go_duration::go_duration_seconds;
use crate::rules::{ClusterContext, InstanceGroup};

use super::{finding, GroupRule};

code!(
    INFO,
    "SL189",
    "max-instance-lifetime",
    Error,
    "an instance group's `maxInstanceLifetime` is not a duration, or is between zero and one day"
);

/// AWS's minimum maximum instance lifetime, in seconds.
pub const MIN_SECONDS: f64 = 86_400.0;

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: true,
    check,
};

fn check(_cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    let pointer = "/spec/maxInstanceLifetime";
    let Some(v) = ig.doc.get(pointer) else {
        return;
    };
    let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
    match v.as_str().and_then(go_duration_seconds) {
        None => out.push(finding(
            &INFO,
            ig,
            pointer,
            format_args!("has `maxInstanceLifetime: {text}`, which is not a duration"),
            "write a duration such as `168h` (units: h, m, s)",
        )),
        // kops truncates to whole seconds before comparing.
        Some(secs) if secs.trunc() != 0.0 && secs.trunc() < MIN_SECONDS => out.push(finding(
            &INFO,
            ig,
            pointer,
            format_args!("has `maxInstanceLifetime: {text}`, shorter than one day"),
            "use `0` (no limit) or at least `24h`",
        )),
        Some(_) => {}
    }
}
