//! `statelint migrate`: copy clusters from one store to another, verified, configs last.

use std::io::{self, Write};
use std::sync::Arc;

use crate::check::{self, CheckOptions};
use crate::env::Environment;
use crate::findings::Severity;
use crate::source::SourceDb;

use super::transfer::{
    confirm, copy_progress, open, open_destination, print_plan, report_partial_copy_on_interrupt,
    CountingProgress,
};
use super::{fail, Status};
use crate::cli::{ListFormat, MigrateArgs};
use crate::migrate::{self, Action};
use std::sync::atomic::AtomicUsize;

pub fn run(args: &MigrateArgs, env: &dyn Environment, out: &mut dyn Write) -> io::Result<Status> {
    // One process, one command: the global pool carries `--jobs` (hashing, rewriting,
    // checking); requests in flight are bounded by `--max-requests` instead.
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

pub fn migrate_in_pool(
    args: &MigrateArgs,
    env: &dyn Environment,
    out: &mut dyn Write,
) -> io::Result<Status> {
    let (from, to) = match (open(&args.from, env), open_destination(&args.to, env)) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return fail(e),
    };
    let plan = match migrate::plan(
        from.as_ref(),
        to.as_ref(),
        &args.clusters,
        args.requests.get(),
    ) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    if args.format == ListFormat::Json && args.dry_run {
        serde_json::to_writer_pretty(&mut *out, &plan)?;
        writeln!(out)?;
        return Ok(Status::Clean);
    }
    print_plan(&plan, args.force, out)?;
    if args.dry_run {
        writeln!(out, "dry run: nothing written")?;
        return Ok(Status::Clean);
    }
    out.flush()?;
    if let Err(why) = confirm(&format!("copy to {}?", plan.to), args.yes)? {
        return fail(why);
    }
    let progress = CountingProgress {
        bar: copy_progress(),
        done: Arc::new(AtomicUsize::new(0)),
    };
    report_partial_copy_on_interrupt(progress.done.clone(), plan.count(Action::Copy));
    let outcome = migrate::execute(
        &plan,
        to.as_ref(),
        args.force,
        args.requests.get(),
        Some(&progress),
    );
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
    if !outcome.complete() {
        writeln!(out, "the copy is incomplete; nothing of an incomplete cluster is visible to kops (its config was not written). Re-run to resume.")?;
        return Ok(Status::Findings);
    }
    // The destination, checked like any store.
    let sources = SourceDb::new();
    let options = CheckOptions {
        clusters: plan.clusters.clone(),
        ..CheckOptions::default()
    };
    // Every write was verified, so the copied clusters are exactly the planned content: check
    // that instead of downloading it again, unless the destination holds objects of its own.
    let checked = if plan.destination_extras == 0 {
        let snapshot = plan.destination_snapshot(to.root());
        check::check_store(&snapshot, &options, &sources, env.current_dir().as_deref())
    } else {
        check::check_store(
            to.as_ref(),
            &options,
            &sources,
            env.current_dir().as_deref(),
        )
    };
    let errors = checked
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Error)
        .count();
    writeln!(
        out,
        "check of the destination: {} finding(s), {errors} at error or above{}",
        checked.findings.len(),
        if errors > 0 {
            " (run `statelint check --state <to>` for details)"
        } else {
            ""
        }
    )?;
    writeln!(out, "\nremaining steps:")?;
    for step in migrate::next_steps(to.root(), &plan.clusters) {
        writeln!(out, "  {step}")?;
    }
    Ok(if errors > 0 {
        Status::Findings
    } else {
        Status::Clean
    })
}
