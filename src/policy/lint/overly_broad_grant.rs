//! SL303: `s3:*`, `*` or `Resource: "*"` in an Allow.

use super::{entries, PolicyContext, PolicyRule};
use crate::codes::CodeInfo;
use crate::findings::{Finding, Severity};
use crate::policy::model::Effect;

pub static INFO: CodeInfo = CodeInfo {
    code: "SL303",
    name: "overly-broad-grant",
    default_severity: Severity::Warning,
    summary: "an Allow grants every action (`s3:*`, `*`) or every resource (`*`)",
    doc: "## What it checks\nAllow statements with `Action` `\"*\"` or `\"s3:*\"`, or `Resource` `\"*\"`.\n\n## Why\nkops needs a known, small set of actions (see `policies/`); `s3:*` also grants deleting the bucket, rewriting its policy and disabling versioning, which turns a leaked credential into a lost cluster. kops's own cross-account example uses `s3:*` and is broader than needed.\n\n## Example\n```json\n{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::222222222222:root\"}, \"Action\": \"s3:*\", \"Resource\": [\"arn:aws:s3:::kops-state\", \"arn:aws:s3:::kops-state/*\"]}\n```\n\n## Fix\nGrant the actions of the matching template instead: `statelint fix-policy --template operator ...` prints them.\n",
};

pub struct OverlyBroadGrant;
pub static RULE: OverlyBroadGrant = OverlyBroadGrant;

impl PolicyRule for OverlyBroadGrant {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            if s.effect != Effect::Allow {
                continue;
            }
            let base = cx.pointer(i);
            for (pointer, action) in entries(&s.action, &format!("{base}/Action")) {
                if action == "*" || action.eq_ignore_ascii_case("s3:*") {
                    out.push(
                        cx.at(&INFO, &pointer, format!("`{action}` grants every action, including deleting the bucket and rewriting this policy"))
                            .with_help("grant only the actions kops needs (see `statelint fix-policy`)"),
                    );
                }
            }
            for (pointer, resource) in entries(&s.resource, &format!("{base}/Resource")) {
                if resource == "*" {
                    out.push(
                        cx.at(
                            &INFO,
                            &pointer,
                            "`Resource: \"*\"` grants on every resource the policy can name".into(),
                        )
                        .with_help("name the bucket and the store prefix"),
                    );
                }
            }
        }
    }
}
