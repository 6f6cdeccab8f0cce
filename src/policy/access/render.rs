//! The access map for people: a table of principals by capability, then what decides each
//! cell that is not a plain "no statement allows it", then the changes of `--against`.

use std::fmt::Write;

use super::diff::Change;
use super::{Capability, PrincipalAccess, Verdict};

/// The map (and changes, when comparing two policies) as text.
pub fn text(principals: &[PrincipalAccess], changes: Option<&[Change]>, verbose: bool) -> String {
    let mut out = String::new();
    let width = principals
        .iter()
        .map(|p| p.principal.chars().count())
        .max()
        .unwrap_or(0)
        .max("principal".len());
    // Each column as wide as its name or the longest verdict (`depends`).
    let column = |c: Capability| c.name().len().max(Verdict::Depends.as_str().len());
    let _ = write!(out, "{:<width$}", "principal");
    for c in Capability::ALL {
        let _ = write!(out, "  {:<w$}", c.name(), w = column(c));
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    for p in principals {
        let _ = write!(out, "{:<width$}", p.principal);
        for (c, cell) in &p.cells {
            let _ = write!(out, "  {:<w$}", cell.verdict.as_str(), w = column(*c));
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
    }
    let mut why = String::new();
    for p in principals {
        // Capabilities decided the same way share a line.
        let mut lines: Vec<(Vec<&str>, Verdict, String)> = Vec::new();
        for (c, cell) in &p.cells {
            if !(verbose || cell.verdict != Verdict::Deny || cell.statement.is_some()) {
                continue;
            }
            let detail = match (&cell.condition, &cell.statement) {
                (Some(cond), Some(s)) => format!("on {cond} ({s})"),
                (Some(cond), None) => cond.clone(),
                (None, Some(s)) => s.to_string(),
                (None, None) => cell.reason.clone(),
            };
            match lines
                .iter_mut()
                .find(|(_, v, d)| *v == cell.verdict && *d == detail)
            {
                Some((names, _, _)) => names.push(c.name()),
                None => lines.push((vec![c.name()], cell.verdict, detail)),
            }
        }
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(why, "  {}", p.principal);
        for (names, verdict, detail) in lines {
            let _ = writeln!(
                why,
                "    {}: {} {detail}",
                names.join(", "),
                verdict.as_str()
            );
        }
    }
    if !why.is_empty() {
        out.push_str("\nwhy:\n");
        out.push_str(&why);
    }
    if !principals
        .iter()
        .all(|p| p.identity_given || p.principal == "*")
    {
        out.push_str("\n(principals without --identity-policy are assumed to be allowed by their own account: the map shows what the bucket policy lets through)\n");
    }
    if let Some(changes) = changes {
        out.push_str("\nchanges:\n");
        if changes.is_empty() {
            out.push_str("  none: every principal keeps exactly what it could do\n");
        }
        let mut lines: Vec<(&Change, Vec<&str>)> = Vec::new();
        for ch in changes {
            let same = |o: &&mut (&Change, Vec<&str>)| {
                o.0.principal == ch.principal
                    && o.0.before == ch.before
                    && o.0.after == ch.after
                    && o.0.statement == ch.statement
            };
            match lines.iter_mut().find(same) {
                Some((_, names)) => names.push(ch.capability.name()),
                None => lines.push((ch, vec![ch.capability.name()])),
            }
        }
        for (ch, names) in lines {
            let sign = if ch.gains() { "+" } else { "-" };
            let by = ch
                .statement
                .as_ref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {sign} {}: {} {} -> {}{by}",
                ch.principal,
                names.join(", "),
                ch.before.as_str(),
                ch.after.as_str()
            );
        }
    }
    out
}
