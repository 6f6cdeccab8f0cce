//! SL328: an `Action`, `NotAction`, `Resource` or `NotResource` entry already covered by
//! another entry of the same statement (`s3:GetObject` beside `s3:Get*`), or a condition
//! value listed twice. Harmless to access, but it hides what the statement really grants
//! and eats into the 20 KB policy limit.

use super::{conditions, entries, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};
use crate::policy::evaluate::{action_matches, glob};
use crate::policy::model::OneOrMany;

code!(
    INFO,
    "SL328",
    "redundant-entry",
    Note,
    "an action, resource or condition value is already covered within the same statement"
);

pub struct RedundantEntry;
pub static RULE: RedundantEntry = RedundantEntry;

/// Whether the first pattern covers the second.
type Covers = dyn Fn(&str, &str) -> bool;

/// Entries of a list covered by an earlier or broader entry: (pointer, entry, coverer).
fn covered<'a>(listed: &[(String, &'a str)], covers: &Covers) -> Vec<(String, &'a str, &'a str)> {
    let mut out = Vec::new();
    for (n, (pointer, entry)) in listed.iter().enumerate() {
        let by = listed.iter().enumerate().find(|(m, (_, other))| {
            *m != n && covers(other, entry) && (!covers(entry, other) || *m < n)
        });
        if let Some((_, (_, other))) = by {
            out.push((pointer.clone(), *entry, *other));
        }
    }
    out
}

impl PolicyRule for RedundantEntry {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            let base = cx.pointer(i);
            let actions = |a: &str, b: &str| action_matches(a, b);
            let resources = |a: &str, b: &str| glob(a, b, false);
            let lists: [(&str, &Option<OneOrMany<String>>, &Covers); 4] = [
                ("Action", &s.action, &actions),
                ("NotAction", &s.not_action, &actions),
                ("Resource", &s.resource, &resources),
                ("NotResource", &s.not_resource, &resources),
            ];
            for (element, field, covers) in lists {
                let listed = entries(field, &format!("{base}/{element}"));
                for (pointer, entry, by) in covered(&listed, covers) {
                    out.push(
                        cx.at(
                            &INFO,
                            &pointer,
                            format!(
                                "`{entry}` is already covered by `{by}` in the same `{element}`"
                            ),
                        )
                        .with_help("remove the narrower entry"),
                    );
                }
            }
            for e in conditions(s, &base) {
                let texts = e.texts();
                for (n, t) in texts.iter().enumerate() {
                    if texts[..n].contains(t) {
                        out.push(
                            cx.at(
                                &INFO,
                                &format!("{}/{n}", e.key_pointer),
                                format!("`{t}` is listed twice for `{}`", e.key),
                            )
                            .with_help("remove the repeated value"),
                        );
                    }
                }
            }
        }
    }
}
