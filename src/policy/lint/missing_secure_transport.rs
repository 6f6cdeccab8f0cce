//! SL308: no Deny of requests over plain HTTP.

use serde_json::Value;

use super::{PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};
use crate::policy::evaluate::glob;
use crate::policy::model::{Effect, Statement};

code!(
    INFO,
    "SL308",
    "missing-secure-transport",
    Warning,
    "the policy does not deny every request made without TLS (`aws:SecureTransport`) on the bucket and its objects"
);

pub struct MissingSecureTransport;
pub static RULE: MissingSecureTransport = MissingSecureTransport;

impl PolicyRule for MissingSecureTransport {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn bucket_only(&self) -> bool {
        true
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        let statements = cx.statements();
        if statements.is_empty() {
            return;
        }
        let tls_denies: Vec<usize> = (0..statements.len())
            .filter(|&i| denies_plain_http(&statements[i]))
            .collect();
        if tls_denies.is_empty() {
            out.push(
                cx.at(
                    &INFO,
                    "/Statement",
                    "no statement denies requests made without TLS".into(),
                )
                .with_help(HELP),
            );
            return;
        }
        // Every bucket the policy names must be covered, bucket and objects, by some TLS Deny
        // for everyone and every action.
        for bucket in buckets(statements) {
            let targets = [
                format!("arn:aws:s3:::{bucket}"),
                format!("arn:aws:s3:::{bucket}/any/object"),
            ];
            let covered = targets
                .iter()
                .all(|target| tls_denies.iter().any(|&i| covers(&statements[i], target)));
            if covered {
                continue;
            }
            let i = tls_denies[0];
            out.push(
                cx.at(&INFO, &cx.pointer(i), format!(
                    "the TLS Deny does not cover every action on bucket `{bucket}` and its objects for everyone, so some requests may still use plain HTTP"
                ))
                .with_help(HELP),
            );
        }
    }
}

const HELP: &str = "deny `s3:*` for `Principal: \"*\"` on the bucket and `bucket/*` when `aws:SecureTransport` is false";

/// A Deny whose condition holds for requests without TLS.
fn denies_plain_http(s: &Statement) -> bool {
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
}

/// Whether the Deny applies to everyone, every action and `resource`.
fn covers(s: &Statement, resource: &str) -> bool {
    let everyone = s.principal.as_ref().is_some_and(|p| p.is_everyone());
    let every_action = match (&s.action, &s.not_action) {
        (Some(a), _) => a.iter().any(|a| a == "*" || a.eq_ignore_ascii_case("s3:*")),
        _ => false,
    };
    let on_resource = match (&s.resource, &s.not_resource) {
        (Some(r), _) => r.iter().any(|p| glob(p, resource, false)),
        (None, Some(nr)) => !nr.iter().any(|p| glob(p, resource, false)),
        _ => false,
    };
    everyone && every_action && on_resource
}

/// The bucket names the policy's S3 resources mention.
fn buckets(statements: &[Statement]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in statements {
        let listed = s
            .resource
            .iter()
            .chain(s.not_resource.iter())
            .flat_map(|r| r.iter());
        for r in listed {
            let parts: Vec<&str> = r.splitn(6, ':').collect();
            let [_, _, "s3", _, _, rest] = parts[..] else {
                continue;
            };
            let bucket = rest.split('/').next().unwrap_or_default();
            if !bucket.is_empty()
                && !bucket.contains(['*', '?', '$'])
                && !out.iter().any(|b| b == bucket)
            {
                out.push(bucket.to_string());
            }
        }
    }
    out
}
