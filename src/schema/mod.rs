//! JSON Schema validation of kops documents (`schemas/cluster.schema.json`,
//! `schemas/instancegroup.schema.json`).
//!
//! Each schema is compiled once per process and shared by every worker thread. Errors
//! become findings at the offending YAML node: unknown keys point at the key itself, with
//! a "did you mean"; everything else points at the value.

pub mod diags;

use serde_json::Value;
use std::sync::LazyLock;

use crate::document::Document;
use crate::findings::Finding;
use crate::suggest::did_you_mean;
use jsonschema::error::{ValidationError, ValidationErrorKind};

pub use diags::CODES;

/// Which kops object a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Cluster,
    InstanceGroup,
}

impl Kind {
    /// The committed schema text for this kind.
    pub fn schema_text(self) -> &'static str {
        match self {
            Kind::Cluster => include_str!("../../schemas/cluster.schema.json"),
            Kind::InstanceGroup => include_str!("../../schemas/instancegroup.schema.json"),
        }
    }

    fn compiled(self) -> &'static Compiled {
        match self {
            Kind::Cluster => &CLUSTER,
            Kind::InstanceGroup => &INSTANCE_GROUP,
        }
    }
}

/// A parsed schema and its validator. The parsed JSON is kept to look up the allowed
/// property names and types an error refers to.
struct Compiled {
    schema: Value,
    validator: jsonschema::Validator,
}

impl Compiled {
    /// The schemas are part of the binary and covered by tests, so failing to compile one
    /// is a build defect, not a user error.
    fn new(kind: Kind) -> Compiled {
        let schema: Value = serde_json::from_str(kind.schema_text())
            .unwrap_or_else(|e| panic!("embedded {kind:?} schema is not JSON: {e}"));
        let validator = jsonschema::validator_for(&schema)
            .unwrap_or_else(|e| panic!("embedded {kind:?} schema does not compile: {e}"));
        Compiled { schema, validator }
    }
}

static CLUSTER: LazyLock<Compiled> = LazyLock::new(|| Compiled::new(Kind::Cluster));
static INSTANCE_GROUP: LazyLock<Compiled> = LazyLock::new(|| Compiled::new(Kind::InstanceGroup));

/// Validates one document; findings carry `cluster` when given.
pub fn validate(kind: Kind, doc: &Document, cluster: Option<&str>) -> Vec<Finding> {
    let compiled = kind.compiled();
    let mut out = Vec::new();
    for error in compiled.validator.iter_errors(&doc.value) {
        convert(compiled, doc, &error, &mut out);
    }
    if let Some(name) = cluster {
        for f in &mut out {
            f.cluster = Some(name.to_string());
        }
    }
    out
}

/// Removes the schema's generic findings (wrong shape SL100, missing field SL120, value
/// outside its set SL122) on a field a rule also reports: the rule says the same problem
/// with kops's reason, and one problem gets one finding. An unknown key (SL121) always
/// stays: a rule reading a key the schema does not know is itself the bug.
pub fn yield_to_rules(findings: &mut Vec<Finding>) {
    use crate::findings::Location;
    let generic = |f: &Finding| {
        [
            &diags::SCHEMA_VIOLATION,
            &diags::MISSING_REQUIRED_FIELD,
            &diags::INVALID_ENUM_VALUE,
        ]
        .iter()
        .any(|info| info.code == f.code)
    };
    let field = |f: &Finding| match (&f.location, &f.pointer) {
        (Location::File { url, .. }, Some(pointer)) => Some((url.clone(), pointer.clone())),
        _ => None,
    };
    let from_rules: std::collections::HashSet<(String, String)> = findings
        .iter()
        .filter(|f| !diags::CODES.iter().any(|info| info.code == f.code))
        .filter_map(field)
        .collect();
    findings.retain(|f| !generic(f) || field(f).is_none_or(|k| !from_rules.contains(&k)));
}

/// Whether a value is valid, without building findings (used by tests and benchmarks).
pub fn is_valid(kind: Kind, value: &Value) -> bool {
    kind.compiled().validator.is_valid(value)
}

