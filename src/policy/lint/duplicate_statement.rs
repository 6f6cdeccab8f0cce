//! SL309: a statement that repeats an earlier one.

use serde_json::Value;

use super::{PolicyContext, PolicyRule};
use crate::findings::{code, CodeInfo, Finding};

code!(
    INFO,
    "SL309",
    "duplicate-statement",
    Warning,
    "a statement repeats an earlier one (apart from its `Sid` and the order of lists)"
);

pub struct DuplicateStatement;
pub static RULE: DuplicateStatement = DuplicateStatement;

/// The statement in a canonical form: no `Sid`, every list sorted, single values as lists.
fn canonical(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| k.as_str() != "Sid")
                .map(|(k, v)| {
                    let v = match v {
                        Value::String(_) => Value::Array(vec![v.clone()]),
                        other => canonical(other),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => {
            let mut items: Vec<Value> = items.iter().map(canonical).collect();
            items.sort_by_key(|a| a.to_string());
            items.dedup();
            Value::Array(items)
        }
        other => other.clone(),
    }
}

impl PolicyRule for DuplicateStatement {
    fn info(&self) -> &'static CodeInfo {
        &INFO
    }

    fn check(&self, cx: &PolicyContext<'_>, out: &mut Vec<Finding>) {
        let forms: Vec<Value> = cx
            .statements()
            .iter()
            .map(|s| canonical(&serde_json::to_value(s).unwrap_or(Value::Null)))
            .collect();
        for (i, form) in forms.iter().enumerate() {
            if let Some(first) = forms[..i].iter().position(|f| f == form) {
                out.push(
                    cx.at(
                        &INFO,
                        &cx.pointer(i),
                        format!("statement #{i} repeats statement #{first}"),
                    )
                    .with_help("delete the repeated statement"),
                );
            }
        }
    }
}
