//! SL308: no Deny of requests over plain HTTP.

use serde_json::Value;

use super::{PolicyContext, PolicyRule};
use crate::codes::CodeInfo;
use crate::findings::{Finding, Severity};
use crate::policy::model::Effect;

pub static INFO: CodeInfo = CodeInfo {
    code: "SL308",
    name: "missing-secure-transport",
    default_severity: Severity::Warning,
    summary: "the policy does not deny requests made without TLS (`aws:SecureTransport`)",
    doc: "## What it checks\nThat some `Deny` statement has the condition `\"Bool\": {\"aws:SecureTransport\": \"false\"}`.\n\n## Why\nThe store holds private keys and secrets; without the Deny, a misconfigured client may send or fetch them over plain HTTP.\n\n## Example\nA policy with only Allow statements.\n\n## Fix\nAdd `{\"Sid\": \"DenyInsecureTransport\", \"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\", \"Resource\": [\"arn:aws:s3:::bucket\", \"arn:aws:s3:::bucket/*\"], \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}}`.\n",
};

pub struct MissingSecureTransport;
pub static RULE: MissingSecureTransport = MissingSecureTransport;

impl PolicyRule for MissingSecureTransport {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        let denies_http = cx.statements().iter().any(|s| {
            s.effect == Effect::Deny
                && s.condition.as_ref().is_some_and(|c| {
                    c.iter().any(|(op, keys)| {
                        op.starts_with("Bool")
                            && keys.iter().any(|(k, values)| {
                                k.eq_ignore_ascii_case("aws:SecureTransport")
                                    && values.iter().any(|v| match v {
                                        Value::String(s) => s.eq_ignore_ascii_case("false"),
                                        Value::Bool(b) => !b,
                                        _ => false,
                                    })
                            })
                    })
                })
        });
        if !denies_http && !cx.statements().is_empty() {
            out.push(
                cx.at(
                    &INFO,
                    "/Statement",
                    "no statement denies requests made without TLS".into(),
                )
                .with_help(
                    "add a Deny on `aws:SecureTransport` = false for the bucket and its objects",
                ),
            );
        }
    }
}