fn convert(
    compiled: &Compiled,
    doc: &Document,
    error: &ValidationError<'_>,
    out: &mut Vec<Finding>,
) {
    let pointer = error.instance_path().as_str().to_string();
    let field = display_path(&pointer);
    let instance: &Value = error.instance();
    let keyword_node = compiled.schema.pointer(error.schema_path().as_str());
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            // The schema path ends in `/additionalProperties`; its parent lists the fields.
            let parent_schema = parent_pointer(error.schema_path().as_str())
                .and_then(|p| compiled.schema.pointer(p));
            let known: Vec<&str> = parent_schema
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_object)
                .map(|props| props.keys().map(String::as_str).collect())
                .unwrap_or_default();
            for key in unexpected {
                let child = format!("{pointer}/{}", crate::yaml::escape_pointer_token(key));
                let suggestion = did_you_mean(key, known.iter().copied());
                out.push(
                    diags::unknown_field(&field, key, suggestion, doc.key_location(&child))
                        .with_pointer(child),
                );
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or("?");
            out.push(
                diags::missing_required_field(&field, name, doc.key_location(&pointer))
                    .with_pointer(format!(
                        "{pointer}/{}",
                        crate::yaml::escape_pointer_token(name)
                    )),
            );
        }
        ValidationErrorKind::Enum { options } => {
            let allowed: Vec<String> = options
                .as_array()
                .map(|a| a.iter().filter(|v| !v.is_null()).map(plain).collect())
                .unwrap_or_default();
            let found = plain(instance);
            let suggestion = did_you_mean(&found, allowed.iter().map(String::as_str))
                .map(str::to_string)
                .or_else(|| {
                    allowed
                        .iter()
                        .find(|a| a.eq_ignore_ascii_case(&found))
                        .cloned()
                });
            out.push(
                diags::invalid_enum_value(
                    &field,
                    &found,
                    &allowed,
                    suggestion.as_deref(),
                    doc.location(&pointer),
                )
                .with_pointer(pointer),
            );
        }
        ValidationErrorKind::Constant { expected_value } => {
            let problem = format!(
                "must be `{}`, found `{}`",
                plain(expected_value),
                plain(instance)
            );
            out.push(
                diags::schema_violation(&field, &problem, doc.location(&pointer))
                    .with_pointer(pointer),
            );
        }
        ValidationErrorKind::Type { .. } => {
            let expected = keyword_node
                .map(expected_types)
                .unwrap_or_else(|| "another type".into());
            let problem = format!("must be {expected}, found {}", describe(instance));
            out.push(
                diags::schema_violation(&field, &problem, doc.location(&pointer))
                    .with_pointer(pointer)
                    .with_help(format!("write {expected} here")),
            );
        }
        ValidationErrorKind::AnyOf { .. } => {
            // Only integer-or-string quantities use anyOf in the generated schemas.
            let problem = format!(
                "must be an integer or a string, found {}",
                describe(instance)
            );
            out.push(
                diags::schema_violation(&field, &problem, doc.location(&pointer))
                    .with_pointer(pointer),
            );
        }
        ValidationErrorKind::Pattern { pattern } => {
            let problem = format!("is `{}`, which does not match `{pattern}`", plain(instance));
            out.push(
                diags::schema_violation(&field, &problem, doc.location(&pointer))
                    .with_pointer(pointer),
            );
        }
        _ => {
            let problem = format!("is invalid: {}", error.masked());
            out.push(
                diags::schema_violation(&field, &problem, doc.location(&pointer))
                    .with_pointer(pointer),
            );
        }
    }
}

/// `/spec/subnets/0/cidr` -> `spec.subnets[0].cidr`, the way kops names fields in errors.
pub fn display_path(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) {
            out.push('[');
            out.push_str(&token);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    out
}

fn parent_pointer(pointer: &str) -> Option<&str> {
    pointer.rfind('/').map(|i| &pointer[..i])
}

/// A scalar as the user wrote it (strings without quotes).
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// "a string" / "an integer or null"... from a schema `type` keyword value.
fn expected_types(node: &Value) -> String {
    let names: Vec<&str> = match node {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => Vec::new(),
    };
    let words: Vec<String> = names.iter().map(|t| with_article(t)).collect();
    if words.is_empty() {
        "another type".into()
    } else {
        words.join(" or ")
    }
}

fn with_article(json_type: &str) -> String {
    match json_type {
        "object" => "a mapping".into(),
        "array" => "a list".into(),
        "integer" => "an integer".into(),
        other => format!("a {other}"),
    }
}

/// How a found value is described in a message: its type, and the value if short.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing (null)".into(),
        Value::Bool(b) => format!("the boolean `{b}`"),
        Value::Number(n) if n.is_i64() || n.is_u64() => format!("the integer `{n}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) if s.chars().count() <= 40 => format!("the string `{s}`"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

#[cfg(test)]
mod tests;
