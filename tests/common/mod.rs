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
            eprintln!("SKIPPED: {var} is not set (run through scripts/test.sh)");
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
