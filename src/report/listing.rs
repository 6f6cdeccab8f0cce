//! Renderers for the listing commands: `resolve`, `rules` and `explain`.

use std::io::{self, Write};

use crate::codes::CodeInfo;
use crate::resolve::{Outcome, Resolution};

/// `statelint resolve` for people.
pub fn resolution_human(r: &Resolution, out: &mut dyn Write) -> io::Result<()> {
    match (&r.url, r.winner) {
        (Some(url), Some(w)) => {
            writeln!(out, "state store: {url}")?;
            writeln!(out, "  from {}", r.candidates[w].label)?;
        }
        (None, Some(w)) => {
            writeln!(out, "state store: (unusable value)")?;
            writeln!(out, "  from {}", r.candidates[w].label)?;
        }
        _ => writeln!(out, "state store: none found")?,
    }
    writeln!(out)?;
    writeln!(out, "candidates, in kops priority order:")?;
    for (i, c) in r.candidates.iter().enumerate() {
        let value = c
            .value
            .as_deref()
            .map(|v| format!(" = {v}"))
            .unwrap_or_default();
        let verdict = match &c.outcome {
            Outcome::Won => "WON".to_string(),
            Outcome::Shadowed { by } => format!("lost: {by} comes first"),
            Outcome::Absent { reason } => format!("lost: {reason}"),
            Outcome::Ignored { reason } => format!("ignored: {reason}"),
            Outcome::NotConsulted { reason } => format!("not consulted: {reason}"),
        };
        writeln!(out, "  {}. {}{value}", i + 1, c.label)?;
        writeln!(out, "     {verdict}")?;
    }
    Ok(())
}

/// `statelint resolve --format json`.
pub fn resolution_json(r: &Resolution, out: &mut dyn Write) -> io::Result<()> {
    let value = serde_json::json!({
        "url": r.url,
        "source": r.source_id(),
        "candidates": r.candidates,
        "findings": r.findings,
    });
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}

/// `statelint rules` for people: one line per code.
pub fn rules_human(codes: &[&CodeInfo], out: &mut dyn Write) -> io::Result<()> {
    let width = codes.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for c in codes {
        writeln!(
            out,
            "{}  {:<width$}  {:<8}  {}",
            c.code,
            c.name,
            c.default_severity.as_str(),
            c.summary
        )?;
    }
    Ok(())
}

/// `statelint rules --format json`.
pub fn rules_json(codes: &[&CodeInfo], out: &mut dyn Write) -> io::Result<()> {
    let list: Vec<_> = codes
        .iter()
        .map(|c| {
            serde_json::json!({
                "code": c.code,
                "name": c.name,
                "severity": c.default_severity,
                "summary": c.summary,
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &list)?;
    writeln!(out)
}

/// `statelint explain CODE`.
pub fn explain(c: &CodeInfo, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# {} {} ({})", c.code, c.name, c.default_severity)?;
    writeln!(out)?;
    writeln!(out, "{}", c.summary)?;
    writeln!(out)?;
    write!(out, "{}", c.doc)?;
    if !c.doc.ends_with('\n') {
        writeln!(out)?;
    }
    Ok(())
}
