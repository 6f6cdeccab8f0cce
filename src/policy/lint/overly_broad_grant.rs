//! SL303: `s3:*`, `*` or `Resource: "*"` in an Allow.

use super::{entries, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};
use crate::policy::model::Effect;

code!(
    INFO,
    "SL303",
    "overly-broad-grant",
    Warning,
    "an Allow grants every action (`s3:*`, `*`) or every resource (`*`)"
);

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
