//! Amazon Resource Names: parsing, S3 bucket/object ARNs, and principal ARNs.

use std::fmt;
use std::str::FromStr;

/// `arn:partition:service:region:account:resource`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Arn {
    pub partition: String,
    pub service: String,
    pub region: String,
    pub account: String,
    /// Everything after the fifth colon (may itself hold `:` and `/`).
    pub resource: String,
}

/// Why a string is not an ARN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArnError {
    #[error("`{0}` does not start with `arn:`")]
    NotAnArn(String),
    #[error("`{0}` has fewer than six `:`-separated parts")]
    TooFewParts(String),
    #[error("`{0}` has an empty partition or service")]
    EmptyField(String),
}

impl FromStr for Arn {
    type Err = ArnError;

    fn from_str(s: &str) -> Result<Arn, ArnError> {
        let mut parts = s.splitn(6, ':');
        if parts.next() != Some("arn") {
            return Err(ArnError::NotAnArn(s.to_string()));
        }
        let mut field = || {
            parts
                .next()
                .map(str::to_string)
                .ok_or_else(|| ArnError::TooFewParts(s.to_string()))
        };
        let arn = Arn {
            partition: field()?,
            service: field()?,
            region: field()?,
            account: field()?,
            resource: field()?,
        };
        if arn.partition.is_empty() || arn.service.is_empty() {
            return Err(ArnError::EmptyField(s.to_string()));
        }
        Ok(arn)
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

impl Arn {
    pub fn parse(s: &str) -> Result<Arn, ArnError> {
        s.parse()
    }
}

/// `true` for a 12-digit AWS account id.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `arn:aws:s3:::bucket`.
pub fn s3_bucket_arn(bucket: &str) -> String {
    format!("arn:aws:s3:::{bucket}")
}

/// `arn:aws:s3:::bucket/key` (the key may contain `*` to form a pattern).
pub fn s3_object_arn(bucket: &str, key: &str) -> String {
    format!("arn:aws:s3:::{bucket}/{key}")
}

/// `arn:aws:iam::<account>:root`, the ARN that stands for a whole account.
pub fn account_root_arn(partition: &str, account: &str) -> String {
    format!("arn:{partition}:iam::{account}:root")
}

/// What kind of AWS principal an ARN names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalArn {
    /// `arn:aws:iam::123456789012:root`: the account.
    Root { partition: String, account: String },
    /// `arn:aws:iam::123456789012:user/path/name`.
    User { arn: Arn },
    /// `arn:aws:iam::123456789012:role/path/name`.
    Role { arn: Arn },
    /// `arn:aws:sts::123456789012:assumed-role/RoleName/session`.
    AssumedRole {
        arn: Arn,
        role_name: String,
        session: String,
    },
    /// `arn:aws:sts::123456789012:federated-user/name`.
    FederatedUser { arn: Arn },
    /// Another IAM or STS ARN (e.g. a group, which can never be a principal).
    Other { arn: Arn },
}

impl PrincipalArn {
    /// Classifies an IAM/STS ARN. Fails when `s` is not an ARN or not an `iam`/`sts` one.
    pub fn parse(s: &str) -> Result<PrincipalArn, ArnError> {
        let arn = Arn::parse(s)?;
        if arn.service != "iam" && arn.service != "sts" {
            return Ok(PrincipalArn::Other { arn });
        }
        let res = arn.resource.clone();
        Ok(match (arn.service.as_str(), res.split_once('/')) {
            ("iam", None) if res == "root" => PrincipalArn::Root {
                partition: arn.partition,
                account: arn.account,
            },
            ("iam", Some(("user", _))) => PrincipalArn::User { arn },
            ("iam", Some(("role", _))) => PrincipalArn::Role { arn },
            ("sts", Some(("assumed-role", rest))) => match rest.split_once('/') {
                Some((role, session)) if !role.is_empty() && !session.is_empty() => {
                    PrincipalArn::AssumedRole {
                        role_name: role.to_string(),
                        session: session.to_string(),
                        arn,
                    }
                }
                _ => PrincipalArn::Other { arn },
            },
            ("sts", Some(("federated-user", _))) => PrincipalArn::FederatedUser { arn },
            _ => PrincipalArn::Other { arn },
        })
    }

    /// The account the principal belongs to.
    pub fn account(&self) -> &str {
        match self {
            PrincipalArn::Root { account, .. } => account,
            PrincipalArn::User { arn }
            | PrincipalArn::Role { arn }
            | PrincipalArn::AssumedRole { arn, .. }
            | PrincipalArn::FederatedUser { arn }
            | PrincipalArn::Other { arn } => &arn.account,
        }
    }

