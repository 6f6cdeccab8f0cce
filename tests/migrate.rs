//! `statelint migrate`, `export` and `import` on local stores through the real binary: the
//! copy is complete and verified, configBase points at the destination, the source is
//! untouched, a second run copies nothing, conflicts are refused, a tampered export is not
//! imported, and nothing waits for input without a terminal.

mod common;

use assert_cmd::Command;
use common::copy_dir;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("under").to_path_buf();
                out.push((rel, std::fs::read(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

fn statelint(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("statelint")
        .expect("binary")
        .env_clear()
        .env("HOME", dir)
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn setup() -> TempDir {
    let dir = TempDir::new().expect("tempdir");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/store"),
        &dir.path().join("src"),
    );
    dir
}

#[test]
fn migrate_copies_verifies_rewrites_and_is_idempotent() {
    let dir = setup();
    let before = files(&dir.path().join("src"));
    let (code, stdout, stderr) = statelint(
        dir.path(),
        &["migrate", "--from", "src", "--to", "dst", "--yes"],
    );
    assert!(code == 0 || code == 1, "{stdout}{stderr}");
    assert!(stdout.contains("copied 13 object(s)"), "{stdout}");
    assert!(stdout.contains("export KOPS_STATE_STORE=dst"), "{stdout}");
    assert_eq!(
        files(&dir.path().join("src")),
        before,
        "the source is never changed"
    );
    let config =
        std::fs::read_to_string(dir.path().join("dst/prod.example.com/config")).expect("copied");
    let expected = format!(
        "configBase: file://{}/dst/prod.example.com",
        dir.path().canonicalize().expect("canon").display()
    );
    let expected_plain = format!(
        "configBase: file://{}/dst/prod.example.com",
        dir.path().display()
    );
    assert!(
        config.contains(&expected) || config.contains(&expected_plain),
        "{config}"
    );
    // Everything else byte for byte.
    let copied = files(&dir.path().join("dst"));
    for (path, data) in &before {
        if !path.ends_with("prod.example.com/config") {
            assert!(
                copied.contains(&(path.clone(), data.clone())),
                "{}",
                path.display()
            );
        }
    }
    let (_, stdout, _) = statelint(
        dir.path(),
        &["migrate", "--from", "src", "--to", "dst", "--yes"],
    );
    assert!(
        stdout.contains("0 to copy") && stdout.contains("copied 0 object(s), 13 already identical"),
        "{stdout}"
    );
}

#[test]
fn migrate_refuses_a_differing_destination_and_never_waits_for_input() {
    let dir = setup();
    let nodes = dir.path().join("dst/dev.example.com/instancegroup/nodes");
    std::fs::create_dir_all(nodes.parent().expect("parent")).expect("mkdir");
    std::fs::write(&nodes, "someone else's\n").expect("write");
    let (code, _, stderr) = statelint(dir.path(), &["migrate", "--from", "src", "--to", "dst"]);
    assert_eq!(code, 2, "no terminal and no --yes: {stderr}");
    assert!(stderr.contains("--yes"));
    let (code, stdout, _) = statelint(
        dir.path(),
        &["migrate", "--from", "src", "--to", "dst", "--yes"],
    );
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("CONFLICT") && stdout.contains("held back: `dev.example.com`"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(&nodes).expect("kept"),
        "someone else's\n"
    );
    let (_, stdout, _) = statelint(
        dir.path(),
        &[
            "migrate", "--from", "src", "--to", "dst", "--yes", "--force",
        ],
    );
    assert!(stdout.contains("copied"), "{stdout}");
    assert_ne!(
        std::fs::read_to_string(&nodes).expect("forced"),
        "someone else's\n"
    );
}

#[test]
fn export_and_import_round_trip_and_a_tampered_export_is_refused() {
    let dir = setup();
    let (code, stdout, stderr) =
        statelint(dir.path(), &["export", "--state", "src", "--to", "exp"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("exp/statelint-manifest.json")).expect("manifest"),
    )
    .expect("json");
    assert_eq!(manifest["files"].as_array().map(Vec::len), Some(13));
    let (code, _, stderr) = statelint(
        dir.path(),
        &["import", "--from", "exp", "--to", "imp", "--yes"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        files(&dir.path().join("imp")),
        files(&dir.path().join("src")),
        "verbatim round trip"
    );

    std::fs::write(dir.path().join("exp/dev.example.com/config"), "tampered\n").expect("tamper");
    let (code, stdout, _) = statelint(
        dir.path(),
        &["import", "--from", "exp", "--to", "imp2", "--yes"],
    );
    assert_eq!(code, 2);
    assert!(stdout.contains("changed or missing: dev.example.com/config"));
    assert!(!dir.path().join("imp2/dev.example.com").exists());
}
