//! Serde types for IAM policy documents (identity policies and S3 bucket policies).
//!
//! The types keep what the author wrote where it matters for a round trip: a field given
//! as one string stays one string, a list stays a list, and map entries (principal kinds,
//! condition operators and keys) keep their order. Element names are the IAM spellings
//! (`Version`, `Statement`, `Effect`, ...); unknown elements are rejected.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;

/// The current policy language version.
pub const VERSION_2012: &str = "2012-10-17";
/// The legacy version, which lacks policy variables.
pub const VERSION_2008: &str = "2008-10-17";

/// A field that IAM accepts either as a single value or as a list of values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// `Many` comes first: serde tries untagged variants in order, and with `T = Value` a list
// would otherwise decode as one value.
#[serde(untagged)]
pub enum OneOrMany<T> {
    Many(Vec<T>),
    One(T),
}

impl<T> OneOrMany<T> {
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(v) => std::slice::from_ref(v),
            OneOrMany::Many(v) => v,
        }
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// True when written as a list (even a list of one).
    pub fn is_list(&self) -> bool {
        matches!(self, OneOrMany::Many(_))
    }
}

impl<T> From<T> for OneOrMany<T> {
    fn from(v: T) -> Self {
        OneOrMany::One(v)
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    fn from(v: Vec<T>) -> Self {
        OneOrMany::Many(v)
    }
}

/// A JSON object whose entries keep their written order (principal kinds, condition
/// operators, condition keys). Repeated keys are kept as written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V> OrderedMap<V> {
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The first entry named `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(access.size_hint().unwrap_or(0));
                while let Some((k, v)) = access.next_entry::<String, V>()? {
                    entries.push((k, v));
                }
                Ok(OrderedMap(entries))
            }
        }
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// The kinds of principal a `Principal` map may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    /// `AWS`: accounts, users, roles, role sessions, federated users, or `*`.
    Aws,
    /// `Service`: an AWS service such as `cloudfront.amazonaws.com`.
    Service,
    /// `Federated`: a web identity or SAML provider.
    Federated,
    /// `CanonicalUser`: S3's obfuscated account id.
    CanonicalUser,
}

impl PrincipalKind {
    pub const ALL: [PrincipalKind; 4] = [
        PrincipalKind::Aws,
        PrincipalKind::Service,
        PrincipalKind::Federated,
        PrincipalKind::CanonicalUser,
    ];

    pub fn key(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }

    pub fn from_key(key: &str) -> Option<PrincipalKind> {
        PrincipalKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// The value of `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    /// `"*"`: everyone, including anonymous callers.
    Any,
    /// `{"AWS": ..., "Service": ..., ...}`, each one string or a list.
    Map(OrderedMap<OneOrMany<String>>),
}

impl Principal {
    /// Every `(kind, value)` pair; entries with an unknown kind are skipped (the parser
    /// rejects them, so this only matters for hand-built values).
    pub fn entries(&self) -> Vec<(PrincipalKind, &str)> {
        match self {
            Principal::Any => Vec::new(),
            Principal::Map(map) => map
                .iter()
                .filter_map(|(k, v)| PrincipalKind::from_key(k).map(|kind| (kind, v)))
                .flat_map(|(kind, v)| v.iter().map(move |s| (kind, s.as_str())))
                .collect(),
        }
    }

    /// `"*"` or `{"AWS": "*"}` (possibly among other entries): everyone.
    pub fn is_everyone(&self) -> bool {
        match self {
            Principal::Any => true,
            Principal::Map(_) => self
                .entries()
                .iter()
                .any(|(k, v)| *k == PrincipalKind::Aws && *v == "*"),
        }
    }

    /// `{"AWS": [values...]}`, written as one string when there is one value.
    pub fn aws<I: IntoIterator<Item = S>, S: Into<String>>(values: I) -> Principal {
        let mut values: Vec<String> = values.into_iter().map(Into::into).collect();
        let value = if values.len() == 1 {
            OneOrMany::One(values.remove(0))
        } else {
            OneOrMany::Many(values)
        };
        Principal::Map(OrderedMap(vec![("AWS".to_string(), value)]))
    }
}

