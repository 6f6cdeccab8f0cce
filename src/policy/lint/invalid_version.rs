//! SL320: `Version` missing or not one of the two policy-language versions. S3 rejects an
//! unknown version; without one (or with `2008-10-17`) policy variables are plain text.

use super::{PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding, Severity};
use crate::policy::model::{VERSION_2008, VERSION_2012};

code!(
    INFO,
    "SL320",
    "invalid-version",
    Error,
    "the policy's `Version` is not `2012-10-17` or `2008-10-17`, or is missing"
);

pub struct InvalidVersion;
pub static RULE: InvalidVersion = InvalidVersion;

impl PolicyRule for InvalidVersion {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        match cx.parsed.policy.version.as_deref() {
            Some(VERSION_2012 | VERSION_2008) => {}
            Some(other) => out.push(
                cx.at(&INFO, "/Version", format!("`Version` `{other}` is not a policy-language version; S3 rejects the policy"))
                    .with_help("write `\"Version\": \"2012-10-17\"` (it is a fixed version string, not a date)"),
            ),
            None => out.push(
                cx.at(&INFO, "", "policy has no `Version`, so it is read as `2008-10-17` and policy variables are not replaced".into())
                    .with_severity(Severity::Warning)
                    .with_help("add `\"Version\": \"2012-10-17\"` as the first element"),
            ),
        }
    }
}
