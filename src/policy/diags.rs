//! Codes and typed constructors for bucket-policy findings (SL300-SL399).
//!
//! SL300 covers reading the policy itself; the static checks (SL301 onwards) live beside
//! their rules.

use crate::findings::{code, CodeInfo, Finding, Location};

code!(
    POLICY_PARSE_ERROR,
    "SL300",
    "policy-parse-error",
    Error,
    "a bucket or identity policy is not valid JSON, or not shaped like an IAM policy"
);

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
