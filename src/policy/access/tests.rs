use super::*;
use crate::source::SourceDb;

fn parsed(json: &str) -> ParsedPolicy {
    match crate::policy::parse::parse("file:///policy.json", json, &SourceDb::new()) {
        Ok(p) => p,
        Err(e) => panic!("test policy: {}", e.finding.message),
    }
}

fn run(json: &str, owner: Option<&str>) -> AccessMap {
    let policy = parsed(json);
    let store = Store::new("state", "kops", &[]);
    map(&Input {
        bucket_policy: Some(&policy),
        identity: &[],
        store: &store,
        owner_account: owner,
        extra: &[],
    })
}

fn verdicts(m: &AccessMap, principal: &str) -> Vec<&'static str> {
    let Some(row) = m.row(principal) else {
        panic!("no row for {principal}")
    };
    Capability::ALL
        .iter()
        .map(|c| row.verdict(*c).as_str())
        .collect()
}

const OWNER: &str = "111111111111";

#[test]
fn cross_account_reader_gets_what_the_bucket_policy_grants() {
    let m = run(
        r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"Read","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/nodes"},
   "Action":["s3:ListBucket","s3:GetObject"],
   "Resource":["arn:aws:s3:::state","arn:aws:s3:::state/kops/*"]}]}"#,
        Some(OWNER),
    );
    assert_eq!(
        verdicts(&m, "arn:aws:iam::222222222222:role/nodes"),
        ["allow", "allow", "allow", "deny", "deny", "deny"]
    );
    assert_eq!(verdicts(&m, "*"), ["deny"; 6]);
    let row = m.row("arn:aws:iam::222222222222:role/nodes");
    let cell = row.and_then(|r| r.cell(Capability::ReadSecrets));
    let at = cell.and_then(|c| c.statement.as_ref());
    assert_eq!(at.and_then(|a| a.sid.as_deref()), Some("Read"));
    assert_eq!(at.and_then(|a| a.line), Some(2));
    assert!(cell.is_some_and(|c| c.bucket_grant.is_some()));
}

#[test]
fn a_request_condition_makes_depends_and_is_named() {
    let m = run(
        r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"All","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},
   "Action":"s3:*","Resource":["arn:aws:s3:::state","arn:aws:s3:::state/*"]},
  {"Sid":"OnlyFromVpce","Effect":"Deny","Principal":"*","Action":"s3:GetObject",
   "Resource":"arn:aws:s3:::state/*/pki/private/*",
   "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}},
  {"Sid":"Https","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::state/*",
   "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
        Some(OWNER),
    );
    let row = m.row("arn:aws:iam::222222222222:root");
    // The secrets/ key is still readable, so read-secrets is allowed (any secret counts).
    assert_eq!(
        row.map(|r| r.verdict(Capability::ReadSecrets)),
        Some(Verdict::Allow)
    );
    assert_eq!(
        row.map(|r| r.verdict(Capability::ReadSpec)),
        Some(Verdict::Allow)
    );
    // Only the private key is behind the VPC endpoint.
    let m = run(
        r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"All","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},
   "Action":"s3:*","Resource":["arn:aws:s3:::state","arn:aws:s3:::state/*"]},
  {"Sid":"OnlyFromVpce","Effect":"Deny","Principal":"*","Action":"s3:GetObject",
   "Resource":["arn:aws:s3:::state/*/pki/private/*","arn:aws:s3:::state/*/secrets/*"],
   "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}]}"#,
        Some(OWNER),
    );
    let cell = m
        .row("arn:aws:iam::222222222222:root")
        .and_then(|r| r.cell(Capability::ReadSecrets));
    assert_eq!(cell.map(|c| c.verdict), Some(Verdict::Depends));
    assert_eq!(
        cell.and_then(|c| c.condition.as_deref()),
        Some("`aws:SourceVpce` StringNotEquals `vpce-1`")
    );
    assert_eq!(
        cell.and_then(|c| c.statement.as_ref())
            .and_then(|s| s.sid.as_deref()),
        Some("OnlyFromVpce")
    );
}

#[test]
fn public_grant_and_not_action() {
    let m = run(
        r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"Public","Effect":"Allow","Principal":"*","NotAction":["s3:Delete*","s3:PutBucket*"],
   "Resource":["arn:aws:s3:::state","arn:aws:s3:::state/*"]}]}"#,
        Some(OWNER),
    );
    assert_eq!(
        verdicts(&m, "*"),
        ["allow", "allow", "allow", "allow", "deny", "deny"]
    );
}

