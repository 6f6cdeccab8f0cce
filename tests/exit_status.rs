//! The exit-status table of `statelint --help` and the README, one test per row and cause:
//! 0 clean, 1 findings at or above the fail level, 2 statelint could not do its job. A
//! reader that closes standard output early changes nothing, and nothing panics on it.

mod common;

use assert_cmd::Command;
use common::statelint;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tempfile::TempDir;

fn status(cmd: &mut Command) -> (i32, String) {
    let out = cmd.output().expect("statelint runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn example() -> PathBuf {
    common::example_store()
}

/// `check --offline` of the example store with `args`.
fn check(home: &Path, args: &[&str]) -> (i32, String) {
    status(
        statelint(home)
            .arg("check")
            .arg("--state")
            .arg(example())
            .arg("--offline")
            .args(args),
    )
}

#[test]
fn zero_when_nothing_reaches_the_fail_level() {
    let home = TempDir::new().expect("home");
    let (code, out) = check(home.path(), &["--cluster", "dev.example.com"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = check(home.path(), &["--fail-on", "critical"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn one_for_findings_at_or_above_the_fail_level() {
    let home = TempDir::new().expect("home");
    let (code, out) = check(home.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("SL1"), "{out}");
}

#[test]
fn two_for_bad_arguments() {
    let home = TempDir::new().expect("home");
    let (code, out) = check(home.path(), &["--no-such-flag"]);
    assert_eq!(code, 2, "{out}");
    let (code, out) = check(home.path(), &["--offline", "--write-probes"]);
    assert_eq!(code, 2, "{out}");
}

#[test]
fn two_for_an_unreadable_or_invalid_lint_config() {
    let home = TempDir::new().expect("home");
    let (code, out) = check(home.path(), &["--lint-config", "missing.yaml"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("missing.yaml"), "{out}");

    std::fs::write(home.path().join(".statelint.yaml"), "fail-on: [nonsense\n").expect("write");
    let (code, out) = check(home.path(), &["--cluster", "dev.example.com"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("SL901"), "{out}");
}

#[test]
fn two_for_an_unreadable_or_invalid_baseline() {
    let home = TempDir::new().expect("home");
    let (code, out) = check(home.path(), &["--baseline", "missing.json"]);
    assert_eq!(code, 2, "{out}");
    std::fs::write(home.path().join("bad.json"), "{ not json").expect("write");
    let (code, out) = check(home.path(), &["--baseline", "bad.json"]);
    assert_eq!(code, 2, "{out}");
}

#[test]
fn two_for_an_unusable_store_url() {
    let home = TempDir::new().expect("home");
    for url in ["s3://", "nosuch://bucket/kops"] {
        let (code, out) = status(statelint(home.path()).args(["check", "--state", url]));
        assert_eq!(code, 2, "{url}: {out}");
    }
    // No store at all.
    let (code, out) = status(statelint(home.path()).arg("check"));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("SL001"), "{out}");
    // A local store that does not exist.
    let (code, out) =
        status(statelint(home.path()).args(["check", "--state", "file:///nonexistent/state"]));
    assert_eq!(code, 2, "{out}");
}

#[test]
fn two_for_an_unreachable_store() {
    // A port nobody listens on: connection refused (SL034).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let home = TempDir::new().expect("home");
    let (code, out) = status(
        statelint(home.path())
            .env("S3_ENDPOINT", format!("http://127.0.0.1:{port}"))
            .env("S3_ACCESS_KEY_ID", "testing")
            .env("S3_SECRET_ACCESS_KEY", "testing")
            .env("STATELINT_REQUEST_TIMEOUT", "5")
            .args(["check", "--state", "s3://kops-state/kops"]),
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("SL034"), "{out}");
}

#[test]
fn one_for_a_missing_bucket_on_a_store_that_answers() {
    let Some(endpoint) = common::loopback_server("STATELINT_TEST_S3_ENDPOINT") else {
        return;
    };
    let home = TempDir::new().expect("home");
    let (code, out) = status(
        statelint(home.path())
            .env("S3_ENDPOINT", &endpoint)
            .env("S3_ACCESS_KEY_ID", "testing")
            .env("S3_SECRET_ACCESS_KEY", "testing")
            .args([
                "check",
                "--offline",
                "--state",
                &format!("s3://{}/kops", common::unique_name()),
            ]),
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("SL030"), "{out}");
}

#[cfg(target_os = "linux")]
#[test]
fn two_for_an_output_that_cannot_be_written() {
    let home = TempDir::new().expect("home");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("statelint"))
        .env_clear()
        .env("HOME", home.path())
        .env("NO_COLOR", "1")
        .current_dir(home.path())
        .arg("check")
        .arg("--state")
        .arg(example())
        .arg("--offline")
        .stdout(Stdio::from(full))
        .output()
        .expect("runs");
    let code = out.status.code().unwrap_or(-1);
    let out = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(code, 2, "{out}");
    let (code, out) = check(
        home.path(),
        &["--write-baseline", "/nonexistent/dir/b.json"],
    );
    assert_eq!(code, 2, "{out}");
}

/// Runs the binary with standard output closed before it writes anything: every write
/// meets a broken pipe. Returns the exit status and standard error.
fn with_closed_stdout(home: &Path, args: &[&str]) -> (i32, String) {
    let bin = assert_cmd::cargo::cargo_bin("statelint");
    let mut child = std::process::Command::new(bin)
        .env_clear()
        .env("HOME", home)
        .env("NO_COLOR", "1")
        .current_dir(home)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    let code = child.wait().expect("wait").code().unwrap_or(-1);
    (code, stderr)
}

#[test]
fn a_closed_stdout_keeps_the_status_and_never_panics() {
    let home = TempDir::new().expect("home");
    let store = example().display().to_string();
    let (code, stderr) =
        with_closed_stdout(home.path(), &["check", "--state", &store, "--offline"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let (code, stderr) = with_closed_stdout(home.path(), &["completions", "bash"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let (code, stderr) = with_closed_stdout(home.path(), &["man"]);
    assert_eq!(code, 0, "{stderr}");
}

/// The same through a shell pipeline, as users write it.
#[test]
fn check_piped_into_head_keeps_exit_1_and_completions_into_true_exit_0() {
    let home = TempDir::new().expect("home");
    let bin = assert_cmd::cargo::cargo_bin("statelint");
    let pipeline = |script: &str| {
        let out = std::process::Command::new("bash")
            .env_clear()
            .env("HOME", home.path())
            .env("NO_COLOR", "1")
            .env("STORE", example())
            .env("BIN", &bin)
            .args(["-c", &format!("set -o pipefail; {script}")])
            .output()
            .expect("bash runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stderr) = pipeline("\"$BIN\" check --state \"$STORE\" --offline | head -1");
    assert_eq!(code, 1, "{stderr}");
    let (code, stderr) = pipeline("\"$BIN\" completions bash | true");
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn the_table_is_in_the_help_and_the_readme() {
    let home = TempDir::new().expect("home");
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    for args in [&["--help"][..], &["check", "--help"][..]] {
        let (code, out) = status(statelint(home.path()).args(args));
        assert_eq!(code, 0);
        assert!(out.contains("Exit status:"), "{args:?}: {out}");
        for row in [
            "0  clean",
            "1  findings",
            "2  statelint could not do its job",
        ] {
            assert!(out.contains(row), "{args:?} lacks `{row}`: {out}");
        }
    }
    assert!(readme.contains("### Exit status"));
    assert!(readme.contains("| `2` | statelint could not do its job"));
}
