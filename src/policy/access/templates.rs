//! What each kind of principal needs, from the `policies/` templates: a template's needs
//! are the capabilities its own grants give (computed, not listed by hand), and `owner`
//! needs everything, the policy included.

use clap::ValueEnum;

use super::capability::{Capability, Store};
use crate::policy::evaluate::{evaluate, Caller, PolicySet, Request};
use crate::policy::fix::{self, Template};
use crate::policy::model::{PolicyDocument, Principal};

/// The role a kept principal plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Template(Template),
    /// The bucket's owner: everything, including changing the policy.
    Owner,
}

impl Role {
    /// `operator`, `node-readonly`, `ci-preflight` or `owner`.
    pub fn parse(name: &str) -> Option<Role> {
        if name == "owner" {
            return Some(Role::Owner);
        }
        Template::from_str(name, true).ok().map(Role::Template)
    }

    pub fn name(self) -> String {
        match self {
            Role::Owner => "owner".to_string(),
            Role::Template(t) => t
                .to_possible_value()
                .map(|v| v.get_name().to_string())
                .unwrap_or_default(),
        }
    }

    /// The capabilities this role needs in `store`.
    pub fn needs(self, store: &Store) -> Vec<Capability> {
        let template = match self {
            Role::Owner => return Capability::ALL.to_vec(),
            Role::Template(t) => t,
        };
        // The template's grants, as the only identity policy of a same-account caller.
        let grants = fix::identity_policy(template, "aws", &store.bucket, &store.prefix);
        let account = "000000000000";
        let Ok(caller) = Caller::from_arn(&format!("arn:aws:iam::{account}:user/template")) else {
            return Vec::new();
        };
        let set = PolicySet {
            identity_policies: Some(vec![grants]),
            resource_policy: None,
            resource_owner_account: Some(account.to_string()),
        };
        Capability::ALL
            .into_iter()
            .filter(|c| {
                c.requests(store).iter().any(|p| {
                    let mut r = Request::new(caller.clone(), p.action, &p.resource);
                    if let Some(prefix) = &p.listing_prefix {
                        r = r.with("s3:prefix", prefix);
                    }
                    evaluate(&r, &set).is_allow()
                })
            })
            .collect()
    }
}

/// The role a policy's own statements suggest for `principal`: `fix-policy` names the
/// statements it adds after the template's (`KopsStateObjectsReadWrite1a2b3c4d`), so a
/// statement granting `principal` whose `Sid` starts with a template statement's `Sid`
/// tells the template.
pub fn guess(policy: Option<&PolicyDocument>, principal: &str) -> Option<Role> {
    let statements = policy?.statements();
    Template::value_variants()
        .iter()
        .copied()
        .find(|t| {
            let sids = template_sids(*t);
            statements.iter().any(|s| {
                let names = s
                    .principal
                    .as_ref()
                    .is_some_and(|p| names_principal(p, principal));
                names
                    && s.sid
                        .as_deref()
                        .is_some_and(|sid| sids.iter().any(|t| sid.starts_with(t.as_str())))
            })
        })
        .map(Role::Template)
}

fn names_principal(p: &Principal, principal: &str) -> bool {
    p.entries().iter().any(|(_, v)| *v == principal)
}

fn template_sids(t: Template) -> Vec<String> {
    serde_json::from_str::<serde_json::Value>(t.text())
        .ok()
        .and_then(|v| {
            v["statements"].as_array().map(|a| {
                a.iter()
                    .filter_map(|s| s["Sid"].as_str().map(str::to_string))
                    .collect()
            })
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_come_from_the_templates() {
        let store = Store::new("state", "kops", &[]);
        use Capability::*;
        assert_eq!(
            Role::Template(Template::Operator).needs(&store),
            [List, ReadSpec, ReadSecrets, Write, Delete]
        );
        assert_eq!(
            Role::Template(Template::NodeReadonly).needs(&store),
            [List, ReadSpec, ReadSecrets]
        );
        // statelint in CI writes only its own probe objects.
        assert_eq!(
            Role::Template(Template::CiPreflight).needs(&store),
            [List, ReadSpec, ReadSecrets]
        );
        assert_eq!(Role::Owner.needs(&store).len(), 6);
        assert_eq!(
            Role::parse("node-readonly").map(Role::name).as_deref(),
            Some("node-readonly")
        );
        assert!(Role::parse("admin").is_none());
    }

    #[test]
    fn guesses_the_template_from_fix_policy_sids() {
        let p: PolicyDocument = serde_json::from_str(
            r#"{"Statement":[{"Sid":"KopsNodesObjectsRead0a1b2c3d","Effect":"Allow",
            "Principal":{"AWS":"arn:aws:iam::1:role/n"},"Action":"s3:GetObject","Resource":"*"}]}"#,
        )
        .expect("policy");
        assert_eq!(
            guess(Some(&p), "arn:aws:iam::1:role/n"),
            Some(Role::Template(Template::NodeReadonly))
        );
        assert_eq!(guess(Some(&p), "arn:aws:iam::1:role/other"), None);
    }
}
