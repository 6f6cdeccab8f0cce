//! What `migrate`, `export` and `import` share: opening both ends, confirming, printing
//! the plan and counting progress. The copying itself is `crate::migrate`.

use std::io::{self, IsTerminal, Write};
use std::sync::Arc;

use crate::check::Progress;
use crate::env::Environment;
use crate::report::progress::BarProgress;
use crate::vfs;

use crate::migrate::{Action, Plan};
use crate::resolve;
use crate::resolve::url::StoreUrl;
use crate::vfs::Backend;
use std::sync::atomic::{AtomicUsize, Ordering};

pub fn open(url: &str, env: &dyn Environment) -> Result<std::sync::Arc<dyn Backend>, String> {
    let parsed =
        StoreUrl::parse(url).map_err(|e| format!("`{}`: {e}", resolve::url::redact_raw(url)))?;
    vfs::open(&parsed, env).map_err(|e| e.to_string())
}

/// Opens a destination store; a local destination folder is created when missing.
pub fn open_destination(
    url: &str,
    env: &dyn Environment,
) -> Result<std::sync::Arc<dyn Backend>, String> {
    let parsed =
        StoreUrl::parse(url).map_err(|e| format!("`{}`: {e}", resolve::url::redact_raw(url)))?;
    if let Some(dir) = parsed.local_path(env.current_dir().as_deref()) {
        vfs::fs::create_store_dir(&dir)
            .map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    }
    vfs::open(&parsed, env).map_err(|e| e.to_string())
}

/// Asks on a terminal; never waits when standard input is not one.
pub fn confirm(question: &str, yes: bool) -> io::Result<Result<(), &'static str>> {
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

pub fn print_plan(plan: &Plan, force: bool, out: &mut dyn Write) -> io::Result<()> {
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

/// Counts copied objects and the objects to copy (for the interrupt report) and drives the
/// bar, if any.
#[derive(Default)]
pub struct CountingProgress {
    pub bar: Option<BarProgress>,
    pub done: Arc<AtomicUsize>,
    pub total: Arc<AtomicUsize>,
}

impl CountingProgress {
    /// With a bar on a terminal.
    pub fn for_copy() -> CountingProgress {
        CountingProgress {
            bar: copy_progress(),
            ..CountingProgress::default()
        }
    }
}

impl Progress for CountingProgress {
    fn start(&self, total: usize) {
        self.total.store(total, Ordering::SeqCst);
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
pub fn report_partial_copy_on_interrupt(progress: &CountingProgress) {
    #[cfg(unix)]
    {
        let (done, total) = (progress.done.clone(), progress.total.clone());
        use signal_hook::consts::{SIGINT, SIGTERM};
        if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) {
            std::thread::spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    eprintln!(
                        "statelint: interrupted after copying {} of {} object(s); the source is unchanged, clusters whose config was not yet written are invisible to kops; run the same command again to resume",
                        done.load(Ordering::SeqCst),
                        total.load(Ordering::SeqCst)
                    );
                    std::process::exit(128 + signal);
                }
            });
        }
    }
}

/// A progress bar on a terminal for long copies.
pub fn copy_progress() -> Option<BarProgress> {
    io::stderr()
        .is_terminal()
        .then(|| BarProgress::counting("objects"))
}
