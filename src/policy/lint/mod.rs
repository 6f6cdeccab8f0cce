//! Static checks of a bucket policy (SL301-SL332), one file each. Every finding points at
//! the element it is about (statement, `Principal`, one `Action` or `Resource` entry, a
//! condition), through the policy's position index.

mod action_resource_mismatch;
mod allow_with_not_principal;
mod bucket_policy_principal;
pub mod cluster_spec;
mod condition_key_case;
mod condition_key_not_for_action;
mod condition_qualifier;
mod condition_type_mismatch;
mod cross_account_missing_location;
mod duplicate_json_key;
mod duplicate_sid;
mod duplicate_statement;
mod empty_condition;
mod empty_sid;
mod forallvalues_single_valued;
mod identity_policy_principal;
mod invalid_version;
mod ip_range_host_bits;
mod malformed_arn;
mod malformed_vpc_id;
mod missing_paired_key;
mod missing_secure_transport;
mod multiple_bool_values;
mod non_s3_action;
mod overly_broad_grant;
mod policy_too_large;
mod policy_variable_syntax;
mod private_ip;
mod privileged_iam_grant;
mod public_principal;
mod redundant_entry;
mod tag_key_not_for_action;
mod unknown_action;
mod unknown_condition_key;
mod unrestricted_service_principal;
mod unsupported_resource;
mod variable_operator;
mod wildcard_without_like;

use crate::findings::{CodeInfo, Finding, Severity};
use crate::policy::evaluate::action_matches;
use crate::policy::facts;
use crate::policy::model::{Effect, OneOrMany, PrincipalKind, Statement};
use crate::policy::parse::ParsedPolicy;
use crate::yaml::escape_pointer_token;

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

    /// A finding at an exact span of the policy text (e.g. the second of two equal keys).
    pub fn at_span(
        &self,
        info: &'static CodeInfo,
        span: crate::source::Span,
        pointer: &str,
        message: String,
    ) -> Finding {
        let location = crate::findings::Location::File {
            file: self.parsed.doc.file,
            url: self.parsed.doc.source.url.clone(),
            span,
        };
        Finding::new(info, message, location).with_pointer(pointer)
    }
}

pub trait PolicyRule: Sync + Send {
    fn info(&self) -> &'static CodeInfo;
    /// Checks that only make sense for a bucket policy (principals, S3-only actions and
    /// resources); identity policies skip them.
    fn bucket_only(&self) -> bool {
        false
    }
    /// Checks that only make sense for an identity policy (no principal, IAM's role quota,
    /// `iam:` grants); bucket policies skip them.
    fn identity_only(&self) -> bool {
        false
    }
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
    &duplicate_json_key::RULE,
    &condition_key_case::RULE,
    &forallvalues_single_valued::RULE,
    &unknown_condition_key::RULE,
    &condition_key_not_for_action::RULE,
    &non_s3_action::RULE,
    &bucket_policy_principal::RULE,
    &invalid_version::RULE,
    &private_ip::RULE,
    &wildcard_without_like::RULE,
    &malformed_vpc_id::RULE,
    &unrestricted_service_principal::RULE,
    &missing_paired_key::RULE,
    &unsupported_resource::RULE,
    &policy_variable_syntax::RULE,
    &redundant_entry::RULE,
    &empty_condition::RULE,
    &condition_qualifier::RULE,
    &tag_key_not_for_action::RULE,
    &ip_range_host_bits::RULE,
    &identity_policy_principal::RULE,
    &policy_too_large::IDENTITY_RULE,
    &privileged_iam_grant::PASS_ROLE,
    &privileged_iam_grant::CREATE_SLR,
    &empty_sid::RULE,
    &multiple_bool_values::RULE,
    &variable_operator::RULE,
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
    &duplicate_json_key::INFO,
    &condition_key_case::INFO,
    &forallvalues_single_valued::INFO,
    &unknown_condition_key::INFO,
    &condition_key_not_for_action::INFO,
    &non_s3_action::INFO,
    &bucket_policy_principal::INFO,
    &invalid_version::INFO,
    &private_ip::INFO,
    &wildcard_without_like::INFO,
    &malformed_vpc_id::INFO,
    &unrestricted_service_principal::INFO,
    &missing_paired_key::INFO,
    &unsupported_resource::INFO,
    &policy_variable_syntax::INFO,
    &redundant_entry::INFO,
    &empty_condition::INFO,
    &condition_qualifier::INFO,
    &tag_key_not_for_action::INFO,
    &ip_range_host_bits::INFO,
    &identity_policy_principal::INFO,
    &policy_too_large::IDENTITY_INFO,
    &privileged_iam_grant::PASS_ROLE_INFO,
    &privileged_iam_grant::CREATE_SLR_INFO,
    &cluster_spec::DROPPED_FIELD,
    &empty_sid::INFO,
    &multiple_bool_values::INFO,
    &variable_operator::INFO,
];

/// Runs every bucket-policy rule (all but the identity-only ones) on a bucket policy.
pub fn lint(cx: &PolicyContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in RULES.iter().filter(|r| !r.identity_only()) {
        rule.check(cx, &mut out);
    }
    out
}

