//! SL301: a grant to everyone on a bucket that holds cluster secrets.

use super::{PolicyContext, PolicyRule};
use crate::codes::CodeInfo;
use crate::findings::{Finding, Severity};
use crate::policy::model::Effect;

pub static INFO: CodeInfo = CodeInfo {
    code: "SL301",
    name: "public-principal",
    default_severity: Severity::Critical,
    summary: "an `Allow` to `Principal: \"*\"` without a condition that narrows it",
    doc: "## What it checks\nAllow statements whose principal is `\"*\"` or `{\"AWS\": \"*\"}` and whose conditions do not restrict the caller (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceVpce`, `aws:SourceVpc`, `aws:SourceIp`, `aws:SourceArn`, `aws:SourceAccount`, `aws:userid`).\n\n## Why\nThe state store holds the cluster CA private keys and secrets: anyone on the internet who can read them owns the cluster.\n\n## Example\n```json\n{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::kops-state/*\"}\n```\n\n## Fix\nName the principals (`{\"AWS\": \"arn:aws:iam::111122223333:role/kops\"}`), or add a condition such as `aws:PrincipalOrgID`; keep the bucket's public-access block on.\n",
};

pub struct PublicPrincipal;
pub static RULE: PublicPrincipal = PublicPrincipal;

const NARROWING_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourcevpce",
    "aws:sourcevpc",
    "aws:sourceip",
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:userid",
];

impl PolicyRule for PublicPrincipal {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            if s.effect != Effect::Allow || !s.principal.as_ref().is_some_and(|p| p.is_everyone()) {
                continue;
            }
            let narrowed = s.condition.as_ref().is_some_and(|c| {
                c.iter().any(|(_, keys)| {
                    keys.iter()
                        .any(|(k, _)| NARROWING_KEYS.contains(&k.to_ascii_lowercase().as_str()))
                })
            });
            if narrowed {
                continue;
            }
            let pointer = format!("{}/Principal", cx.pointer(i));
            out.push(
                cx.at(&INFO, &pointer, "this statement allows everyone, anonymous callers included, on a bucket holding cluster secrets".into())
                    .with_help("name the principals, or add a condition such as `aws:PrincipalOrgID`"),
            );
        }
    }
}
