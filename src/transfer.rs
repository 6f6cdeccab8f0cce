//! The binary side of `migrate`, `export` and `import`: confirmation, printing, exit status.
//! The copying itself is `statelint::migrate`.

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use statelint::check::{self, CheckOptions, Progress};
use statelint::cli::{ExportArgs, ImportArgs, ListFormat, MigrateArgs};
use statelint::env::Environment;
use statelint::findings::Severity;
use statelint::migrate::{self, Action, Manifest, Plan};
use statelint::report::progress::BarProgress;
use statelint::resolve;
use statelint::resolve::url::StoreUrl;
use statelint::source::SourceDb;
use statelint::vfs::{self, Backend};

use crate::Status;

fn fail(message: impl std::fmt::Display) -> io::Result<Status> {
    eprintln!("statelint: error: {message}");
    Ok(Status::ToolError)
}

fn open(url: &str, env: &dyn Environment) -> Result<std::sync::Arc<dyn Backend>, String> {
    let parsed =
        StoreUrl::parse(url).map_err(|e| format!("`{}`: {e}", resolve::url::redact_raw(url)))?;
    vfs::open(&parsed, env).map_err(|e| e.to_string())
}

/// Opens a destination store; a local destination folder is created when missing.
fn open_destination(
    url: &str,
    env: &dyn Environment,
) -> Result<std::sync::Arc<dyn Backend>, String> {
    let parsed =
        StoreUrl::parse(url).map_err(|e| format!("`{}`: {e}", resolve::url::redact_raw(url)))?;
    if let Some(dir) = parsed.local_path(env.current_dir().as_deref()) {
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    }
    vfs::open(&parsed, env).map_err(|e| e.to_string())
}

/// Asks on a terminal; never waits when standard input is not one.
fn confirm(question: &str, yes: bool) -> io::Result<Result<(), &'static str>> {
    if yes {
        return Ok(Ok(()));
    }
    if !io::stdin().is_terminal() {
        return Ok(Err(
            "standard input is not a terminal; add --yes to proceed",
        ));
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    io::stdin().read_line(&mut answer)?;
    Ok(if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err("not confirmed")
    })
}

fn print_plan(plan: &Plan, force: bool, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "from {}\nto   {}", plan.from, plan.to)?;
    writeln!(
        out,
        "{} cluster(s), {} object(s): {} to copy ({} bytes), {} identical, {} conflicting{}",
        plan.clusters.len(),
        plan.items.len(),
        plan.count(Action::Copy),
        plan.bytes_to_copy(force),
        plan.count(Action::Identical),
        plan.count(Action::Conflict),
        if force && plan.count(Action::Conflict) > 0 {
            " (overwritten: --force)"
        } else {
            ""
        }
    )?;
    for item in plan.items.iter().filter(|i| i.action != Action::Identical) {
        let what = match item.action {
            Action::Copy => "copy",
            Action::Conflict => "CONFLICT",
            Action::Identical => "same",
        };
        let note = if item.rewritten {
            "  (configBase rewritten)"
        } else {
            ""
        };
        // Keys only: contents, secrets included, are never printed.
        writeln!(out, "  {what:<9} {}{note}", item.key)?;
    }
    Ok(())
}

/// Counts copied objects (for the interrupt report) and drives the bar, if any.
struct CountingProgress {
    bar: Option<BarProgress>,
    done: Arc<AtomicUsize>,
}

impl Progress for CountingProgress {
    fn start(&self, total: usize) {
        if let Some(b) = &self.bar {
            b.start(total);
        }
    }
    fn cluster_done(&self, key: &str) {
        self.done.fetch_add(1, Ordering::SeqCst);
        if let Some(b) = &self.bar {
            b.cluster_done(key);
        }
    }
    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish();
        }
    }
}

/// On SIGINT/SIGTERM during a copy: say how far it got and that a rerun resumes, then exit
/// 130/143. Objects are written whole (or not at all) and configs last, so nothing half
/// written is visible to kops.
fn report_partial_copy_on_interrupt(done: Arc<AtomicUsize>, total: usize) {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGINT, SIGTERM};
        if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) {
            std::thread::spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    eprintln!(
                        "statelint: interrupted after copying {} of {total} object(s); the source is unchanged, clusters whose config was not yet written are invisible to kops; run the same command again to resume",
                        done.load(Ordering::SeqCst)
                    );
                    std::process::exit(128 + signal);
                }
            });
        }
    }
}

