//! SL324: a service principal granted access without `aws:SourceAccount`,
//! `aws:SourceArn` or `aws:SourceOrgID`. The service acts for every customer; without
//! them, another account's resource can make it write to (or read) this bucket: the
//! confused-deputy problem.

use super::{conditions, s3_actions_of, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding, Severity};
use crate::policy::model::{Effect, PrincipalKind};

code!(
    INFO,
    "SL324",
    "unrestricted-service-principal",
    Warning,
    "a service principal is allowed in without `aws:SourceAccount` or `aws:SourceArn`"
);

pub struct UnrestrictedServicePrincipal;
pub static RULE: UnrestrictedServicePrincipal = UnrestrictedServicePrincipal;

const SOURCE_KEYS: [&str; 5] = [
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceOwner",
];

impl PolicyRule for UnrestrictedServicePrincipal {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn bucket_only(&self) -> bool {
        true
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            let Some(principal) = &s.principal else {
                continue;
            };
            if s.effect != Effect::Allow {
                continue;
            }
            let services: Vec<&str> = principal
                .entries()
                .into_iter()
                .filter(|(k, _)| *k == PrincipalKind::Service)
                .map(|(_, v)| v)
                .collect();
            if services.is_empty() {
                continue;
            }
            let base = cx.pointer(i);
            let restricted = conditions(s, &base).iter().any(|e| {
                !e.operator.contains("IfExists")
                    && SOURCE_KEYS.iter().any(|k| e.key.eq_ignore_ascii_case(k))
            });
            if restricted {
                continue;
            }
            let writes = s3_actions_of(s).iter().any(|a| a.writes()) || s.not_action.is_some();
            out.push(
                cx.at(&INFO, &format!("{base}/Principal/Service"), format!(
                    "`{}` is allowed to {} this bucket on behalf of any AWS account",
                    services.join("`, `"),
                    if writes { "write to" } else { "read" }
                ))
                .with_severity(if writes { Severity::Error } else { Severity::Warning })
                .with_help("add a condition on `aws:SourceAccount` (your account) or `aws:SourceArn` (the resource the service acts for)"),
            );
        }
    }
}
