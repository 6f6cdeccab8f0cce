//! SL304: a principal of another account gets the store but not `s3:GetBucketLocation`.

use super::{aws_principals, entries, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};
use crate::policy::arn::is_account_id;
use crate::policy::evaluate::action_matches;
use crate::policy::model::Effect;

code!(
    INFO,
    "SL304",
    "cross-account-missing-location",
    Error,
    "a principal is granted the store but not `s3:GetBucketLocation`"
);

pub struct CrossAccountMissingLocation;
pub static RULE: CrossAccountMissingLocation = CrossAccountMissingLocation;

fn account_of(principal: &str) -> Option<&str> {
    if is_account_id(principal) {
        return Some(principal);
    }
    principal.split(':').nth(4).filter(|a| is_account_id(a))
}

impl PolicyRule for CrossAccountMissingLocation {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        let statements = cx.statements();
        let grants = |principal: &str, action: &str| {
            statements.iter().enumerate().any(|(i, s)| {
                s.effect == Effect::Allow
                    && (s.principal.as_ref().is_some_and(|p| p.is_everyone())
                        || aws_principals(s, &cx.pointer(i)).iter().any(|(_, p)| {
                            p == principal
                                || account_of(p).is_some_and(|a| {
                                    p.ends_with(":root") && Some(a) == account_of(principal)
                                })
                        }))
                    && entries(&s.action, "")
                        .iter()
                        .any(|(_, a)| action_matches(a, action))
            })
        };
        let mut reported: Vec<String> = Vec::new();
        for (i, s) in statements.iter().enumerate() {
            if s.effect != Effect::Allow {
                continue;
            }
            let gives_store = entries(&s.action, "").iter().any(|(_, a)| {
                ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]
                    .iter()
                    .any(|x| action_matches(a, x))
            });
            if !gives_store {
                continue;
            }
            for (pointer, principal) in aws_principals(s, &cx.pointer(i)) {
                let Some(account) = account_of(&principal) else {
                    continue;
                };
                if cx.owner_account == Some(account) || reported.contains(&principal) {
                    continue;
                }
                if !grants(&principal, "s3:GetBucketLocation") {
                    reported.push(principal.clone());
                    out.push(
                        cx.at(&INFO, &pointer, format!("`{principal}` is granted the store but not `s3:GetBucketLocation`; kops before 1.36 cannot find the bucket's region"))
                            .with_help("add `s3:GetBucketLocation` on the bucket ARN for this principal (`statelint fix-policy` prints it)"),
                    );
                }
            }
        }
    }
}
