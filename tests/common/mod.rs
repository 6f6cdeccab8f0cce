//! Helpers shared by the integration tests (each test binary includes only what it uses).
#![allow(dead_code)]

use std::path::Path;

/// The loopback URL of a test server from `var` (set by `scripts/test.sh`). Without it the
/// test is skipped loudly, unless `STATELINT_REQUIRE_SERVERS` is set, which makes it fail.
pub fn loopback_server(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => {
            assert!(
                v.starts_with("http://127.") || v.starts_with("https://127."),
                "{var} must be a loopback URL, got {v}"
            );
            Some(v)
        }
        _ => {
            assert!(
                std::env::var_os("STATELINT_REQUIRE_SERVERS").is_none(),
                "STATELINT_REQUIRE_SERVERS is set but {var} is not"
            );
            skip(&format!("{var} is not set (run through scripts/test.sh)"));
            None
        }
    }
}

/// Reports a test that cannot run: `SKIPPED: <reason>` on stderr (shown with `--nocapture`)
/// and, when `STATELINT_SKIP_LOG` names a file, one line `<test>: <reason>` appended to it,
/// which `scripts/test.sh` sums up after the run.
pub fn skip(reason: &str) {
    eprintln!("SKIPPED: {reason}");
    let Some(log) = std::env::var_os("STATELINT_SKIP_LOG") else {
        return;
    };
    let test = std::thread::current()
        .name()
        .unwrap_or("unnamed test")
        .to_string();
    use std::io::Write;
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .and_then(|mut f| writeln!(f, "{test}: {reason}"));
    if let Err(e) = written {
        panic!("STATELINT_SKIP_LOG {}: {e}", Path::new(&log).display());
    }
}

/// A test needing the kops corpus skips without `STATELINT_CORPUS`, unless
/// `STATELINT_REQUIRE_CORPUS` is set (by `scripts/test.sh` when the corpus is beside the
/// repository), which makes it fail.
pub fn skip_without_corpus(what: &str) {
    assert!(
        std::env::var_os("STATELINT_REQUIRE_CORPUS").is_none(),
        "STATELINT_REQUIRE_CORPUS is set but STATELINT_CORPUS is not"
    );
    skip(&format!("set STATELINT_CORPUS to run {what}"));
}

/// A setting a server test needs besides its URL (set by `scripts/test.sh`). Without it the
/// test is skipped loudly, unless `STATELINT_REQUIRE_SERVERS` is set, which makes it fail.
pub fn required_setting(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            assert!(
                std::env::var_os("STATELINT_REQUIRE_SERVERS").is_none(),
                "STATELINT_REQUIRE_SERVERS is set but {var} is not"
            );
            skip(&format!("{var} is not set (run through scripts/test.sh)"));
            None
        }
    }
}

/// Copies a folder tree (test stores).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The bundled example store (three clusters with known findings).
pub fn example_store() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/store")
}

/// Writes every file below `examples/store/<folder>` (all of it for `""`) through the
/// backend's write path, keyed relative to the example store; returns how many.
pub fn seed_example_store(backend: &dyn statelint::vfs::Backend, folder: &str) -> usize {
    let root = example_store();
    let mut stack = vec![root.join(folder)];
    let mut written = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let key = p
                .strip_prefix(&root)
                .expect("under the root")
                .to_string_lossy()
                .into_owned();
            backend
                .write(&key, &std::fs::read(&p).expect("read"))
                .unwrap_or_else(|e| panic!("seeding {key}: {e}"));
            written += 1;
        }
    }
    written
}

/// `(cluster, code)` of every finding of a library check of the store, sorted.
pub fn finding_codes(backend: &dyn statelint::vfs::Backend) -> Vec<(String, &'static str)> {
    let sources = statelint::source::SourceDb::new();
    let options = statelint::check::CheckOptions::default();
    let mut found: Vec<_> = statelint::check::check_store(backend, &options, &sources, None)
        .findings
        .iter()
        .map(|f| (f.cluster.clone().unwrap_or_default(), f.code))
        .collect();
    found.sort();
    found
}

/// A bucket or container name no other test of this run uses.
pub fn unique_name() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "state-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

/// Runs a helper of `scripts/servers/` with python3 (creating a bucket, a container, ...),
/// failing the test when it fails.
pub fn server_helper(script: &str, args: &[&str]) {
    let status = std::process::Command::new("python3")
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("scripts/servers")
                .join(script),
        )
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("python3 runs");
    assert!(status.success(), "{script} {args:?} failed");
}

/// Deleting removes the object, and deleting it again is not an error (kops's semantics).
pub fn assert_delete_is_idempotent(backend: &dyn statelint::vfs::Backend, key: &str) {
    assert!(
        backend.stat(key).expect("stat").is_some(),
        "{key} exists first"
    );
    backend.delete(key).expect("delete");
    assert!(backend.stat(key).expect("stat").is_none(), "{key} is gone");
    backend
        .delete(key)
        .expect("deleting a missing object is not an error");
}

/// The rule findings the example store is built to have, wherever it is stored: staging's
/// typo, even etcd members, unknown subnet and inverted sizes; prod's overlapping subnets;
/// nothing in dev.
pub fn assert_example_rule_findings(found: &[(String, &'static str)]) {
    for code in ["SL121", "SL107", "SL105", "SL114"] {
        assert!(
            found.contains(&("staging.example.com".into(), code)),
            "{code}: {found:?}"
        );
    }
    assert!(
        found.contains(&("prod.example.com".into(), "SL104")),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(c, _)| c == "dev.example.com"),
        "{found:?}"
    );
}

/// The binary with an empty environment, HOME and the working directory in `home`, so no
/// real kops config, `KOPS_STATE_STORE` or cloud credentials leak in.
pub fn statelint(home: &Path) -> assert_cmd::Command {
    let mut cmd =
        assert_cmd::Command::cargo_bin("statelint").expect("binary is built by cargo test");
    cmd.env_clear()
        .env("HOME", home)
        .env("NO_COLOR", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .current_dir(home);
    cmd
}

/// Runs a command: exit status (-1 when killed by a signal), stdout, stderr.
pub fn run(cmd: &mut assert_cmd::Command) -> (i32, String, String) {
    let out = cmd.output().expect("statelint runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
