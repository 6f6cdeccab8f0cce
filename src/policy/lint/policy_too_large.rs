//! SL311, SL335: a policy over its size limit, whitespace not counted. One check, two
//! limits: S3's 20 KB for a bucket policy, and IAM's 10,240 characters for the inline
//! policies of a role, where kops puts `additionalPolicies` and each `inlinePolicy` beside
//! its own policy, which shares the same quota.

use super::{PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};

code!(
    INFO,
    "SL311",
    "policy-too-large",
    Error,
    "the bucket policy is larger than S3's 20 KB limit"
);

code!(
    IDENTITY_INFO,
    "SL335",
    "identity-policy-too-large",
    Error,
    "an identity policy is larger than IAM's quota for a role's inline policies"
);

/// One kind of policy and its limit.
pub struct PolicyTooLarge {
    info: &'static CodeInfo,
    /// Bucket policies count bytes, IAM counts characters.
    in_bytes: bool,
    limit: usize,
    bucket: bool,
    what: &'static str,
    help: &'static str,
}

pub static RULE: PolicyTooLarge = PolicyTooLarge {
    info: &INFO,
    in_bytes: true,
    limit: 20 * 1024,
    bucket: true,
    what: "bytes without whitespace, over the 20480-byte bucket-policy limit",
    help:
        "merge statements, use wildcards in resource paths, or move grants into identity policies",
};

pub static IDENTITY_RULE: PolicyTooLarge = PolicyTooLarge {
    info: &IDENTITY_INFO,
    in_bytes: false,
    limit: 10_240,
    bucket: false,
    what: "characters without whitespace, over IAM's 10240-character quota for a role's inline policies",
    help: "merge statements and use wildcards, or create a managed policy and name its ARN in `externalPolicies` (or `policyARNs`)",
};

impl PolicyRule for PolicyTooLarge {
    fn info(&self) -> &'static CodeInfo {
        self.info
    }

    fn bucket_only(&self) -> bool {
        self.bucket
    }

    fn identity_only(&self) -> bool {
        !self.bucket
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        let kept = cx
            .parsed
            .doc
            .source
            .text
            .chars()
            .filter(|c| !c.is_whitespace());
        let size: usize = if self.in_bytes {
            kept.map(char::len_utf8).sum()
        } else {
            kept.count()
        };
        if size > self.limit {
            out.push(
                cx.at(self.info, "", format!("the policy is {size} {}", self.what))
                    .with_help(self.help),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::lint::tests::codes_of;
    use crate::policy::lint::{lint_bucket_policy, lint_identity_policy};
    use crate::policy::parse::ParsedPolicy;

    /// A policy whose size without whitespace is exactly `size` in `unit` (bytes or
    /// characters), with one two-byte character in it so the two units differ.
    fn policy_of(size: usize, in_bytes: bool) -> String {
        let head = r#"{ "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::kops-state/kops/é"#;
        let tail = r#"" } ] }"#;
        let measure = |t: &str| {
            let kept = t.chars().filter(|c| !c.is_whitespace());
            if in_bytes {
                kept.map(char::len_utf8).sum()
            } else {
                kept.count()
            }
        };
        let pad = size - measure(head) - measure(tail);
        format!("{head}{}{tail}", "A".repeat(pad))
    }

    #[test]
    fn a_bucket_policy_may_be_exactly_20480_bytes() {
        let bucket = |p: &ParsedPolicy| lint_bucket_policy(p, None);
        assert!(!codes_of(&policy_of(20_480, true), bucket).contains(&"SL311"));
        assert!(codes_of(&policy_of(20_481, true), bucket).contains(&"SL311"));
        // 20,480 characters are 20,481 bytes here: over.
        assert!(codes_of(&policy_of(20_480, false), bucket).contains(&"SL311"));
    }

    #[test]
    fn an_identity_policy_may_be_exactly_10240_characters() {
        assert!(!codes_of(&policy_of(10_240, false), lint_identity_policy).contains(&"SL335"));
        assert!(codes_of(&policy_of(10_241, false), lint_identity_policy).contains(&"SL335"));
        // 10,241 bytes are 10,240 characters here: at the limit, not over.
        assert!(!codes_of(&policy_of(10_241, true), lint_identity_policy).contains(&"SL335"));
    }
}
