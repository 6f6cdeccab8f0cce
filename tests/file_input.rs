//! `statelint check PATH...`: kops manifests from files, folders and stdin get the same
//! schemas and rules as a store, with findings at the file (or `<stdin>`), line and column.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;
use tempfile::TempDir;

fn bin(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_statelint"));
    cmd.env_clear()
        .env("HOME", home)
        .env("NO_COLOR", "1")
        .current_dir(home);
    cmd
}

fn example(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/store");
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The staging cluster of the example store as a `cluster.yaml` and an `igs.yaml` holding
/// every instance group as a multi-document file, like a repository of manifests.
fn manifests(dir: &Path) -> (PathBuf, PathBuf) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let cluster = dir.join("cluster.yaml");
    std::fs::write(&cluster, example("staging.example.com/config")).expect("write cluster");
    let ig_dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/store/staging.example.com/instancegroup");
    let mut groups = String::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(&ig_dir)
        .expect("example groups")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    names.sort();
    for path in names {
        groups.push_str("---\n");
        groups.push_str(&std::fs::read_to_string(path).expect("read group"));
    }
    let igs = dir.join("igs.yaml");
    std::fs::write(&igs, groups).expect("write groups");
    (cluster, igs)
}

fn report(out: &std::process::Output) -> Value {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// (code, file name) of every finding.
fn found(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let url = f["location"]["url"]
                .as_str()
                .or(f["location"]["uri"].as_str())
                .unwrap_or("");
            let file = Path::new(url)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (f["code"].as_str().unwrap_or("").to_string(), file)
        })
        .collect()
}

/// `statelint check --format json PATH...` run in `home`: the exit code and the report.
fn check_json(home: &Path, paths: &[&Path]) -> (Option<i32>, Value) {
    let out = bin(home)
        .args(["check", "--format", "json"])
        .args(paths)
        .output()
        .expect("runs");
    (out.status.code(), report(&out))
}

/// The code of every finding, in report order.
fn codes_in(report: &Value) -> Vec<String> {
    found(report).into_iter().map(|(code, _)| code).collect()
}

const EXPECTED: &[(&str, &str)] = &[
    ("SL107", "cluster.yaml"),
    ("SL121", "cluster.yaml"),
    ("SL114", "igs.yaml"),
    ("SL105", "igs.yaml"),
];

#[test]
fn files_and_a_folder_get_the_store_rules_at_their_own_lines() {
    let home = TempDir::new().expect("tempdir");
    let (cluster, igs) = manifests(&home.path().join("manifests"));
    for args in [
        vec![cluster.clone(), igs.clone()],
        vec![home.path().join("manifests")],
    ] {
        let out = bin(home.path())
            .arg("check")
            .args(&args)
            .args(["--format", "json"])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let report = report(&out);
        let found = found(&report);
        for (code, file) in EXPECTED {
            assert!(
                found.contains(&(code.to_string(), file.to_string())),
                "{code} in {file} missing for {args:?}: {found:?}"
            );
        }
        assert_eq!(report["summary"]["clusters"]["invalid"], 1, "{report}");
    }
}

