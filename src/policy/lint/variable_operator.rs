//! SL340: a policy variable (`${aws:username}`) in the value of an operator that does not
//! substitute variables. IAM replaces variables in `Resource` and in the values of string
//! and ARN operators only; elsewhere `${...}` is compared as written and never matches.

use super::{conditions, PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};

code!(
    INFO,
    "SL340",
    "variable-for-operator",
    Error,
    "a policy variable is used with a condition operator that does not substitute variables"
);

pub struct VariableOperator;
pub static RULE: VariableOperator = VariableOperator;

/// Whether `text` holds a `${...}` policy variable.
pub fn has_variable(text: &str) -> bool {
    text.find("${")
        .is_some_and(|at| text[at + 2..].contains('}'))
}

impl PolicyRule for VariableOperator {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        for (i, s) in cx.statements().iter().enumerate() {
            for e in conditions(s, &cx.pointer(i)) {
                let op = e.base_operator();
                if op.starts_with("String") || op.starts_with("Arn") {
                    continue;
                }
                for (j, text) in e.texts().iter().enumerate() {
                    if !has_variable(text) {
                        continue;
                    }
                    let pointer = e.value_pointer(j);
                    out.push(
                        cx.at(
                            &INFO,
                            &pointer,
                            format!(
                                "policy variable in `{text}` is not substituted by `{}`; the value is compared as written and never matches",
                                e.operator
                            ),
                        )
                        .with_help("use policy variables with string (`StringEquals`, `StringLike`, ...) or ARN operators only, or write the value out"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::has_variable;

    /// A variable is found wherever it sits in the value, after a long prefix too.
    #[test]
    fn finds_a_variable_anywhere_in_the_value() {
        assert!(has_variable("${aws:username}"));
        assert!(has_variable("arn:aws:s3:::kops-state/home/${aws:username}"));
        assert!(has_variable("home/${aws:username}/*"));
        assert!(!has_variable("arn:aws:s3:::kops-state/home/${aws:username"));
        assert!(!has_variable("a}b${c"));
        assert!(!has_variable("no variable"));
    }
}
