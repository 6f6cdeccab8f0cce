//! SL336, SL337: an identity policy that allows an IAM action which hands out power on
//! every resource: `iam:PassRole` (any role, the account's admin roles included, to any
//! service) and `iam:CreateServiceLinkedRole` (for any service). Through a wildcard or a
//! `NotAction`, and on `Resource: "*"` or through a `NotResource`: the six cases of each in
//! AWS's validation reference are one check here. A node that can pass any role can
//! launch an instance with a role that reads the whole state store.

use super::{entries, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding, Severity};
use crate::policy::evaluate::action_matches;
use crate::policy::model::{Effect, Statement};

code!(
    PASS_ROLE_INFO,
    "SL336",
    "pass-role-on-any-role",
    Error,
    "an identity policy allows `iam:PassRole` on every role"
);

code!(
    CREATE_SLR_INFO,
    "SL337",
    "create-slr-on-any-service",
    Warning,
    "an identity policy allows `iam:CreateServiceLinkedRole` on every service's role"
);

/// One privileged IAM action and what to narrow it to.
pub struct PrivilegedIamGrant {
    info: &'static CodeInfo,
    action: &'static str,
    severity: Severity,
    narrow_to: &'static str,
}

pub static PASS_ROLE: PrivilegedIamGrant = PrivilegedIamGrant {
    info: &PASS_ROLE_INFO,
    action: "iam:PassRole",
    severity: Severity::Error,
    narrow_to: "the ARNs of the roles it must pass (`arn:aws:iam::<account>:role/<name>`), with `iam:PassedToService` naming the service",
};

pub static CREATE_SLR: PrivilegedIamGrant = PrivilegedIamGrant {
    info: &CREATE_SLR_INFO,
    action: "iam:CreateServiceLinkedRole",
    severity: Severity::Warning,
    narrow_to: "the service-linked role ARNs it needs (`arn:aws:iam::*:role/aws-service-role/<service>.amazonaws.com/*`), with `iam:AWSServiceName`",
};

impl PrivilegedIamGrant {
    /// Where and how the statement reaches the action (`None`: it does not); the text is
    /// empty when it names the action itself.
    fn through(&self, s: &Statement, base: &str) -> Option<(String, String)> {
        if let Some(excluded) = &s.not_action {
            if excluded.iter().any(|p| action_matches(p, self.action)) {
                return None;
            }
            return Some((
                format!("{base}/NotAction"),
                " (through a `NotAction` that leaves it in)".into(),
            ));
        }
        entries(&s.action, &format!("{base}/Action"))
            .into_iter()
            .find(|(_, p)| action_matches(p, self.action))
            .map(|(pointer, p)| {
                let via = if p.eq_ignore_ascii_case(self.action) {
                    String::new()
                } else {
                    format!(" (through `{p}`)")
                };
                (pointer, via)
            })
    }

    /// How the statement reaches every resource (`None`: it names some).
    fn everywhere(s: &Statement) -> Option<&'static str> {
        if s.not_resource.is_some() {
            Some("a `NotResource`")
        } else if s
            .resource
            .as_ref()
            .is_some_and(|r| r.iter().any(|r| r == "*"))
        {
            Some("`Resource: \"*\"`")
        } else {
            None
        }
    }
}

impl PolicyRule for PrivilegedIamGrant {
    fn info(&self) -> &'static CodeInfo {
        self.info
    }

    fn identity_only(&self) -> bool {
        true
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            if s.effect != Effect::Allow {
                continue;
            }
            let base = cx.pointer(i);
            let (Some((pointer, via)), Some(scope)) = (self.through(s, &base), Self::everywhere(s))
            else {
                continue;
            };
            out.push(
                cx.at(
                    self.info,
                    &pointer,
                    format!(
                        "statement {i} allows `{}`{via} on every resource ({scope})",
                        self.action
                    ),
                )
                .with_severity(self.severity)
                .with_help(format!(
                    "grant `{}` in a statement of its own, on {}",
                    self.action, self.narrow_to
                )),
            );
        }
    }
}
