//! Inputs found by `bash scripts/fuzz.sh`, each pinned by a test named after what it found.

use statelint::resolve::url::{StoreUrl, UrlError};

/// `s3://user: (pass?@bucket//`: the `?` ended the authority early, so the credentials
/// became the "bucket" and were printed back by `redacted()`.
#[test]
fn credentials_before_a_question_mark_are_not_taken_for_a_bucket() {
    let input = "s3://AAucketI: (h(ocre?@bucket//";
    match StoreUrl::parse(input) {
        Err(e @ UrlError::InvalidBucket { .. }) => {
            let text = e.to_string();
            assert!(
                !text.contains("(h(ocre"),
                "the error leaks the password: {text}"
            );
        }
        other => panic!("expected an invalid bucket, got {other:?}"),
    }
    // Plain names and kube contexts still parse.
    assert!(StoreUrl::parse("s3://kops-state.example_1/p").is_ok());
    assert!(StoreUrl::parse("k8s://arn:aws:eks:us-east-1:123456789012:cluster/prod").is_ok());
}

/// `s3://bucket?user:pass@host`: a query "key" holding pasted credentials was shown as is.
#[test]
fn query_keys_that_are_not_parameter_names_are_hidden() {
    let url = StoreUrl::parse("s3://AAI?s:secrfmet@ZZZ").expect("parses");
    assert!(!url.redacted().contains("secrfmet"), "{}", url.redacted());
    let sas = StoreUrl::parse("s3://bucket/p?sv=2021&sig=abc").expect("parses");
    assert_eq!(sas.redacted(), "s3://bucket/p?sv=***&sig=***");
}