/// The bucket-policy lint: every rule. `owner_account` (when known) tells which principals
/// are of other accounts.
pub fn lint_bucket_policy(parsed: &ParsedPolicy, owner_account: Option<&str>) -> Vec<Finding> {
    lint(&PolicyContext {
        parsed,
        owner_account,
    })
}

/// The identity-policy lint (an IAM user's or role's policy, e.g. a cluster spec's
/// `additionalPolicies`): the rules that are not about bucket-policy principals and scope,
/// and the identity-only ones.
pub fn lint_identity_policy(parsed: &ParsedPolicy) -> Vec<Finding> {
    let cx = PolicyContext {
        parsed,
        owner_account: None,
    };
    let mut out = Vec::new();
    for rule in RULES.iter().filter(|r| !r.bucket_only()) {
        rule.check(&cx, &mut out);
    }
    out
}

/// The identity-policy lint on a policy file given on the command line (`probe
/// --identity-policy`), at its lines and columns; an unreadable file yields nothing here
/// (reading it is the caller's error to report).
pub fn lint_identity_policy_file(
    path: &std::path::Path,
    sources: &crate::source::SourceDb,
) -> Vec<Finding> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let url = match std::path::absolute(path) {
        Ok(abs) => format!("file://{}", abs.display()),
        Err(_) => path.display().to_string(),
    };
    match crate::policy::parse::parse(&url, &text, sources) {
        Ok(parsed) => lint_identity_policy(&parsed),
        Err(e) => vec![e.into_finding()],
    }
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

/// The `Action` and `NotAction` entries of statement `s` (at `base`) with their pointers.
pub fn action_entries<'a>(s: &'a Statement, base: &str) -> Vec<(String, &'a str)> {
    let mut out = entries(&s.action, &format!("{base}/Action"));
    out.extend(entries(&s.not_action, &format!("{base}/NotAction")));
    out
}

/// The `Resource` and `NotResource` entries of statement `s` (at `base`) with pointers.
pub fn resource_entries<'a>(s: &'a Statement, base: &str) -> Vec<(String, &'a str)> {
    let mut out = entries(&s.resource, &format!("{base}/Resource"));
    out.extend(entries(&s.not_resource, &format!("{base}/NotResource")));
    out
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

/// One condition key of a statement, with its operator, values and pointers.
pub struct ConditionEntry<'a> {
    pub operator: &'a str,
    pub operator_pointer: String,
    pub key: &'a str,
    pub key_pointer: String,
    pub values: &'a OneOrMany<serde_json::Value>,
}

impl ConditionEntry<'_> {
    /// `StringEquals` of `ForAnyValue:StringEqualsIfExists`.
    pub fn base_operator(&self) -> &str {
        let op = self
            .operator
            .split_once(':')
            .map_or(self.operator, |(_, rest)| rest);
        op.strip_suffix("IfExists").unwrap_or(op)
    }

    /// `ForAllValues`, `ForAnyValue` or `None`.
    pub fn qualifier(&self) -> Option<&str> {
        self.operator.split_once(':').map(|(q, _)| q)
    }

    /// The pointer of value `j` (the key's own when it has one value, not a list).
    pub fn value_pointer(&self, j: usize) -> String {
        match self.values {
            OneOrMany::One(_) => self.key_pointer.clone(),
            OneOrMany::Many(_) => format!("{}/{j}", self.key_pointer),
        }
    }

    /// The values as text (numbers and booleans as written).
    pub fn texts(&self) -> Vec<String> {
        self.values
            .iter()
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect()
    }
}

/// Every condition key of statement `s` (at `base`), in written order.
pub fn conditions<'a>(s: &'a Statement, base: &str) -> Vec<ConditionEntry<'a>> {
    let Some(condition) = &s.condition else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (operator, keys) in condition.iter() {
        let operator_pointer = format!("{base}/Condition/{}", escape_pointer_token(operator));
        for (key, values) in keys.iter() {
            out.push(ConditionEntry {
                operator,
                key_pointer: format!("{operator_pointer}/{}", escape_pointer_token(key)),
                operator_pointer: operator_pointer.clone(),
                key,
                values,
            });
        }
    }
    out
}

/// Store-aware severity: a defect in a statement that lets everyone in is critical, since
/// the state store holds every cluster's keys.
pub fn store_severity(s: &Statement, otherwise: Severity) -> Severity {
    if s.effect == Effect::Allow && s.principal.as_ref().is_some_and(|p| p.is_everyone()) {
        Severity::Critical
    } else {
        otherwise
    }
}

/// The S3 actions a statement's `Action` entries name or match (wildcards expanded with
/// the bundled facts); empty for `NotAction` statements.
pub fn s3_actions_of(s: &Statement) -> Vec<&'static facts::Action> {
    let Some(actions) = &s.action else {
        return Vec::new();
    };
    facts::s3_actions()
        .iter()
        .filter(|a| {
            let full = format!("s3:{}", a.name);
            actions.iter().any(|p| action_matches(p, &full))
        })
        .collect()
}

