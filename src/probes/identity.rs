//! The caller's own identity policies, so a denial can be explained from both sides.
//!
//! They come from files the user gives (`--identity-policy`), or from IAM when the caller
//! may read its own policies (inline and attached, of the user and its groups, or of the
//! role behind a session). Whatever cannot be read is "unknown" with the reason: an
//! explanation never assumes a policy it has not seen.

use aws_sdk_iam::error::ProvideErrorMetadata;

use crate::policy::arn::PrincipalArn;
use crate::policy::model::PolicyDocument;

/// One identity policy and where it came from (for naming its statements).
#[derive(Debug, Clone, PartialEq)]
pub struct NamedPolicy {
    /// e.g. `inline policy ci-s3 of user ci`, or a file name.
    pub name: String,
    pub document: PolicyDocument,
}

/// What is known of the caller's identity policies.
#[derive(Debug, Clone, PartialEq)]
pub enum IdentityPolicies {
    /// Read completely (possibly none at all).
    Known {
        policies: Vec<NamedPolicy>,
        /// e.g. `read through IAM` or `given with --identity-policy`.
        source: String,
    },
    /// Not read; the reason, e.g. "`iam:ListUserPolicies` was denied (HTTP 403)".
    Unknown(String),
}

impl IdentityPolicies {
    pub fn documents(&self) -> Option<Vec<PolicyDocument>> {
        match self {
            IdentityPolicies::Known { policies, .. } => {
                Some(policies.iter().map(|p| p.document.clone()).collect())
            }
            IdentityPolicies::Unknown(_) => None,
        }
    }

    pub fn name_of(&self, index: usize) -> String {
        match self {
            IdentityPolicies::Known { policies, .. } => policies
                .get(index)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| format!("identity policy #{index}")),
            IdentityPolicies::Unknown(_) => format!("identity policy #{index}"),
        }
    }
}

/// Parses policy files given on the command line; an unreadable or invalid file is an
/// error naming it.
pub fn from_files(paths: &[std::path::PathBuf]) -> Result<IdentityPolicies, String> {
    let mut policies = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read identity policy `{}`: {e}", path.display()))?;
        let document = serde_json::from_str::<PolicyDocument>(&text).map_err(|e| {
            format!(
                "identity policy `{}` is not a policy document: {e}",
                path.display()
            )
        })?;
        policies.push(NamedPolicy {
            name: format!("`{}`", path.display()),
            document,
        });
    }
    Ok(IdentityPolicies::Known {
        policies,
        source: "given with --identity-policy".into(),
    })
}

/// An IAM error as a short phrase: "`iam:ListUserPolicies` was denied (HTTP 403 AccessDenied)".
fn iam_error<E>(
    action: &str,
    err: &aws_sdk_iam::error::SdkError<E, aws_sdk_iam::config::http::HttpResponse>,
) -> String
where
    E: ProvideErrorMetadata,
{
    let status = err.raw_response().map(|r| r.status().as_u16());
    let code = err.code().map(|c| format!(" {c}")).unwrap_or_default();
    match status {
        Some(403) => format!("`iam:{action}` was denied (HTTP 403{code})"),
        Some(s) => format!("`iam:{action}` was not answered (HTTP {s}{code})"),
        None => format!("`iam:{action}` got no answer from the IAM endpoint"),
    }
}

/// IAM returns policy documents URL-encoded.
fn decode_document(name: &str, raw: &str) -> Result<NamedPolicy, String> {
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map(|c| c.into_owned())
        .unwrap_or_else(|_| raw.to_string());
    let document = serde_json::from_str::<PolicyDocument>(&decoded)
        .or_else(|_| serde_json::from_str::<PolicyDocument>(raw))
        .map_err(|e| format!("{name} is not a policy document statelint can read: {e}"))?;
    Ok(NamedPolicy {
        name: name.to_string(),
        document,
    })
}

/// Whose policies to read: a user (with its groups) or a role.
enum Holder {
    User(String),
    Role(String),
    Root,
}

fn holder(caller_arn: &str) -> Option<Holder> {
    let last = |resource: &str| resource.rsplit('/').next().unwrap_or("").to_string();
    match PrincipalArn::parse(caller_arn).ok()? {
        PrincipalArn::Root { .. } => Some(Holder::Root),
        PrincipalArn::User { arn } => Some(Holder::User(last(&arn.resource))),
        PrincipalArn::Role { arn } => Some(Holder::Role(last(&arn.resource))),
        PrincipalArn::AssumedRole { role_name, .. } => Some(Holder::Role(role_name)),
        _ => None,
    }
}

/// Reads the caller's identity policies through IAM.
pub async fn read_from_iam(client: &aws_sdk_iam::Client, caller_arn: &str) -> IdentityPolicies {
    match read_all(client, caller_arn).await {
        Ok(policies) => IdentityPolicies::Known {
            policies,
            source: "read through IAM".into(),
        },
        Err(why) => IdentityPolicies::Unknown(why),
    }
}

/// Who holds the policies being read.
#[derive(Clone, Copy)]
enum Kind {
    User,
    Group,
    Role,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Group => "group",
            Kind::Role => "role",
        }
    }
}

