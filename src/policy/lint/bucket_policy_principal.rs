//! SL319: principals a bucket policy cannot have: none at all, a wildcard inside an ARN or
//! account, a malformed service principal, or a federated identity provider. S3 rejects
//! such a policy (`MalformedPolicy`), so it never takes effect.

use super::{PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};
use crate::policy::model::{OneOrMany, Principal, PrincipalKind};
use crate::yaml::escape_pointer_token;

code!(
    INFO,
    "SL319",
    "invalid-bucket-principal",
    Error,
    "a bucket-policy statement has no principal, or one S3 does not accept"
);

pub struct InvalidBucketPrincipal;
pub static RULE: InvalidBucketPrincipal = InvalidBucketPrincipal;

fn problem(kind: PrincipalKind, value: &str) -> Option<(&'static str, &'static str)> {
    match kind {
        PrincipalKind::Aws if value != "*" && value.contains(['*', '?']) => Some((
            "has a wildcard inside it; only the whole principal may be `*`",
            "name the account or ARN exactly, or use `\"*\"` with an `aws:PrincipalArn` condition",
        )),
        PrincipalKind::Service
            if value.contains(['*', '?', ':', '/'])
                || value.bytes().any(|b| b.is_ascii_uppercase())
                || !(value.ends_with(".amazonaws.com")
                    || value.ends_with(".amazonaws.com.cn")
                    || value.ends_with(".amazon.com")) =>
        {
            Some((
                "is not a service principal (`<service>.amazonaws.com`, lower case)",
                "write the service principal as the service documents it, e.g. `logging.s3.amazonaws.com`",
            ))
        }
        PrincipalKind::Federated => Some((
            "is a federated identity provider, which bucket policies do not accept",
            "grant the role that federated users assume instead",
        )),
        _ => None,
    }
}

impl PolicyRule for InvalidBucketPrincipal {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn bucket_only(&self) -> bool {
        true
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            let base = cx.pointer(i);
            let (element, principal) = match (&s.principal, &s.not_principal) {
                (Some(p), _) => ("Principal", p),
                (None, Some(p)) => ("NotPrincipal", p),
                (None, None) => {
                    out.push(
                        cx.at(&INFO, &base, "statement has no `Principal`; S3 rejects a bucket policy with such a statement".into())
                            .with_help("add `\"Principal\": {\"AWS\": \"arn:aws:iam::<account>:role/<name>\"}`"),
                    );
                    continue;
                }
            };
            let Principal::Map(map) = principal else {
                continue;
            };
            for (kind_key, values) in map.iter() {
                let Some(kind) = PrincipalKind::from_key(kind_key) else {
                    continue;
                };
                let at = format!("{base}/{element}/{}", escape_pointer_token(kind_key));
                let listed: Vec<(String, &str)> = match values {
                    OneOrMany::One(v) => vec![(at.clone(), v.as_str())],
                    OneOrMany::Many(vs) => vs
                        .iter()
                        .enumerate()
                        .map(|(n, v)| (format!("{at}/{n}"), v.as_str()))
                        .collect(),
                };
                for (pointer, value) in listed {
                    if let Some((problem, help)) = problem(kind, value) {
                        out.push(
                            cx.at(&INFO, &pointer, format!("principal `{value}` {problem}"))
                                .with_help(help),
                        );
                    }
                }
            }
        }
    }
}
