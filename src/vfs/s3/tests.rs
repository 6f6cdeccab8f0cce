use super::*;
use crate::env::MapEnv;

fn url(text: &str) -> StoreUrl {
    StoreUrl::parse(text).expect("valid URL")
}

fn config_code(result: Result<S3Settings, VfsError>) -> &'static str {
    match result {
        Err(VfsError::Config { code, .. }) => code.code,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn standard_mode_uses_the_aws_chain_and_looks_the_region_up() {
    let env = MapEnv::new();
    let s = resolve(&url("s3://kops-state/clusters/"), &env).expect("resolves");
    assert_eq!(
        (s.bucket.as_str(), s.prefix.as_str()),
        ("kops-state", "clusters")
    );
    assert_eq!(s.credentials, S3Credentials::Chain);
    assert!(s.discover_region && !s.region_configured && !s.path_style);
    assert_eq!(s.region, "us-east-1");
    assert_eq!(s.endpoint, None);
}

#[test]
fn environment_keys_region_and_endpoint_are_honoured() {
    let env = MapEnv::new()
        .with_var("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
        .with_var("AWS_SECRET_ACCESS_KEY", "secret")
        .with_var("AWS_SESSION_TOKEN", "token")
        .with_var("AWS_DEFAULT_REGION", "eu-west-1")
        .with_var("AWS_ENDPOINT_URL", "http://127.0.0.1:5000");
    let s = resolve(&url("s3://b"), &env).expect("resolves");
    assert!(
        matches!(&s.credentials, S3Credentials::Static { key_id, token: Some(_), .. } if key_id == "AKIAEXAMPLE")
    );
    assert_eq!(s.region, "eu-west-1");
    assert!(s.region_configured && s.discover_region && s.path_style);
    assert_eq!(s.endpoint.as_deref(), Some("http://127.0.0.1:5000"));
    // AWS_REGION wins over AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3 over AWS_ENDPOINT_URL.
    let env = env
        .with_var("AWS_REGION", "ap-south-1")
        .with_var("AWS_ENDPOINT_URL_S3", "http://127.0.0.2:1");
    let s = resolve(&url("s3://b"), &env).expect("resolves");
    assert_eq!(s.region, "ap-south-1");
    assert_eq!(s.endpoint.as_deref(), Some("http://127.0.0.2:1"));
}

#[test]
fn s3_endpoint_switches_to_kops_static_key_mode() {
    let env = MapEnv::new()
        .with_var("S3_ENDPOINT", "minio.example.com:9000")
        .with_var("S3_ACCESS_KEY_ID", "k")
        .with_var("S3_SECRET_ACCESS_KEY", "s")
        // Ignored in this mode, as kops ignores them.
        .with_var("AWS_ACCESS_KEY_ID", "other")
        .with_var("AWS_SECRET_ACCESS_KEY", "other");
    let s = resolve(&url("s3://b/p"), &env).expect("resolves");
    assert_eq!(
        s.endpoint.as_deref(),
        Some("https://minio.example.com:9000")
    );
    assert!(s.path_style && !s.discover_region);
    assert_eq!(s.region, "us-east-1");
    assert!(matches!(&s.credentials, S3Credentials::Static { key_id, .. } if key_id == "k"));
    let s = resolve(
        &url("s3://b/p"),
        &env.clone().with_var("S3_REGION", "fr-par"),
    )
    .expect("resolves");
    assert_eq!(s.region, "fr-par");
}

#[test]
fn s3_endpoint_without_its_keys_is_sl041() {
    let env = MapEnv::new()
        .with_var("S3_ENDPOINT", "https://s3.example.com")
        .with_var("S3_ACCESS_KEY_ID", "k");
    assert_eq!(config_code(resolve(&url("s3://b"), &env)), "SL041");
}

#[test]
fn compatible_schemes_need_s3_endpoint() {
    for scheme in ["do", "scw", "linode", "hos", "oss"] {
        let u = url(&format!("{scheme}://space/kops"));
        assert_eq!(
            config_code(resolve(&u, &MapEnv::new())),
            "SL040",
            "{scheme}"
        );
        let env = MapEnv::new()
            .with_var("S3_ENDPOINT", "https://nyc3.digitaloceanspaces.com")
            .with_var("S3_ACCESS_KEY_ID", "k")
            .with_var("S3_SECRET_ACCESS_KEY", "s");
        let s = resolve(&u, &env).expect("resolves");
        assert_eq!(s.bucket_url(), format!("{scheme}://space"));
    }
}

#[test]
fn the_acl_variable_is_noted_and_secrets_never_debug_print() {
    let env = MapEnv::new()
        .with_var("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
        .with_var("AWS_SECRET_ACCESS_KEY", "topsecret")
        .with_var("KOPS_STATE_S3_ACL", "bucket-owner-full-control");
    let s = resolve(&url("s3://b"), &env).expect("resolves");
    assert_eq!(
        s.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
        ["SL045"]
    );
    assert!(!format!("{s:?}").contains("topsecret"));
}

#[test]
fn legacy_location_answers_map_to_regions() {
    assert_eq!(location_to_region(""), "us-east-1");
    assert_eq!(location_to_region("EU"), "eu-west-1");
    assert_eq!(location_to_region("ap-northeast-1"), "ap-northeast-1");
}
