//! SL305: `Allow` with `NotPrincipal`.

use super::{PolicyContext, PolicyRule};
use crate::codes::CodeInfo;
use crate::findings::{Finding, Severity};
use crate::policy::model::Effect;

pub static INFO: CodeInfo = CodeInfo {
    code: "SL305",
    name: "allow-with-not-principal",
    default_severity: Severity::Error,
    summary: "an `Allow` statement uses `NotPrincipal`, granting everyone not listed",
    doc: "## What it checks\nStatements combining `\"Effect\": \"Allow\"` with `NotPrincipal`.\n\n## Why\nAWS advises against it: it allows every principal except the listed ones, anonymous users included, which is almost never what was meant.\n\n## Example\n```json\n{\"Effect\": \"Allow\", \"NotPrincipal\": {\"AWS\": \"arn:aws:iam::111122223333:user/eve\"}, \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::kops-state/*\"}\n```\n\n## Fix\nUse `Principal` with the principals to allow; keep `NotPrincipal` for `Deny` statements only.\n",
};

pub struct AllowWithNotPrincipal;
pub static RULE: AllowWithNotPrincipal = AllowWithNotPrincipal;

impl PolicyRule for AllowWithNotPrincipal {
    fn info(&self) -> &'static CodeInfo {
        &INFO
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
