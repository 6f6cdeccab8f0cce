use super::*;

const CI: &str = "arn:aws:iam::222222222222:role/ci";

fn parse(text: &str) -> PolicyDocument {
    serde_json::from_str(text).expect("test policy parses")
}

fn input<'a>(existing: Option<&'a PolicyDocument>, template: Template) -> FixInput<'a> {
    FixInput {
        existing,
        template,
        principal: CI,
        bucket: "kops-state",
        prefix: "kops",
    }
}

fn actions(s: &Statement) -> Vec<String> {
    strings(&s.action)
}

#[test]
fn an_empty_policy_gets_exactly_the_template_for_the_principal() {
    let plan = plan(&input(None, Template::Operator)).expect("plans");
    assert_eq!(plan.added.len(), 2);
    let bucket = &plan.added[0];
    assert_eq!(
        actions(bucket),
        [
            "s3:GetBucketLocation",
            "s3:GetEncryptionConfiguration",
            "s3:ListBucket",
            "s3:ListBucketVersions"
        ]
    );
    assert_eq!(strings(&bucket.resource), ["arn:aws:s3:::kops-state"]);
    let objects = &plan.added[1];
    assert_eq!(
        actions(objects),
        ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
    );
    assert_eq!(
        strings(&objects.resource),
        ["arn:aws:s3:::kops-state/kops/*"]
    );
    for s in &plan.added {
        assert_eq!(
            s.principal,
            Some(Principal::aws([CI])),
            "only the requested principal"
        );
        assert!(s
            .sid
            .as_deref()
            .is_some_and(|sid| sid.starts_with("KopsState")));
    }
    assert!(plan.blocked.is_empty());
}

#[test]
fn the_fix_is_idempotent() {
    let first = plan(&input(None, Template::Operator)).expect("plans");
    let second = plan(&input(Some(&first.policy), Template::Operator)).expect("plans");
    assert!(!second.changed(), "{:?}", second.added);
    assert_eq!(second.policy, first.policy);
    assert!(second.missing.is_empty());
}

#[test]
fn only_the_missing_actions_are_added_and_unrelated_statements_are_untouched() {
    let existing = parse(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [
            {{"Sid": "DenyInsecure", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
              "Resource": ["arn:aws:s3:::kops-state", "arn:aws:s3:::kops-state/*"],
              "Condition": {{"Bool": {{"aws:SecureTransport": "false"}}}}}},
            {{"Sid": "Logs", "Effect": "Allow", "Principal": {{"Service": "logging.s3.amazonaws.com"}},
              "Action": "s3:PutObject", "Resource": "arn:aws:s3:::kops-state/logs/*"}},
            {{"Sid": "CiObjects", "Effect": "Allow", "Principal": {{"AWS": "{CI}"}},
              "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": "arn:aws:s3:::kops-state/kops/*"}},
            {{"Sid": "CiList", "Effect": "Allow", "Principal": {{"AWS": "{CI}"}},
              "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::kops-state"}}
        ]}}"#
    ));
    let plan = plan(&input(Some(&existing), Template::Operator)).expect("plans");
    assert_eq!(plan.added.len(), 1, "{:#?}", plan.added);
    assert_eq!(
        actions(&plan.added[0]),
        [
            "s3:GetBucketLocation",
            "s3:GetEncryptionConfiguration",
            "s3:ListBucketVersions"
        ]
    );
    assert_eq!(
        &plan.policy.statements()[..4],
        existing.statements(),
        "existing statements kept, in order"
    );
    let text = diff(
        &existing.to_json_pretty(),
        &plan.policy.to_json_pretty(),
        "current",
        "fixed",
    );
    assert!(text.starts_with("--- current\n+++ fixed\n@@ -"), "{text}");
    assert!(
        text.lines()
            .filter(|l| l.starts_with('-') && !l.starts_with("---"))
            .all(|l| l[1..].trim().starts_with(['}', ']'])),
        "only closing braces are touched: {text}"
    );
    assert!(
        text.contains("+      \"Sid\": \"KopsStateBucketRead"),
        "{text}"
    );
}

