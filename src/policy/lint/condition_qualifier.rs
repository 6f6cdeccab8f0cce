//! SL330: condition operators whose set qualifier or `IfExists` suffix does not fit the key:
//! `Null` with `IfExists` or with `ForAnyValue:`/`ForAllValues:` (`Null` already asks
//! whether the key is there), and a multivalued key (`aws:TagKeys`,
//! `aws:PrincipalOrgPaths`) compared without a qualifier, which matches unpredictably when
//! the request carries several values.

use super::{conditions, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding, Severity};
use crate::policy::facts::{self, KeyType};

code!(
    INFO,
    "SL330",
    "condition-qualifier-misuse",
    Error,
    "`Null` with `IfExists` or a set qualifier, or a multivalued key without one"
);

pub struct ConditionQualifier;
pub static RULE: ConditionQualifier = ConditionQualifier;

impl PolicyRule for ConditionQualifier {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            for e in conditions(s, &cx.pointer(i)) {
                if e.base_operator() == "Null" {
                    let (problem, severity) = if e.operator.ends_with("IfExists") {
                        ("`Null` cannot take `IfExists`: it already tests whether the key exists", Severity::Error)
                    } else if e.qualifier().is_some() {
                        (
                            "`Null` with a set qualifier still only tests whether the key exists",
                            Severity::Warning,
                        )
                    } else {
                        continue;
                    };
                    out.push(
                        cx.at(&INFO, &e.operator_pointer, format!("`{}` on `{}`: {problem}", e.operator, e.key))
                            .with_severity(severity)
                            .with_help("write plain `\"Null\": {\"key\": \"true\"}` (absent) or `\"false\"` (present)"),
                    );
                    continue;
                }
                let multivalued =
                    facts::condition_key(e.key).is_some_and(|k| k.key_type == KeyType::Array);
                if multivalued && e.qualifier().is_none() {
                    out.push(
                        cx.at(&INFO, &e.operator_pointer, format!(
                            "`{}` compares multivalued key `{}` without `ForAnyValue:` or `ForAllValues:`",
                            e.operator, e.key
                        ))
                        .with_help(format!("write `ForAnyValue:{}` (any value matches) or `ForAllValues:{}` (every value matches)", e.operator, e.operator)),
                    );
                }
            }
        }
    }
}