#[test]
fn not_principal_deny_locks_out_everyone_else() {
    let m = run(
        r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"OnlyAdmin","Effect":"Deny",
   "NotPrincipal":{"AWS":["arn:aws:iam::111111111111:root","arn:aws:iam::111111111111:role/admin",
     "arn:aws:sts::111111111111:assumed-role/admin/statelint-access"]},
   "Action":"s3:*","Resource":["arn:aws:s3:::state","arn:aws:s3:::state/*"]},
  {"Sid":"Ops","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/ops"},
   "Action":"s3:*","Resource":["arn:aws:s3:::state","arn:aws:s3:::state/*"]}]}"#,
        Some(OWNER),
    );
    assert_eq!(
        verdicts(&m, "arn:aws:iam::111111111111:role/ops"),
        ["deny"; 6]
    );
    let ops = m.row("arn:aws:iam::111111111111:role/ops");
    assert_eq!(
        ops.and_then(|r| r.cell(Capability::List))
            .and_then(|c| c.statement.as_ref())
            .and_then(|s| s.sid.as_deref()),
        Some("OnlyAdmin")
    );
    // The admin role, listed with its account and session, keeps everything.
    assert_eq!(
        verdicts(&m, "arn:aws:iam::111111111111:role/admin"),
        ["allow"; 6]
    );
}

#[test]
fn unknown_owner_makes_delegated_access_depend() {
    let m = run(
        r#"{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:user/ci"},
   "Action":"s3:ListBucket","Resource":"arn:aws:s3:::state"}]}"#,
        None,
    );
    let v = verdicts(&m, "arn:aws:iam::222222222222:user/ci");
    assert_eq!(v[0], "allow");
    assert_eq!(v[1], "depends");
}

#[test]
fn identity_policies_narrow_what_the_account_grants() {
    let policy = parsed(
        r#"{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/dev"},
   "Action":"s3:ListBucket","Resource":"arn:aws:s3:::state"}]}"#,
    );
    let identity = parsed(
        r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"Mine","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::state/kops/*"}]}"#,
    );
    let store = Store::new("state", "kops", &[]);
    let ids = [("arn:aws:iam::111111111111:user/dev".to_string(), identity)];
    let m = map(&Input {
        bucket_policy: Some(&policy),
        identity: &ids,
        store: &store,
        owner_account: Some(OWNER),
        extra: &[],
    });
    assert_eq!(
        verdicts(&m, "arn:aws:iam::111111111111:user/dev"),
        ["allow", "allow", "allow", "deny", "deny", "deny"]
    );
    let row = m.row("arn:aws:iam::111111111111:user/dev");
    assert!(row.is_some_and(|r| r.identity_given));
}

#[test]
fn a_change_that_denies_a_current_reader_is_a_lockout_naming_the_statement() {
    let current = parsed(
        r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"Nodes","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/nodes"},
   "Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::state","arn:aws:s3:::state/kops/*"]}]}"#,
    );
    let proposed = parsed(
        r#"{"Version":"2012-10-17","Statement":[
  {"Sid":"Nodes","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/nodes"},
   "Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::state","arn:aws:s3:::state/kops/*"]},
  {"Sid":"NoForeignReads","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::state/*",
   "Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111111111111"}}}]}"#,
    );
    let store = Store::new("state", "kops", &[]);
    let found = lockout::check_change(
        Some(&current),
        &proposed,
        Some("arn:aws:iam::111111111111:role/admin"),
        &store,
        Some(OWNER),
    );
    let codes: Vec<(&str, &str)> = found.iter().map(|f| (f.code, f.message.as_str())).collect();
    assert_eq!(found.len(), 1, "{codes:?}");
    assert_eq!(found[0].code, "SL283");
    assert!(found[0].message.contains("read cluster specs"), "{codes:?}");
    assert!(found[0].message.contains("`NoForeignReads`"), "{codes:?}");
    assert_eq!(found[0].pointer.as_deref(), Some("/Statement/1"));
    // The same change without the Deny locks no one out.
    assert!(lockout::check_change(Some(&current), &current, None, &store, Some(OWNER)).is_empty());
}

/// Services are not among the principals a change must keep by default (only named
/// accounts, users and roles are): dropping a service's grant is no lockout.
#[test]
fn dropping_a_service_grant_is_no_lockout() {
    let nodes = r#"{"Sid":"Nodes","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:role/nodes"},
   "Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::state","arn:aws:s3:::state/kops/*"]}"#;
    let backup = r#"{"Sid":"Backup","Effect":"Allow","Principal":{"Service":"backup.amazonaws.com"},
   "Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::state","arn:aws:s3:::state/kops/*"]}"#;
    let policy = |statements: &str| {
        parsed(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#
        ))
    };
    let current = policy(&format!("{nodes},{backup}"));
    let proposed = policy(nodes);
    let store = Store::new("state", "kops", &[]);
    let found = lockout::check_change(Some(&current), &proposed, None, &store, Some(OWNER));
    let codes: Vec<(&str, &str)> = found.iter().map(|f| (f.code, f.message.as_str())).collect();
    assert!(found.is_empty(), "{codes:?}");
    // The same drop of a role is one.
    let without_nodes = policy(backup);
    assert!(
        !lockout::check_change(Some(&current), &without_nodes, None, &store, Some(OWNER))
            .is_empty()
    );
}
