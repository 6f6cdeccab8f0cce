//! On standard error, only on a terminal: a progress bar for long `check` runs, and a
//! status line saying what is being waited for (listing, probes) so a slow store never
//! looks like a hung one.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use crate::check::Progress;

/// Stores with fewer clusters than this finish too fast for a bar to help.
const MIN_CLUSTERS: usize = 20;

/// Draws a bar once the number of items is known; draws nothing for small runs.
pub struct BarProgress {
    bar: OnceLock<ProgressBar>,
    /// What is counted (`clusters`, `objects`).
    unit: &'static str,
    /// What is waited for before counting starts.
    waiting: Mutex<Option<StatusLine>>,
}

impl Default for BarProgress {
    fn default() -> BarProgress {
        BarProgress::counting("clusters")
    }
}

impl BarProgress {
    pub fn counting(unit: &'static str) -> BarProgress {
        BarProgress {
            bar: OnceLock::new(),
            unit,
            waiting: Mutex::new(None),
        }
    }
}

impl Progress for BarProgress {
    fn waiting(&self, what: &str) {
        if let Ok(mut w) = self.waiting.lock() {
            *w = Some(StatusLine::show(what));
        }
    }

    fn start(&self, clusters: usize) {
        if let Ok(mut w) = self.waiting.lock() {
            *w = None;
        }
        let bar = if clusters >= MIN_CLUSTERS {
            let bar =
                ProgressBar::with_draw_target(Some(clusters as u64), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} clusters {wide_msg}")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_prefix(if self.unit == "clusters" {
                "checking"
            } else {
                "copying"
            });
            bar
        } else {
            ProgressBar::hidden()
        };
        let _ = self.bar.set(bar);
    }

    fn cluster_done(&self, name: &str) {
        if let Some(bar) = self.bar.get() {
            bar.set_message(name.to_string());
            bar.inc(1);
        }
    }

    fn finish(&self) {
        if let Ok(mut w) = self.waiting.lock() {
            *w = None;
        }
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}

/// A spinner with a message on standard error while something is waited for; cleared when
/// dropped. Nothing is drawn when standard error is not a terminal (CI logs stay clean).
pub struct StatusLine {
    spinner: ProgressBar,
}

impl StatusLine {
    pub fn show(what: impl Into<String>) -> StatusLine {
        let spinner = if std::io::stderr().is_terminal() {
            let s = ProgressBar::new_spinner();
            s.set_draw_target(ProgressDrawTarget::stderr());
            s.set_message(what.into());
            s.enable_steady_tick(Duration::from_millis(120));
            s
        } else {
            ProgressBar::hidden()
        };
        StatusLine { spinner }
    }
}

impl Drop for StatusLine {
    fn drop(&mut self) {
        self.spinner.finish_and_clear();
    }
}
