//! SL325: `aws:VpcSourceIp` without `aws:SourceVpc`. Private address ranges repeat in every
//! VPC of every account, so an address alone identifies no network.

use super::{conditions, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};

code!(
    INFO,
    "SL325",
    "missing-paired-condition-key",
    Warning,
    "`aws:VpcSourceIp` is used without `aws:SourceVpc` in the same statement"
);

pub struct MissingPairedKey;
pub static RULE: MissingPairedKey = MissingPairedKey;

impl PolicyRule for MissingPairedKey {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            let entries = conditions(s, &cx.pointer(i));
            let has_vpc = entries
                .iter()
                .any(|e| e.key.eq_ignore_ascii_case("aws:SourceVpc"));
            for e in entries
                .iter()
                .filter(|e| e.key.eq_ignore_ascii_case("aws:VpcSourceIp"))
            {
                if !has_vpc {
                    out.push(
                        cx.at(&INFO, &e.key_pointer, "`aws:VpcSourceIp` without `aws:SourceVpc` matches that address in any VPC of any account".into())
                            .with_help("add `\"StringEquals\": {\"aws:SourceVpc\": \"vpc-...\"}` to the same statement"),
                    );
                }
            }
        }
    }
}
