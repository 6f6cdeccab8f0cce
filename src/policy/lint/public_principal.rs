//! SL301: a grant to everyone on a bucket that holds cluster secrets.

use super::{PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};
use crate::policy::model::Effect;

code!(
    INFO,
    "SL301",
    "public-principal",
    Critical,
    "an `Allow` to `Principal: \"*\"` without a condition that narrows it"
);

pub struct PublicPrincipal;
pub static RULE: PublicPrincipal = PublicPrincipal;

const NARROWING_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourcevpce",
    "aws:sourcevpc",
    "aws:sourceip",
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:userid",
];

impl PolicyRule for PublicPrincipal {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            if s.effect != Effect::Allow || !s.principal.as_ref().is_some_and(|p| p.is_everyone()) {
                continue;
            }
            let narrowed = s.condition.as_ref().is_some_and(|c| {
                c.iter().any(|(_, keys)| {
                    keys.iter()
                        .any(|(k, _)| NARROWING_KEYS.contains(&k.to_ascii_lowercase().as_str()))
                })
            });
            if narrowed {
                continue;
            }
            let pointer = format!("{}/Principal", cx.pointer(i));
            out.push(
                cx.at(&INFO, &pointer, "this statement allows everyone, anonymous callers included, on a bucket holding cluster secrets".into())
                    .with_help("name the principals, or add a condition such as `aws:PrincipalOrgID`"),
            );
        }
    }
}
