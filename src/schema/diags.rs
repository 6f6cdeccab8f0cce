//! Codes and typed constructors for JSON Schema findings (SL100, SL120-SL122).

use crate::codes::code;
use crate::codes::CodeInfo;
use crate::findings::{Finding, Location};

code!(SCHEMA_VIOLATION, "SL100", "schema-violation", Error,
    "a field has the wrong type or shape for kops.k8s.io/v1alpha2",
    "## What it checks\nEvery Cluster and InstanceGroup document against the JSON Schema in `schemas/` (generated from the kops CRDs): types, integer-or-string quantities, patterns, array and object shapes.\n\n## Why\nkops refuses to load a document whose fields do not decode, and the error it prints names neither the file nor the line.\n\n## Example\n```yaml\nspec:\n  maxSize: \"three\"\n```\n\n## Fix\nGive the field a value of the type the message names; `kops edit` shows the expected form.\n");
code!(MISSING_REQUIRED_FIELD, "SL120", "missing-required-field", Error,
    "a required field is missing",
    "## What it checks\nFields the kops API requires: `apiVersion`, `kind`, `metadata.name`, `spec`, and required fields of nested objects.\n\n## Why\nWithout them kops cannot identify or build the object; a truncated copy of the store often looks like this.\n\n## Example\n```yaml\napiVersion: kops.k8s.io/v1alpha2\nkind: Cluster\nspec: {}\n```\n\n## Fix\nAdd the field; restore the document from a backup or the bucket's object versions if it was truncated.\n");
code!(UNKNOWN_FIELD, "SL121", "unknown-field", Error,
    "a field that the kops API does not define (often a typo)",
    "## What it checks\nKeys that are not part of the kops.k8s.io/v1alpha2 schema at their position.\n\n## Why\nkops ignores unknown fields when it reads the store, so a misspelt setting silently has no effect: `kubernetesVersoin: 1.30.0` leaves the version unset.\n\n## Example\n```yaml\nspec:\n  kubernetesVersoin: 1.30.0\n```\n\n## Fix\nRename the key to the suggested field, or remove it.\n");
code!(INVALID_ENUM_VALUE, "SL122", "invalid-enum-value", Error,
    "a field holds a value outside the set kops accepts",
    "## What it checks\nFields with a closed set of values, such as an InstanceGroup `role`, a subnet `type`, the `apiVersion`, or `topology.dns.type`.\n\n## Why\nkops rejects such documents, or, for some fields, treats the unknown value as a default you did not intend.\n\n## Example\n```yaml\nspec:\n  role: Worker\n```\n\n## Fix\nUse one of the values the message lists (they are case-sensitive).\n");

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
