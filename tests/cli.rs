//! CLI contract: every output format, every exit status, resolution priority with a
//! controlled HOME and environment. Runs the real binary against the bundled example store
//! and temporary stores.

mod common;

use common::{copy_dir, run, statelint};
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

fn example_store() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/store")
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn check_example(home: &Path, args: &[&str]) -> (i32, String, String) {
    let store = example_store();
    let mut cmd = statelint(home);
    // Offline: probes would write (briefly) into the repository's example store.
    cmd.arg("check")
        .arg("--state")
        .arg(&store)
        .arg("--offline")
        .args(args);
    run(&mut cmd)
}

fn codes_of(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

// ---- exit statuses ------------------------------------------------------------------

#[test]
fn example_store_has_findings_and_exits_1() {
    let home = TempDir::new().expect("tempdir");
    let (code, stdout, _) = check_example(home.path(), &[]);
    assert_eq!(code, 1, "{stdout}");
    // The typo in staging is reported at its key, with the fix.
    assert!(stdout.contains("SL121"), "{stdout}");
    assert!(stdout.contains("kubernetesVersoin"), "{stdout}");
    assert!(stdout.contains("staging.example.com/config:"), "{stdout}");
    assert!(!stdout.contains("\u{1b}["), "no colour when not a terminal");
}

#[test]
fn concise_format_is_one_line_per_finding_with_path_line_col() {
    let home = TempDir::new().expect("tempdir");
    let (code, stdout, _) = check_example(home.path(), &["--format", "concise"]);
    assert_eq!(code, 1, "the exit status is the same as in every format");
    let (_, json_out, _) = check_example(home.path(), &["--format", "json"]);
    let findings = json(&json_out)["findings"]
        .as_array()
        .expect("findings")
        .len();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), findings, "{stdout}");
    let typo = lines
        .iter()
        .find(|l| l.contains("SL121"))
        .unwrap_or_else(|| panic!("no SL121 line:\n{stdout}"));
    // `<path>:<line>:<col>: SL121 [error] <message>`
    let (place, rest) = typo.split_once(": ").expect("place then message");
    let mut parts = place.rsplitn(3, ':');
    let col: usize = parts.next().and_then(|c| c.parse().ok()).expect("column");
    let line: usize = parts.next().and_then(|l| l.parse().ok()).expect("line");
    assert!(
        parts
            .next()
            .is_some_and(|p| p.ends_with("staging.example.com/config")),
        "{typo}"
    );
    assert!((line, col) > (0, 0));
    assert!(
        rest.starts_with("SL121 [error] unknown field `kubernetesVersoin`"),
        "{typo}"
    );
}

#[test]
fn statistics_count_findings_per_code() {
    let home = TempDir::new().expect("tempdir");
    let (_, json_out, _) = check_example(home.path(), &["--format", "json"]);
    let report = json(&json_out);
    let (code, stdout, _) = check_example(home.path(), &["--statistics", "--format", "json"]);
    assert_eq!(code, 1);
    let rows = json(&stdout);
    let rows = rows.as_array().expect("an array of rows");
    let total: u64 = rows.iter().filter_map(|r| r["count"].as_u64()).sum();
    assert_eq!(
        total as usize,
        report["findings"].as_array().expect("findings").len()
    );
    let counts: Vec<u64> = rows.iter().filter_map(|r| r["count"].as_u64()).collect();
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "most frequent first: {counts:?}"
    );
    let sl107 = rows
        .iter()
        .find(|r| r["code"] == "SL107")
        .expect("SL107 row");
    let expected = codes_of(&report).iter().filter(|c| *c == "SL107").count();
    assert_eq!(sl107["count"].as_u64(), Some(expected as u64));
    // The text table has one row per code and no finding text.
    let (_, text, _) = check_example(home.path(), &["--statistics"]);
    assert_eq!(text.lines().count(), rows.len(), "{text}");
    assert!(!text.contains("kubernetesVersoin"), "{text}");
}

