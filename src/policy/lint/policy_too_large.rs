//! SL311: the policy is over S3's 20 KB bucket-policy limit.

use super::{PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};

code!(
    INFO,
    "SL311",
    "policy-too-large",
    Error,
    "the bucket policy is larger than S3's 20 KB limit"
);

pub struct PolicyTooLarge;
pub static RULE: PolicyTooLarge = PolicyTooLarge;

/// S3's limit on a bucket policy.
pub const LIMIT: usize = 20 * 1024;

impl PolicyRule for PolicyTooLarge {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn bucket_only(&self) -> bool {
        true
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        let size = cx
            .parsed
            .doc
            .source
            .text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(char::len_utf8)
            .sum::<usize>();
        if size > LIMIT {
            out.push(
                cx.at(&INFO, "", format!("the policy is {size} bytes without whitespace, over the {LIMIT}-byte bucket-policy limit"))
                    .with_help("merge statements, use wildcards in resource paths, or move grants into identity policies"),
            );
        }
    }
}
