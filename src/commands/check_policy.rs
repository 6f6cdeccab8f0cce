//! `statelint check --policy FILE`: the bucket-policy rules on a policy kept in a file.

use std::io::{self, Write};

use crate::cli::CheckArgs;
use crate::env::Environment;
use crate::report::RunReport;
use crate::source::SourceDb;

use super::{load_lint_config, render, settle, Status};

/// `statelint check --policy FILE`: the bucket-policy rules on a policy kept in a file.
pub fn run(args: &CheckArgs, env: &dyn Environment, out: &mut dyn Write) -> io::Result<Status> {
    let Some(path) = args.policy.as_deref() else {
        return super::check::run(args, env, out);
    };
    use crate::policy::lint::{self as policy_lint, PolicyContext};
    let sources = SourceDb::new();
    let cwd = env.current_dir();
    let (lint_config, mut findings) =
        load_lint_config(args.lint_config.as_deref(), cwd.as_deref(), &sources)?;
    let text = std::fs::read_to_string(path).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot read policy `{}`: {e}", path.display()),
        )
    })?;
    let url = match std::path::absolute(path) {
        Ok(abs) => format!("file://{}", abs.display()),
        Err(_) => path.display().to_string(),
    };
    match crate::policy::parse::parse(&url, &text, &sources) {
        Ok(parsed) => {
            let cx = PolicyContext {
                parsed: &parsed,
                owner_account: args.bucket_owner.as_deref(),
            };
            findings.extend(policy_lint::lint(&cx));
        }
        Err(e) => findings.push(e.into_finding()),
    }
    let (fail_on, applied) = settle(args.fail_on, &lint_config, findings);
    let findings = applied.findings;
    let report = RunReport {
        suppressed: applied.suppressed,
        ..RunReport::new(None, findings, fail_on)
    };
    render(&report, &sources, args.format, &args.output, env, cwd, out)
}
