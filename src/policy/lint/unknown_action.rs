//! SL306: an `s3:` action that does not exist.

use super::{entries, known_s3_actions, PolicyContext, PolicyRule};
use crate::codes::CodeInfo;
use crate::findings::{Finding, Severity};
use crate::policy::evaluate::action_matches;
use crate::suggest::did_you_mean;

pub static INFO: CodeInfo = CodeInfo {
    code: "SL306",
    name: "unknown-action",
    default_severity: Severity::Error,
    summary: "an `s3:` action name that S3 does not have (or a wildcard matching none)",
    doc: "## What it checks\nEvery `s3:` entry of `Action` and `NotAction` against the list of S3 action names bundled with statelint (`src/policy/lint/s3_actions.txt`); wildcards must match at least one of them.\n\n## Why\nIAM accepts unknown action names silently, so a typo such as `s3:GetObjects` grants nothing and the AccessDenied that follows is hard to explain.\n\n## Example\n```json\n{\"Action\": [\"s3:GetObjects\", \"s3:ListBuckets\"]}\n```\n\n## Fix\nUse the suggested name; the names are case-insensitive but must exist.\n",
};

pub struct UnknownAction;
pub static RULE: UnknownAction = UnknownAction;

impl PolicyRule for UnknownAction {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        let known: Vec<&str> = known_s3_actions().collect();
        for (i, s) in cx.statements().iter().enumerate() {
            let base = cx.pointer(i);
            let listed = entries(&s.action, &format!("{base}/Action"))
                .into_iter()
                .chain(entries(&s.not_action, &format!("{base}/NotAction")));
            for (pointer, action) in listed {
                if !action.to_ascii_lowercase().starts_with("s3:") {
                    continue;
                }
                if known.iter().any(|k| action_matches(action, k)) {
                    continue;
                }
                let help = match did_you_mean(action, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => {
                        "check the name against the S3 actions list in the IAM documentation".into()
                    }
                };
                out.push(
                    cx.at(
                        &INFO,
                        &pointer,
                        format!("`{action}` is not an S3 action, so it grants nothing"),
                    )
                    .with_help(help),
                );
            }
        }
    }
}