#[test]
fn explicit_denies_are_reported_not_overridden() {
    let existing = parse(&format!(
        r#"{{"Statement": {{"Sid": "NoWrites", "Effect": "Deny", "Principal": {{"AWS": "{CI}"}},
            "Action": "s3:PutObject", "Resource": "arn:aws:s3:::kops-state/*"}}}}"#
    ));
    let plan = plan(&input(Some(&existing), Template::Operator)).expect("plans");
    assert_eq!(plan.blocked.len(), 1);
    assert_eq!(plan.blocked[0].action, "s3:PutObject");
    assert_eq!(plan.blocked[0].by.sid.as_deref(), Some("NoWrites"));
    let objects = plan
        .added
        .iter()
        .find(|s| strings(&s.resource)[0].ends_with("/*"))
        .expect("object grant");
    assert_eq!(
        actions(objects),
        ["s3:DeleteObject", "s3:GetObject"],
        "PutObject is not re-granted"
    );
    assert!(plan.policy.statements.is_list());
}

#[test]
fn the_fix_never_widens_access_beyond_the_principal() {
    for template in [
        Template::Operator,
        Template::NodeReadonly,
        Template::CiPreflight,
    ] {
        let plan = plan(&input(None, template)).expect("plans");
        let other = Caller::from_arn("arn:aws:iam::333333333333:role/someone-else").expect("arn");
        for s in plan.policy.statements() {
            assert!(!s.principal.as_ref().is_some_and(Principal::is_everyone));
            for action in strings(&s.action) {
                for resource in strings(&s.resource) {
                    let d = decide(
                        Some(&plan.policy),
                        &other,
                        "000000000000",
                        &action,
                        &representative(&resource),
                    );
                    assert!(
                        !d.is_allow(),
                        "{template:?}: {action} on {resource} granted to another principal"
                    );
                }
            }
        }
    }
}

#[test]
fn a_whole_bucket_store_and_other_partitions_substitute_cleanly() {
    let gov = "arn:aws-us-gov:iam::111122223333:user/ops";
    let plan = plan(&FixInput {
        existing: None,
        template: Template::NodeReadonly,
        principal: gov,
        bucket: "b",
        prefix: "",
    })
    .expect("plans");
    let resources: Vec<String> = plan
        .added
        .iter()
        .flat_map(|s| strings(&s.resource))
        .collect();
    assert_eq!(
        resources,
        ["arn:aws-us-gov:s3:::b", "arn:aws-us-gov:s3:::b/*"]
    );
}

#[test]
fn bad_principals_are_errors() {
    let bad = FixInput {
        principal: "ci-user",
        ..input(None, Template::Operator)
    };
    assert!(matches!(plan(&bad), Err(FixError::BadPrincipal(_))));
}

#[test]
fn terraform_renders_every_statement() {
    let plan = plan(&input(None, Template::CiPreflight)).expect("plans");
    let hcl = terraform(&plan.policy, "kops_state", "kops-state");
    assert!(hcl.starts_with("data \"aws_iam_policy_document\" \"kops_state\" {"));
    assert_eq!(
        hcl.matches("  statement {").count(),
        plan.policy.statements().len()
    );
    assert!(hcl.contains(&format!("identifiers = [\"{CI}\"]")));
    assert!(hcl.contains("\"arn:aws:s3:::kops-state/kops/*/.statelint-probe-*\""));
}

/// A `Deny` that applies to everyone but an admin (`NotPrincipal`), and only outside the
/// office's addresses, depends on the request: the grants are added and the condition is
/// named, the statement does not block them.
#[test]
fn a_conditional_deny_written_with_not_principal_is_set_aside_not_blocking() {
    let existing = parse(
        r#"{"Statement": {"Sid": "OfficeOnly", "Effect": "Deny",
            "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:role/admin"},
            "Action": "s3:*", "Resource": ["arn:aws:s3:::kops-state", "arn:aws:s3:::kops-state/*"],
            "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}}"#,
    );
    let plan = plan(&input(Some(&existing), Template::Operator)).expect("plans");
    assert!(plan.blocked.is_empty(), "{:?}", plan.blocked);
    assert!(!plan.conditional.is_empty());
    assert!(plan
        .conditional
        .iter()
        .all(|c| c.by.sid.as_deref() == Some("OfficeOnly") && c.keys == ["aws:SourceIp"]));
    assert_eq!(plan.added.len(), 2);
}

