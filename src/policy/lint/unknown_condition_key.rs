//! SL316: a condition key that does not exist (misspelt, wrong service, tag key missing).
//! A condition on a key the request never carries is false, so an Allow never matches and
//! a Deny never applies.

use super::{conditions, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};
use crate::policy::facts;
use crate::suggest::did_you_mean;

code!(
    INFO,
    "SL316",
    "unknown-condition-key",
    Error,
    "a condition key is not a global (`aws:`) or S3 (`s3:`) key, or is malformed"
);

pub struct UnknownConditionKey;
pub static RULE: UnknownConditionKey = UnknownConditionKey;

/// What is wrong with `key`, or `None` when a bucket policy can use it.
fn problem(key: &str) -> Option<String> {
    let Some((service, name)) = key.split_once(':') else {
        return Some("is not of the form `service:name`".into());
    };
    if name.is_empty() {
        return Some("has no name after the service prefix".into());
    }
    if name.ends_with('/') {
        return Some("names no tag key after `/`".into());
    }
    match service.to_ascii_lowercase().as_str() {
        "aws" if facts::global_key(key).is_none() => Some("is not a global condition key".into()),
        "s3" if facts::s3_key(key).is_none() => Some("is not an S3 condition key".into()),
        "aws" | "s3" => None,
        other if facts::is_service_prefix(other) => Some(format!(
            "belongs to `{other}`, and S3 never sets it on a request to a bucket"
        )),
        other => Some(format!("has `{other}`, which is not an AWS service prefix")),
    }
}

impl PolicyRule for UnknownConditionKey {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            for e in conditions(s, &cx.pointer(i)) {
                let Some(problem) = problem(e.key) else {
                    continue;
                };
                let help = match did_you_mean(e.key, facts::known_key_names()) {
                    Some(k) => format!("did you mean `{k}`?"),
                    None => {
                        "use a key from the global condition keys or the S3 condition keys".into()
                    }
                };
                out.push(
                    cx.at(
                        &INFO,
                        &e.key_pointer,
                        format!(
                            "condition key `{}` {problem}; the request never carries it",
                            e.key
                        ),
                    )
                    .with_help(help),
                );
            }
        }
    }
}