#[test]
fn stdin_is_read_with_dash_and_findings_point_at_stdin() {
    let home = TempDir::new().expect("tempdir");
    let (cluster, igs) = manifests(&home.path().join("m"));
    let text = format!(
        "{}\n---\n{}",
        std::fs::read_to_string(cluster).expect("read"),
        std::fs::read_to_string(igs).expect("read")
    );
    let mut child = bin(home.path())
        .args(["check", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawns");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("finishes");
    assert_eq!(out.status.code(), Some(1));
    let report = report(&out);
    let urls: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["location"]["url"].as_str())
        .collect();
    assert!(
        !urls.is_empty() && urls.iter().all(|u| *u == "<stdin>"),
        "{urls:?}"
    );
    let codes = codes_in(&report);
    for (code, _) in EXPECTED {
        assert!(codes.contains(&code.to_string()), "{code}: {codes:?}");
    }
}

#[test]
fn other_kinds_are_skipped_with_a_note_and_config_base_is_said_unchecked() {
    let home = TempDir::new().expect("tempdir");
    let file = home.path().join("all.yaml");
    let prod = example("prod.example.com/config");
    std::fs::write(
        &file,
        format!("{prod}\n---\napiVersion: kops.k8s.io/v1alpha2\nkind: SSHCredential\nmetadata:\n  name: admin\nspec:\n  publicKey: ssh-ed25519 AAAA\n"),
    )
    .expect("write");
    let (_, report) = check_json(home.path(), &[&file]);
    let codes = codes_in(&report);
    assert!(
        codes.contains(&"SL077".to_string()),
        "SSHCredential skipped with a note: {codes:?}"
    );
    assert!(
        codes.contains(&"SL079".to_string()),
        "configBase said unchecked: {codes:?}"
    );
    // prod's configBase points at another bucket: with a store that is SL101; from a file
    // there is nothing to compare it with, so no guess.
    assert!(!codes.contains(&"SL101".to_string()), "{codes:?}");
}

#[test]
fn with_state_config_base_is_compared_with_the_store_the_manifest_would_be_written_to() {
    let home = TempDir::new().expect("tempdir");
    std::fs::create_dir_all(home.path().join("store")).expect("mkdir store");
    let store = format!("file://{}", home.path().join("store").display());
    let prod = example("prod.example.com/config");
    let old_base = "configBase: s3://old-kops-state/prod.example.com";
    assert!(prod.contains(old_base), "the example's configBase moved");
    let codes_with = |config_base: &str| -> Vec<String> {
        let file = home.path().join("cluster.yaml");
        let manifest = prod.replace(old_base, &format!("configBase: {config_base}"));
        std::fs::write(&file, manifest).expect("write");
        let out = bin(home.path())
            .args(["check", "--format", "json", "--state", &store])
            .arg(&file)
            .output()
            .expect("runs");
        codes_in(&report(&out))
    };
    // Another folder of the same kind of store: configBase names the wrong place.
    let elsewhere = codes_with(&format!("{store}-old/prod.example.com"));
    assert!(elsewhere.contains(&"SL101".to_string()), "{elsewhere:?}");
    assert!(!elsewhere.contains(&"SL079".to_string()), "{elsewhere:?}");
    // The store's own folder for the cluster: nothing to say about configBase.
    let right = codes_with(&format!("{store}/prod.example.com"));
    for code in ["SL101", "SL110", "SL079"] {
        assert!(!right.contains(&code.to_string()), "{code}: {right:?}");
    }
}

#[test]
fn a_lint_config_suppression_is_applied_and_counted() {
    let home = TempDir::new().expect("tempdir");
    let file = home.path().join("cluster.yaml");
    std::fs::write(&file, example("prod.example.com/config")).expect("write");
    std::fs::write(
        home.path().join(".statelint.yaml"),
        "suppress:\n  - code: SL079\n    reason: read from a file on purpose\n",
    )
    .expect("write lint config");
    let (_, report) = check_json(home.path(), &[&file]);
    let codes = codes_in(&report);
    assert!(!codes.contains(&"SL079".to_string()), "{codes:?}");
    assert_eq!(report["suppressed"], 1, "{report}");
}

/// The human summary of a file check counts its clusters, as a store check does: a run that
/// read manifests says how many clusters it checked and how they fared.
#[test]
fn the_human_summary_counts_the_clusters_read_from_files() {
    let home = TempDir::new().expect("tempdir");
    let (cluster, igs) = manifests(&home.path().join("m"));
    let out = bin(home.path())
        .arg("check")
        .args([&cluster, &igs])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("clusters"))
        .unwrap_or_else(|| panic!("no clusters line in the summary:\n{text}"));
    assert!(line.contains("1 checked: 1 invalid"), "{line}");
}

#[test]
fn an_instance_group_of_another_cluster_and_unreadable_paths_are_reported() {
    let home = TempDir::new().expect("tempdir");
    let ig = home.path().join("ig.yaml");
    std::fs::write(
        &ig,
        "apiVersion: kops.k8s.io/v1alpha2\nkind: InstanceGroup\nmetadata:\n  name: nodes\n  labels:\n    kops.k8s.io/cluster: other.example.com\nspec:\n  role: Node\n",
    )
    .expect("write");
    let cluster = home.path().join("cluster.yaml");
    std::fs::write(&cluster, example("dev.example.com/config")).expect("write");
    let (status, other_cluster) = check_json(home.path(), &[&cluster, &ig]);
    assert_eq!(status, Some(1));
    let codes = codes_in(&other_cluster);
    assert!(codes.contains(&"SL078".to_string()), "{codes:?}");

    let out = bin(home.path())
        .args(["check", "missing.yaml", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unreadable input: could not do its job"
    );
    let codes = codes_in(&report(&out));
    assert_eq!(codes, ["SL029"]);
}

#[test]
fn a_file_without_a_cluster_fails_and_says_so() {
    let home = TempDir::new().expect("tempdir");
    let file = home.path().join("notes.yaml");
    std::fs::write(&file, "hello: world\n").expect("write");
    let out = bin(home.path())
        .arg("check")
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("SL011"), "{stdout}");
}
