//! A progress bar on standard error for long `check` runs, only on a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::OnceLock;

use crate::check::Progress;

/// Stores with fewer clusters than this finish too fast for a bar to help.
const MIN_CLUSTERS: usize = 20;

/// Draws a bar once the number of items is known; draws nothing for small runs.
pub struct BarProgress {
    bar: OnceLock<ProgressBar>,
    /// What is counted (`clusters`, `objects`).
    unit: &'static str,
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
        }
    }
}

impl Progress for BarProgress {
    fn start(&self, clusters: usize) {
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
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}
