//! A command line clap rejects, as JSON when the user asked for JSON: a script that runs
//! `statelint ... --format json` parses stdout whatever happened, so a typo in a flag must
//! not turn its output into prose. The exit status stays 2.

use std::ffi::OsString;

/// Whether the arguments ask for JSON output (`--format json` or `--format=json`).
pub fn wants_json(args: &[OsString]) -> bool {
    args.iter().enumerate().any(|(i, a)| {
        a == "--format=json" || (a == "--format" && args.get(i + 1).is_some_and(|v| v == "json"))
    })
}

/// `{"error": {"kind": "usage", "message": ..., "usage": ...}}` for a parse error, or
/// `None` when clap's own output is what was asked for (`--help`, `--version`).
pub fn json(err: &clap::Error) -> Option<String> {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        return None;
    }
    let text = err.render().to_string();
    let message = text
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_string();
    let usage = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Usage: "))
        .map(str::to_string);
    let tip = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("tip: "))
        .map(str::to_string);
    let value = serde_json::json!({
        "error": {"kind": "usage", "message": message, "usage": usage, "tip": tip}
    });
    serde_json::to_string_pretty(&value).ok()
}
