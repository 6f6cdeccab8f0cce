//! SL311: the policy is over S3's 20 KB bucket-policy limit.

use super::{PolicyContext, PolicyRule};
use crate::codes::CodeInfo;
use crate::findings::{Finding, Severity};

pub static INFO: CodeInfo = CodeInfo {
    code: "SL311",
    name: "policy-too-large",
    default_severity: Severity::Error,
    summary: "the bucket policy is larger than S3's 20 KB limit",
    doc: "## What it checks\nThe policy's size without whitespace against the 20,480-byte limit of S3 bucket policies.\n\n## Why\n`put-bucket-policy` refuses larger policies (`PolicyTooLarge`), so a fix that adds statements would fail to apply.\n\n## Example\nOne statement per team prefix, for hundreds of teams.\n\n## Fix\nMerge statements that differ only in their resources or principals, use wildcards in resource paths, or move per-team grants into the teams' identity policies.\n",
};

pub struct PolicyTooLarge;
pub static RULE: PolicyTooLarge = PolicyTooLarge;

/// S3's limit on a bucket policy.
pub const LIMIT: usize = 20 * 1024;

impl PolicyRule for PolicyTooLarge {
    fn info(&self) -> &'static CodeInfo {
        &INFO
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
