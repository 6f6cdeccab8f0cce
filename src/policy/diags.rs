//! Codes and typed constructors for bucket-policy findings (SL300-SL399).
//!
//! SL300 covers reading the policy itself; the static checks (SL301 onwards) live beside
//! their rules.

use crate::codes::code;
use crate::codes::CodeInfo;
use crate::findings::{Finding, Location};

code!(POLICY_PARSE_ERROR, "SL300", "policy-parse-error", Error,
    "a bucket or identity policy is not valid JSON, or not shaped like an IAM policy",
    "## What it checks\nThat a policy (from `--policy FILE` or from the bucket's GetBucketPolicy) is strict JSON and has the IAM policy shape: a `Statement` object or list; each statement with an `Effect` of `Allow` or `Deny`, an `Action` or `NotAction`, a `Resource` or `NotResource`; `Principal` as `\"*\"` or a map of `AWS`/`Service`/`Federated`/`CanonicalUser`; single strings or lists of strings where IAM allows them; `Condition` as operator -> key -> values. Unknown elements and misspelt element names are errors.\n\n## Why\nS3 refuses such a policy on `put-bucket-policy` with a terse `MalformedPolicy`, and a policy that cannot be read cannot be checked or fixed. Naming the line and column saves the search.\n\n## Example\n```json\n{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\",}\n  ]\n}\n```\nThe trailing comma before `}` is not JSON.\n\n## Fix\nCorrect the text at the position shown: JSON allows no comments or trailing commas; element names are case-sensitive (`Effect`, not `effect`); `Principal` strings other than `\"*\"` go inside a map such as `{\"AWS\": \"arn:aws:iam::111122223333:root\"}`.\n");

/// Every code of this module.
pub static CODES: &[&CodeInfo] = &[&POLICY_PARSE_ERROR];

/// The text is not JSON.
pub fn policy_syntax_error(location: Location, problem: &str) -> Finding {
    Finding::new(
        &POLICY_PARSE_ERROR,
        format!("policy is not valid JSON: {problem}"),
        location,
    )
    .with_help("fix the JSON at this position; comments and trailing commas are not allowed")
}

/// The text is JSON, but the value at `pointer` is not what an IAM policy allows there.
pub fn policy_shape_error(location: Location, pointer: &str, problem: &str, help: &str) -> Finding {
    let at = if pointer.is_empty() { "/" } else { pointer };
    Finding::new(
        &POLICY_PARSE_ERROR,
        format!("policy element `{at}` {problem}"),
        location,
    )
    .with_pointer(pointer)
    .with_help(help)
}