    pub fn partition(&self) -> &str {
        match self {
            PrincipalArn::Root { partition, .. } => partition,
            PrincipalArn::User { arn }
            | PrincipalArn::Role { arn }
            | PrincipalArn::AssumedRole { arn, .. }
            | PrincipalArn::FederatedUser { arn }
            | PrincipalArn::Other { arn } => &arn.partition,
        }
    }
}

/// Maps an assumed-role session ARN to the ARN of its role:
/// `arn:aws:sts::123:assumed-role/Role/session` -> `arn:aws:iam::123:role/Role`.
///
/// The session ARN does not carry the role's path, so a role created with a path
/// (`role/ops/Role`) maps to `role/Role`; callers that know the path should use it.
/// Returns `None` when `arn` is not a session ARN.
pub fn session_to_role_arn(arn: &str) -> Option<String> {
    match PrincipalArn::parse(arn).ok()? {
        PrincipalArn::AssumedRole { arn, role_name, .. } => Some(format!(
            "arn:{}:iam::{}:role/{role_name}",
            arn.partition, arn.account
        )),
        _ => None,
    }
}

/// The ARN a principal value in a policy stands for: a bare 12-digit account id is the
/// account's root (`"AWS": "123456789012"`); anything else is returned as written.
pub fn normalize_principal_value(value: &str) -> String {
    if is_account_id(value) {
        account_root_arn("aws", value)
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let Ok(a) = Arn::parse("arn:aws:s3:::bucket/a:b/c") else {
            panic!("parse")
        };
        assert_eq!(a.service, "s3");
        assert_eq!(a.resource, "bucket/a:b/c");
        assert_eq!(a.to_string(), "arn:aws:s3:::bucket/a:b/c");
        assert!(matches!(
            Arn::parse("aws:s3:::b"),
            Err(ArnError::NotAnArn(_))
        ));
        assert!(matches!(
            Arn::parse("arn:aws:s3::b"),
            Err(ArnError::TooFewParts(_))
        ));
        assert!(matches!(
            Arn::parse("arn::s3:::b"),
            Err(ArnError::EmptyField(_))
        ));
    }

    #[test]
    fn s3_helpers() {
        assert_eq!(s3_bucket_arn("state"), "arn:aws:s3:::state");
        assert_eq!(
            s3_object_arn("state", "c/config"),
            "arn:aws:s3:::state/c/config"
        );
    }

    #[test]
    fn principal_kinds() {
        let kind = |s: &str| PrincipalArn::parse(s).ok();
        assert!(matches!(
            kind("arn:aws:iam::111122223333:root"),
            Some(PrincipalArn::Root { account, .. }) if account == "111122223333"
        ));
        assert!(matches!(
            kind("arn:aws:iam::111122223333:user/ci"),
            Some(PrincipalArn::User { .. })
        ));
        assert!(matches!(
            kind("arn:aws:iam::111122223333:role/ops/deploy"),
            Some(PrincipalArn::Role { .. })
        ));
        assert!(matches!(
            kind("arn:aws:sts::111122223333:assumed-role/deploy/s1"),
            Some(PrincipalArn::AssumedRole { role_name, session, .. }) if role_name == "deploy" && session == "s1"
        ));
        assert!(matches!(
            kind("arn:aws:sts::111122223333:federated-user/bob"),
            Some(PrincipalArn::FederatedUser { .. })
        ));
        // Only `root` itself is the account's root user.
        assert!(matches!(
            kind("arn:aws:iam::111122223333:rootless"),
            Some(PrincipalArn::Other { .. })
        ));
        // A session ARN with its role or session name missing is no session.
        for half in [
            "arn:aws:sts::111122223333:assumed-role//s1",
            "arn:aws:sts::111122223333:assumed-role/deploy/",
            "arn:aws:sts::111122223333:assumed-role/deploy",
        ] {
            assert!(
                matches!(kind(half), Some(PrincipalArn::Other { .. })),
                "{half}"
            );
        }
        assert!(matches!(
            kind("arn:aws:iam::111122223333:group/admins"),
            Some(PrincipalArn::Other { .. })
        ));
        assert_eq!(
            kind("arn:aws-cn:iam::111122223333:user/ci").map(|p| p.partition().to_string()),
            Some("aws-cn".to_string())
        );
    }

    #[test]
    fn session_maps_to_role_and_account_shorthand() {
        assert_eq!(
            session_to_role_arn("arn:aws:sts::222222222222:assumed-role/ci/gha-123").as_deref(),
            Some("arn:aws:iam::222222222222:role/ci")
        );
        assert_eq!(
            session_to_role_arn("arn:aws:iam::222222222222:user/ci"),
            None
        );
        assert!(is_account_id("123456789012"));
        assert!(!is_account_id("12345678901"));
        assert!(!is_account_id("12345678901a"));
        assert_eq!(
            normalize_principal_value("123456789012"),
            "arn:aws:iam::123456789012:root"
        );
        assert_eq!(normalize_principal_value("*"), "*");
    }
}