#[test]
fn near_miss_urls_and_cluster_names_get_a_did_you_mean() {
    let home = TempDir::new().expect("tempdir");
    let (code, stdout, _) = run(statelint(home.path()).args([
        "check",
        "--offline",
        "--state",
        "s3:/kops-state/kops",
        "--format",
        "json",
    ]));
    assert_ne!(code, 0, "{stdout}");
    let report = json(&stdout);
    let mistyped = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["code"] == "SL028")
        .unwrap_or_else(|| panic!("no SL028:\n{stdout}"));
    assert_eq!(
        mistyped["help"]
            .as_str()
            .map(|h| h.starts_with("did you mean `s3://kops-state/kops`?")),
        Some(true),
        "{mistyped}"
    );

    let (_, stdout, _) =
        run(statelint(home.path()).args(["resolve", "--state", "gcs://kops-state"]));
    assert!(
        stdout.contains("did you mean `gs://kops-state`?"),
        "{stdout}"
    );

    let (code, stdout, _) = check_example(
        home.path(),
        &["--cluster", "prod.exmaple.com", "--format", "json"],
    );
    assert_eq!(code, 1);
    let report = json(&stdout);
    let missing = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["code"] == "SL012")
        .unwrap_or_else(|| panic!("no SL012:\n{stdout}"));
    assert_eq!(missing["help"], "did you mean `prod.example.com`?");
}

