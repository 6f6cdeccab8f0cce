//! Renderers: one findings model, many output formats. Only this module and `main.rs` print.

use serde::Serialize;
use std::io::{self, Write};

use crate::findings::{Finding, Severity};
use crate::source::SourceDb;

/// Version of the `--format json` contract (`schemas/report.schema.json`).
pub const REPORT_VERSION: &str = "1.0.0";

/// Outcome of one cluster, kept apart like kubeconform does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClusterStatus {
    /// Loaded and checked; no finding at or above the fail level.
    Valid,
    /// Loaded and checked; has findings at or above the fail level.
    Invalid,
    /// Could not be loaded or checked.
    Error,
    /// Not checked (filtered out by `--cluster`).
    Skipped,
}

/// One cluster of the run.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterSummary {
    pub name: String,
    /// `<store>/<name>`, redacted.
    pub url: String,
    pub status: ClusterStatus,
    /// Number of instance groups loaded.
    pub instance_groups: usize,
}

/// Where the store came from, for the report header.
#[derive(Debug, Clone, Serialize)]
pub struct StoreSummary {
    /// Redacted URL.
    pub url: String,
    /// `flag`, `env`, `kops-yaml`, `kops-config`, `config-flag`, ...
    pub source: String,
}

/// Everything a renderer needs about one run.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub version: &'static str,
    pub tool: ToolInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<StoreSummary>,
    pub clusters: Vec<ClusterSummary>,
    pub findings: Vec<Finding>,
    /// Findings suppressed by `.statelint.yaml` (counted, not shown).
    pub suppressed: usize,
    /// The level at or above which findings fail the run.
    pub fail_on: Severity,
}

#[derive(Debug, Clone, Serialize)]
pub struct ToolInfo {
    pub name: &'static str,
    pub version: &'static str,
}

impl ToolInfo {
    pub fn current() -> ToolInfo {
        ToolInfo {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

impl RunReport {
    /// Number of findings per severity, lowest first.
    pub fn counts(&self) -> [(Severity, usize); 4] {
        Severity::ALL.map(|s| (s, self.findings.iter().filter(|f| f.severity == s).count()))
    }

    /// Whether any finding is at or above the fail level.
    pub fn fails(&self) -> bool {
        self.findings.iter().any(|f| f.severity >= self.fail_on)
    }
}

/// A renderer for one output format.
pub trait Reporter {
    fn render(&self, report: &RunReport, sources: &SourceDb, out: &mut dyn Write)
        -> io::Result<()>;
}
