//! SL305: `Allow` with `NotPrincipal`.

use super::{PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};
use crate::policy::model::Effect;

code!(
    INFO,
    "SL305",
    "allow-with-not-principal",
    Error,
    "an `Allow` statement uses `NotPrincipal`, granting everyone not listed"
);

pub struct AllowWithNotPrincipal;
pub static RULE: AllowWithNotPrincipal = AllowWithNotPrincipal;

impl PolicyRule for AllowWithNotPrincipal {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn bucket_only(&self) -> bool {
        true
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            if s.effect == Effect::Allow && s.not_principal.is_some() {
                out.push(
                    cx.at(
                        &INFO,
                        &format!("{}/NotPrincipal", cx.pointer(i)),
                        "`Allow` with `NotPrincipal` allows everyone who is not listed".into(),
                    )
                    .with_help("list the principals to allow under `Principal` instead"),
                );
            }
        }
    }
}
