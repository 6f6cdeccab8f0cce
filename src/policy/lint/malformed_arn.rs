//! SL307: resources or principals that are not well-formed ARNs or account ids.

use super::{aws_principals, entries, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};
use crate::policy::arn::is_account_id;

code!(
    INFO,
    "SL307",
    "malformed-arn",
    Error,
    "a `Resource` or `Principal` is not a well-formed ARN or 12-digit account id"
);

pub struct MalformedArn;
pub static RULE: MalformedArn = MalformedArn;

fn resource_problem(r: &str) -> Option<&'static str> {
    if r == "*" {
        return None;
    }
    let parts: Vec<&str> = r.splitn(6, ':').collect();
    if parts.len() < 6 || parts[0] != "arn" || parts[1].is_empty() || parts[2].is_empty() {
        return Some("is not an ARN (`arn:<partition>:<service>:<region>:<account>:<resource>`)");
    }
    if parts[2] == "s3" && (!parts[3].is_empty() || !parts[4].is_empty()) {
        return Some("is an S3 ARN with a region or account, which S3 ARNs never have");
    }
    if parts[5].is_empty() {
        return Some("has no resource part");
    }
    None
}

fn principal_problem(p: &str) -> Option<&'static str> {
    // CloudFront origin access identities have their own legacy principal form.
    if p == "*"
        || is_account_id(p)
        || p.starts_with("arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ")
    {
        return None;
    }
    let parts: Vec<&str> = p.splitn(6, ':').collect();
    if parts.len() < 6 || parts[0] != "arn" || !matches!(parts[2], "iam" | "sts") {
        return Some("is neither `*`, a 12-digit account id, nor an IAM or STS ARN");
    }
    if !is_account_id(parts[4]) {
        return Some("has an account id that is not 12 digits");
    }
    if parts[5].is_empty() {
        return Some("names no user, role or root");
    }
    None
}

impl PolicyRule for MalformedArn {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            let base = cx.pointer(i);
            let resources = entries(&s.resource, &format!("{base}/Resource"))
                .into_iter()
                .chain(entries(&s.not_resource, &format!("{base}/NotResource")));
            for (pointer, r) in resources {
                if let Some(problem) = resource_problem(r) {
                    out.push(cx.at(&INFO, &pointer, format!("resource `{r}` {problem}")).with_help("write S3 resources as `arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/key`"));
                }
            }
            for (pointer, p) in aws_principals(s, &base) {
                if let Some(problem) = principal_problem(&p) {
                    out.push(cx.at(&INFO, &pointer, format!("principal `{p}` {problem}")).with_help("use `arn:aws:iam::<12-digit account>:user/<name>`, `:role/<name>` or `:root`"));
                }
            }
        }
    }
}
