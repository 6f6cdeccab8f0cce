//! SL308: no Deny of requests over plain HTTP.

use serde_json::Value;

use super::{PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};
use crate::policy::model::Effect;

code!(
    INFO,
    "SL308",
    "missing-secure-transport",
    Warning,
    "the policy does not deny requests made without TLS (`aws:SecureTransport`)"
);

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
