//! SL334: a `Principal` or `NotPrincipal` in an identity policy (a cluster spec's
//! `additionalPolicies` or `inlinePolicy`). An identity policy applies to the role it is
//! attached to; IAM rejects one that names a principal, so `kops update cluster` fails when
//! it puts the role's policy.

use super::{PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};

code!(
    INFO,
    "SL334",
    "identity-policy-principal",
    Error,
    "an identity policy statement names a `Principal` or `NotPrincipal`, which IAM rejects"
);

pub struct IdentityPolicyPrincipal;
pub static RULE: IdentityPolicyPrincipal = IdentityPolicyPrincipal;

impl PolicyRule for IdentityPolicyPrincipal {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn identity_only(&self) -> bool {
        true
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            for (element, present) in [
                ("Principal", s.principal.is_some()),
                ("NotPrincipal", s.not_principal.is_some()),
            ] {
                if !present {
                    continue;
                }
                out.push(
                    cx.at(
                        &INFO,
                        &format!("{}/{element}", cx.pointer(i)),
                        format!(
                            "statement {i} of this identity policy names a `{element}`; IAM rejects identity policies with one"
                        ),
                    )
                    .with_help(format!(
                        "remove `{element}`: an identity policy applies to the role it is attached to (grant other accounts access in the bucket policy)"
                    )),
                );
            }
        }
    }
}
