//! SL335: an identity policy over IAM's quota for a role's inline policies (10,240
//! characters, whitespace not counted). kops puts `additionalPolicies` and each
//! `inlinePolicy` on a role inline, beside its own policy, which shares the same quota.

use super::{PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};

code!(
    INFO,
    "SL335",
    "identity-policy-too-large",
    Error,
    "an identity policy is larger than IAM's quota for a role's inline policies"
);

pub struct IdentityPolicyTooLarge;
pub static RULE: IdentityPolicyTooLarge = IdentityPolicyTooLarge;

/// IAM's quota on the inline policies of one role, in characters without whitespace.
pub const ROLE_INLINE_LIMIT: usize = 10_240;

impl PolicyRule for IdentityPolicyTooLarge {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn identity_only(&self) -> bool {
        true
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        let size = cx
            .parsed
            .doc
            .source
            .text
            .chars()
            .filter(|c| !c.is_whitespace())
            .count();
        if size > ROLE_INLINE_LIMIT {
            out.push(
                cx.at(&INFO, "", format!(
                    "the policy is {size} characters without whitespace, over IAM's {ROLE_INLINE_LIMIT}-character quota for a role's inline policies"
                ))
                .with_help("merge statements and use wildcards, or create a managed policy and name its ARN in `externalPolicies` (or `policyARNs`)"),
            );
        }
    }
}
