//! Hostile bucket policies: huge, deeply nested, or broken ones are parsed, evaluated and
//! fixed without crashing, and broken ones become positioned SL300 diagnostics.

use statelint::policy::evaluate::{evaluate, Caller, PolicySet, Request};
use statelint::policy::fix::{self, FixInput, Template};
use statelint::source::SourceDb;

fn policy_with(statements: usize) -> String {
    let body: Vec<String> = (0..statements)
        .map(|i| {
            format!(
                r#"{{"Sid": "S{i}", "Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{:012}:root"}}, "Action": ["s3:GetObject", "s3:List*"], "Resource": "arn:aws:s3:::kops-state/team-{i}/*"}}"#,
                100_000_000_000u64 + i as u64
            )
        })
        .collect();
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        body.join(",")
    )
}

/// Regression: a one-line (minified) 2 MB policy took 17 s to parse because every node's
/// column was counted from the start of the line (now a byte distance on ASCII lines).
#[test]
fn a_policy_with_10_000_statements_parses_evaluates_and_fixes() {
    let text = policy_with(10_000);
    let sources = SourceDb::new();
    let parsed =
        statelint::policy::parse::parse("file:///big.json", &text, &sources).expect("parses");
    assert_eq!(parsed.policy.statements().len(), 10_000);
    let caller = Caller::from_arn("arn:aws:iam::222222222222:role/ci").expect("arn");
    let set = PolicySet {
        identity_policies: None,
        resource_policy: Some(parsed.policy.clone()),
        resource_owner_account: Some("111111111111".into()),
    };
    let decision = evaluate(
        &Request::new(
            caller,
            "s3:GetObject",
            "arn:aws:s3:::kops-state/kops/c/config",
        ),
        &set,
    );
    assert!(!decision.is_allow());
    let plan = fix::plan(&FixInput {
        existing: Some(&parsed.policy),
        template: Template::Operator,
        principal: "arn:aws:iam::222222222222:role/ci",
        bucket: "kops-state",
        prefix: "kops",
    })
    .expect("plans");
    assert_eq!(plan.policy.statements().len(), 10_002);
}

#[test]
fn deep_nesting_and_garbage_are_positioned_diagnostics() {
    let sources = SourceDb::new();
    for (name, text) in [
        (
            "deep.json",
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        ("nul.json", "{\"Statement\": \"\0\"}".to_string()),
        ("truncated.json", policy_with(3)[..200].to_string()),
        (
            "not-json.json",
            "Statement:\n  - Effect: Allow\n".to_string(),
        ),
        ("empty.json", String::new()),
    ] {
        let url = format!("file:///{name}");
        match statelint::policy::parse::parse(&url, &text, &sources) {
            Ok(_) => panic!("{name} parsed"),
            Err(e) => {
                let f = e.into_finding();
                assert_eq!(f.code, "SL300", "{name}");
                assert!(f.location.uri().ends_with(name), "{name}: {:?}", f.location);
            }
        }
    }
}
