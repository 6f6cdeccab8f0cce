//! SL170: a machine type EC2 does not offer. Mirrors kops's
//! `awsValidateInstanceTypeAndImage` (`pkg/apis/kops/validation/aws.go`), which asks EC2
//! (`DescribeInstanceTypes`); statelint looks the type up in its shipped catalogue instead.

use serde_json::Value;

use crate::findings::{code, Finding};
use crate::rules::support::{at, ig_name};
use crate::rules::{ClusterContext, InstanceGroup};
use crate::suggest::did_you_mean;

use super::{aws_instance_types, GroupRule};

code!(
    INFO,
    "SL170",
    "unknown-machine-type",
    Error,
    "an instance group on AWS names a machine type that is not an EC2 instance type"
);

pub static RULE: GroupRule = GroupRule {
    info: &INFO,
    aws_only: true,
    check,
};

fn check(_cx: &ClusterContext<'_>, ig: &InstanceGroup, out: &mut Vec<Finding>) {
    if let Some(types) = ig.doc.str_at("/spec/machineType") {
        check_list(ig, "/spec/machineType", types, out);
    }
    let pointer = "/spec/mixedInstancesPolicy/instances";
    if let Some(items) = ig.doc.get(pointer).and_then(Value::as_array) {
        for (i, item) in items.iter().enumerate() {
            if let Some(types) = item.as_str() {
                check_list(ig, &format!("{pointer}/{i}"), types, out);
            }
        }
    }
}

/// kops splits the field on `,` (Spotinst keeps several types in one field).
fn check_list(ig: &InstanceGroup, pointer: &str, types: &str, out: &mut Vec<Finding>) {
    if types.trim().is_empty() {
        return;
    }
    for t in types.split(',') {
        if !aws_instance_types::contains(t) {
            out.push(unknown(ig, pointer, t));
        }
    }
}

pub fn unknown(ig: &InstanceGroup, pointer: &str, machine_type: &str) -> Finding {
    let known = aws_instance_types::all().iter().copied();
    let help = match did_you_mean(machine_type, known) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!(
            "use an EC2 instance type (`aws ec2 describe-instance-types`); the catalogue is {}",
            aws_instance_types::provenance()
        ),
    };
    at(
        &INFO,
        &ig.doc,
        pointer,
        format!(
            "instance group `{}` uses machine type `{machine_type}`, which is not an EC2 instance type",
            ig_name(ig)
        ),
    )
    .with_help(help)
}
