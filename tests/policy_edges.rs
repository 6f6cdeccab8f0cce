//! Bucket-policy edge cases the fixtures miss; each fails on a deliberate one-line bug
//! that the rest of the suite let through.

use statelint::findings::Finding;
use statelint::policy::lint::{self, PolicyContext};
use statelint::source::SourceDb;

/// Account 111111111111 may read every object of `kops-state` but not call
/// `s3:GetBucketLocation`.
const READ_WITHOUT_LOCATION: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::kops-state/*"
  }]
}"#;

fn sl304(owner: Option<&str>) -> Vec<Finding> {
    let sources = SourceDb::new();
    let parsed =
        statelint::policy::parse::parse("file:///policy.json", READ_WITHOUT_LOCATION, &sources)
            .unwrap_or_else(|e| panic!("{}", e.into_finding().message));
    let cx = PolicyContext {
        parsed: &parsed,
        owner_account: owner,
    };
    let mut out = Vec::new();
    lint::by_code("SL304")
        .expect("SL304 is a policy rule")
        .check(&cx, &mut out);
    out
}

/// Skipping the owner in the rule is only a shortcut: for the owner's own principals the
/// identity side (granted in full) already allows `s3:GetBucketLocation`, so removing the
/// skip changes no finding. This guards the outcome, which the evaluator decides.
#[test]
fn sl304_leaves_the_owner_account_alone() {
    let found = sl304(Some("111111111111"));
    assert!(
        found.is_empty(),
        "{:?}",
        found.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
}

#[test]
fn sl304_reports_the_same_grant_to_another_account() {
    for owner in [Some("222222222222"), None] {
        let found = sl304(owner);
        assert_eq!(found.len(), 1, "owner {owner:?}");
        assert!(
            found[0].message.contains("111111111111"),
            "{}",
            found[0].message
        );
    }
}
