//! Secrets never reach output: planted private keys, secret values and credentials are
//! searched for in every output format of every command that reads the store.

mod common;

use assert_cmd::Command;
use common::copy_dir;
use std::path::Path;
use tempfile::TempDir;

const KEY_MARKER: &str = "PLANTED-PRIVATE-KEY-5f3a";
const SECRET_MARKER: &str = "PLANTED-SECRET-9c1e";
/// base64 of SECRET_MARKER, as kops stores secrets (`{"Data": "<base64>"}`).
const SECRET_B64: &str = "UExBTlRFRC1TRUNSRVQtOWMxZQ==";
const URL_PASSWORD: &str = "PLANTED-URL-PASSWORD-77";
const ENV_SECRET: &str = "PLANTED-ENV-SECRET-31";

fn planted_store(dir: &Path) {
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/store"),
        &dir.join("store"),
    );
    for cluster in ["dev.example.com", "staging.example.com"] {
        let keyset = dir.join(format!("store/{cluster}/pki/private/ca/keyset.yaml"));
        std::fs::create_dir_all(keyset.parent().expect("parent")).expect("mkdir");
        // Broken YAML on purpose too: error paths must not echo contents either.
        std::fs::write(
            &keyset,
            format!("-----BEGIN RSA PRIVATE KEY-----\n{KEY_MARKER}\n: [\n"),
        )
        .expect("write");
        let secret = dir.join(format!("store/{cluster}/secrets/admin"));
        std::fs::create_dir_all(secret.parent().expect("parent")).expect("mkdir");
        std::fs::write(&secret, format!("{{\"Data\": \"{SECRET_B64}\"}}")).expect("write");
    }
}

fn run(dir: &Path, args: &[&str]) -> String {
    let out = Command::cargo_bin("statelint")
        .expect("binary")
        .env_clear()
        .env("HOME", dir)
        .env("AWS_SECRET_ACCESS_KEY", ENV_SECRET)
        .env("AWS_ACCESS_KEY_ID", "AKIAPLANTED")
        .env("S3_SECRET_ACCESS_KEY", ENV_SECRET)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        // Any S3 request goes to a closed loopback port, never to AWS.
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn assert_clean(what: &str, output: &str) {
    for marker in [
        KEY_MARKER,
        SECRET_MARKER,
        SECRET_B64,
        URL_PASSWORD,
        ENV_SECRET,
    ] {
        assert!(
            !output.contains(marker),
            "{what} printed `{marker}`:\n{output}"
        );
    }
}

#[test]
fn no_output_format_of_any_command_prints_a_secret() {
    let dir = TempDir::new().expect("tempdir");
    planted_store(dir.path());
    let mut runs = 0;
    for format in ["human", "json", "sarif", "junit", "github", "gitlab"] {
        for extra in [&[][..], &["--verbose"][..]] {
            let mut args = vec!["check", "--state", "store", "--format", format];
            args.extend_from_slice(extra);
            assert_clean(&format!("check {format}"), &run(dir.path(), &args));
            let mut args = vec!["probe", "--state", "store", "--format", format];
            args.extend_from_slice(extra);
            assert_clean(&format!("probe {format}"), &run(dir.path(), &args));
            runs += 2;
        }
    }
    let with_password = format!("s3://AKIAPLANTED:{URL_PASSWORD}@bucket/kops");
    for args in [
        vec!["resolve", "--state", with_password.as_str()],
        vec![
            "resolve",
            "--state",
            with_password.as_str(),
            "--format",
            "json",
        ],
        vec![
            "check",
            "--state",
            with_password.as_str(),
            "--offline",
            "--format",
            "json",
        ],
        vec!["migrate", "--from", "store", "--to", "copy", "--dry-run"],
        vec!["migrate", "--from", "store", "--to", "copy", "--yes"],
        vec!["export", "--state", "store", "--to", "exported"],
    ] {
        assert_clean(&args.join(" "), &run(dir.path(), &args));
        runs += 1;
    }
    // The copies themselves keep the secrets byte for byte.
    let copied = std::fs::read_to_string(dir.path().join("copy/dev.example.com/secrets/admin"))
        .expect("copied");
    assert!(copied.contains(SECRET_B64));
    assert!(runs >= 30);
}
