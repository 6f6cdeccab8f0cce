//! Reading a policy text: JSON syntax, then IAM shape, each error at its line:col.

use serde_json::Value;

use crate::document::Document;
use crate::findings::{Finding, Location};
use crate::policy::diags;
use crate::policy::json_index::{self, DuplicateKey};
use crate::policy::model::{PolicyDocument, PrincipalKind};
use crate::source::SourceDb;
use crate::yaml::escape_pointer_token;

/// A policy read from text, with the positions of every element.
#[derive(Debug, Clone)]
pub struct ParsedPolicy {
    pub policy: PolicyDocument,
    /// The text, its JSON value and its pointer index (for locating findings).
    pub doc: Document,
    /// Keys written twice in one object (the last one wins, as in AWS's own parser).
    pub duplicates: Vec<DuplicateKey>,
}

impl ParsedPolicy {
    /// Where statement `index` is written.
    pub fn statement_location(&self, index: usize) -> Location {
        self.doc.location(&self.policy.statement_pointer(index))
    }
}

/// A policy that could not be read; the finding (SL300) says where and why.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", finding.message)]
pub struct PolicyParseError {
    pub finding: Box<Finding>,
}

impl PolicyParseError {
    pub fn into_finding(self) -> Finding {
        *self.finding
    }
}

/// Registers `text` under `url` in `sources` and reads it as an IAM policy document.
pub fn parse(url: &str, text: &str, sources: &SourceDb) -> Result<ParsedPolicy, PolicyParseError> {
    let file = sources.add(url, text);
    let source = match sources.get(file) {
        Some(s) => s,
        None => {
            // Only reachable if the database lost the file it just returned an id for.
            let finding = diags::policy_syntax_error(Location::resource(url), "source unavailable");
            return Err(PolicyParseError {
                finding: Box::new(finding),
            });
        }
    };
    let indexed = json_index::index(&source).map_err(|e| PolicyParseError {
        finding: Box::new(diags::policy_syntax_error(
            Location::File {
                file,
                url: source.url.clone(),
                span: e.span,
            },
            &e.message,
        )),
    })?;
    let doc = Document {
        file,
        source: source.clone(),
        value: indexed.value,
        index: indexed.index,
    };
    if let Err(e) = check_document(&doc.value) {
        let location = if e.at_key {
            doc.key_location(&e.pointer)
        } else {
            doc.location(&e.pointer)
        };
        return Err(PolicyParseError {
            finding: Box::new(diags::policy_shape_error(
                location, &e.pointer, &e.problem, &e.help,
            )),
        });
    }
    match serde_json::from_value::<PolicyDocument>(doc.value.clone()) {
        Ok(policy) => Ok(ParsedPolicy {
            policy,
            doc,
            duplicates: indexed.duplicates,
        }),
        // The shape check accepts only what the types accept; this is a safety net.
        Err(e) => Err(PolicyParseError {
            finding: Box::new(diags::policy_shape_error(
                doc.location(""),
                "",
                &format!("does not decode: {e}"),
                "compare the document with the IAM policy grammar",
            )),
        }),
    }
}

/// A shape problem at a pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ShapeError {
    pointer: String,
    /// Point at the key rather than the value (unknown or conflicting elements).
    at_key: bool,
    problem: String,
    help: String,
}

fn err(pointer: &str, problem: impl Into<String>, help: impl Into<String>) -> ShapeError {
    ShapeError {
        pointer: pointer.to_string(),
        at_key: false,
        problem: problem.into(),
        help: help.into(),
    }
}

