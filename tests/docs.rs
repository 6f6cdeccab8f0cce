//! The docs are part of the contract: every code has a page and a row in the generated
//! index, and the two set-up commands the README shows are the ones `.ci/run` and the
//! example really use.

use std::path::Path;

fn readme() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `docs/codes/README.md` is the output of `statelint rules --format markdown`, so a new,
/// renamed or re-summarised code shows up in review as a change of that file.
#[test]
fn codes_index_is_generated_from_the_registry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/codes/README.md");
    let committed =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut generated = Vec::new();
    statelint::report::listing::rules_markdown(&statelint::codes::all(), &mut generated)
        .expect("render to memory");
    let generated = String::from_utf8(generated).expect("utf-8");
    assert!(
        committed == generated,
        "docs/codes/README.md is stale: run `cargo run -- rules --format markdown > docs/codes/README.md`"
    );
}

/// Every page in `docs/codes/` belongs to a registered code (a code without a page does not
/// build, see `findings::code!`), and every page has the four sections.
#[test]
fn every_code_page_belongs_to_a_code() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/codes");
    let known: Vec<&str> = statelint::codes::all().iter().map(|c| c.code).collect();
    let mut pages = 0;
    for entry in std::fs::read_dir(&dir)
        .expect("docs/codes exists")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "README.md" {
            continue;
        }
        let code = name.strip_suffix(".md").unwrap_or(&name);
        assert!(
            known.contains(&code),
            "docs/codes/{name} has no registered code"
        );
        pages += 1;
    }
    assert_eq!(pages, known.len(), "one page per code");
}

/// The README points at the index instead of repeating it.
#[test]
fn readme_links_the_codes_index() {
    assert!(readme().contains("docs/codes/README.md"));
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
