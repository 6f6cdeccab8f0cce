//! SL318: an action of another service (or of no service) in a bucket policy. S3 rejects
//! the policy, or the action grants nothing there.

use super::{action_entries, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};
use crate::policy::facts;
use crate::suggest::did_you_mean;

code!(
    INFO,
    "SL318",
    "non-s3-action",
    Error,
    "a bucket policy names an action of another service, or a service that does not exist"
);

pub struct NonS3Action;
pub static RULE: NonS3Action = NonS3Action;

fn problem(action: &str) -> Option<(String, String)> {
    if action == "*" {
        return None;
    }
    let Some((service, _)) = action.split_once(':') else {
        return Some((
            "has no service prefix".into(),
            "write it as `s3:ActionName`".into(),
        ));
    };
    if service.eq_ignore_ascii_case("s3") {
        return None;
    }
    if service.contains(['*', '?']) {
        return Some((
            format!("has a wildcard in the service name `{service}`"),
            "write the service in full: `s3:`".into(),
        ));
    }
    if facts::is_service_prefix(service) {
        return Some((
            format!("is a `{service}` action, which a bucket policy cannot grant"),
            format!("grant `{service}` actions in the caller's identity policy or the `{service}` resource's own policy"),
        ));
    }
    let help = match did_you_mean(service, facts::service_prefixes().iter().copied()) {
        Some(s) => format!("did you mean `{s}:`?"),
        None => "bucket policies take `s3:` actions".into(),
    };
    Some((
        format!("names `{service}`, which is not an AWS service"),
        help,
    ))
}

impl PolicyRule for NonS3Action {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn bucket_only(&self) -> bool {
        true
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            let base = cx.pointer(i);
            for (pointer, action) in action_entries(s, &base) {
                if let Some((problem, help)) = problem(action) {
                    out.push(
                        cx.at(&INFO, &pointer, format!("action `{action}` {problem}"))
                            .with_help(help),
                    );
                }
            }
        }
    }
}
