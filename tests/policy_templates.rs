//! The bucket-policy templates in `policies/` are well-formed data: every placeholder is
//! declared and used, and bucket-level actions only target the bucket ARN while object
//! actions only target object ARNs (the most common bucket-policy mistake).

use serde_json::Value;
use std::path::Path;

const BUCKET_ACTIONS: &[&str] = &[
    "s3:GetBucketLocation",
    "s3:GetBucketPolicy",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketVersioning",
    "s3:GetEncryptionConfiguration",
    "s3:ListBucket",
    "s3:ListBucketVersions",
];

fn templates() -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .expect("policies/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable");
            let value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.display().to_string(), value)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn as_list(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn templates_are_complete_and_never_mix_bucket_and_object_resources() {
    let all = templates();
    assert_eq!(all.len(), 3, "operator, node-readonly, ci-preflight");
    for (path, t) in &all {
        let text = t.to_string();
        let declared: Vec<&str> = as_list(&t["placeholders"]);
        for p in ["partition", "bucket", "prefix", "principal"] {
            assert!(declared.contains(&p), "{path}: {p} not declared");
            assert!(
                text.contains(&format!("${{{p}}}")),
                "{path}: {p} never used"
            );
        }
        assert!(
            t["description"].as_str().is_some_and(|d| d.len() > 40),
            "{path}: documented"
        );
        let statements = t["statements"].as_array().expect("statements");
        for s in statements {
            assert_eq!(s["Effect"], "Allow", "{path}");
            assert!(s["Sid"]
                .as_str()
                .is_some_and(|sid| sid.chars().all(|c| c.is_ascii_alphanumeric())));
            let actions = as_list(&s["Action"]);
            let resources = as_list(&s["Resource"]);
            let bucket_level = actions.iter().all(|a| BUCKET_ACTIONS.contains(a));
            let object_level = actions.iter().all(|a| !BUCKET_ACTIONS.contains(a));
            assert!(
                bucket_level || object_level,
                "{path}: {} mixes bucket and object actions",
                s["Sid"]
            );
            for r in resources {
                let is_object_arn = r.contains("${bucket}/");
                assert_eq!(
                    is_object_arn, object_level,
                    "{path}: {} resource {r}",
                    s["Sid"]
                );
            }
            assert!(
                !text.contains("\"*\""),
                "{path}: no wildcard principal or action"
            );
        }
    }
}
