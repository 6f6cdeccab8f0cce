//! `--format json`: the run report as one JSON object, described by
//! `schemas/report.schema.json` and versioned by [`REPORT_VERSION`](super::REPORT_VERSION).

use serde_json::{json, Map, Value};
use std::io::{self, Write};

use super::{Reporter, RunReport};
use crate::source::SourceDb;

pub struct JsonReporter;

impl JsonReporter {
    /// The report as a JSON value: the [`RunReport`] fields plus a `summary` block so
    /// consumers need not count themselves.
    pub fn to_value(report: &RunReport) -> io::Result<Value> {
        let mut value = serde_json::to_value(report)?;
        let mut by_severity = Map::new();
        for (severity, n) in report.counts() {
            by_severity.insert(severity.as_str().to_string(), json!(n));
        }
        let mut by_status = Map::new();
        for (status, n) in report.cluster_counts() {
            by_status.insert(status.as_str().to_string(), json!(n));
        }
        let summary = json!({
            "findings": report.findings.len(),
            "by_severity": by_severity,
            "clusters": by_status,
            "failed": report.fails(),
        });
        if let Value::Object(map) = &mut value {
            map.insert("summary".into(), summary);
        }
        Ok(value)
    }
}

impl Reporter for JsonReporter {
    fn render(&self, report: &RunReport, _: &SourceDb, out: &mut dyn Write) -> io::Result<()> {
        let value = JsonReporter::to_value(report)?;
        serde_json::to_writer_pretty(&mut *out, &value)?;
        writeln!(out)
    }
}
