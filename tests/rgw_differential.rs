//! Differential test of statelint's policy evaluator against a real one: Ceph RGW
//! (`STATELINT_TEST_RGW_ENDPOINT`, started by `scripts/test.sh`).
//!
//! A seeded generator writes a few hundred bucket policies from a small grammar (Allow and
//! Deny; user, account-root, bare account id and `*` principals; exact, wildcard and
//! `NotAction` actions; bucket, object, prefix, other-bucket and `NotResource` resources;
//! `aws:SourceIp` and `aws:username` conditions). Each is put on a bucket of tenant
//! 111111111111; then users of tenants 222222222222 and 333333333333 send each request, and
//! the server's allow/deny is compared with the evaluator's decision for the same request.
//! RGW users carry no identity policy, which RGW treats as "everything allowed in their own
//! account", so the evaluator is given an allow-all identity policy: only the bucket policy
//! decides, as in RGW. The agreement is printed; a disagreement fails the test unless it is
//! one of the departures documented in `docs/rgw-differential.md`.

use std::time::{Duration, Instant};

mod common;

use serde_json::{json, Value};
use statelint::policy::evaluate::{evaluate, Caller, PolicySet, Request};
use statelint::policy::model::PolicyDocument;

const OWNER: &str = "111111111111";
/// A fresh bucket per run: a policy can lock even the owner out (see the docs).
fn bucket() -> String {
    format!("diff-{}", std::process::id())
}
const POLICIES: usize = 200;
const SEED: u64 = 0x5eed_2026;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn statement(rng: &mut Rng) -> Value {
    let b = bucket();
    let principals = [
        json!({"AWS": "arn:aws:iam::222222222222:user/bob"}),
        json!({"AWS": "arn:aws:iam::333333333333:user/carol"}),
        json!({"AWS": "arn:aws:iam::222222222222:root"}),
        json!({"AWS": "222222222222"}),
        json!({"AWS": ["arn:aws:iam::222222222222:user/bob", "arn:aws:iam::333333333333:user/carol"]}),
        json!("*"),
        json!({"AWS": "*"}),
    ];
    let actions = [
        json!("s3:GetObject"),
        json!("s3:PutObject"),
        json!("s3:ListBucket"),
        json!("s3:*"),
        json!("s3:Get*"),
        json!(["s3:GetObject", "s3:ListBucket"]),
        json!("*"),
    ];
    let resources = [
        json!(format!("arn:aws:s3:::{b}")),
        json!(format!("arn:aws:s3:::{b}/*")),
        json!(format!("arn:aws:s3:::{b}/kops/*")),
        json!("arn:aws:s3:::other-bucket/*"),
        json!([format!("arn:aws:s3:::{b}"), format!("arn:aws:s3:::{b}/*")]),
        json!("*"),
    ];
    let conditions = [
        json!({"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}),
        json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
        json!({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
        json!({"StringEquals": {"aws:username": "bob"}}),
        json!({"StringEquals": {"aws:username": "carol"}}),
        json!({"StringLike": {"aws:username": "c*"}}),
    ];
    // A Deny for everyone would lock the owner out of the next PutBucketPolicy (RGW has no
    // root user that may always change the policy), so Deny names the other tenants only.
    let deny = rng.chance(30);
    let principal = if deny {
        rng.pick(&principals[..5]).clone()
    } else {
        rng.pick(&principals).clone()
    };
    let mut s = json!({
        "Effect": if deny { "Deny" } else { "Allow" },
        "Principal": principal,
    });
    let action_key = if rng.chance(20) {
        "NotAction"
    } else {
        "Action"
    };
    s[action_key] = rng.pick(&actions).clone();
    let resource_key = if rng.chance(15) {
        "NotResource"
    } else {
        "Resource"
    };
    s[resource_key] = rng.pick(&resources).clone();
    if rng.chance(35) {
        s["Condition"] = rng.pick(&conditions).clone();
    }
    s
}

fn policy(rng: &mut Rng) -> Value {
    let count = 1 + rng.next() % 3;
    json!({
        "Version": "2012-10-17",
        "Statement": (0..count).map(|_| statement(rng)).collect::<Vec<_>>(),
    })
}

struct User {
    arn: String,
    client: aws_sdk_s3::Client,
}

fn client(endpoint: &str, key: &str, secret: &str) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            key, secret, None, None, "test",
        ))
        .endpoint_url(endpoint)
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// The requests each user sends: (IAM action, resource ARN).
const REQUESTS: [(&str, &str); 4] = [
    ("s3:ListBucket", ""),
    ("s3:GetObject", "kops/config"),
    ("s3:GetObject", "other/file"),
    ("s3:PutObject", "kops/new"),
];

/// Sends one request to the owner's bucket (`TENANT:bucket` across tenants); `Some(true)`
/// allowed, `Some(false)` denied (403), `None` for anything else.
async fn send(user: &User, action: &str, key: &str) -> Option<bool> {
    let bucket = format!("{OWNER}:{}", bucket());
    let status = match action {
        "s3:ListBucket" => user
            .client
            .list_objects_v2()
            .bucket(&bucket)
            .send()
            .await
            .map(|_| 200)
            .map_err(|e| e.raw_response().map(|r| r.status().as_u16())),
        "s3:GetObject" => user
            .client
            .get_object()
            .bucket(&bucket)
            .key(key)
            .send()
            .await
            .map(|_| 200)
            .map_err(|e| e.raw_response().map(|r| r.status().as_u16())),
        _ => user
            .client
            .put_object()
            .bucket(&bucket)
            .key(key)
            .body(b"x".to_vec().into())
            .send()
            .await
            .map(|_| 200)
            .map_err(|e| e.raw_response().map(|r| r.status().as_u16())),
    };
    match status {
        Ok(_) | Err(Some(404)) => Some(true),
        Err(Some(403)) => Some(false),
        Err(_) => None,
    }
}

fn decide(policy: &Value, user: &User, action: &str, key: &str) -> bool {
    let document: PolicyDocument =
        serde_json::from_value(policy.clone()).expect("generated policy parses");
    let everything: PolicyDocument = serde_json::from_value(
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
    )
    .expect("allow-all");
    let b = bucket();
    let resource = if key.is_empty() {
        format!("arn:aws:s3:::{b}")
    } else {
        format!("arn:aws:s3:::{b}/{key}")
    };
    let caller = Caller::from_arn(&user.arn).expect("caller ARN");
    let request = Request::new(caller, action, resource).with("aws:SourceIp", "127.0.0.1");
    let set = PolicySet {
        identity_policies: Some(vec![everything]),
        resource_policy: Some(document),
        resource_owner_account: Some(OWNER.into()),
    };
    evaluate(&request, &set).is_allow()
}

/// Whether the server's answer is what our evaluator gives once every statement using
/// `NotAction` is left out: RGW 16.2 never matches such statements, in `Allow` (which then
/// grants nothing) or in `Deny` (which then denies nothing). AWS documents that `NotAction`
/// matches every action except those listed:
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
fn ignores_not_action(policy: &Value, user: &User, action: &str, key: &str, server: bool) -> bool {
    let mut without = policy.clone();
    let Some(statements) = without["Statement"].as_array_mut() else {
        return false;
    };
    let before = statements.len();
    statements.retain(|s| s.get("NotAction").is_none());
    statements.len() < before && decide(&without, user, action, key) == server
}

#[test]
fn the_evaluator_agrees_with_ceph_rgw_on_generated_policies() {
    let Some(endpoint) = common::loopback_server("STATELINT_TEST_RGW_ENDPOINT") else {
        return;
    };
    let keys_path = std::env::var("STATELINT_TEST_RGW_KEYS").expect("RGW keys file set");
    let keys: Value = serde_json::from_str(&std::fs::read_to_string(&keys_path).expect("keys"))
        .expect("keys JSON");
    let make = |name: &str| User {
        arn: keys[name]["arn"].as_str().unwrap_or_default().to_string(),
        client: client(
            &endpoint,
            keys[name]["key"].as_str().unwrap_or_default(),
            keys[name]["secret"].as_str().unwrap_or_default(),
        ),
    };
    let owner = make("a");
    let users = [make("b"), make("c")];
    let started = Instant::now();
    let mut rng = Rng(SEED);
    let b = bucket();
    let (mut agreed, mut compared, mut rejected, mut departures) = (0usize, 0usize, 0usize, 0usize);
    let mut disagreements = Vec::new();
    statelint::vfs::runtime::block_on(async {
        // The owner's bucket (tenant-local name) with the object the reads look for.
        let _ = owner.client.create_bucket().bucket(&b).send().await;
        // Every object read exists: for a missing key S3 answers 403 or 404 depending
        // on s3:ListBucket, which would blur the decision on s3:GetObject.
        for key in ["kops/config", "other/file"] {
            owner
                .client
                .put_object()
                .bucket(&b)
                .key(key)
                .body(b"apiVersion: kops.k8s.io/v1alpha2\n".to_vec().into())
                .send()
                .await
                .expect("seed object");
        }
        for n in 0..POLICIES {
            // Bounded: on a very slow machine, compare fewer policies rather than run on.
            if started.elapsed() > Duration::from_secs(50) {
                eprintln!("rgw differential: stopped after 50 s, at policy {n}");
                break;
            }
            let policy = policy(&mut rng);
            if owner
                .client
                .put_bucket_policy()
                .bucket(&b)
                .policy(policy.to_string())
                .send()
                .await
                .is_err()
            {
                rejected += 1;
                continue;
            }
            // The requests of one policy at once (they do not change what they test).
            let asked: Vec<(&User, &str, &str)> = users
                .iter()
                .flat_map(|u| REQUESTS.iter().map(move |(a, k)| (u, *a, *k)))
                .collect();
            let answers =
                futures::future::join_all(asked.iter().map(|(u, a, k)| send(u, a, k))).await;
            for ((user, action, key), answer) in asked.into_iter().zip(answers) {
                {
                    let Some(server) = answer else {
                        continue;
                    };
                    let ours = decide(&policy, user, action, key);
                    compared += 1;
                    if server == ours {
                        agreed += 1;
                    } else if ignores_not_action(&policy, user, action, key, server) {
                        // RGW departs from AWS here; see docs/rgw-differential.md.
                        departures += 1;
                    } else {
                        disagreements.push(format!(
                            "policy #{n} {policy}: {} {action} {key}: rgw {} statelint {}",
                            user.arn,
                            if server { "allow" } else { "deny" },
                            if ours { "allow" } else { "deny" }
                        ));
                    }
                }
            }
        }
        let _ = owner.client.delete_bucket_policy().bucket(&b).send().await;
    })
    .expect("runtime");
    eprintln!(
        "rgw differential: {POLICIES} policies (seed {SEED:#x}), {rejected} rejected by the server, {agreed}/{compared} requests agree, {departures} differ where RGW ignores statements with NotAction, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    for d in &disagreements {
        eprintln!("  {d}");
    }
    assert!(compared > POLICIES, "too few requests compared: {compared}");
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s)",
        disagreements.len()
    );
}
