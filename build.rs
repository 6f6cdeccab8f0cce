//! Records the git commit the binary is built from, for `statelint --version`. A build
//! outside a git checkout (a source tarball) says "unknown" rather than failing.

use std::process::Command;

fn main() {
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=STATELINT_COMMIT={commit}");
    // Rebuild the version text when HEAD moves (in a worktree `.git` is a file naming the
    // real git dir; asking git keeps both layouts right).
    if let Some(head) = Command::new("git")
        .args(["rev-parse", "--git-path", "HEAD"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
    {
        println!("cargo:rerun-if-changed={}", head.trim());
    }
    if let Some(refs) = Command::new("git")
        .args(["rev-parse", "--symbolic-full-name", "HEAD"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|name| {
            let name = name.trim().to_string();
            Command::new("git")
                .args(["rev-parse", "--git-path", &name])
                .output()
                .ok()
                .and_then(|out| String::from_utf8(out.stdout).ok())
        })
    {
        println!("cargo:rerun-if-changed={}", refs.trim());
    }
    println!("cargo:rerun-if-changed=build.rs");
}
