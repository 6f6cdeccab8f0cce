//! `statelint migrate`: copy clusters from one store to another, verified, configs last,
//! then check the destination exactly as `statelint check` would.

use std::io::{self, Write};
use std::sync::Arc;

use crate::env::Environment;
use crate::findings::{Finding, Severity};
use crate::source::SourceDb;

use super::check::{check_url_through, StoreCheckOptions};
use super::transfer::{
    confirm, open, open_destination, print_plan, report_partial_copy_on_interrupt, CountingProgress,
};
use super::{fail, Status};
use super::{load_lint_config, settle, status};
use crate::cli::{ListFormat, MigrateArgs};
use crate::migrate;
use crate::vfs::Backend;

pub fn run(args: &MigrateArgs, env: &dyn Environment, out: &mut dyn Write) -> io::Result<Status> {
    // One process, one command: the global pool carries `--jobs` (hashing, checking
    // the destination); requests in flight are bounded by `--max-requests` instead.
    if let Some(n) = args.jobs {
        if let Err(e) = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
        {
            return fail(format!("cannot start {n} workers: {e}"));
        }
    }
    migrate_in_pool(args, env, out)
}

/// The result of a migration, as `--format json` prints it.
#[derive(serde::Serialize)]
struct MigrateReport<'a> {
    plan: &'a migrate::Plan,
    outcome: &'a migrate::Outcome,
    complete: bool,
    /// The destination checked as `statelint check` checks it (absent when the copy is
    /// incomplete).
    #[serde(skip_serializing_if = "Option::is_none")]
    check: Option<DestinationCheck>,
    next_steps: Vec<String>,
}

#[derive(serde::Serialize)]
struct DestinationCheck {
    fail_on: Severity,
    findings: Vec<Finding>,
}

pub fn migrate_in_pool(
    args: &MigrateArgs,
    env: &dyn Environment,
    out: &mut dyn Write,
) -> io::Result<Status> {
    let json = args.format == ListFormat::Json;
    let sources = SourceDb::new();
    // The destination is checked as `statelint check` would check it here, lint config
    // included; a config that cannot be read stops the run before anything is copied.
    let (lint_config, _) = load_lint_config(None, env.current_dir().as_deref(), &sources)?;
    let (from, to) = match (open(&args.from, env), open_destination(&args.to, env)) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return fail(e),
    };
    let progress = CountingProgress::for_copy();
    // Nothing to confirm (`--yes`): the copy starts while the plan is still forming, and
    // the plan is shown with the outcome. Otherwise the whole plan is shown (or confirmed)
    // before anything is written.
    let (plan, outcome) = if args.yes && !args.dry_run {
        report_partial_copy_on_interrupt(&progress);
        let options = migrate::CopyOptions {
            clusters: &args.clusters,
            rewrite_configs: true,
            force: args.force,
            max_requests: args.requests.get(),
        };
        match migrate::plan_and_copy(from.as_ref(), to.as_ref(), options, Some(&progress)) {
            Ok((plan, outcome)) => {
                if !json {
                    print_plan(&plan, args.force, out)?;
                }
                (plan, outcome)
            }
            Err(e) => return fail(e),
        }
    } else {
        let plan = match migrate::plan(
            from.as_ref(),
            to.as_ref(),
            &args.clusters,
            args.requests.get(),
        ) {
            Ok(p) => p,
            Err(e) => return fail(e),
        };
        if json && args.dry_run {
            serde_json::to_writer_pretty(&mut *out, &plan)?;
            writeln!(out)?;
            return Ok(Status::Clean);
        }
        if !json {
            print_plan(&plan, args.force, out)?;
        }
        if args.dry_run {
            writeln!(out, "dry run: nothing written")?;
            return Ok(Status::Clean);
        }
        out.flush()?;
        if let Err(why) = confirm(&format!("copy to {}?", plan.to), args.yes)? {
            return fail(why);
        }
        report_partial_copy_on_interrupt(&progress);
        let outcome = migrate::execute(
            &plan,
            to.as_ref(),
            args.force,
            args.requests.get(),
            Some(&progress),
        );
        (plan, outcome)
    };
    let complete = outcome.complete();
    // The destination, checked exactly as `statelint check --state <to>` checks it.
    let check = complete.then(|| {
        let options = StoreCheckOptions {
            clusters: plan.clusters.clone(),
            show_progress: !json,
            max_requests: args.requests.given(),
            ..StoreCheckOptions::default()
        };
        // `--state <to>` resolved as `check` resolves it (its notes included), then checked.
        let resolution = crate::cli::StoreArgs {
            state: Some(args.to.clone()),
            config: None,
        }
        .resolve(env, &sources);
        let mut findings = resolution.findings;
        let verified = |real| Arc::new(plan.verified_destination(real)) as Arc<dyn Backend>;
        findings.extend(check_url_through(to.root(), env, &sources, &options, &verified).findings);
        let (fail_on, applied) = settle(None, &lint_config, findings);
        DestinationCheck {
            fail_on,
            findings: applied.findings,
        }
    });
    let status = match &check {
        None => Status::Findings,
        Some(c) => status::of_findings(&c.findings, c.fail_on),
    };
    let report = MigrateReport {
        plan: &plan,
        outcome: &outcome,
        complete,
        check,
        next_steps: migrate::next_steps(to.root(), &plan.clusters),
    };
    if json {
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
    } else {
        print_outcome(&report, out)?;
    }
    Ok(status)
}

fn print_outcome(report: &MigrateReport, out: &mut dyn Write) -> io::Result<()> {
    let outcome = report.outcome;
    writeln!(
        out,
        "\ncopied {} object(s), {} already identical",
        outcome.copied.len(),
        outcome.skipped_identical
    )?;
    for cluster in &outcome.held_back {
        writeln!(out, "held back: `{cluster}` differs at the destination (see CONFLICT above); --force overwrites")?;
    }
    for (key, why) in &outcome.failed {
        writeln!(out, "FAILED: {key}: {why}")?;
    }
    let Some(check) = &report.check else {
        writeln!(out, "the copy is incomplete; nothing of an incomplete cluster is visible to kops (its config was not written). Re-run to resume.")?;
        return Ok(());
    };
    let failing = check
        .findings
        .iter()
        .filter(|f| f.severity >= check.fail_on)
        .count();
    writeln!(
        out,
        "check of the destination (as `statelint check --state {}`): {} finding(s), {failing} at {} or above",
        report.plan.to,
        check.findings.len(),
        check.fail_on.as_str()
    )?;
    for f in &check.findings {
        writeln!(out, "  {} [{}] {}", f.code, f.severity.as_str(), f.message)?;
    }
    writeln!(out, "\nremaining steps:")?;
    for step in &report.next_steps {
        writeln!(out, "  {step}")?;
    }
    Ok(())
}
