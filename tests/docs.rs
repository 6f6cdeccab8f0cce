//! The README is part of the contract: every code is listed there, and the two set-up
//! commands it shows are the ones `.ci/run` and the example really use.

use std::path::Path;

fn readme() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn readme_lists_every_code() {
    let text = readme();
    let missing: Vec<&str> = statelint::codes::all()
        .iter()
        .filter(|c| !text.contains(&format!("| {} | `{}` |", c.code, c.name)))
        .map(|c| c.code)
        .collect();
    assert!(
        missing.is_empty(),
        "README codes table lacks rows `| CODE | `name` | ...` for {missing:?}"
    );
}

#[test]
fn ci_runs_the_readme_test_command() {
    let text = readme();
    assert!(text.contains("bash scripts/test.sh"));
    let ci = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/run"))
        .expect(".ci/run exists");
    assert!(ci.contains("bash scripts/test.sh"));
    assert!(ci.contains("cargo fmt --check"));
    assert!(ci.contains("clippy") && ci.contains("-D warnings"));
}
