//! A command line clap rejects prints a JSON error object when `--format json` was asked
//! for (scripts parse stdout whatever happened), plain text otherwise; exit status 2 both ways.

mod common;

use serde_json::Value;

fn run(args: &[&str]) -> (i32, String, String) {
    let home = tempfile::TempDir::new().expect("tempdir");
    common::run(common::statelint(home.path()).args(args))
}

#[test]
fn a_usage_error_under_format_json_is_a_json_error_object() {
    for args in [
        &["check", "--format", "json", "--no-such-flag"][..],
        &["check", "--format=json", "--fail-on", "nope"][..],
        &["probe", "--format", "json", "--max-requests", "many"][..],
    ] {
        let (code, stdout, _) = run(args);
        assert_eq!(code, 2, "{args:?}");
        let value: Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{stdout}"));
        assert_eq!(value["error"]["kind"], "usage", "{stdout}");
        let message = value["error"]["message"].as_str().unwrap_or_default();
        assert!(
            !message.is_empty() && !message.starts_with("error:"),
            "{stdout}"
        );
    }
    let (_, stdout, _) = run(&["check", "--format", "json", "--no-such-flag"]);
    let value: Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(
        value["error"]["message"],
        "unexpected argument '--no-such-flag' found"
    );
}

#[test]
fn without_json_and_for_help_clap_speaks_as_usual() {
    let (code, stdout, stderr) = run(&["check", "--no-such-flag"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.starts_with("error: unexpected argument"), "{stderr}");
    let (code, stdout, _) = run(&["check", "--format", "json", "--help"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("Validate"), "help stays help: {stdout}");
}
