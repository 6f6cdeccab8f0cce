//! SL306: an `s3:` action that does not exist.

use super::{entries, known_s3_actions, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};
use crate::policy::evaluate::action_matches;
use crate::suggest::did_you_mean;

code!(
    INFO,
    "SL306",
    "unknown-action",
    Error,
    "an `s3:` action name that S3 does not have (or a wildcard matching none)"
);

pub struct UnknownAction;
pub static RULE: UnknownAction = UnknownAction;

impl PolicyRule for UnknownAction {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        let known: Vec<String> = known_s3_actions().collect();
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
                let help = match did_you_mean(action, known.iter().map(String::as_str)) {
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
