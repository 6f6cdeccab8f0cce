//! The human format wraps to the terminal's width (`COLUMNS` here): at 80 columns every
//! line of prose fits, continuation lines are indented, and a command, URL or flag is never
//! cut: one that does not fit gets a line of its own.

mod common;

use serde_json::Value;

/// `statelint check --offline ARGS` from the crate root, with `COLUMNS=columns` when given:
/// (status, stdout).
fn check(columns: Option<usize>, args: &[&str]) -> (i32, String) {
    let home = tempfile::TempDir::new().expect("tempdir");
    let mut cmd = common::statelint(home.path());
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--offline"])
        .args(args);
    if let Some(columns) = columns {
        cmd.env("COLUMNS", columns.to_string());
    }
    let (code, stdout, _) = common::run(&mut cmd);
    (code, stdout)
}

/// A line of the user's file inside a snippet (`14 │ ...`, `·` labels, the frame): it is
/// shown as it is, never wrapped.
fn is_source_line(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with(['·', '╭', '╰'])
        || t.split_once(" │")
            .is_some_and(|(n, _)| n.trim().parse::<u32>().is_ok())
}

/// Whether `text` has a space outside backticks (so it could have been wrapped there).
fn has_break_opportunity(text: &str) -> bool {
    let mut in_code = false;
    text.chars().any(|c| {
        if c == '`' {
            in_code = !in_code;
        }
        c == ' ' && !in_code
    })
}

fn assert_fits(stdout: &str, columns: usize) {
    for line in stdout.lines().filter(|l| !is_source_line(l)) {
        if line.chars().count() <= columns {
            continue;
        }
        // Past the gutter (`  │ `, `  help: `), an over-long line must be one unbreakable word.
        let body = line
            .trim_start_matches([' ', '│', '×', '⚠', '☞'])
            .trim_start_matches("help: ")
            .trim_start_matches(['(']);
        assert!(
            !has_break_opportunity(body),
            "line of {} columns could have wrapped:\n{line}\n---\n{stdout}",
            line.chars().count()
        );
    }
}

/// Every backticked span of every help text appears whole on one line of `stdout`.
fn assert_commands_whole(json: &str, stdout: &str) {
    let report: Value = serde_json::from_str(json).expect("json report");
    let findings = report["findings"].as_array().expect("findings");
    let mut spans = 0;
    for help in findings.iter().filter_map(|f| f["help"].as_str()) {
        for span in help.split('`').skip(1).step_by(2) {
            spans += 1;
            assert!(
                stdout.lines().any(|l| l.contains(&format!("`{span}`"))),
                "`{span}` is split:\n{stdout}"
            );
        }
    }
    assert!(spans > 0, "the case has commands in its help texts");
}

#[test]
fn eighty_columns_read_cleanly() {
    let (code, stdout) = check(Some(80), &["--state", "examples/store"]);
    assert_eq!(code, 1, "{stdout}");
    assert_fits(&stdout, 80);
    let (_, json) = check(Some(80), &["--state", "examples/store", "--format", "json"]);
    assert_commands_whole(&json, &stdout);
    // Continuation lines keep the indentation of what they continue.
    assert!(
        stdout.contains("\n  │ outside this local store"),
        "message continued under its gutter:\n{stdout}"
    );
    insta::assert_snapshot!("check_example_store_80_columns", stdout);
}

#[test]
fn a_command_wider_than_the_line_gets_a_line_of_its_own() {
    let manifest = "examples/store/prod.example.com/config";
    let (_, stdout) = check(Some(40), &[manifest]);
    assert_fits(&stdout, 40);
    assert!(
        stdout.contains(
            "\n        (`statelint check --state s3://old-kops-state --cluster prod.example.com`)\n"
        ),
        "the command, with the real store and cluster, on its own line:\n{stdout}"
    );
    let (_, json) = check(Some(40), &[manifest, "--format", "json"]);
    assert_commands_whole(&json, &stdout);
}

#[test]
fn without_columns_or_a_terminal_the_width_stays_wide() {
    let (_, stdout) = check(None, &["--state", "examples/store"]);
    assert!(
        stdout.contains("  × error: subnet `eu-west-1c` (`172.20.64.0/18`) overlaps subnet `eu-west-1b` (`172.20.64.0/19`)\n"),
        "a pipe gets the default width (110), not 80:\n{stdout}"
    );
}