fn key_err(pointer: &str, problem: impl Into<String>, help: impl Into<String>) -> ShapeError {
    ShapeError {
        at_key: true,
        ..err(pointer, problem, help)
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", escape_pointer_token(key))
}

const TOP_KEYS: [&str; 3] = ["Version", "Id", "Statement"];
const STATEMENT_KEYS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// The element name that `key` was probably meant to be (same letters, other case).
fn case_fix(key: &str, known: &[&'static str]) -> Option<&'static str> {
    known.iter().copied().find(|k| k.eq_ignore_ascii_case(key))
}

fn unknown_key(pointer: &str, key: &str, known: &[&'static str]) -> ShapeError {
    let help = match case_fix(key, known) {
        Some(k) => format!("element names are case-sensitive: write `{k}`"),
        None => format!(
            "allowed here: {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    key_err(&child(pointer, key), "is not an IAM policy element", help)
}

fn check_document(value: &Value) -> Result<(), ShapeError> {
    let Value::Object(top) = value else {
        return Err(err(
            "",
            format!("is {}, but a policy is a JSON object", kind_of(value)),
            "wrap the statements as `{\"Version\": \"2012-10-17\", \"Statement\": [...]}`",
        ));
    };
    for (k, v) in top {
        match k.as_str() {
            "Version" | "Id" => {
                if !v.is_string() {
                    return Err(err(
                        &child("", k),
                        format!("is {}, but must be a string", kind_of(v)),
                        "write it in double quotes, e.g. `\"2012-10-17\"`",
                    ));
                }
            }
            "Statement" => {}
            other => return Err(unknown_key("", other, &TOP_KEYS)),
        }
    }
    match top.get("Statement") {
        None => Err(err(
            "",
            "has no `Statement`",
            "add `\"Statement\": [...]` with at least one statement",
        )),
        Some(Value::Object(_)) => check_statement("/Statement", &top["Statement"]),
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                check_statement(&format!("/Statement/{i}"), item)?;
            }
            Ok(())
        }
        Some(other) => Err(err(
            "/Statement",
            format!(
                "is {}, but must be a statement object or a list of them",
                kind_of(other)
            ),
            "write `\"Statement\": [{\"Effect\": ..., \"Action\": ..., \"Resource\": ...}]`",
        )),
    }
}

fn check_statement(pointer: &str, value: &Value) -> Result<(), ShapeError> {
    let Value::Object(map) = value else {
        return Err(err(
            pointer,
            format!("is {}, but a statement is a JSON object", kind_of(value)),
            "each statement is an object with `Effect`, `Action` and `Resource`",
        ));
    };
    for (k, v) in map {
        let p = child(pointer, k);
        match k.as_str() {
            "Sid" => {
                if !v.is_string() {
                    return Err(err(
                        &p,
                        format!("is {}, but must be a string", kind_of(v)),
                        "use a short identifier such as `\"AllowCiRead\"`",
                    ));
                }
            }
            "Effect" => match v.as_str() {
                Some("Allow" | "Deny") => {}
                Some(s) if s.eq_ignore_ascii_case("allow") || s.eq_ignore_ascii_case("deny") => {
                    return Err(err(
                        &p,
                        format!("is `{s}`; `Effect` is case-sensitive"),
                        "write `Allow` or `Deny`",
                    ))
                }
                _ => {
                    return Err(err(
                        &p,
                        "must be `Allow` or `Deny`",
                        "write `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`",
                    ))
                }
            },
            "Principal" | "NotPrincipal" => check_principal(&p, v)?,
            "Action" | "NotAction" | "Resource" | "NotResource" => check_strings(&p, k, v)?,
            "Condition" => check_condition(&p, v)?,
            other => return Err(unknown_key(pointer, other, &STATEMENT_KEYS)),
        }
    }
    if !map.contains_key("Effect") {
        return Err(err(
            pointer,
            "has no `Effect`",
            "add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`",
        ));
    }
    for (a, b) in [
        ("Principal", "NotPrincipal"),
        ("Action", "NotAction"),
        ("Resource", "NotResource"),
    ] {
        if map.contains_key(a) && map.contains_key(b) {
            return Err(key_err(
                &child(pointer, b),
                format!("is given together with `{a}`; a statement takes one or the other"),
                format!("keep either `{a}` or `{b}`"),
            ));
        }
        if (a == "Action" || a == "Resource") && !map.contains_key(a) && !map.contains_key(b) {
            return Err(err(
                pointer,
                format!("has neither `{a}` nor `{b}`"),
                format!("add `\"{a}\": ...`; a statement without one never applies"),
            ));
        }
    }
    Ok(())
}

fn check_strings(pointer: &str, element: &str, v: &Value) -> Result<(), ShapeError> {
    let help = format!("write `{element}` as one string or a list of strings");
    match v {
        Value::String(_) => Ok(()),
        Value::Array(items) => {
            if items.is_empty() {
                return Err(err(pointer, "is an empty list", help));
            }
            for (i, item) in items.iter().enumerate() {
                if !item.is_string() {
                    return Err(err(
                        &format!("{pointer}/{i}"),
                        format!("is {}, but must be a string", kind_of(item)),
                        help,
                    ));
                }
            }
            Ok(())
        }
        other => Err(err(
            pointer,
            format!(
                "is {}, but must be a string or a list of strings",
                kind_of(other)
            ),
            help,
        )),
    }
}

fn check_principal(pointer: &str, v: &Value) -> Result<(), ShapeError> {
    let help = "write `\"*\"` or a map such as `{\"AWS\": \"arn:aws:iam::111122223333:root\"}`";
    match v {
        Value::String(s) if s == "*" => Ok(()),
        Value::String(s) => Err(err(
            pointer,
            format!("is the string `{s}`; only `\"*\"` may be written without a map"),
            format!("write `{{\"AWS\": \"{s}\"}}`"),
        )),
        Value::Object(map) => {
            if map.is_empty() {
                return Err(err(pointer, "is an empty map", help));
            }
            let kinds: Vec<&'static str> = PrincipalKind::ALL.iter().map(|k| k.key()).collect();
            for (k, item) in map {
                if PrincipalKind::from_key(k).is_none() {
                    return Err(unknown_key(pointer, k, &kinds));
                }
                check_strings(&child(pointer, k), k, item)?;
            }
            Ok(())
        }
        other => Err(err(
            pointer,
            format!("is {}, but must be `\"*\"` or a map", kind_of(other)),
            help,
        )),
    }
}

fn check_condition(pointer: &str, v: &Value) -> Result<(), ShapeError> {
    let help = "write `\"Condition\": {\"Operator\": {\"key\": \"value\" or [values]}}`";
    let Value::Object(ops) = v else {
        return Err(err(
            pointer,
            format!("is {}, but must be a map of operators", kind_of(v)),
            help,
        ));
    };
    for (op, keys) in ops {
        let op_ptr = child(pointer, op);
        let Value::Object(keys) = keys else {
            return Err(err(
                &op_ptr,
                format!("is {}, but must be a map of condition keys", kind_of(keys)),
                help,
            ));
        };
        if keys.is_empty() {
            return Err(err(&op_ptr, "has no condition keys", help));
        }
        for (key, values) in keys {
            let key_ptr = child(&op_ptr, key);
            let scalar =
                |x: &Value| matches!(x, Value::String(_) | Value::Number(_) | Value::Bool(_));
            match values {
                x if scalar(x) => {}
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if !scalar(item) {
                            return Err(err(
                                &format!("{key_ptr}/{i}"),
                                format!(
                                    "is {}, but condition values are strings, numbers or booleans",
                                    kind_of(item)
                                ),
                                help,
                            ));
                        }
                    }
                }
                other => {
                    return Err(err(
                        &key_ptr,
                        format!(
                            "is {}, but condition values are strings, numbers or booleans",
                            kind_of(other)
                        ),
                        help,
                    ))
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::model::{Effect, OneOrMany, Principal};

    fn ok(text: &str) -> ParsedPolicy {
        match parse("mem:///policy.json", text, &SourceDb::new()) {
            Ok(p) => p,
            Err(e) => panic!("{text}: {:?}", e.finding),
        }
    }

    fn fail(text: &str) -> Finding {
        match parse("mem:///policy.json", text, &SourceDb::new()) {
            Ok(_) => panic!("{text} parsed"),
            Err(e) => e.into_finding(),
        }
    }

    fn line_col(f: &Finding) -> (usize, usize) {
        match &f.location {
            Location::File { span, .. } => (span.line, span.column),
            Location::Resource { .. } => (0, 0),
        }
    }

    #[test]
    fn single_statement_object_and_single_strings() {
        let p = ok(
            r#"{"Version":"2012-10-17","Statement":{"Sid":"A","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#,
        );
        assert_eq!(p.policy.statements().len(), 1);
        assert!(!p.policy.statements.is_list());
        let s = &p.policy.statements()[0];
        assert_eq!(s.effect, Effect::Allow);
        assert_eq!(s.principal, Some(Principal::Any));
        assert_eq!(s.action, Some(OneOrMany::One("s3:GetObject".into())));
        assert_eq!(p.policy.statement_pointer(0), "/Statement");
        assert_eq!(line_col_of(&p.statement_location(0)), (1, 37));
    }

    fn line_col_of(l: &Location) -> (usize, usize) {
        match l {
            Location::File { span, .. } => (span.line, span.column),
            Location::Resource { .. } => (0, 0),
        }
    }

    #[test]
    fn lists_and_principal_forms() {
        let text = r#"{
  "Statement": [
    {"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:root", "222233334444"]},
     "NotAction": ["s3:Get*"], "NotResource": "arn:aws:s3:::b"},
    {"Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com", "AWS": "*"},
     "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b/*"],
     "Condition": {"Bool": {"aws:SecureTransport": false}, "NumericLessThan": {"s3:max-keys": [10, "20"]}}},
    {"Effect": "Allow", "Principal": {"CanonicalUser": "abc", "Federated": "cognito-identity.amazonaws.com"},
     "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"}
  ]
}"#;
        let p = ok(text);
        let st = p.policy.statements();
        assert_eq!(st.len(), 3);
        let np = st[0].not_principal.as_ref().map(|p| p.entries().len());
        assert_eq!(np, Some(2));
        assert!(st[0].not_action.as_ref().is_some_and(|a| a.is_list()));
        assert!(st[0].not_resource.as_ref().is_some_and(|a| !a.is_list()));
        assert!(st[1].principal.as_ref().is_some_and(|p| p.is_everyone()));
        let cond = st[1].condition.as_ref().map(|c| c.len());
        assert_eq!(cond, Some(2));
        let max_keys = st[1]
            .condition
            .as_ref()
            .and_then(|c| c.get("NumericLessThan"))
            .and_then(|k| k.get("s3:max-keys"));
        assert!(max_keys.is_some_and(|v| v.is_list() && v.len() == 2));
        let kinds: Vec<PrincipalKind> = st[2]
            .principal
            .as_ref()
            .map(|p| p.entries().into_iter().map(|(k, _)| k).collect())
            .unwrap_or_default();
        assert_eq!(
            kinds,
            [PrincipalKind::CanonicalUser, PrincipalKind::Federated]
        );
        assert_eq!(line_col_of(&p.statement_location(1)), (5, 5));
    }

    #[test]
    fn round_trip_keeps_single_vs_list_and_order() {
        let text = r#"{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"S","Effect":"Allow","Principal":{"Service":"a.amazonaws.com","AWS":["1","2"]},"Action":"s3:GetObject","Resource":["arn:aws:s3:::b/*"],"Condition":{"StringLike":{"s3:prefix":["a/*"],"aws:x":"y"},"Bool":{"aws:SecureTransport":true}}}]}"#;
        let p = ok(text);
        let out = serde_json::to_string(&p.policy).unwrap_or_default();
        assert_eq!(out, text);
        let pretty = p.policy.to_json_pretty();
        assert_eq!(ok(&pretty).policy, p.policy);
    }

    #[test]
    fn syntax_errors_point_at_line_and_column() {
        let f = fail("{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",}\n  ]\n}");
        assert_eq!(f.code, "SL300");
        assert_eq!(line_col(&f), (3, 24));
        assert!(f.message.contains("trailing comma"), "{}", f.message);
    }

    #[test]
    fn shape_errors_point_at_the_element() {
        let cases: &[(&str, (usize, usize), &str)] = &[
            (
                "{\n \"Statement\": [{\"Effect\": \"allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]\n}",
                (2, 27),
                "case-sensitive",
            ),
            (
                "{\"Statement\": [{\"Effect\": \"Permit\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]}",
                (1, 27),
                "must be `Allow` or `Deny`",
            ),
            (
                "{\"Statement\": {\"Effect\": \"Allow\",\n \"action\": \"s3:*\", \"Resource\": \"*\"}}",
                (2, 2),
                "not an IAM policy element",
            ),
            (
                "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"arn:aws:iam::1:root\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]}",
                (1, 49),
                "only `\"*\"`",
            ),
            (
                "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:*\", 3], \"Resource\": \"*\"}]}",
                (1, 55),
                "must be a string",
            ),
            (
                "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"NotAction\": \"s3:Get*\", \"Resource\": \"*\"}]}",
                (1, 54),
                "together with `Action`",
            ),
            (
                "{\"Statement\": [{\"Effect\": \"Allow\", \"Resource\": \"*\"}]}",
                (1, 16),
                "neither `Action`",
            ),
            (
                "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\", \"Condition\": {\"Bool\": {\"aws:SecureTransport\": {\"x\": 1}}}}]}",
                (1, 117),
                "condition values",
            ),
            ("[1]", (1, 1), "a policy is a JSON object"),
            (
                "{\"Statement\": [{\"Sid\": 5, \"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}]}",
                (1, 24),
                "is a number, but must be a string",
            ),
            ("{\"Version\": \"2012-10-17\"}", (1, 1), "no `Statement`"),
            (
                "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Aws\": \"*\"}, \"Action\": \"s3:*\", \"Resource\": \"*\"}]}",
                (1, 50),
                "write `AWS`",
            ),
        ];
        for (text, pos, needle) in cases {
            let f = fail(text);
            assert_eq!(f.code, "SL300");
            assert_eq!(line_col(&f), *pos, "{text}: {}", f.message);
            let all = format!("{} {}", f.message, f.help.clone().unwrap_or_default());
            assert!(all.contains(needle), "{text}: {all}");
        }
    }

    #[test]
    fn duplicates_are_listed_not_fatal() {
        let p = ok(
            r#"{"Statement": [{"Sid": "a", "Sid": "b", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#,
        );
        assert_eq!(p.duplicates.len(), 1);
        assert_eq!(p.policy.statements()[0].sid.as_deref(), Some("b"));
    }
}