#[test]
fn a_clean_cluster_exits_0() {
    let home = TempDir::new().expect("tempdir");
    let (code, stdout, stderr) = check_example(home.path(), &["--cluster", "dev.example.com"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

#[test]
fn fail_on_raises_the_bar() {
    let home = TempDir::new().expect("tempdir");
    let (code, stdout, _) =
        check_example(home.path(), &["--fail-on", "critical", "--format", "json"]);
    let report = json(&stdout);
    assert!(!codes_of(&report).is_empty());
    assert_eq!(code, 0, "findings below --fail-on do not fail the run");
    assert_eq!(report["fail_on"], "critical");
}

#[test]
fn tool_errors_exit_2() {
    let home = TempDir::new().expect("tempdir");
    let (code, _, stderr) = run(statelint(home.path()).args(["explain", "SL999"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("SL999"), "{stderr}");

    let (code, _, stderr) = check_example(home.path(), &["--lint-config", "/no/such/lint.yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("/no/such/lint.yaml"), "{stderr}");

    let (code, _, _) = run(statelint(home.path()).args(["check", "--format", "yaml"]));
    assert_eq!(code, 2, "usage errors are tool errors");
}

#[test]
fn a_missing_store_is_a_coded_tool_error_not_a_crash() {
    let home = TempDir::new().expect("tempdir");
    let missing = home.path().join("nope");
    let (code, stdout, stderr) = run(statelint(home.path())
        .arg("check")
        .arg("--state")
        .arg(&missing)
        .args(["--format", "json"]));
    assert_eq!(code, 2, "nothing could be checked: {stderr}");
    assert!(
        codes_of(&json(&stdout)).contains(&"SL010".to_string()),
        "{stdout}"
    );
}

// ---- formats ------------------------------------------------------------------------

#[test]
fn json_format_is_versioned_and_locates_findings() {
    let home = TempDir::new().expect("tempdir");
    let (_, stdout, _) = check_example(home.path(), &["--format", "json"]);
    let report = json(&stdout);
    assert_eq!(report["version"], statelint::report::REPORT_VERSION);
    let typo = report["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["code"] == "SL121"))
        .expect("the kubernetesVersoin typo is reported");
    assert_eq!(typo["cluster"], "staging.example.com");
    assert_eq!(typo["pointer"], "/spec/kubernetesVersoin");
    let text = typo.to_string();
    assert!(text.contains("staging.example.com/config"), "{text}");
    let clusters = report["clusters"].as_array().expect("clusters");
    assert_eq!(clusters.len(), 3);
}

#[test]
fn sarif_format_has_rules_levels_and_physical_locations() {
    let home = TempDir::new().expect("tempdir");
    let (code, stdout, _) = check_example(home.path(), &["--format", "sarif"]);
    assert_eq!(code, 1);
    let sarif = json(&stdout);
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "statelint");
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        assert!(
            r["ruleId"].as_str().is_some_and(|id| id.starts_with("SL")),
            "{r}"
        );
        assert!(
            ["error", "warning", "note"].contains(&r["level"].as_str().unwrap_or("")),
            "{r}"
        );
    }
    let typo = results
        .iter()
        .find(|r| r["ruleId"] == "SL121")
        .expect("typo result");
    let phys = &typo["locations"][0]["physicalLocation"];
    assert!(phys["artifactLocation"]["uri"]
        .as_str()
        .is_some_and(|u| u.ends_with("staging.example.com/config")));
    assert!(phys["region"]["startLine"].as_u64().is_some_and(|l| l > 1));
    assert!(phys["region"]["startColumn"].as_u64().is_some());
    assert!(typo["message"]["text"]
        .as_str()
        .is_some_and(|m| m.contains("kubernetesVersoin")));
}

#[test]
fn junit_format_is_xml_with_failures() {
    let home = TempDir::new().expect("tempdir");
    let (code, stdout, _) = check_example(home.path(), &["--format", "junit"]);
    assert_eq!(code, 1);
    assert!(stdout.starts_with("<?xml"), "{stdout}");
    assert!(stdout.contains("<testsuites"));
    assert!(stdout.contains("staging.example.com"));
    assert!(stdout.contains("<failure"));
}

#[test]
fn github_format_emits_annotations_relative_to_the_workspace() {
    let store = TempDir::new().expect("tempdir");
    copy_dir(&example_store(), &store.path().join("store"));
    let mut cmd = statelint(store.path());
    cmd.args(["check", "--state", "store", "--format", "github"]);
    let (code, stdout, _) = run(&mut cmd);
    assert_eq!(code, 1);
    let line = stdout
        .lines()
        .find(|l| l.contains("SL121"))
        .unwrap_or_else(|| panic!("no SL121 annotation in:\n{stdout}"));
    assert!(
        line.starts_with("::error file=store/staging.example.com/config,line="),
        "{line}"
    );
}

// ---- lint config ------------------------------------------------------------------------

#[test]
fn lint_config_suppresses_with_a_reason_and_reports_unused_suppressions() {
    let home = TempDir::new().expect("tempdir");
    let config = home.path().join(".statelint.yaml");
    std::fs::write(
        &config,
        "suppress:\n- code: SL121\n  cluster: staging.example.com\n  reason: field renamed next sprint\n- code: SL016\n  reason: nothing matches this\n",
    )
    .expect("write config");
    let (_, stdout, _) = check_example(home.path(), &["--format", "json"]);
    let report = json(&stdout);
    let codes = codes_of(&report);
    assert!(!codes.contains(&"SL121".to_string()), "{codes:?}");
    assert!(
        codes.contains(&"SL900".to_string()),
        "unused suppression reported: {codes:?}"
    );
    assert!(report["suppressed"].as_u64().is_some_and(|n| n >= 1));
}

#[test]
fn lint_config_changes_a_severity() {
    let home = TempDir::new().expect("tempdir");
    std::fs::write(
        home.path().join(".statelint.yaml"),
        "severity:\n  unknown-field: note\n",
    )
    .expect("write config");
    let (_, stdout, _) = check_example(
        home.path(),
        &["--format", "json", "--cluster", "staging.example.com"],
    );
    let report = json(&stdout);
    let typo = report["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["code"] == "SL121"))
        .expect("typo still reported");
    assert_eq!(typo["severity"], "note");
}

// ---- resolution priority ----------------------------------------------------------------

fn resolve(home: &Path, env: &[(&str, &str)], args: &[&str]) -> (i32, Value) {
    let mut cmd = statelint(home);
    cmd.args(["resolve", "--format", "json"]).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let (code, stdout, stderr) = run(&mut cmd);
    (
        code,
        json(&format!(
            "{stdout}{}",
            if stdout.is_empty() {
                stderr
            } else {
                String::new()
            }
        )),
    )
}

fn home_with_configs(kops_yaml: Option<&str>, kops_config: Option<&str>) -> TempDir {
    let home = TempDir::new().expect("tempdir");
    if let Some(v) = kops_yaml {
        std::fs::write(
            home.path().join(".kops.yaml"),
            format!("kops_state_store: {v}\n"),
        )
        .expect("write .kops.yaml");
    }
    if let Some(v) = kops_config {
        std::fs::create_dir_all(home.path().join(".kops")).expect("mkdir .kops");
        std::fs::write(
            home.path().join(".kops/config"),
            format!("kops_state_store: {v}\n"),
        )
        .expect("write .kops/config");
    }
    home
}

fn outcomes(r: &Value) -> Vec<String> {
    r["candidates"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| c["outcome"].as_str().unwrap_or("?").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn resolve_priority_1_the_state_flag() {
    let home = home_with_configs(Some("s3://from-yaml"), Some("s3://from-config"));
    let (code, r) = resolve(
        home.path(),
        &[("KOPS_STATE_STORE", "s3://from-env")],
        &["--state", "s3://from-flag/p"],
    );
    assert_eq!(code, 0);
    assert_eq!(r["url"], "s3://from-flag/p");
    assert_eq!(r["source"], "flag");
    assert_eq!(outcomes(&r)[0], "won", "{r}");
    assert!(
        outcomes(&r)[1..]
            .iter()
            .all(|o| o == "shadowed" || o == "not-consulted"),
        "{r}"
    );
}

#[test]
fn resolve_priority_2_the_environment() {
    let home = home_with_configs(Some("s3://from-yaml"), Some("s3://from-config"));
    let (code, r) = resolve(home.path(), &[("KOPS_STATE_STORE", "s3://from-env")], &[]);
    assert_eq!(code, 0);
    assert_eq!(r["url"], "s3://from-env");
    assert_eq!(r["source"], "env");
}

#[test]
fn resolve_priority_3_home_kops_yaml() {
    let home = home_with_configs(Some("gs://from-yaml/kops"), Some("s3://from-config"));
    let (code, r) = resolve(home.path(), &[], &[]);
    assert_eq!(code, 0);
    assert_eq!(r["url"], "gs://from-yaml/kops");
    assert_eq!(r["source"], "kops-yaml");
}

#[test]
fn resolve_priority_4_home_kops_config() {
    let home = home_with_configs(None, Some("azureblob://acct/container/kops"));
    let (code, r) = resolve(home.path(), &[], &[]);
    assert_eq!(code, 0);
    assert_eq!(r["url"], "azureblob://acct/container/kops");
    assert_eq!(r["source"], "kops-config");
}

#[test]
fn resolve_with_nothing_configured_is_sl001() {
    let home = home_with_configs(None, None);
    let (code, r) = resolve(home.path(), &[], &[]);
    assert_eq!(code, 1);
    assert!(r["url"].is_null());
    assert_eq!(r["findings"][0]["code"], "SL001", "{r}");
}

#[test]
fn resolve_redacts_credentials_and_flags_bad_urls() {
    let home = home_with_configs(None, None);
    let (_, r) = resolve(
        home.path(),
        &[],
        &["--state", "s3://AKIAEXAMPLE:topsecret@bucket/kops"],
    );
    let text = r.to_string();
    assert!(!text.contains("topsecret"), "{text}");
    let (code, r) = resolve(home.path(), &[], &["--state", "ftp://bucket/kops"]);
    assert_eq!(code, 1);
    assert_eq!(r["findings"][0]["code"], "SL003", "{r}");
}

// ---- rules and explain ------------------------------------------------------------------

#[test]
fn rules_lists_every_code_and_explain_prints_its_doc() {
    let home = TempDir::new().expect("tempdir");
    let (code, stdout, _) = run(statelint(home.path()).args(["rules", "--format", "json"]));
    assert_eq!(code, 0);
    let listed = json(&stdout);
    let listed: Vec<&str> = listed
        .as_array()
        .expect("array of codes")
        .iter()
        .filter_map(|c| c["code"].as_str())
        .collect();
    for info in statelint::codes::all() {
        assert!(
            listed.contains(&info.code),
            "{} missing from `statelint rules`",
            info.code
        );
    }
    let (code, stdout, _) = run(statelint(home.path()).args(["explain", "unknown-field"]));
    assert_eq!(code, 0);
    assert!(stdout.contains("SL121"));
    assert!(
        stdout.contains("## Fix") || stdout.contains("Fix"),
        "{stdout}"
    );
}

// ---- helpers ----------------------------------------------------------------------------

// ---- integrations: help, completions, man, init, baseline, gitlab -----------------------

#[test]
fn every_subcommand_has_help_with_examples() {
    let home = TempDir::new().expect("tempdir");
    for sub in [
        "check",
        "resolve",
        "rules",
        "explain",
        "init",
        "completions",
        "man",
    ] {
        let (code, stdout, _) = run(statelint(home.path()).args([sub, "--help"]));
        assert_eq!(code, 0, "{sub} --help");
        assert!(
            stdout.contains("Examples:"),
            "{sub} --help lacks examples:\n{stdout}"
        );
    }
}

#[test]
fn completions_and_man_page_are_generated() {
    let home = TempDir::new().expect("tempdir");
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef statelint"),
        ("fish", "complete -c statelint"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let (code, stdout, _) = run(statelint(home.path()).args(["completions", shell]));
        assert_eq!(code, 0);
        assert!(stdout.contains(marker), "{shell}: {marker} missing");
        assert!(stdout.contains("check"), "{shell}: subcommands listed");
    }
    let (code, stdout, _) = run(statelint(home.path()).arg("man"));
    assert_eq!(code, 0);
    assert!(stdout.contains(".TH statelint 1"), "{stdout}");
    let (code, stdout, _) = run(statelint(home.path()).args(["man", "probe"]));
    assert_eq!(code, 0);
    assert!(stdout.contains(".TH statelint-probe 1"), "{stdout}");
    let (code, _, stderr) = run(statelint(home.path()).args(["man", "chek"]));
    assert_eq!(code, 2, "an unknown command is a usage error");
    assert!(stderr.contains("no command `chek`"), "{stderr}");
}

#[test]
fn man_out_dir_writes_one_page_per_command() {
    let home = TempDir::new().expect("tempdir");
    let dir = home.path().join("man1");
    let (code, _, stderr) = run(statelint(home.path()).args(["man", "--out-dir"]).arg(&dir));
    assert_eq!(code, 0, "{stderr}");
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .expect("pages written")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    pages.sort();
    for expected in [
        "statelint.1",
        "statelint-check.1",
        "statelint-probe.1",
        "statelint-fix-policy.1",
    ] {
        assert!(
            pages.iter().any(|p| p == expected),
            "{expected} missing: {pages:?}"
        );
    }
    let check = std::fs::read_to_string(dir.join("statelint-check.1")).expect("readable");
    assert!(check.contains(".SH \"EXIT STATUS\""), "{check}");
    assert!(check.contains(".SH ENVIRONMENT"), "{check}");
}

#[test]
fn version_names_the_commit_and_the_kops_source() {
    let home = TempDir::new().expect("tempdir");
    let (code, stdout, _) = run(statelint(home.path()).arg("--version"));
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with(&format!("statelint {}", env!("CARGO_PKG_VERSION"))),
        "{stdout}"
    );
    assert!(stdout.contains("(commit "), "{stdout}");
    assert!(stdout.contains("kubernetes/kops@268927e2"), "{stdout}");
}

#[test]
fn init_writes_a_config_that_check_accepts_and_never_overwrites() {
    let home = TempDir::new().expect("tempdir");
    let store = example_store();
    let (code, _, stderr) = run(statelint(home.path())
        .arg("init")
        .arg("--state")
        .arg(&store));
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(home.path().join(".statelint.yaml")).expect("written");
    // Short: one example suppression (with a real cluster name), not one per cluster.
    assert!(text.contains("dev.example.com"), "{text}");
    assert!(!text.contains("staging.example.com"), "{text}");
    assert!(text.lines().count() <= 25, "{text}");
    assert!(text.contains("# state: "), "{text}");
    // The written file is read by `check` without SL901.
    let (_, stdout, _) = check_example(home.path(), &["--format", "json"]);
    assert!(!codes_of(&json(&stdout)).contains(&"SL901".to_string()));
    // A second init refuses to replace it.
    std::fs::write(home.path().join(".statelint.yaml"), "fail-on: note\n").expect("edit");
    let (code, _, _) = run(statelint(home.path())
        .arg("init")
        .arg("--state")
        .arg(&store));
    assert_eq!(code, 2);
    let after = std::fs::read_to_string(home.path().join(".statelint.yaml")).expect("still there");
    assert_eq!(after, "fail-on: note\n", "user edits are never lost");
}

#[test]
fn a_config_in_a_parent_folder_names_the_store_and_applies_in_subfolders() {
    let home = TempDir::new().expect("tempdir");
    let store = example_store();
    std::fs::write(
        home.path().join(".statelint.yaml"),
        format!("state: {}\nfail-on: critical\n", store.display()),
    )
    .expect("write config");
    let sub = home.path().join("ci").join("jobs");
    std::fs::create_dir_all(&sub).expect("mkdir");

    // `resolve` explains it between KOPS_STATE_STORE and the kops config files.
    let (code, stdout, stderr) = run(statelint(home.path())
        .current_dir(&sub)
        .args(["resolve", "--format", "json"]));
    assert_eq!(code, 0, "{stderr}");
    let report = json(&stdout);
    let kinds: Vec<&str> = report["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .filter_map(|c| c["source"]["kind"].as_str())
        .collect();
    assert_eq!(kinds[..3], ["flag", "env", "lint-config"], "{stdout}");
    assert_eq!(report["source"], "lint-config", "{stdout}");
    assert_eq!(report["candidates"][2]["outcome"], "won", "{stdout}");

    // `check` from the subfolder checks that store with that fail level: the example store's
    // worst findings are errors, so `fail-on: critical` lets it pass.
    let (code, stdout, stderr) = run(statelint(home.path()).current_dir(&sub).args([
        "check",
        "--offline",
        "--format",
        "json",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let report = json(&stdout);
    assert_eq!(report["store"]["source"], "lint-config", "{stdout}");
    assert!(
        !codes_of(&report).is_empty(),
        "the store was really checked"
    );

    // KOPS_STATE_STORE still wins over it, as the priority says.
    let (_, stdout, _) = run(statelint(home.path())
        .current_dir(&sub)
        .env("KOPS_STATE_STORE", "memfs://elsewhere")
        .args(["resolve", "--format", "json"]));
    let report = json(&stdout);
    assert_eq!(report["source"], "env", "{stdout}");
    assert_eq!(report["candidates"][2]["outcome"], "shadowed", "{stdout}");
}

#[test]
fn baseline_round_trip_fails_only_on_new_findings() {
    let work = TempDir::new().expect("tempdir");
    copy_dir(&example_store(), &work.path().join("store"));
    let baseline = work.path().join("baseline.json");
    let mut cmd = statelint(work.path());
    cmd.args(["check", "--state", "store", "--write-baseline"])
        .arg(&baseline);
    let (code, _, stderr) = run(&mut cmd);
    assert_eq!(code, 0, "{stderr}");

    let mut cmd = statelint(work.path());
    cmd.args([
        "check",
        "--state",
        "store",
        "--format",
        "json",
        "--baseline",
    ])
    .arg(&baseline);
    let (code, stdout, _) = run(&mut cmd);
    let report = json(&stdout);
    assert_eq!(code, 0, "everything is in the baseline: {stdout}");
    assert!(report["baselined"].as_u64().is_some_and(|n| n >= 1));

    // Lines moving does not matter; a new problem does.
    let config = work.path().join("store/staging.example.com/config");
    let text = std::fs::read_to_string(&config).expect("read");
    let moved = format!(
        "# a new comment line\n{}",
        text.replace("kind: Cluster", "kind: Cluster\nextraField: 1")
    );
    std::fs::write(&config, moved).expect("write");
    let mut cmd = statelint(work.path());
    cmd.args([
        "check",
        "--state",
        "store",
        "--format",
        "json",
        "--baseline",
    ])
    .arg(&baseline);
    let (code, stdout, _) = run(&mut cmd);
    assert_eq!(code, 1);
    let fresh = codes_of(&json(&stdout));
    assert_eq!(fresh, ["SL121"], "only the new unknown field: {stdout}");
}

#[test]
fn gitlab_format_is_a_code_quality_array() {
    let home = TempDir::new().expect("tempdir");
    let (code, stdout, _) = check_example(home.path(), &["--format", "gitlab"]);
    assert_eq!(code, 1);
    let issues = json(&stdout);
    let issues = issues.as_array().expect("array");
    assert!(!issues.is_empty());
    for i in issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(i[key].is_string(), "{key} in {i}");
        }
        assert!(i["location"]["lines"]["begin"].as_u64().is_some());
        assert!(["info", "minor", "major", "critical", "blocker"]
            .contains(&i["severity"].as_str().unwrap_or("")));
    }
}

#[test]
fn github_annotations_follow_the_documented_syntax() {
    let home = TempDir::new().expect("tempdir");
    let (_, stdout, _) = check_example(home.path(), &["--format", "github"]);
    assert!(!stdout.is_empty());
    for line in stdout.lines() {
        // ::<command> <k>=<v>,<k>=<v>::<message>, message and values escaped.
        let rest = line
            .strip_prefix("::")
            .unwrap_or_else(|| panic!("not a workflow command: {line}"));
        let (command, rest) = rest.split_once(' ').expect("command then properties");
        assert!(["error", "warning", "notice"].contains(&command), "{line}");
        let (props, message) = rest.split_once("::").expect("properties then message");
        assert!(!message.contains('\n') && !message.is_empty());
        for prop in props.split(',') {
            let (key, value) = prop.split_once('=').expect("key=value");
            assert!(
                ["file", "line", "col", "endLine", "endColumn", "title"].contains(&key),
                "{line}"
            );
            assert!(!value.contains(':') && !value.contains(','), "{line}");
        }
    }
}

// ---- probes -------------------------------------------------------------------------------

#[test]
fn probe_passes_on_a_writable_local_store_and_leaves_nothing_behind() {
    let work = TempDir::new().expect("tempdir");
    copy_dir(&example_store(), &work.path().join("store"));
    let mut cmd = statelint(work.path());
    cmd.args(["probe", "--state", "store", "--format", "json"]);
    let (code, stdout, stderr) = run(&mut cmd);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let report = json(&stdout);
    let probes = report["probes"].as_array().expect("probe results");
    assert!(probes
        .iter()
        .any(|p| p["action"] == "write" && p["outcome"] == "pass"));
    assert!(probes.iter().all(|p| p["outcome"] == "pass"), "{stdout}");
    let leftovers: Vec<_> = walk(&work.path().join("store"))
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".statelint-probe-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let mut cmd = statelint(work.path());
    cmd.args([
        "probe",
        "--state",
        "store",
        "--format",
        "json",
        "--read-only",
    ]);
    let (code, stdout, _) = run(&mut cmd);
    assert_eq!(code, 0);
    let report = json(&stdout);
    assert!(report["probes"].as_array().is_some_and(|p| p
        .iter()
        .any(|p| p["action"] == "write" && p["outcome"] == "skipped")));
}

#[cfg(unix)]
#[test]
fn probe_flags_world_readable_secrets() {
    use std::os::unix::fs::PermissionsExt;
    let work = TempDir::new().expect("tempdir");
    let store = work.path().join("store");
    copy_dir(&example_store(), &store);
    let secret = store.join("dev.example.com/secrets/admin");
    std::fs::create_dir_all(secret.parent().expect("parent")).expect("mkdir");
    std::fs::write(&secret, "{\"Data\": \"c2VjcmV0\"}").expect("write");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let mut cmd = statelint(work.path());
    cmd.args(["probe", "--state", "store", "--format", "json"]);
    let (code, stdout, _) = run(&mut cmd);
    assert_eq!(code, 1, "{stdout}");
    assert!(codes_of(&json(&stdout)).contains(&"SL206".to_string()));
    assert!(!stdout.contains("c2VjcmV0"), "secret content never printed");
}

#[test]
fn offline_check_runs_no_probes() {
    let home = TempDir::new().expect("tempdir");
    let (_, stdout, _) = check_example(home.path(), &["--format", "json"]);
    assert!(json(&stdout).get("probes").is_none());
    let work = TempDir::new().expect("tempdir");
    copy_dir(&example_store(), &work.path().join("store"));
    let mut cmd = statelint(work.path());
    cmd.args(["check", "--state", "store", "--format", "json"]);
    let (_, stdout, _) = run(&mut cmd);
    assert!(
        json(&stdout)["probes"]
            .as_array()
            .is_some_and(|p| !p.is_empty()),
        "check probes by default"
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

#[test]
fn human_output_ends_with_a_summary_table_and_quiet_prints_only_findings() {
    let home = TempDir::new().expect("tempdir");
    let (_, stdout, _) = check_example(home.path(), &[]);
    let tail: Vec<&str> = stdout.lines().rev().take(8).collect();
    let text = tail.join("\n");
    for row in [
        "  clusters  3 checked: 1 valid, 2 invalid",
        "  findings  ",
        "  result    failed",
    ] {
        assert!(text.contains(row), "missing `{row}` in:\n{stdout}");
    }
    let (_, quiet, _) = check_example(home.path(), &["--quiet"]);
    assert!(
        !quiet.contains("SL009"),
        "notes are hidden with --quiet:\n{quiet}"
    );
    assert!(quiet.contains("SL121"), "errors are shown:\n{quiet}");
    assert!(
        !quiet.contains("summary") && !quiet.contains("failed") && !quiet.contains("store:"),
        "only findings with --quiet:\n{quiet}"
    );
}

#[test]
fn the_summary_counts_what_was_checked_whatever_the_fail_level() {
    let home = TempDir::new().expect("tempdir");
    let clusters_line = |args: &[&str]| -> String {
        let (_, stdout, _) = check_example(home.path(), args);
        stdout
            .lines()
            .find(|l| l.starts_with("  clusters  "))
            .unwrap_or_else(|| panic!("no clusters line:\n{stdout}"))
            .to_string()
    };
    let default = clusters_line(&[]);
    assert_eq!(default, "  clusters  3 checked: 1 valid, 2 invalid");
    assert_eq!(
        clusters_line(&["--fail-on", "critical"]),
        default,
        "--fail-on changes the exit only"
    );
    assert_eq!(
        clusters_line(&["--cluster", "dev.example.com"]),
        "  clusters  1 checked: 1 valid; 2 skipped"
    );
    // A policy lint has no clusters.
    let policy = home.path().join("policy.json");
    std::fs::write(
        &policy,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#,
    )
    .expect("write policy");
    let (_, stdout, _) = run(statelint(home.path())
        .arg("check")
        .arg("--policy")
        .arg(&policy));
    assert!(stdout.contains("summary"), "{stdout}");
    assert!(!stdout.contains("clusters"), "{stdout}");
}
