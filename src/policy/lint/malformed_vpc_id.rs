//! SL323: `aws:SourceVpc` / `aws:SourceVpce` values that are not VPC (`vpc-`) or VPC
//! endpoint (`vpce-`) ids. The condition never matches: an Allow grants nothing and a
//! `StringNotEquals` Deny locks everyone out.

use super::{conditions, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};

code!(
    INFO,
    "SL323",
    "malformed-vpc-id",
    Error,
    "an `aws:SourceVpc` or `aws:SourceVpce` value is not a VPC or VPC endpoint id"
);

pub struct MalformedVpcId;
pub static RULE: MalformedVpcId = MalformedVpcId;

/// `vpc-` / `vpce-` followed by 8 or 17 lower-case hex digits.
fn is_id(prefix: &str, value: &str) -> bool {
    value.strip_prefix(prefix).is_some_and(|hex| {
        matches!(hex.len(), 8 | 17)
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

impl PolicyRule for MalformedVpcId {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            for e in conditions(s, &cx.pointer(i)) {
                let (prefix, what) = if e.key.eq_ignore_ascii_case("aws:SourceVpc") {
                    ("vpc-", "VPC id (`vpc-` and 8 or 17 lower-case hex digits)")
                } else if e.key.eq_ignore_ascii_case("aws:SourceVpce") {
                    (
                        "vpce-",
                        "VPC endpoint id (`vpce-` and 8 or 17 lower-case hex digits)",
                    )
                } else {
                    continue;
                };
                // `Null` takes `true`/`false`, not ids.
                if e.base_operator() == "Null" {
                    continue;
                }
                let like = e.base_operator().contains("Like");
                for value in e.texts() {
                    if is_id(prefix, &value) || (like && value.contains(['*', '?'])) {
                        continue;
                    }
                    out.push(
                        cx.at(
                            &INFO,
                            &e.key_pointer,
                            format!("`{}` value `{value}` is not a {what}", e.key),
                        )
                        .with_help(format!(
                            "copy the id from `aws ec2 describe-{}`",
                            if prefix == "vpc-" {
                                "vpcs"
                            } else {
                                "vpc-endpoints"
                            }
                        )),
                    );
                }
            }
        }
    }
}
