use super::*;
use crate::probes::identity::NamedPolicy;

const CI: &str = "arn:aws:iam::222222222222:user/ci";
const BUCKET: &str = "arn:aws:s3:::state-a";

fn says(v: &Verdict, text: &str) {
    assert!(
        v.explanation.contains(text),
        "`{text}` missing: {}",
        v.explanation
    );
}

fn never_says(v: &Verdict, text: &str) {
    assert!(
        !v.explanation.contains(text),
        "`{text}` present: {}",
        v.explanation
    );
}

fn doc(json: &str) -> PolicyDocument {
    serde_json::from_str(json).expect("policy")
}

fn knowledge(relation: Relation) -> Knowledge {
    Knowledge {
        caller_arn: Some(CI.into()),
        caller_unknown: String::new(),
        ownership: Ownership {
            relation,
            owner_account: (relation == Relation::CrossAccount).then(|| "111111111111".into()),
            evidence: "test".into(),
        },
        identity: Some(IdentityPolicies::Unknown(
            "`iam:ListUserPolicies` was denied (HTTP 403)".into(),
        )),
        bucket_policy: BucketPolicy::Unreadable(
            "`s3:GetBucketPolicy` was denied (HTTP 403)".into(),
        ),
    }
}

#[test]
fn an_unreadable_bucket_policy_is_never_said_to_lack_a_grant() {
    let v = explain(&knowledge(Relation::CrossAccount), "s3:ListBucket", BUCKET);
    assert_eq!(v.bucket_policy, SideState::Unknown);
    assert_eq!(v.identity, SideState::Unknown);
    never_says(&v, "no bucket-policy grant");
    says(&v, "`s3:GetBucketPolicy` was denied");
    says(&v, "account 111111111111");
    // Both statements that would grant it, each naming the right side.
    assert!(v
        .explanation
        .contains(&identity_statement("s3:ListBucket", BUCKET)));
    assert!(v
        .explanation
        .contains(&bucket_statement(CI, "s3:ListBucket", BUCKET)));
}

#[test]
fn a_read_bucket_grant_leaves_only_the_identity_side() {
    let mut k = knowledge(Relation::CrossAccount);
    k.bucket_policy = BucketPolicy::Read(Some(Box::new(doc(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Ci","Effect":"Allow","Principal":{{"AWS":"{CI}"}},"Action":"s3:ListBucket","Resource":"{BUCKET}"}}]}}"#
    )))));
    k.identity = Some(IdentityPolicies::Known {
        policies: vec![NamedPolicy {
            name: "`ci.json`".into(),
            document: doc(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}]}"#,
            ),
        }],
        source: "given with --identity-policy".into(),
    });
    let v = explain(&k, "s3:ListBucket", BUCKET);
    assert_eq!(
        (v.identity, v.bucket_policy),
        (SideState::Missing, SideState::Allows)
    );
    says(&v, "statement `Ci` of the bucket policy allows it");
    says(&v, "your IAM policy needs");
    never_says(&v, "owner's bucket policy needs");
}

#[test]
fn the_same_account_needs_only_the_iam_policy() {
    let mut k = knowledge(Relation::SameAccount);
    k.bucket_policy = BucketPolicy::Read(None);
    let v = explain(&k, "s3:GetObject", "arn:aws:s3:::state-a/kops/c/config");
    assert_eq!(v.bucket_policy, SideState::NotNeeded);
    says(&v, "in your account");
    never_says(&v, "bucket policy needs");
}

#[test]
fn an_unknown_owner_covers_both_cases() {
    let v = explain(&knowledge(Relation::Unknown), "s3:ListBucket", BUCKET);
    says(&v, "if it is your account");
    says(&v, "if it is another account");
}

#[test]
fn an_explicit_deny_is_named_and_never_overridden() {
    let mut k = knowledge(Relation::CrossAccount);
    k.bucket_policy = BucketPolicy::Read(Some(Box::new(doc(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"NoList","Effect":"Deny","Principal":"*","Action":"s3:ListBucket","Resource":"{BUCKET}"}}]}}"#
    )))));
    let v = explain(&k, "s3:ListBucket", BUCKET);
    assert_eq!(v.bucket_policy, SideState::Denies);
    says(&v, "statement `NoList` of the bucket policy");
}

#[test]
fn an_unknown_caller_says_so() {
    let mut k = knowledge(Relation::Unknown);
    k.caller_arn = None;
    k.caller_unknown = "the endpoint has no STS".into();
    let v = explain(&k, "s3:ListBucket", BUCKET);
    says(&v, "--caller ARN");
}