/// The inline policies of a user, group or role: the names, then each document.
async fn inline_policies(
    client: &aws_sdk_iam::Client,
    kind: Kind,
    name: &str,
) -> Result<Vec<NamedPolicy>, String> {
    let names: Vec<String> = match kind {
        Kind::User => client
            .list_user_policies()
            .user_name(name)
            .send()
            .await
            .map_err(|e| iam_error("ListUserPolicies", &e))?
            .policy_names
            .clone(),
        Kind::Group => client
            .list_group_policies()
            .group_name(name)
            .send()
            .await
            .map_err(|e| iam_error("ListGroupPolicies", &e))?
            .policy_names
            .clone(),
        Kind::Role => client
            .list_role_policies()
            .role_name(name)
            .send()
            .await
            .map_err(|e| iam_error("ListRolePolicies", &e))?
            .policy_names
            .clone(),
    };
    let mut out = Vec::new();
    for policy in names {
        let document = match kind {
            Kind::User => {
                client
                    .get_user_policy()
                    .user_name(name)
                    .policy_name(&policy)
                    .send()
                    .await
                    .map_err(|e| iam_error("GetUserPolicy", &e))?
                    .policy_document
            }
            Kind::Group => {
                client
                    .get_group_policy()
                    .group_name(name)
                    .policy_name(&policy)
                    .send()
                    .await
                    .map_err(|e| iam_error("GetGroupPolicy", &e))?
                    .policy_document
            }
            Kind::Role => {
                client
                    .get_role_policy()
                    .role_name(name)
                    .policy_name(&policy)
                    .send()
                    .await
                    .map_err(|e| iam_error("GetRolePolicy", &e))?
                    .policy_document
            }
        };
        let label = format!("inline policy `{policy}` of {} `{name}`", kind.noun());
        out.push(decode_document(&label, &document)?);
    }
    Ok(out)
}

/// The managed policies attached to a user, group or role.
async fn attached_policies(
    client: &aws_sdk_iam::Client,
    kind: Kind,
    name: &str,
) -> Result<Vec<NamedPolicy>, String> {
    let attached = match kind {
        Kind::User => {
            client
                .list_attached_user_policies()
                .user_name(name)
                .send()
                .await
                .map_err(|e| iam_error("ListAttachedUserPolicies", &e))?
                .attached_policies
        }
        Kind::Group => {
            client
                .list_attached_group_policies()
                .group_name(name)
                .send()
                .await
                .map_err(|e| iam_error("ListAttachedGroupPolicies", &e))?
                .attached_policies
        }
        Kind::Role => {
            client
                .list_attached_role_policies()
                .role_name(name)
                .send()
                .await
                .map_err(|e| iam_error("ListAttachedRolePolicies", &e))?
                .attached_policies
        }
    };
    let mut out = Vec::new();
    for arn in attached
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p.policy_arn())
    {
        out.push(managed(client, arn).await?);
    }
    Ok(out)
}

/// Every policy of one holder: inline and attached.
async fn policies_of(
    client: &aws_sdk_iam::Client,
    kind: Kind,
    name: &str,
) -> Result<Vec<NamedPolicy>, String> {
    let mut out = inline_policies(client, kind, name).await?;
    out.extend(attached_policies(client, kind, name).await?);
    Ok(out)
}

async fn read_all(
    client: &aws_sdk_iam::Client,
    caller_arn: &str,
) -> Result<Vec<NamedPolicy>, String> {
    match holder(caller_arn) {
        None => Err(format!(
            "`{caller_arn}` is not an IAM user, role or role session"
        )),
        Some(Holder::Root) => Ok(Vec::new()),
        Some(Holder::Role(role)) => policies_of(client, Kind::Role, &role).await,
        Some(Holder::User(user)) => {
            let mut out = policies_of(client, Kind::User, &user).await?;
            let groups = client
                .list_groups_for_user()
                .user_name(&user)
                .send()
                .await
                .map_err(|e| iam_error("ListGroupsForUser", &e))?;
            for group in groups.groups() {
                out.extend(policies_of(client, Kind::Group, group.group_name()).await?);
            }
            Ok(out)
        }
    }
}

/// The default version of a managed policy.
async fn managed(client: &aws_sdk_iam::Client, arn: &str) -> Result<NamedPolicy, String> {
    let policy = client
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .map_err(|e| iam_error("GetPolicy", &e))?;
    let version = policy
        .policy()
        .and_then(|p| p.default_version_id())
        .unwrap_or("v1")
        .to_string();
    let got = client
        .get_policy_version()
        .policy_arn(arn)
        .version_id(&version)
        .send()
        .await
        .map_err(|e| iam_error("GetPolicyVersion", &e))?;
    let raw = got
        .policy_version()
        .and_then(|v| v.document())
        .unwrap_or_default();
    decode_document(&format!("managed policy `{arn}`"), raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_documents_are_url_decoded() {
        let raw = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
        let p = decode_document("inline policy `x`", raw).expect("decodes");
        assert_eq!(p.document.statements().len(), 1);
        let plain = r#"{"Version":"2012-10-17","Statement":[]}"#;
        assert!(decode_document("plain", plain).is_ok());
        assert!(decode_document("bad", "not json").is_err());
    }

    #[test]
    fn users_roles_and_sessions_name_whose_policies_to_read() {
        assert!(
            matches!(holder("arn:aws:iam::222222222222:user/ops/ci"), Some(Holder::User(u)) if u == "ci")
        );
        assert!(
            matches!(holder("arn:aws:sts::222222222222:assumed-role/deploy/s1"), Some(Holder::Role(r)) if r == "deploy")
        );
        assert!(matches!(
            holder("arn:aws:iam::222222222222:root"),
            Some(Holder::Root)
        ));
        assert!(holder("arn:aws:s3:::bucket").is_none());
    }

    #[test]
    fn a_missing_file_is_named() {
        let err = from_files(&["/nonexistent/p.json".into()]).expect_err("fails");
        assert!(err.contains("/nonexistent/p.json"), "{err}");
    }
}