/// Taking an action some servers reject back out of a fix touches only the statements the
/// fix added; the owner's own statement keeps it.
#[test]
fn added_actions_are_removed_only_from_the_fix_s_own_statements() {
    let existing = parse(
        r#"{"Statement": {"Sid": "OwnerAudit", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111111111111:role/audit"},
            "Action": ["s3:GetEncryptionConfiguration", "s3:GetBucketPolicy"],
            "Resource": "arn:aws:s3:::kops-state"}}"#,
    );
    let plan = plan(&input(Some(&existing), Template::Operator)).expect("plans");
    let (trimmed, removed) =
        without_added_actions(&plan.policy, &plan.added, ACTIONS_SOME_PROVIDERS_REJECT);
    assert!(removed);
    let statements = trimmed.statements();
    assert_eq!(statements.len(), 3);
    assert_eq!(
        actions(&statements[0]),
        ["s3:GetEncryptionConfiguration", "s3:GetBucketPolicy"]
    );
    assert!(statements[1..]
        .iter()
        .all(|s| !actions(s).contains(&"s3:GetEncryptionConfiguration".to_string())));
    assert!(actions(&statements[1]).contains(&"s3:GetBucketLocation".to_string()));
}

/// The diff shown before a policy is changed: no policy yet is one hunk adding every
/// line, and a missing final newline is not shown as a change.
#[test]
fn the_diff_adds_every_line_to_an_empty_policy_and_ignores_a_missing_final_newline() {
    assert_eq!(
        diff("", "{\n}\n", "old.json", "new.json"),
        "--- old.json\n+++ new.json\n@@ -0,0 +1,2 @@\n+{\n+}\n"
    );
    assert_eq!(diff("{\n}", "{\n}\n", "a", "b"), "");
    assert_eq!(
        diff("{\n  \"a\": 1\n}\n", "{\n  \"a\": 2\n}", "a", "b"),
        "--- a\n+++ b\n@@ -1,3 +1,3 @@\n {\n-  \"a\": 1\n+  \"a\": 2\n }\n"
    );
}

/// The fix evaluates as if the bucket belonged to another account than the principal's,
/// so the grants land in the bucket policy: that holds for account 000000000000 too.
#[test]
fn the_fix_grants_in_the_bucket_policy_whatever_the_principal_s_account() {
    for principal in [CI, "arn:aws:iam::000000000000:role/ci"] {
        let plan = plan(&FixInput {
            principal,
            ..input(None, Template::Operator)
        })
        .expect("plans");
        assert_eq!(plan.added.len(), 2, "{principal}");
    }
}

/// The plan is checked with the evaluator before anyone sees it. Our own statement from an
/// earlier run, since narrowed by hand to another bucket, is extended but still grants
/// nothing here: the plan is refused for that pair, even though a `Deny` blocks another
/// action on the same resource (only the exact blocked pair is exempt from the check).
#[test]
fn a_fix_that_would_not_grant_is_refused() {
    let ours = fix_sid("KopsStateObjectsReadWrite", CI);
    let existing = parse(&format!(
        r#"{{"Statement": [
            {{"Sid": "NoWrites", "Effect": "Deny", "Principal": {{"AWS": "{CI}"}},
              "Action": "s3:PutObject", "Resource": "arn:aws:s3:::kops-state/*"}},
            {{"Sid": "{ours}", "Effect": "Allow", "Principal": {{"AWS": "{CI}"}},
              "Action": "s3:GetObject", "Resource": "arn:aws:s3:::another-bucket/*"}}]}}"#
    ));
    match plan(&input(Some(&existing), Template::Operator)) {
        Err(FixError::NotGranted {
            action, resource, ..
        }) => {
            assert_eq!(action, "s3:GetObject");
            assert!(
                resource.starts_with("arn:aws:s3:::kops-state/kops"),
                "{resource}"
            );
        }
        other => panic!("expected NotGranted for s3:GetObject, got {other:?}"),
    }
}
