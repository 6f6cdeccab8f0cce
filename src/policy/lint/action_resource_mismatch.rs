//! SL302: object actions on bucket ARNs, or bucket actions on object ARNs (they never match).

use super::{entries, is_bucket_arn, is_object_action, is_object_arn, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};

code!(INFO, "SL302", "action-resource-mismatch", Error,
    "a statement pairs object actions with bucket ARNs (or bucket actions with object ARNs), so it never matches");

pub struct ActionResourceMismatch;
pub static RULE: ActionResourceMismatch = ActionResourceMismatch;

impl PolicyRule for ActionResourceMismatch {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            let base = cx.pointer(i);
            let resources: Vec<&str> = entries(&s.resource, "")
                .into_iter()
                .map(|(_, r)| r)
                .collect();
            if resources.is_empty() {
                continue;
            }
            let only_buckets = resources.iter().all(|r| is_bucket_arn(r));
            let only_objects = resources.iter().all(|r| is_object_arn(r));
            for (pointer, action) in entries(&s.action, &format!("{base}/Action")) {
                let mismatch = match is_object_action(action) {
                    Some(true) if only_buckets => {
                        Some(("an object action", "`arn:aws:s3:::<bucket>/<key>`"))
                    }
                    Some(false) if only_objects => {
                        Some(("a bucket action", "`arn:aws:s3:::<bucket>` (no key)"))
                    }
                    _ => None,
                };
                if let Some((kind, wanted)) = mismatch {
                    out.push(
                        cx.at(&INFO, &pointer, format!("`{action}` is {kind}, but this statement only names resources it never matches"))
                            .with_help(format!("give `{action}` a resource of the form {wanted}, in its own statement if needed")),
                    );
                }
            }
        }
    }
}
