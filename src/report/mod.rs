//! Renderers: one findings model, many output formats. Only this module and `main.rs` print.

use serde::Serialize;
use std::io::{self, Write};

use crate::findings::{Finding, Severity};
use crate::source::SourceDb;

mod concise;
mod github;
mod gitlab;
mod human;
mod json;
mod junit;
pub mod listing;
pub mod progress;
mod sarif;
pub mod statistics;
pub mod wrap;

pub use concise::ConciseReporter;
pub use github::{escape_data, escape_property, github_path, GithubReporter};
pub use gitlab::GitlabReporter;
pub use human::HumanReporter;
pub use json::JsonReporter;
pub use junit::{xml_escape, JunitReporter};
pub use sarif::{SarifReporter, SARIF_SCHEMA_URI};

/// Version of the `--format json` contract (`schemas/report.schema.json`).
pub const REPORT_VERSION: &str = "1.2.0";

/// Outcome of one cluster, kept apart like kubeconform does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClusterStatus {
    /// Loaded and checked; no error-level finding (kops would accept it as far as we know).
    Valid,
    /// Loaded and checked; has an error-level (or critical) finding. Independent of
    /// `--fail-on`, which decides the exit status, not what the cluster is.
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
    /// Findings accepted by `--baseline` (counted, not shown).
    pub baselined: usize,
    /// Permission probes run against the store (empty with `--offline`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<crate::probes::ProbeResult>,
    /// After denied S3 probes: who owns the bucket and what the caller and the owner can
    /// each do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handoff: Option<crate::probes::handoff::Handoff>,
    /// `statelint access`: every principal's capabilities (and the changes of `--against`).
    #[serde(flatten)]
    pub access: Option<crate::policy::access::AccessReport>,
    /// The level at or above which findings fail the run.
    pub fail_on: Severity,
    /// Whether this run checks clusters (a store check), so the summary counts them; a probe,
    /// a policy lint or a resolution has no clusters line.
    #[serde(skip)]
    pub checks_clusters: bool,
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
    /// A report of `findings` with no clusters, probes, suppressions or baseline; the
    /// commands fill in what they have.
    pub fn new(
        store: Option<StoreSummary>,
        findings: Vec<Finding>,
        fail_on: Severity,
    ) -> RunReport {
        RunReport {
            version: REPORT_VERSION,
            tool: ToolInfo::current(),
            store,
            clusters: Vec::new(),
            findings,
            suppressed: 0,
            baselined: 0,
            probes: Vec::new(),
            handoff: None,
            access: None,
            fail_on,
            checks_clusters: false,
        }
    }

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

/// The `--format` of `statelint check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum)]
pub enum Format {
    /// Snippets with labels for people, then a summary.
    #[default]
    Human,
    /// One line per finding: `path:line:col: CODE [severity] message`.
    Concise,
    /// The versioned JSON contract (`schemas/report.schema.json`).
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// JUnit XML, one test suite per cluster.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality JSON (`artifacts:reports:codequality`).
    Gitlab,
}

/// Presentation knobs the binary decides (TTY, `NO_COLOR`, flags, cwd); renderers never read
/// the environment themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HumanOptions {
    /// Paint with ANSI colours (human format only).
    pub color: bool,
    /// Also list every cluster with its status (human format only).
    pub verbose: bool,
    /// Only findings at or above the fail level, and a one-line summary (human format only).
    pub quiet: bool,
    /// Columns to wrap the human format to (`COLUMNS` or the terminal's); `None` is
    /// [`wrap::DEFAULT_WIDTH`].
    pub width: Option<usize>,
    /// Directory that `file://` paths are shown relative to (github format), usually the cwd.
    pub base_dir: Option<std::path::PathBuf>,
}

impl HumanOptions {
    /// The columns to wrap to.
    pub fn width(&self) -> usize {
        self.width.unwrap_or(wrap::DEFAULT_WIDTH)
    }
}

/// The renderer for `format`.
pub fn reporter(format: Format, options: HumanOptions) -> Box<dyn Reporter> {
    match format {
        Format::Human => Box::new(HumanReporter::new(options)),
        Format::Concise => Box::new(ConciseReporter::new(options.base_dir)),
        Format::Json => Box::new(JsonReporter),
        Format::Sarif => Box::new(SarifReporter),
        Format::Junit => Box::new(JunitReporter),
        Format::Github => Box::new(GithubReporter::new(options.base_dir)),
        Format::Gitlab => Box::new(GitlabReporter::new(options.base_dir)),
    }
}

/// A stable fingerprint of a finding: hex SHA-256 of [`Finding::stable_key`]. It does not
/// change when unrelated lines move, so code-scanning alerts do not churn.
pub fn fingerprint(finding: &Finding) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(finding.stable_key().as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
        hex.push(char::from_digit(u32::from(byte & 0xf), 16).unwrap_or('0'));
    }
    hex
}

impl RunReport {
    /// Number of clusters per status: valid, invalid, error, skipped.
    pub fn cluster_counts(&self) -> [(ClusterStatus, usize); 4] {
        [
            ClusterStatus::Valid,
            ClusterStatus::Invalid,
            ClusterStatus::Error,
            ClusterStatus::Skipped,
        ]
        .map(|s| (s, self.clusters.iter().filter(|c| c.status == s).count()))
    }
}

impl ClusterStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterStatus::Valid => "valid",
            ClusterStatus::Invalid => "invalid",
            ClusterStatus::Error => "error",
            ClusterStatus::Skipped => "skipped",
        }
    }
}
