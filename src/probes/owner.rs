//! Who owns the bucket, found from the caller's side as far as S3 lets a caller see it.
//!
//! Evidence, strongest first: the account the user names (`--bucket-owner`); the caller's
//! own bucket list (`ListBuckets` lists exactly the buckets of the caller's account, so a
//! bucket that exists but is not listed belongs to another account); and, on AWS only,
//! `HeadBucket` with `ExpectedBucketOwner` (S3-compatible servers such as Ceph RGW ignore
//! that header and would answer "yours" for any bucket). When nothing answers, the owner
//! is unknown and every explanation covers both cases instead of guessing.

use serde::Serialize;

/// Whose bucket it is, relative to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The bucket is in the caller's account.
    SameAccount,
    /// The bucket is in another account.
    CrossAccount,
    /// Nothing seen decides it.
    Unknown,
}

/// What is known of the bucket's owner, and how it was learned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ownership {
    pub relation: Relation,
    /// The owner's account id, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_account: Option<String>,
    /// How it was learned, or why it could not be (one lower-case phrase).
    pub evidence: String,
}

/// What the bucket-level calls revealed about ownership.
#[derive(Debug, Clone)]
pub struct OwnerEvidence {
    /// The caller's account (STS or `--caller`); `Some("")` for RGW users without a tenant.
    pub caller_account: Option<String>,
    /// `--bucket-owner`.
    pub declared_owner: Option<String>,
    /// `ListBuckets`: whether the bucket is among the caller's own, or why it was not answered.
    pub listed: Result<bool, String>,
    /// Whether the bucket exists (HeadBucket answered anything but 404).
    pub exists: bool,
    /// `HeadBucket` with the caller's account as `ExpectedBucketOwner` (AWS only):
    /// `Some(true)` accepted, `Some(false)` refused while the plain HeadBucket succeeded.
    pub expected_owner_accepted: Option<bool>,
}

impl Default for OwnerEvidence {
    fn default() -> OwnerEvidence {
        OwnerEvidence {
            caller_account: None,
            declared_owner: None,
            listed: Err("was not tried".into()),
            exists: false,
            expected_owner_accepted: None,
        }
    }
}

impl Default for Ownership {
    fn default() -> Ownership {
        Ownership {
            relation: Relation::Unknown,
            owner_account: None,
            evidence: "no bucket-level call was made".into(),
        }
    }
}

/// Decides ownership from the evidence; never guesses.
pub fn decide(e: &OwnerEvidence) -> Ownership {
    if let Some(owner) = &e.declared_owner {
        let relation = match &e.caller_account {
            Some(caller) if caller == owner => Relation::SameAccount,
            Some(_) => Relation::CrossAccount,
            None => Relation::Unknown,
        };
        return Ownership {
            relation,
            owner_account: Some(owner.clone()),
            evidence: format!("given with `--bucket-owner {owner}`"),
        };
    }
    match (&e.listed, e.expected_owner_accepted) {
        (Ok(true), _) | (_, Some(true)) => Ownership {
            relation: Relation::SameAccount,
            owner_account: e.caller_account.clone(),
            evidence: if e.listed == Ok(true) {
                "the bucket is in your own bucket list (`ListBuckets`)".into()
            } else {
                "S3 accepted your account as `ExpectedBucketOwner`".into()
            },
        },
        (Ok(false), _) if e.exists => Ownership {
            relation: Relation::CrossAccount,
            owner_account: None,
            evidence: "the bucket exists but is not in your own bucket list (`ListBuckets`)".into(),
        },
        (_, Some(false)) => Ownership {
            relation: Relation::CrossAccount,
            owner_account: None,
            evidence: "S3 refused your account as `ExpectedBucketOwner`".into(),
        },
        (Err(why), None) => Ownership {
            relation: Relation::Unknown,
            owner_account: None,
            evidence: format!(
                "`ListBuckets` {why}, and `HeadBucket` could not compare owners; name the owner with `--bucket-owner ACCOUNT`"
            ),
        },
        (_, None) => Ownership {
            relation: Relation::Unknown,
            owner_account: None,
            evidence: "nothing the caller may call reveals the owner; name it with `--bucket-owner ACCOUNT`".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence() -> OwnerEvidence {
        OwnerEvidence {
            caller_account: Some("222222222222".into()),
            listed: Err("was denied (HTTP 403)".into()),
            exists: true,
            ..OwnerEvidence::default()
        }
    }

    #[test]
    fn a_declared_owner_wins_and_is_compared_with_the_caller() {
        let mut e = evidence();
        e.declared_owner = Some("111111111111".into());
        e.listed = Ok(true);
        let o = decide(&e);
        assert_eq!(o.relation, Relation::CrossAccount);
        assert_eq!(o.owner_account.as_deref(), Some("111111111111"));
        e.declared_owner = Some("222222222222".into());
        assert_eq!(decide(&e).relation, Relation::SameAccount);
    }

    #[test]
    fn the_own_bucket_list_decides_when_the_bucket_exists() {
        let mut e = evidence();
        e.listed = Ok(true);
        assert_eq!(decide(&e).relation, Relation::SameAccount);
        e.listed = Ok(false);
        assert_eq!(decide(&e).relation, Relation::CrossAccount);
        e.exists = false;
        assert_eq!(decide(&e).relation, Relation::Unknown);
    }

    #[test]
    fn nothing_answered_is_unknown_with_the_reason() {
        let o = decide(&evidence());
        assert_eq!(o.relation, Relation::Unknown);
        assert!(o.evidence.contains("denied (HTTP 403)"), "{}", o.evidence);
        assert!(o.evidence.contains("--bucket-owner"), "{}", o.evidence);
    }

    #[test]
    fn expected_bucket_owner_answers_count_only_when_given() {
        let mut e = evidence();
        e.expected_owner_accepted = Some(false);
        assert_eq!(decide(&e).relation, Relation::CrossAccount);
        e.expected_owner_accepted = Some(true);
        assert_eq!(decide(&e).relation, Relation::SameAccount);
    }
}