impl Serialize for Principal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Principal::Any => serializer.serialize_str("*"),
            Principal::Map(map) => map.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Principal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Str(String),
            Map(OrderedMap<OneOrMany<String>>),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Str(s) if s == "*" => Ok(Principal::Any),
            Raw::Str(s) => Err(serde::de::Error::custom(format!(
                "a principal given as a string must be `*`, not `{s}`"
            ))),
            Raw::Map(m) => Ok(Principal::Map(m)),
        }
    }
}

/// `Condition`: operator (`StringEquals`, `ForAnyValue:StringLike`, `BoolIfExists`, ...)
/// -> condition key -> one or many values. Values stay JSON (strings, numbers, booleans).
pub type Condition = OrderedMap<OrderedMap<OneOrMany<Value>>>;

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    #[serde(rename = "Sid", default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    #[serde(rename = "Effect")]
    pub effect: Effect,
    #[serde(rename = "Principal", default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<Principal>,
    #[serde(
        rename = "NotPrincipal",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub not_principal: Option<Principal>,
    #[serde(rename = "Action", default, skip_serializing_if = "Option::is_none")]
    pub action: Option<OneOrMany<String>>,
    #[serde(rename = "NotAction", default, skip_serializing_if = "Option::is_none")]
    pub not_action: Option<OneOrMany<String>>,
    #[serde(rename = "Resource", default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<OneOrMany<String>>,
    #[serde(
        rename = "NotResource",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub not_resource: Option<OneOrMany<String>>,
    #[serde(rename = "Condition", default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
}

impl Statement {
    /// A bare statement with only its effect; fill the other fields in.
    pub fn new(effect: Effect) -> Statement {
        Statement {
            sid: None,
            effect,
            principal: None,
            not_principal: None,
            action: None,
            not_action: None,
            resource: None,
            not_resource: None,
            condition: None,
        }
    }
}

/// A whole policy document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    #[serde(rename = "Version", default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(rename = "Id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "Statement")]
    pub statements: OneOrMany<Statement>,
}

impl PolicyDocument {
    /// A `2012-10-17` document with these statements (always written as a list).
    pub fn new(statements: Vec<Statement>) -> PolicyDocument {
        PolicyDocument {
            version: Some(VERSION_2012.to_string()),
            id: None,
            statements: OneOrMany::Many(statements),
        }
    }

    pub fn statements(&self) -> &[Statement] {
        self.statements.as_slice()
    }

    /// The JSON pointer of statement `index` in the text this document was read from.
    pub fn statement_pointer(&self, index: usize) -> String {
        if self.statements.is_list() {
            format!("/Statement/{index}")
        } else {
            "/Statement".to_string()
        }
    }

    /// Pretty JSON, two-space indented (as `aws s3api get-bucket-policy` users expect).
    pub fn to_json_pretty(&self) -> String {
        // Serializing these types cannot fail: every map key is a string.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ordered_map_keeps_the_written_order_and_says_what_it_expected() {
        let map: OrderedMap<u8> = serde_json::from_str(r#"{"b": 1, "a": 2}"#).expect("an object");
        assert_eq!(map.0, [("b".to_string(), 1), ("a".to_string(), 2)]);
        let err = serde_json::from_str::<OrderedMap<u8>>("[1]").expect_err("a list is no map");
        assert!(err.to_string().contains("expected a JSON object"), "{err}");
    }

    #[test]
    fn an_aws_principal_is_one_string_or_a_list_of_all_its_values() {
        let json = |p: Principal| serde_json::to_string(&p).unwrap_or_default();
        assert_eq!(
            json(Principal::aws(["arn:aws:iam::1:root"])),
            r#"{"AWS":"arn:aws:iam::1:root"}"#
        );
        assert_eq!(
            json(Principal::aws([
                "arn:aws:iam::1:root",
                "arn:aws:iam::2:root"
            ])),
            r#"{"AWS":["arn:aws:iam::1:root","arn:aws:iam::2:root"]}"#
        );
    }

    #[test]
    fn a_principal_string_other_than_star_is_refused() {
        let any: Principal = serde_json::from_str(r#""*""#).expect("`*` is everyone");
        assert_eq!(any, Principal::Any);
        // IAM refuses `"Principal": "arn:..."`: a string principal can only be `*`.
        let err = serde_json::from_str::<Principal>(r#""arn:aws:iam::111111111111:root""#)
            .expect_err("an ARN string is no principal");
        assert!(err.to_string().contains("must be `*`"), "{err}");
    }
}