/// Concurrent object copies when `--jobs` is not given.
const DEFAULT_COPY_JOBS: usize = 16;

/// A progress bar on a terminal for long copies.
fn copy_progress() -> Option<BarProgress> {
    io::stderr()
        .is_terminal()
        .then(|| BarProgress::counting("objects"))
}

pub fn run_migrate(
    args: &MigrateArgs,
    env: &dyn Environment,
    out: &mut dyn Write,
) -> io::Result<Status> {
    // One process, one command: the global pool carries `--jobs`. Copies wait on the
    // network, so the default keeps 16 requests in flight rather than one per core.
    let n = args.jobs.unwrap_or(DEFAULT_COPY_JOBS).max(1);
    if let Err(e) = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
    {
        return fail(format!("cannot start {n} workers: {e}"));
    }
    migrate_in_pool(args, env, out)
}

fn migrate_in_pool(
    args: &MigrateArgs,
    env: &dyn Environment,
    out: &mut dyn Write,
) -> io::Result<Status> {
    let (from, to) = match (open(&args.from, env), open_destination(&args.to, env)) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return fail(e),
    };
    let plan = match migrate::plan(from.as_ref(), to.as_ref(), &args.clusters) {
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
    let outcome = migrate::execute(&plan, to.as_ref(), args.force, Some(&progress));
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

pub fn run_export(
    args: &ExportArgs,
    env: &dyn Environment,
    out: &mut dyn Write,
) -> io::Result<Status> {
    let sources = SourceDb::new();
    let resolution = args.store.resolve(env, &sources);
    let Some(url) = resolution.store else {
        return fail("no state store: use --state or KOPS_STATE_STORE");
    };
    let from = match vfs::open(&url, env) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    if let Err(e) = std::fs::create_dir_all(&args.to) {
        return fail(format!("cannot create `{}`: {e}", args.to.display()));
    }
    let to = match open(&args.to.display().to_string(), env) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let plan = match migrate::plan_verbatim(from.as_ref(), to.as_ref(), &args.clusters) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let outcome = migrate::execute(&plan, to.as_ref(), args.force, None);
    if !outcome.complete() {
        print_plan(&plan, args.force, out)?;
        return fail("the export is incomplete (conflicting or failed files above)");
    }
    let manifest = Manifest::of(&plan);
    let text = serde_json::to_string_pretty(&manifest).map_err(io::Error::other)?;
    crate::write_file_verified(
        &args.to.join(migrate::MANIFEST),
        format!("{text}\n").as_bytes(),
    )?;
    writeln!(
        out,
        "exported {} file(s) of {} cluster(s) to {} ({} new, {} unchanged); hashes in {}",
        plan.items.len(),
        plan.clusters.len(),
        args.to.display(),
        outcome.copied.len(),
        outcome.skipped_identical,
        migrate::MANIFEST
    )?;
    Ok(Status::Clean)
}

pub fn run_import(
    args: &ImportArgs,
    env: &dyn Environment,
    out: &mut dyn Write,
) -> io::Result<Status> {
    let manifest_path = args.from.join(migrate::MANIFEST);
    let manifest: Manifest = match std::fs::read_to_string(&manifest_path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(m) => m,
        Err(e) => {
            return fail(format!(
                "`{}` is not a statelint export: {e}",
                manifest_path.display()
            ))
        }
    };
    let from = match open(&args.from.display().to_string(), env) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let damaged = manifest.verify(from.as_ref());
    if !damaged.is_empty() {
        for key in &damaged {
            writeln!(out, "changed or missing: {key}")?;
        }
        return fail(format!(
            "{} file(s) do not match {}; refusing to import",
            damaged.len(),
            migrate::MANIFEST
        ));
    }
    let to = match open_destination(&args.to, env) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let plan = match migrate::plan_verbatim(from.as_ref(), to.as_ref(), &[]) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    print_plan(&plan, args.force, out)?;
    out.flush()?;
    if let Err(why) = confirm(&format!("import into {}?", plan.to), args.yes)? {
        return fail(why);
    }
    let outcome = migrate::execute(&plan, to.as_ref(), args.force, None);
    writeln!(
        out,
        "imported {} object(s), {} already identical",
        outcome.copied.len(),
        outcome.skipped_identical
    )?;
    Ok(if outcome.complete() {
        Status::Clean
    } else {
        Status::Findings
    })
}
