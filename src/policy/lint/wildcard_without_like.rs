//! SL322: `*` or `?` in the value of an `Equals` operator. `StringEquals` and `ArnEquals`
//! compare literally, so the wildcard matches only itself and the condition (almost) never
//! holds.

use super::{conditions, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};

code!(
    INFO,
    "SL322",
    "wildcard-without-like",
    Warning,
    "a wildcard in a `StringEquals`/`ArnEquals` value, which compares literally"
);

pub struct WildcardWithoutLike;
pub static RULE: WildcardWithoutLike = WildcardWithoutLike;

impl PolicyRule for WildcardWithoutLike {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            for e in conditions(s, &cx.pointer(i)) {
                let op = e.base_operator();
                let like = match op {
                    "StringEquals" => "StringLike",
                    "StringNotEquals" => "StringNotLike",
                    "StringEqualsIgnoreCase" => "StringLike",
                    "ArnEquals" => "ArnLike",
                    "ArnNotEquals" => "ArnNotLike",
                    _ => continue,
                };
                // `${*}` is the policy variable for a literal `*`.
                let wild: Vec<String> = e
                    .texts()
                    .into_iter()
                    .filter(|t| {
                        t.replace("${*}", "")
                            .replace("${?}", "")
                            .contains(['*', '?'])
                    })
                    .collect();
                if wild.is_empty() {
                    continue;
                }
                out.push(
                    cx.at(&INFO, &e.key_pointer, format!(
                        "`{op}` compares `{}` literally, so `{}` matches only a value with that very character",
                        e.key,
                        wild.join("`, `")
                    ))
                    .with_help(format!("use `{like}` for wildcard matching")),
                );
            }
        }
    }
}
