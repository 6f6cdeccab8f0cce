//! The access map against a real evaluator: Ceph RGW (`STATELINT_TEST_RGW_ENDPOINT`,
//! started by `scripts/test.sh`), tenants standing for accounts.
//!
//! Each policy below is put on a bucket of tenant 111111111111 (user alice). The map
//! predicts, for bob (tenant 222222222222) and carol (333333333333), whether they can list
//! the store, read a spec, read a secret, write and delete; then each of them sends those
//! requests and RGW's answer must match. A cell the map says "depends" on is not compared
//! (RGW cannot be asked "under which condition"). `manage-policy` is not sent: a
//! `PutBucketPolicy` that succeeded would change the test's own policy. RGW users carry no
//! identity policy, which RGW treats as "everything in their own account": the map's
//! default assumption. A mismatch fails the test unless it is RGW's documented departure
//! (`docs/rgw-differential.md`): statements with `NotAction` never match there.

mod common;

use serde_json::{json, Value};
use statelint::policy::access::{self, Capability, Input, Store, Verdict};
use statelint::source::SourceDb;

const OWNER: &str = "111111111111";
const CLUSTER: &str = "cluster.example.com";

fn bucket() -> String {
    format!("access-{}", std::process::id())
}

/// The policies, by name; every one leaves alice (the owner) alone.
fn policies() -> Vec<(&'static str, Value)> {
    let b = bucket();
    let bucket_arn = format!("arn:aws:s3:::{b}");
    let store = format!("arn:aws:s3:::{b}/kops/*");
    let bob = "arn:aws:iam::222222222222:user/bob";
    let carol = "arn:aws:iam::333333333333:user/carol";
    let policy = |statements: Vec<Value>| json!({"Version": "2012-10-17", "Statement": statements});
    vec![
        (
            "operator for bob, node-readonly for carol",
            policy(vec![
                json!({"Sid": "BobList", "Effect": "Allow", "Principal": {"AWS": bob}, "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": bucket_arn}),
                json!({"Sid": "BobRW", "Effect": "Allow", "Principal": {"AWS": bob}, "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": store}),
                json!({"Sid": "CarolList", "Effect": "Allow", "Principal": {"AWS": carol}, "Action": "s3:ListBucket", "Resource": bucket_arn}),
                json!({"Sid": "CarolRead", "Effect": "Allow", "Principal": {"AWS": carol}, "Action": "s3:GetObject", "Resource": store}),
            ]),
        ),
        (
            "public read",
            policy(vec![
                json!({"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": [bucket_arn, store]}),
            ]),
        ),
        (
            "another account's root",
            policy(vec![
                json!({"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "s3:*", "Resource": [bucket_arn, format!("{bucket_arn}/*")]}),
            ]),
        ),
        (
            "secrets denied to carol by a principal condition",
            policy(vec![
                json!({"Sid": "Both", "Effect": "Allow", "Principal": {"AWS": [bob, carol]}, "Action": "s3:*", "Resource": [bucket_arn, format!("{bucket_arn}/*")]}),
                json!({"Sid": "NoSecretsForCarol", "Effect": "Deny", "Principal": {"AWS": [bob, carol]}, "Action": "s3:GetObject",
                       "Resource": [format!("{bucket_arn}/kops/*/pki/private/*"), format!("{bucket_arn}/kops/*/secrets/*")],
                       "Condition": {"StringEquals": {"aws:username": "carol"}}}),
            ]),
        ),
        (
            "NotResource keeps secrets out",
            policy(vec![
                json!({"Sid": "AllButSecrets", "Effect": "Allow", "Principal": {"AWS": bob}, "Action": "s3:*",
                       "NotResource": [format!("{bucket_arn}/kops/*/pki/*"), format!("{bucket_arn}/kops/*/secrets/*")]}),
            ]),
        ),
        (
            "explicit deny of writes",
            policy(vec![
                json!({"Sid": "Both", "Effect": "Allow", "Principal": {"AWS": [bob, carol]}, "Action": "s3:*", "Resource": [bucket_arn, format!("{bucket_arn}/*")]}),
                json!({"Sid": "BobReadOnly", "Effect": "Deny", "Principal": {"AWS": bob}, "Action": ["s3:PutObject", "s3:DeleteObject"], "Resource": format!("{bucket_arn}/*")}),
            ]),
        ),
        (
            "NotAction (an RGW departure)",
            policy(vec![
                json!({"Sid": "AllButDelete", "Effect": "Allow", "Principal": {"AWS": bob}, "NotAction": "s3:DeleteObject", "Resource": [bucket_arn, format!("{bucket_arn}/*")]}),
            ]),
        ),
        (
            "source network (depends)",
            policy(vec![
                json!({"Sid": "FromOffice", "Effect": "Allow", "Principal": {"AWS": bob}, "Action": "s3:*", "Resource": [bucket_arn, format!("{bucket_arn}/*")],
                       "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}}),
            ]),
        ),
    ]
}

/// The RGW users' keys and ARNs (`a`, `b`, `c`: tenants 111111111111, 222222222222,
/// 333333333333), written by `scripts/servers/rgw.sh`.
fn keys() -> Value {
    let path = std::env::var("STATELINT_TEST_RGW_KEYS").expect("RGW keys file set");
    serde_json::from_str(&std::fs::read_to_string(&path).expect("keys")).expect("keys JSON")
}

/// The RGW endpoint, the users' keys and the owner's client; `None` (skipped loudly) when
/// the test runs without `scripts/test.sh`.
fn rgw() -> Option<(String, Value, aws_sdk_s3::Client)> {
    let endpoint = common::loopback_server("STATELINT_TEST_RGW_ENDPOINT")?;
    let keys = keys();
    let owner = client(&endpoint, &keys["a"]);
    Some((endpoint, keys, owner))
}

/// The keys every capability reads or writes.
const SPEC: &str = "config";
const SECRETS: [&str; 2] = ["pki/private/ca/keyset.yaml", "secrets/admin"];

fn key(suffix: &str) -> String {
    format!("kops/{CLUSTER}/{suffix}")
}

fn client(endpoint: &str, user: &Value) -> aws_sdk_s3::Client {
    let text = |k: &str| user[k].as_str().unwrap_or_default().to_string();
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            text("key"),
            text("secret"),
            None,
            None,
            "test",
        ))
        .endpoint_url(endpoint)
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// 2xx (or 404 after the request was authorised) is allowed, 403 denied, anything else
/// unknown.
fn answer<T, E: aws_sdk_s3::error::ProvideErrorMetadata>(
    r: Result<T, aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>>,
) -> Option<bool> {
    match r {
        Ok(_) => Some(true),
        Err(e) => match e.raw_response().map(|r| r.status().as_u16()) {
            Some(404) => Some(true),
            Some(403) => Some(false),
            _ => None,
        },
    }
}

/// What RGW lets `client` do, per capability (delete last: it removes the spec).
async fn server(client: &aws_sdk_s3::Client) -> Vec<(Capability, Option<bool>)> {
    let b = format!("{OWNER}:{}", bucket());
    let list = answer(
        client
            .list_objects_v2()
            .bucket(&b)
            .prefix("kops/")
            .delimiter("/")
            .send()
            .await,
    );
    let spec = answer(client.get_object().bucket(&b).key(key(SPEC)).send().await);
    let mut secrets = Some(false);
    for s in SECRETS {
        match answer(client.get_object().bucket(&b).key(key(s)).send().await) {
            Some(true) => secrets = Some(true),
            None => secrets = secrets.and(None),
            Some(false) => {}
        }
    }
    let write = answer(
        client
            .put_object()
            .bucket(&b)
            .key(key(SPEC))
            .body(b"written".to_vec().into())
            .send()
            .await,
    );
    let delete = answer(
        client
            .delete_object()
            .bucket(&b)
            .key(key(SPEC))
            .send()
            .await,
    );
    vec![
        (Capability::List, list),
        (Capability::ReadSpec, spec),
        (Capability::ReadSecrets, secrets),
        (Capability::Write, write),
        (Capability::Delete, delete),
    ]
}

/// The map's verdicts for `users` under `policy`.
fn predicted(policy: &Value, users: &[String]) -> Vec<Vec<(Capability, Verdict)>> {
    let sources = SourceDb::new();
    let parsed = statelint::policy::parse::parse("rgw://policy", &policy.to_string(), &sources)
        .unwrap_or_else(|e| panic!("test policy does not parse: {}", e.finding.message));
    let store = Store::new(&bucket(), "kops", &[CLUSTER.to_string()]);
    let map = access::map(&Input {
        bucket_policy: Some(&parsed),
        identity: &[],
        store: &store,
        owner_account: Some(OWNER),
        extra: users,
    });
    users
        .iter()
        .map(|u| {
            let row = map.row(u).unwrap_or_else(|| panic!("no row for {u}"));
            Capability::ALL
                .iter()
                .map(|c| (*c, row.verdict(*c)))
                .collect()
        })
        .collect()
}

/// The policy without its `NotAction` statements, which RGW never matches.
fn without_not_action(policy: &Value) -> Option<Value> {
    let mut p = policy.clone();
    let statements = p["Statement"].as_array_mut()?;
    let before = statements.len();
    statements.retain(|s| s.get("NotAction").is_none());
    (statements.len() < before).then_some(p)
}

#[test]
fn the_access_map_agrees_with_ceph_rgw() {
    let Some((endpoint, keys, owner)) = rgw() else {
        return;
    };
    let users: Vec<String> = ["b", "c"]
        .iter()
        .map(|u| keys[*u]["arn"].as_str().unwrap_or_default().to_string())
        .collect();
    let clients = [client(&endpoint, &keys["b"]), client(&endpoint, &keys["c"])];
    let b = bucket();
    let (mut compared, mut agreed, mut depends, mut departures) = (0, 0, 0, 0);
    let mut disagreements = Vec::new();
    statelint::vfs::runtime::block_on(async {
        let _ = owner.create_bucket().bucket(&b).send().await;
        for (name, policy) in policies() {
            // Fresh objects for every policy: the previous one's users may have deleted them.
            for k in std::iter::once(SPEC).chain(SECRETS) {
                owner
                    .put_object()
                    .bucket(&b)
                    .key(key(k))
                    .body(b"seed".to_vec().into())
                    .send()
                    .await
                    .expect("seed object");
            }
            owner
                .put_bucket_policy()
                .bucket(&b)
                .policy(policy.to_string())
                .send()
                .await
                .unwrap_or_else(|e| panic!("{name}: RGW rejected the policy: {e:?}"));
            let predictions = predicted(&policy, &users);
            let departure = without_not_action(&policy).map(|p| predicted(&p, &users));
            for (i, c) in clients.iter().enumerate() {
                for (capability, answer) in server(c).await {
                    let Some(allowed) = answer else { continue };
                    let find = |v: &[(Capability, Verdict)]| {
                        v.iter().find(|(x, _)| *x == capability).map(|(_, v)| *v)
                    };
                    let ours = find(&predictions[i]);
                    if ours == Some(Verdict::Depends) {
                        depends += 1;
                        continue;
                    }
                    compared += 1;
                    if ours
                        == Some(if allowed {
                            Verdict::Allow
                        } else {
                            Verdict::Deny
                        })
                    {
                        agreed += 1;
                    } else if departure.as_ref().and_then(|d| find(&d[i]))
                        == Some(if allowed {
                            Verdict::Allow
                        } else {
                            Verdict::Deny
                        })
                    {
                        departures += 1;
                    } else {
                        disagreements.push(format!(
                            "{name}: {} {}: rgw {} map {ours:?}",
                            users[i],
                            capability.name(),
                            if allowed { "allow" } else { "deny" }
                        ));
                    }
                }
            }
        }
        let _ = owner.delete_bucket_policy().bucket(&b).send().await;
    })
    .expect("runtime");
    eprintln!(
        "rgw access: {} policies, {agreed}/{compared} capabilities agree, {departures} RGW NotAction departures, {depends} depend on a condition (not compared)",
        policies().len()
    );
    for d in &disagreements {
        eprintln!("  {d}");
    }
    assert!(compared >= 40, "too few capabilities compared: {compared}");
    assert!(
        depends > 0,
        "the source-network policy must leave cells that depend"
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s)",
        disagreements.len()
    );
}

/// `statelint access --bucket-owner 111111111111 ARGS...` as `user`, in kops's
/// `S3_ENDPOINT` mode.
fn access_as(
    endpoint: &str,
    user: &Value,
    home: &std::path::Path,
    args: &[&str],
) -> std::process::Output {
    let text = |k: &str| user[k].as_str().unwrap_or_default().to_string();
    std::process::Command::new(assert_cmd::cargo::cargo_bin("statelint"))
        .env_clear()
        .env("HOME", home)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("S3_ENDPOINT", endpoint)
        .env("S3_ACCESS_KEY_ID", text("key"))
        .env("S3_SECRET_ACCESS_KEY", text("secret"))
        .current_dir(home)
        .args(["access", "--bucket-owner", OWNER])
        .args(args)
        .output()
        .expect("statelint runs")
}

/// `statelint access` on the live store: the owner maps its own bucket's policy through the
/// CLI (kops's `S3_ENDPOINT` mode), and public read is SL280.
#[test]
fn access_maps_the_live_bucket_policy() {
    let Some((endpoint, keys, owner)) = rgw() else {
        return;
    };
    let b = format!("access-live-{}", std::process::id());
    let bob = keys["b"]["arn"].as_str().unwrap_or_default().to_string();
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{b}/kops/*")},
        {"Sid": "Bob", "Effect": "Allow", "Principal": {"AWS": bob}, "Action": "s3:ListBucket", "Resource": format!("arn:aws:s3:::{b}")}
    ]});
    statelint::vfs::runtime::block_on(async {
        let _ = owner.create_bucket().bucket(&b).send().await;
        owner
            .put_bucket_policy()
            .bucket(&b)
            .policy(policy.to_string())
            .send()
            .await
            .expect("put policy");
    })
    .expect("runtime");
    let home = tempfile::TempDir::new().expect("tempdir");
    let text = |k: &str| keys["a"][k].as_str().unwrap_or_default().to_string();
    let state = format!("s3://{b}/kops");
    let out = access_as(
        &endpoint,
        &keys["a"],
        home.path(),
        &[
            "--state",
            &state,
            "--caller",
            &text("arn"),
            "--format",
            "json",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let row = |p: &str| {
        report["principals"]
            .as_array()
            .and_then(|a| a.iter().find(|r| r["principal"] == p))
            .map(|r| r["capabilities"].clone())
            .unwrap_or_else(|| panic!("no row for {p}: {stdout}"))
    };
    assert_eq!(row("*")["read-spec"], "allow");
    assert_eq!(row("*")["write"], "deny");
    assert_eq!(row(&bob)["list"], "allow");
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .map(|f| f.iter().filter_map(|f| f["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(codes.contains(&"SL280"), "{codes:?}");
    // Before applying a new policy: bob reaches the store now, so a policy without his
    // grant locks him out (SL283), by default, naming no --keep.
    let proposed = home.path().join("new.json");
    let narrowed = json!({"Version": "2012-10-17", "Statement": [policy["Statement"][0].clone()]});
    std::fs::write(&proposed, narrowed.to_string()).expect("write proposed policy");
    let proposed = proposed.display().to_string();
    let out = access_as(
        &endpoint,
        &keys["a"],
        home.path(),
        &[
            "--state",
            &state,
            "--against",
            &proposed,
            "--format",
            "concise",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("SL283") && stdout.contains(&bob) && stdout.contains("list the clusters"),
        "{stdout}"
    );
    statelint::vfs::runtime::block_on(async {
        let _ = owner.delete_bucket_policy().bucket(&b).send().await;
    })
    .expect("runtime");
}
