//! `--format gitlab`: a GitLab Code Quality report (the JSON array GitLab reads from
//! `artifacts:reports:codequality`).

use serde_json::{json, Value};
use std::io::{self, Write};
use std::path::PathBuf;

use super::{fingerprint, github_path, Reporter, RunReport};
use crate::findings::{Location, Severity};
use crate::source::SourceDb;

pub struct GitlabReporter {
    base_dir: Option<PathBuf>,
}

impl GitlabReporter {
    /// Paths are shown relative to `base_dir` (the project directory) when under it.
    pub fn new(base_dir: Option<PathBuf>) -> GitlabReporter {
        GitlabReporter { base_dir }
    }

    pub fn to_value(&self, report: &RunReport) -> Value {
        let issues: Vec<Value> = report
            .findings
            .iter()
            .map(|f| {
                let severity = match f.severity {
                    Severity::Critical => "blocker",
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Note => "info",
                };
                let (path, line) = match &f.location {
                    Location::File { url, span, .. } => (
                        github_path(url, self.base_dir.as_deref()).unwrap_or_else(|| url.clone()),
                        span.line.max(1),
                    ),
                    Location::Resource { uri } => (uri.clone(), 1),
                };
                let mut description = format!("{}: {}", f.code, f.message);
                if let Some(cluster) = &f.cluster {
                    description = format!("[{cluster}] {description}");
                }
                json!({
                    "description": description,
                    "check_name": f.code,
                    "fingerprint": fingerprint(f),
                    "severity": severity,
                    "location": { "path": path, "lines": { "begin": line } },
                })
            })
            .collect();
        Value::Array(issues)
    }
}

impl Reporter for GitlabReporter {
    fn render(&self, report: &RunReport, _: &SourceDb, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &self.to_value(report))?;
        writeln!(out)
    }
}
