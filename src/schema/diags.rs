//! Codes and typed constructors for JSON Schema findings (SL100, SL120-SL122).

use crate::findings::{code, CodeInfo, Finding, Location};

code!(
    SCHEMA_VIOLATION,
    "SL100",
    "schema-violation",
    Error,
    "a field has the wrong type or shape for kops.k8s.io/v1alpha2"
);
code!(
    MISSING_REQUIRED_FIELD,
    "SL120",
    "missing-required-field",
    Error,
    "a required field is missing"
);
code!(
    UNKNOWN_FIELD,
    "SL121",
    "unknown-field",
    Error,
    "a field that the kops API does not define (often a typo)"
);
code!(
    INVALID_ENUM_VALUE,
    "SL122",
    "invalid-enum-value",
    Error,
    "a field holds a value outside the set kops accepts"
);

/// Every code of this module.
pub static CODES: &[&CodeInfo] = &[
    &SCHEMA_VIOLATION,
    &MISSING_REQUIRED_FIELD,
    &UNKNOWN_FIELD,
    &INVALID_ENUM_VALUE,
];

/// `field` has the wrong type or shape; `problem` says what is wrong in words.
pub fn schema_violation(field: &str, problem: &str, location: Location) -> Finding {
    Finding::new(&SCHEMA_VIOLATION, format!("`{field}` {problem}"), location)
}

pub fn missing_required_field(parent: &str, field: &str, location: Location) -> Finding {
    let message = if parent.is_empty() {
        format!("the document has no `{field}`")
    } else {
        format!("`{parent}` has no `{field}`, which kops requires")
    };
    Finding::new(&MISSING_REQUIRED_FIELD, message, location).with_help(format!("add `{field}`"))
}

pub fn unknown_field(
    parent: &str,
    field: &str,
    suggestion: Option<&str>,
    location: Location,
) -> Finding {
    let within = if parent.is_empty() {
        "at the top level".to_string()
    } else {
        format!("in `{parent}`")
    };
    let finding = Finding::new(
        &UNKNOWN_FIELD,
        format!("unknown field `{field}` {within}"),
        location,
    );
    match suggestion {
        Some(s) => finding.with_help(format!(
            "did you mean `{s}`? kops ignores unknown fields, so this setting has no effect"
        )),
        None => finding.with_help(
            "remove it, or check the field name against the kops API reference; kops ignores unknown fields",
        ),
    }
}

pub fn invalid_enum_value(
    field: &str,
    found: &str,
    allowed: &[String],
    suggestion: Option<&str>,
    location: Location,
) -> Finding {
    let list = allowed
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let finding = Finding::new(
        &INVALID_ENUM_VALUE,
        format!("`{field}` is `{found}`, which is not one of {list}"),
        location,
    );
    match suggestion {
        Some(s) => finding.with_help(format!("did you mean `{s}`? values are case-sensitive")),
        None => finding.with_help(format!("use one of {list}")),
    }
}
