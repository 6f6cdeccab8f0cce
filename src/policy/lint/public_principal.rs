//! SL301: a grant to everyone on a bucket that holds cluster secrets.

use super::{conditions, ConditionEntry, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};
use crate::policy::model::Effect;

code!(
    INFO,
    "SL301",
    "public-principal",
    Critical,
    "an `Allow` to `Principal: \"*\"` that S3 counts as public (no fixed-value condition on an account, organization, source or network key)"
);

pub struct PublicPrincipal;
pub static RULE: PublicPrincipal = PublicPrincipal;

/// The keys S3 Block Public Access accepts as making a grant to everyone non-public, when
/// compared with fixed values (S3 User Guide, "The meaning of public").
const NON_PUBLIC_KEYS: &[&str] = &[
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:userid",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
];

/// Whether one condition entry pins the request to fixed values of a non-public key: a
/// positive operator (no `Not`, no `IfExists`, no `ForAllValues:`, which are true when
/// the key is absent), no wildcards, and no address range wider than /8 (IPv4) or /32
/// (IPv6).
fn is_fixed(e: &ConditionEntry<'_>) -> bool {
    let key = e.key.to_ascii_lowercase();
    if !NON_PUBLIC_KEYS.contains(&key.as_str())
        || e.operator.ends_with("IfExists")
        || e.qualifier()
            .is_some_and(|q| q.eq_ignore_ascii_case("ForAllValues"))
    {
        return false;
    }
    let positive = matches!(
        e.base_operator(),
        "StringEquals"
            | "StringEqualsIgnoreCase"
            | "StringLike"
            | "ArnEquals"
            | "ArnLike"
            | "IpAddress"
    );
    let texts = e.texts();
    positive
        && !texts.is_empty()
        && texts.iter().all(|t| {
            if key == "aws:sourceip" {
                t.parse::<ipnet::IpNet>()
                    .map_or(t.parse::<std::net::IpAddr>().is_ok(), |n| match n {
                        ipnet::IpNet::V4(n) => n.prefix_len() >= 8,
                        ipnet::IpNet::V6(n) => n.prefix_len() >= 32,
                    })
            } else {
                !t.is_empty() && !t.contains(['*', '?'])
            }
        })
}

impl PolicyRule for PublicPrincipal {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn bucket_only(&self) -> bool {
        true
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            if s.effect != Effect::Allow || !s.principal.as_ref().is_some_and(|p| p.is_everyone()) {
                continue;
            }
            if conditions(s, &cx.pointer(i)).iter().any(is_fixed) {
                continue;
            }
            let pointer = format!("{}/Principal", cx.pointer(i));
            out.push(
                cx.at(&INFO, &pointer, "this statement allows everyone, anonymous callers included, on a bucket holding cluster secrets".into())
                    .with_help("name the principals, or add a fixed-value condition such as `\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-...\"}`"),
            );
        }
    }
}