/// The S3 action names we know (`s3:GetObject`, ...), from the bundled IAM facts.
pub fn known_s3_actions() -> impl Iterator<Item = String> {
    facts::s3_actions().iter().map(|a| format!("s3:{}", a.name))
}

/// Whether an S3 action works on objects (`arn:aws:s3:::bucket/key`) rather than the
/// bucket; `None` for wildcards, non-S3 actions and actions on neither.
pub fn is_object_action(action: &str) -> Option<bool> {
    let name = action
        .strip_prefix("s3:")
        .or_else(|| action.strip_prefix("S3:"))?;
    let action = facts::s3_action(name)?;
    match (action.on_objects(), action.on_bucket()) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
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

    /// The codes `lint` finds in the policy `text`.
    pub(super) fn codes_of(
        text: &str,
        lint: impl Fn(&ParsedPolicy) -> Vec<Finding>,
    ) -> Vec<&'static str> {
        let sources = crate::source::SourceDb::new();
        let parsed = crate::policy::parse::parse("file:///p.json", text, &sources)
            .unwrap_or_else(|e| panic!("{}", e.into_finding().message));
        lint(&parsed).iter().map(|f| f.code).collect()
    }

    /// A policy over both limits (IAM's 10,240 characters, S3's 20 KB): the identity lint
    /// reports only the identity quota (SL335), the bucket lint only the bucket limit
    /// (SL311), so each size rule stays in its own lint.
    #[test]
    fn each_lint_runs_its_own_size_rule_and_not_the_other() {
        let statement = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::kops-state/kops/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/*"}"#;
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            vec![statement; 170].join(",")
        );
        assert!(text.len() > 20_480, "{}", text.len());
        let identity = codes_of(&text, lint_identity_policy);
        assert!(identity.contains(&"SL335"), "{identity:?}");
        assert!(!identity.contains(&"SL311"), "{identity:?}");
        let bucket = codes_of(&text, |p| lint_bucket_policy(p, None));
        assert!(bucket.contains(&"SL311"), "{bucket:?}");
        assert!(!bucket.contains(&"SL335"), "{bucket:?}");
    }

    /// A `Principal` or `NotPrincipal` in an identity policy is SL334; the bucket-policy
    /// rules about whom a statement names (a service principal without a source, SL324;
    /// everyone, SL301; another account without `s3:GetBucketLocation`, SL304; an Allow
    /// with `NotPrincipal`, SL305) stay out.
    #[test]
    fn the_identity_lint_leaves_bucket_principal_rules_out() {
        for (principal, bucket_code) in [
            (r#""Principal":{"Service":"ec2.amazonaws.com"}"#, "SL324"),
            (r#""Principal":"*""#, "SL301"),
            (
                r#""Principal":{"AWS":"arn:aws:iam::222222222222:role/ci"}"#,
                "SL304",
            ),
            (
                r#""NotPrincipal":{"AWS":"arn:aws:iam::222222222222:role/ci"}"#,
                "SL305",
            ),
        ] {
            let text = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",{principal},"Action":"s3:GetObject","Resource":"arn:aws:s3:::kops-state/kops/*"}}]}}"#
            );
            let bucket = codes_of(&text, |p| lint_bucket_policy(p, None));
            assert!(bucket.contains(&bucket_code), "{principal}: {bucket:?}");
            let identity = codes_of(&text, lint_identity_policy);
            assert!(identity.contains(&"SL334"), "{principal}: {identity:?}");
            assert!(
                !identity.contains(&bucket_code),
                "{principal}: {identity:?}"
            );
        }
    }

    /// `iam:PassRole` on every role is SL336 in an identity policy; a bucket policy cannot
    /// grant IAM actions at all, so the identity-only rule stays out of the bucket lint.
    #[test]
    fn the_bucket_lint_leaves_identity_only_rules_out() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}"#;
        let identity = codes_of(text, lint_identity_policy);
        assert!(identity.contains(&"SL336"), "{identity:?}");
        let bucket = codes_of(text, |p| lint_bucket_policy(p, None));
        assert!(!bucket.contains(&"SL336"), "{bucket:?}");
    }

    /// Which rules each lint runs. A rule about a bucket policy's principals or S3-only
    /// scope run on an identity policy reports what IAM never sees, and an identity-only rule
    /// run on a bucket policy reports what S3 never sees; a change here is a change of
    /// what `check-policy` and `probe --identity-policy` report.
    #[test]
    fn each_rule_runs_in_the_lints_it_belongs_to() {
        let codes = |keep: fn(&dyn PolicyRule) -> bool| -> Vec<&str> {
            RULES
                .iter()
                .filter(|r| keep(**r))
                .map(|r| r.info().code)
                .collect()
        };
        assert_eq!(
            codes(|r| r.bucket_only()),
            ["SL301", "SL304", "SL305", "SL308", "SL311", "SL318", "SL319", "SL324", "SL326"]
        );
        assert_eq!(
            codes(|r| r.identity_only()),
            ["SL334", "SL335", "SL336", "SL337"]
        );
        assert!(RULES
            .iter()
            .all(|r| !(r.bucket_only() && r.identity_only())));
    }

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
