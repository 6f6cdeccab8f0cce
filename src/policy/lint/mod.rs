//! Static checks of a bucket policy (SL301-SL312), one file each. Every finding points at
//! the element it is about (statement, `Principal`, one `Action` or `Resource` entry, a
//! condition), through the policy's position index.

mod action_resource_mismatch;
mod allow_with_not_principal;
mod condition_type_mismatch;
mod cross_account_missing_location;
mod duplicate_sid;
mod duplicate_statement;
mod malformed_arn;
mod missing_secure_transport;
mod overly_broad_grant;
mod policy_too_large;
mod public_principal;
mod unknown_action;

use crate::findings::{CodeInfo, Finding};
use crate::policy::model::{OneOrMany, PrincipalKind, Statement};
use crate::policy::parse::ParsedPolicy;

/// What a policy rule sees.
pub struct PolicyContext<'a> {
    pub parsed: &'a ParsedPolicy,
    /// The account owning the bucket, when known (principals of other accounts are
    /// cross-account).
    pub owner_account: Option<&'a str>,
}

impl PolicyContext<'_> {
    pub fn statements(&self) -> &[Statement] {
        self.parsed.policy.statements()
    }

    pub fn pointer(&self, index: usize) -> String {
        self.parsed.policy.statement_pointer(index)
    }

    /// A finding at `pointer` (falls back to the nearest written ancestor).
    pub fn at(&self, info: &'static CodeInfo, pointer: &str, message: String) -> Finding {
        Finding::new(info, message, self.parsed.doc.location(pointer)).with_pointer(pointer)
    }
}

pub trait PolicyRule: Sync + Send {
    fn info(&self) -> &'static CodeInfo;
    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>);
}

/// Every policy rule, in code order.
pub static RULES: &[&dyn PolicyRule] = &[
    &public_principal::RULE,
    &action_resource_mismatch::RULE,
    &overly_broad_grant::RULE,
    &cross_account_missing_location::RULE,
    &allow_with_not_principal::RULE,
    &unknown_action::RULE,
    &malformed_arn::RULE,
    &missing_secure_transport::RULE,
    &duplicate_statement::RULE,
    &duplicate_sid::RULE,
    &policy_too_large::RULE,
    &condition_type_mismatch::RULE,
];

pub static CODES: &[&CodeInfo] = &[
    &public_principal::INFO,
    &action_resource_mismatch::INFO,
    &overly_broad_grant::INFO,
    &cross_account_missing_location::INFO,
    &allow_with_not_principal::INFO,
    &unknown_action::INFO,
    &malformed_arn::INFO,
    &missing_secure_transport::INFO,
    &duplicate_statement::INFO,
    &duplicate_sid::INFO,
    &policy_too_large::INFO,
    &condition_type_mismatch::INFO,
];

/// Runs every rule.
pub fn lint(cx: &PolicyContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in RULES {
        rule.check(cx, &mut out);
    }
    out
}

/// The rule with this code (fixture tests).
pub fn by_code(code: &str) -> Option<&'static dyn PolicyRule> {
    RULES.iter().copied().find(|r| r.info().code == code)
}

/// The entries of a one-or-many string field with their JSON pointers.
pub fn entries<'a>(field: &'a Option<OneOrMany<String>>, pointer: &str) -> Vec<(String, &'a str)> {
    match field {
        None => Vec::new(),
        Some(OneOrMany::One(v)) => vec![(pointer.to_string(), v.as_str())],
        Some(OneOrMany::Many(vs)) => vs
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("{pointer}/{i}"), v.as_str()))
            .collect(),
    }
}

/// The `AWS` principal values of a statement's `Principal` with their pointers.
pub fn aws_principals(s: &Statement, pointer: &str) -> Vec<(String, String)> {
    let Some(crate::policy::model::Principal::Map(map)) = &s.principal else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (kind, values) in map.iter() {
        if PrincipalKind::from_key(kind) != Some(PrincipalKind::Aws) {
            continue;
        }
        let base = format!("{pointer}/Principal/{kind}");
        match values {
            OneOrMany::One(v) => out.push((base, v.clone())),
            OneOrMany::Many(vs) => out.extend(
                vs.iter()
                    .enumerate()
                    .map(|(i, v)| (format!("{base}/{i}"), v.clone())),
            ),
        }
    }
    out
}

/// The S3 action names we know (`s3_actions.txt`).
pub fn known_s3_actions() -> impl Iterator<Item = &'static str> {
    include_str!("s3_actions.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
}

/// Whether an S3 action works on objects (`arn:aws:s3:::bucket/key`); `None` for
/// wildcards and non-S3 actions.
pub fn is_object_action(action: &str) -> Option<bool> {
    let name = action
        .strip_prefix("s3:")
        .or_else(|| action.strip_prefix("S3:"))?;
    if name.contains('*') || name.contains('?') {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    if lower.contains("object")
        || matches!(
            lower.as_str(),
            "abortmultipartupload" | "listmultipartuploadparts" | "restoreobject"
        )
        || lower.starts_with("replicate")
    {
        return Some(true);
    }
    if lower.contains("bucket")
        || lower.ends_with("configuration")
        || matches!(lower.as_str(), "listallmybuckets")
    {
        return Some(false);
    }
    None
}

/// `arn:<partition>:s3:::bucket` (no key).
pub fn is_bucket_arn(resource: &str) -> bool {
    let mut parts = resource.splitn(6, ':');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("arn"), Some(_), Some("s3"), Some(""), Some(""), Some(rest)) if !rest.contains('/') && rest != "*"
    )
}

/// `arn:<partition>:s3:::bucket/key` (any key pattern).
pub fn is_object_arn(resource: &str) -> bool {
    let mut parts = resource.splitn(6, ':');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("arn"), Some(_), Some("s3"), Some(""), Some(""), Some(rest)) if rest.contains('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_actions_and_arns() {
        assert_eq!(is_object_action("s3:GetObject"), Some(true));
        assert_eq!(is_object_action("s3:ListBucket"), Some(false));
        assert_eq!(
            is_object_action("s3:GetEncryptionConfiguration"),
            Some(false)
        );
        assert_eq!(is_object_action("s3:Get*"), None);
        assert!(is_bucket_arn("arn:aws:s3:::kops-state"));
        assert!(!is_bucket_arn("arn:aws:s3:::kops-state/*"));
        assert!(is_object_arn("arn:aws:s3:::kops-state/kops/*"));
        assert!(known_s3_actions().count() > 80);
    }
}
