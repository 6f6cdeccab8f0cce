//! SL315: `ForAllValues:` on a single-valued key. `ForAllValues` is true when the key is
//! absent from the request, so `Principal: "*"` "narrowed" by
//! `ForAllValues:StringEquals {"aws:PrincipalOrgID": ...}` is open to anyone.

use super::{conditions, store_severity, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding, Severity};
use crate::policy::facts::{self, KeyType};
use crate::policy::model::Effect;

code!(
    INFO,
    "SL315",
    "forallvalues-single-valued-key",
    Warning,
    "`ForAllValues:` is used with a single-valued condition key (true when the key is absent)"
);

pub struct ForAllValuesSingleValued;
pub static RULE: ForAllValuesSingleValued = ForAllValuesSingleValued;

impl PolicyRule for ForAllValuesSingleValued {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            for e in conditions(s, &cx.pointer(i)) {
                if !e
                    .qualifier()
                    .is_some_and(|q| q.eq_ignore_ascii_case("ForAllValues"))
                {
                    continue;
                }
                let Some(key) = facts::condition_key(e.key) else {
                    continue;
                };
                if key.key_type == KeyType::Array {
                    continue;
                }
                let to_everyone = s.principal.as_ref().is_some_and(|p| p.is_everyone());
                let consequence = match s.effect {
                    Effect::Allow if to_everyone => "so this Allow also applies to requests without the key (anonymous ones included)",
                    Effect::Allow => "so this Allow also applies to requests without the key",
                    Effect::Deny => "so this Deny is meant to match requests it may skip",
                };
                out.push(
                    cx.at(&INFO, &e.operator_pointer, format!(
                        "`{}` on single-valued key `{}` is true when the request has no `{}`, {consequence}",
                        e.operator, e.key, e.key
                    ))
                    .with_severity(store_severity(s, Severity::Warning))
                    .with_help(format!(
                        "use `{}` without the `ForAllValues:` prefix",
                        e.operator.split_once(':').map_or(e.operator, |(_, op)| op)
                    )),
                );
            }
        }
    }
}
