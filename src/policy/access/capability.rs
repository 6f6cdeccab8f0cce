//! What a principal can do to a kops store, in kops's terms, and the S3 requests that
//! exercise each capability.

use serde::Serialize;

use crate::policy::arn;

/// One thing a principal may be able to do to a kops state store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    /// List the store (which clusters exist).
    List,
    /// Read a cluster's spec (`<cluster>/config`).
    ReadSpec,
    /// Read private keys and secrets (`<cluster>/pki/private/`, `<cluster>/secrets/`).
    ReadSecrets,
    /// Write cluster specs.
    Write,
    /// Delete cluster objects.
    Delete,
    /// Replace or delete the bucket policy, or its public-access settings.
    ManagePolicy,
}

impl Capability {
    pub const ALL: [Capability; 6] = [
        Capability::List,
        Capability::ReadSpec,
        Capability::ReadSecrets,
        Capability::Write,
        Capability::Delete,
        Capability::ManagePolicy,
    ];

    /// The name used in JSON and tables (`read-secrets`).
    pub fn name(self) -> &'static str {
        match self {
            Capability::List => "list",
            Capability::ReadSpec => "read-spec",
            Capability::ReadSecrets => "read-secrets",
            Capability::Write => "write",
            Capability::Delete => "delete",
            Capability::ManagePolicy => "manage-policy",
        }
    }

    /// What it means, for messages ("read secrets and private keys").
    pub fn describe(self) -> &'static str {
        match self {
            Capability::List => "list the clusters",
            Capability::ReadSpec => "read cluster specs",
            Capability::ReadSecrets => "read secrets and private keys",
            Capability::Write => "write cluster specs",
            Capability::Delete => "delete cluster objects",
            Capability::ManagePolicy => "change the bucket policy or its public-access block",
        }
    }

    pub fn parse(name: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The requests that exercise it in `store`; holding any one of them is holding the
    /// capability (reading one secret is reading secrets).
    pub fn requests(self, store: &Store) -> Vec<Probe> {
        let bucket = arn::s3_bucket_arn(&store.bucket);
        let objects = |suffixes: &[&str], action: &'static str| -> Vec<Probe> {
            store
                .clusters
                .iter()
                .flat_map(|c| {
                    suffixes.iter().map(move |s| Probe {
                        action,
                        resource: arn::s3_object_arn(
                            &store.bucket,
                            &format!("{}{c}/{s}", store.prefix),
                        ),
                        listing_prefix: None,
                    })
                })
                .collect()
        };
        match self {
            Capability::List => vec![Probe {
                action: "s3:ListBucket",
                resource: bucket,
                listing_prefix: Some(store.prefix.clone()),
            }],
            Capability::ReadSpec => objects(&["config"], "s3:GetObject"),
            Capability::ReadSecrets => objects(SECRET_KEYS, "s3:GetObject"),
            Capability::Write => objects(&["config"], "s3:PutObject"),
            Capability::Delete => objects(&["config"], "s3:DeleteObject"),
            Capability::ManagePolicy => [
                "s3:PutBucketPolicy",
                "s3:DeleteBucketPolicy",
                "s3:PutBucketPublicAccessBlock",
            ]
            .into_iter()
            .map(|action| Probe {
                action,
                resource: bucket.clone(),
                listing_prefix: None,
            })
            .collect(),
        }
    }
}

/// Keys under a cluster that hold secrets: the CA and other private keys, and the
/// `secrets/` folder (admin token, encryption config, ...).
pub const SECRET_KEYS: &[&str] = &["pki/private/ca/keyset.yaml", "secrets/admin"];

/// One S3 request standing for a capability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    pub action: &'static str,
    pub resource: String,
    /// For listings: the `s3:prefix` kops sends.
    pub listing_prefix: Option<String>,
}

/// The kops store the map is about: a bucket, a prefix and the clusters to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    pub bucket: String,
    /// Empty, or ending in `/`.
    pub prefix: String,
    /// Cluster names whose keys stand for the store (a placeholder name when unknown).
    pub clusters: Vec<String>,
}

/// The cluster name used when none is given: policies that scope by cluster name should
/// be mapped with `--cluster`.
pub const PLACEHOLDER_CLUSTER: &str = "cluster.example.com";

impl Store {
    /// `prefix` may be given with or without slashes (`kops`, `/kops/`, ``).
    pub fn new(bucket: &str, prefix: &str, clusters: &[String]) -> Store {
        let trimmed = prefix.trim_matches('/');
        Store {
            bucket: bucket.to_string(),
            prefix: if trimmed.is_empty() {
                String::new()
            } else {
                format!("{trimmed}/")
            },
            clusters: if clusters.is_empty() {
                vec![PLACEHOLDER_CLUSTER.to_string()]
            } else {
                clusters.to_vec()
            },
        }
    }

    /// `s3://bucket/prefix/`, for messages and locations.
    pub fn url(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_cover_every_cluster_and_secret_folder() {
        let store = Store::new("state", "/kops", &["a.example.com".into(), "b".into()]);
        assert_eq!(store.prefix, "kops/");
        let secrets = Capability::ReadSecrets.requests(&store);
        assert_eq!(secrets.len(), 4);
        assert!(secrets
            .iter()
            .any(|p| p.resource == "arn:aws:s3:::state/kops/b/secrets/admin"));
        let list = Capability::List.requests(&store);
        assert_eq!(list[0].resource, "arn:aws:s3:::state");
        assert_eq!(list[0].listing_prefix.as_deref(), Some("kops/"));
        assert_eq!(
            Capability::parse("manage-policy"),
            Some(Capability::ManagePolicy)
        );
        assert_eq!(Store::new("b", "", &[]).clusters, vec![PLACEHOLDER_CLUSTER]);
    }
}
