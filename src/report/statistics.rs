//! `--statistics`: how many findings of each code, most frequent first, instead of the
//! findings themselves (ruff's `--statistics`): the first thing to look at when adopting
//! statelint on a large store.

use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

use super::RunReport;
use crate::findings::Severity;

/// One row: a code and how often it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeCount {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub count: usize,
}

/// Counts per code, most frequent first, then by code. A code found at several severities
/// (after overrides) is one row per severity.
pub fn count(report: &RunReport) -> Vec<CodeCount> {
    let mut counts: BTreeMap<(&'static str, Severity), (&'static str, usize)> = BTreeMap::new();
    for f in &report.findings {
        counts.entry((f.code, f.severity)).or_insert((f.name, 0)).1 += 1;
    }
    let mut rows: Vec<CodeCount> = counts
        .into_iter()
        .map(|((code, severity), (name, count))| CodeCount {
            code,
            name,
            severity,
            count,
        })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    rows
}

/// The table for people: `count  code  [severity]  name`, aligned.
pub fn render_text(rows: &[CodeCount], out: &mut dyn Write) -> io::Result<()> {
    let width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    for r in rows {
        writeln!(
            out,
            "{:>width$}  {}  {:<10} {}",
            r.count,
            r.code,
            format!("[{}]", r.severity),
            r.name
        )?;
    }
    Ok(())
}

/// The same rows as a JSON array, for `--format json --statistics`.
pub fn render_json(rows: &[CodeCount], out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, rows).map_err(io::Error::other)?;
    writeln!(out)
}
