//! The fixed policy as Terraform, laid out the way `terraform fmt` leaves it: two-space
//! indents, `=` aligned across consecutive attribute lines of a block, blank lines between
//! nested blocks, and lists of several items one per line. A reviewer pasting it into a
//! module gets no formatting noise in the diff.

use serde_json::Value;

use crate::policy::model::{Effect, OneOrMany, PolicyDocument, Principal};

/// The policy as an `aws_iam_policy_document` data source, plus the
/// `aws_s3_bucket_policy` resource that attaches it to `bucket` (the way Terraform users
/// write bucket policies, rather than a JSON heredoc).
pub fn terraform(policy: &PolicyDocument, name: &str, bucket: &str) -> String {
    let mut hcl = Hcl::default();
    hcl.open(&format!("data \"aws_iam_policy_document\" \"{name}\""));
    for (index, s) in policy.statements().iter().enumerate() {
        if index > 0 {
            hcl.blank();
        }
        hcl.open("statement");
        if let Some(sid) = &s.sid {
            hcl.attr("sid", string(sid));
        }
        let effect = if s.effect == Effect::Allow {
            "Allow"
        } else {
            "Deny"
        };
        hcl.attr("effect", string(effect));
        for (block, principal) in [
            ("principals", &s.principal),
            ("not_principals", &s.not_principal),
        ] {
            let pairs: Vec<(String, Vec<String>)> = match principal {
                Some(Principal::Any) => vec![("*".into(), vec!["*".into()])],
                Some(Principal::Map(map)) => map
                    .iter()
                    .map(|(kind, values)| (kind.to_string(), values.iter().cloned().collect()))
                    .collect(),
                None => Vec::new(),
            };
            for (kind, ids) in pairs {
                hcl.blank();
                hcl.open(block);
                hcl.attr("type", string(&kind));
                hcl.list("identifiers", &ids);
                hcl.close();
            }
        }
        let lists = [
            ("actions", &s.action),
            ("not_actions", &s.not_action),
            ("resources", &s.resource),
            ("not_resources", &s.not_resource),
        ];
        let mut first = true;
        for (key, value) in lists {
            if let Some(value) = value {
                if first {
                    hcl.blank();
                    first = false;
                }
                hcl.list(key, &strings(value));
            }
        }
        if let Some(condition) = &s.condition {
            for (test, keys) in condition.iter() {
                for (variable, values) in keys.iter() {
                    let values: Vec<String> = values
                        .iter()
                        .map(|v| match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect();
                    hcl.blank();
                    hcl.open("condition");
                    hcl.attr("test", string(test));
                    hcl.attr("variable", string(variable));
                    hcl.list("values", &values);
                    hcl.close();
                }
            }
        }
        hcl.close();
    }
    hcl.close();
    hcl.blank();
    hcl.open(&format!("resource \"aws_s3_bucket_policy\" \"{name}\""));
    hcl.attr("bucket", string(bucket));
    hcl.attr(
        "policy",
        format!("data.aws_iam_policy_document.{name}.json"),
    );
    hcl.close();
    hcl.render()
}

fn strings(value: &OneOrMany<String>) -> Vec<String> {
    value.iter().cloned().collect()
}

/// A quoted HCL string: `${` and `%{` would start a template, so they are doubled.
fn string(s: &str) -> String {
    let escaped = s
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .replace("${", "$${")
        .replace("%{", "%%{");
    format!("\"{escaped}\"")
}

/// One output line: an attribute's first line takes part in `=` alignment.
enum Line {
    Attr {
        depth: usize,
        key: String,
        value: String,
    },
    Text {
        depth: usize,
        text: String,
    },
    Blank,
}

/// A tiny HCL writer that aligns like `terraform fmt` (hclwrite's `formatCells`): a run of
/// consecutive lines that each hold an attribute's `=` is aligned to its longest key; any
/// other line (a block header, `}`, a list item, a blank) ends the run.
#[derive(Default)]
struct Hcl {
    lines: Vec<Line>,
    depth: usize,
}

impl Hcl {
    fn open(&mut self, header: &str) {
        self.text(format!("{header} {{"));
        self.depth += 1;
    }

    fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        self.text("}".into());
    }

    fn blank(&mut self) {
        // Never two blank lines, nor one straight after an opening brace.
        let after_open =
            matches!(self.lines.last(), Some(Line::Text { text, .. }) if text.ends_with('{'));
        if !matches!(self.lines.last(), None | Some(Line::Blank)) && !after_open {
            self.lines.push(Line::Blank);
        }
    }

    fn text(&mut self, text: String) {
        self.lines.push(Line::Text {
            depth: self.depth,
            text,
        });
    }

    /// `key = value` where `value` is already HCL (one line).
    fn attr(&mut self, key: &str, value: String) {
        self.lines.push(Line::Attr {
            depth: self.depth,
            key: key.into(),
            value,
        });
    }

    /// A list of strings: inline when it has one item, else one item per line with a
    /// trailing comma, as people write IAM action lists.
    fn list(&mut self, key: &str, items: &[String]) {
        if items.len() <= 1 {
            let inner: Vec<String> = items.iter().map(|s| string(s)).collect();
            self.attr(key, format!("[{}]", inner.join(", ")));
            return;
        }
        self.attr(key, "[".into());
        self.depth += 1;
        for item in items {
            self.text(format!("{},", string(item)));
        }
        self.depth -= 1;
        self.text("]".into());
    }

    fn render(&self) -> String {
        let mut out = String::new();
        let mut index = 0;
        while index < self.lines.len() {
            // The run of attribute lines starting here (possibly empty).
            let run_end = self.lines[index..]
                .iter()
                .position(|l| !matches!(l, Line::Attr { .. }))
                .map_or(self.lines.len(), |p| index + p);
            let width = self.lines[index..run_end]
                .iter()
                .filter_map(|l| match l {
                    Line::Attr { depth, key, .. } => Some(depth * 2 + key.len()),
                    _ => None,
                })
                .max()
                .unwrap_or(0);
            for line in &self.lines[index..run_end.max(index + 1)] {
                match line {
                    Line::Attr { depth, key, value } => {
                        let lead = format!("{}{key}", "  ".repeat(*depth));
                        out.push_str(&format!("{lead:<width$} = {value}\n"));
                    }
                    Line::Text { depth, text } => {
                        out.push_str(&format!("{}{text}\n", "  ".repeat(*depth)))
                    }
                    Line::Blank => out.push('\n'),
                }
            }
            index = run_end.max(index + 1);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_attributes_align_and_blocks_break_the_run() {
        let mut hcl = Hcl::default();
        hcl.open("statement");
        hcl.attr("sid", string("A"));
        hcl.attr("effect", string("Allow"));
        hcl.blank();
        hcl.list("actions", &["s3:GetObject".into(), "s3:PutObject".into()]);
        hcl.list("resources", &["arn:aws:s3:::b/*".into()]);
        hcl.close();
        assert_eq!(
            hcl.render(),
            "statement {\n  sid    = \"A\"\n  effect = \"Allow\"\n\n  actions = [\n    \"s3:GetObject\",\n    \"s3:PutObject\",\n  ]\n  resources = [\"arn:aws:s3:::b/*\"]\n}\n"
        );
    }

    #[test]
    fn a_blank_line_is_never_doubled_nor_first_in_a_block() {
        let mut hcl = Hcl::default();
        hcl.blank();
        hcl.open("statement");
        hcl.blank();
        hcl.attr("effect", string("Allow"));
        hcl.blank();
        hcl.blank();
        hcl.attr("sid", string("A"));
        hcl.close();
        assert_eq!(
            hcl.render(),
            "statement {\n  effect = \"Allow\"\n\n  sid = \"A\"\n}\n"
        );
    }

    #[test]
    fn statements_are_separated_by_one_blank_line() {
        let policy: PolicyDocument = serde_json::from_str(
            r#"{"Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
            {"Sid":"B","Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}"#,
        )
        .expect("policy");
        let text = terraform(&policy, "state", "kops-state");
        assert!(
            text.starts_with("data \"aws_iam_policy_document\" \"state\" {\n  statement {\n"),
            "{text}"
        );
        assert!(
            text.contains("  }\n\n  statement {\n    sid    = \"B\"\n"),
            "{text}"
        );
    }

    #[test]
    fn template_syntax_in_values_is_escaped() {
        assert_eq!(string("${aws:username}"), "\"$${aws:username}\"");
        assert_eq!(string("%{if}"), "\"%%{if}\"");
        assert_eq!(string("a\"b"), "\"a\\\"b\"");
    }
}
