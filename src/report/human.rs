//! `--format human`: miette snippets for people, then a summary.
//!
//! Colours only when the binary says so (a terminal without `NO_COLOR`); the renderer never
//! inspects the environment itself.

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};
use owo_colors::OwoColorize;
use std::io::{self, Write};

use super::{wrap, ClusterStatus, HumanOptions, Reporter, RunReport};
use crate::findings::{Finding, Location, Severity};
use crate::probes::Outcome;
use crate::source::SourceDb;

pub struct HumanReporter {
    options: HumanOptions,
    handler: GraphicalReportHandler,
}

impl HumanReporter {
    pub fn new(options: HumanOptions) -> HumanReporter {
        let theme = if options.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_links(false)
            .with_width(options.width())
            .with_break_words(false)
            .with_word_separator(wrap::separator())
            .with_word_splitter(wrap::splitter())
            .with_context_lines(1);
        HumanReporter { options, handler }
    }

    /// `text` wrapped to the output's width (see [`wrap`]).
    fn fill(&self, text: &str, initial_indent: &str, subsequent_indent: &str) -> String {
        wrap::fill(
            text,
            self.options.width(),
            initial_indent,
            subsequent_indent,
        )
    }

    /// A laid-out text with its prose lines wrapped: lines indented by four or more
    /// (commands to copy, JSON) stay whole.
    fn prose(&self, text: &str) -> String {
        let mut out = String::new();
        for line in text.lines() {
            let indent = &line[..line.len() - line.trim_start().len()];
            if indent.len() >= 4 || line.trim().is_empty() {
                out.push_str(line);
                out.push('\n');
            } else {
                out.push_str(&self.fill(line.trim_start(), indent, &format!("{indent}  ")));
            }
        }
        out
    }

    fn paint(&self, text: &str, severity: Severity) -> String {
        if !self.options.color {
            return text.to_string();
        }
        match severity {
            Severity::Critical => text.red().bold().to_string(),
            Severity::Error => text.red().to_string(),
            Severity::Warning => text.yellow().to_string(),
            Severity::Note => text.cyan().to_string(),
        }
    }

    /// One finding: header, snippet (or resource), help, cluster.
    fn finding(&self, f: &Finding, sources: &SourceDb) -> String {
        let severity = match f.severity {
            Severity::Critical | Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        };
        let mut diagnostic = MietteDiagnostic::new(format!("{}: {}", f.severity, f.message))
            .with_code(format!("{} {}", f.code, f.name))
            .with_severity(severity);
        if let Some(help) = &f.help {
            diagnostic = diagnostic.with_help(help.clone());
        }
        let mut text = String::new();
        let rendered = match &f.location {
            Location::File { file, url, span } => match sources.get(*file) {
                Some(source) => {
                    let end = (span.offset + span.length).min(source.text.len());
                    let start = span.offset.min(end);
                    let label = f.pointer.clone().unwrap_or_else(|| f.name.to_string());
                    let diagnostic =
                        diagnostic.with_label(LabeledSpan::at(start..end.max(start), label));
                    let report = Report::new(diagnostic)
                        .with_source_code(NamedSource::new(url.clone(), source.text.clone()));
                    self.handler.render_report(&mut text, report.as_ref())
                }
                None => {
                    let report = Report::new(diagnostic);
                    let r = self.handler.render_report(&mut text, report.as_ref());
                    text.push_str(&self.fill(
                        &format!("at {url}:{}:{}", span.line, span.column),
                        "  ",
                        "    ",
                    ));
                    r
                }
            },
            Location::Resource { uri } => {
                let report = Report::new(diagnostic);
                let r = self.handler.render_report(&mut text, report.as_ref());
                text.push_str(&self.fill(&format!("at {uri}"), "  ", "    "));
                r
            }
        };
        if rendered.is_err() {
            // Formatting into a String only fails on a renderer bug; keep the essentials.
            text = format!(
                "{} [{}]: {} ({})\n",
                f.severity,
                f.code,
                f.message,
                f.location.uri()
            );
        }
        if let Some(cluster) = &f.cluster {
            text.push_str(&self.fill(&format!("cluster: {cluster}"), "  ", "    "));
        }
        text
    }

    /// The closing summary: a small table (clusters, findings by severity, probes, result);
    /// nothing with `--quiet`.
    fn summary(&self, report: &RunReport) -> String {
        let mut findings: Vec<String> = report
            .counts()
            .iter()
            .rev()
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| self.paint(&format!("{n} {}", plural(s.as_str(), *n)), *s))
            .collect();
        if findings.is_empty() {
            findings.push("none".into());
        }
        let mut findings = findings.join(", ");
        if report.suppressed > 0 {
            findings.push_str(&format!("; {} suppressed", report.suppressed));
        }
        if report.baselined > 0 {
            findings.push_str(&format!("; {} in the baseline", report.baselined));
        }
        let counts = report.cluster_counts();
        let count_of = |status: ClusterStatus| {
            counts
                .iter()
                .find(|(s, _)| *s == status)
                .map_or(0, |(_, n)| *n)
        };
        // Skipped clusters (`--cluster` chose others) were not checked, so they are not
        // counted as such.
        let skipped = count_of(ClusterStatus::Skipped);
        let checked = report.clusters.len() - skipped;
        let by_status = counts
            .iter()
            .filter(|(s, n)| *n > 0 && *s != ClusterStatus::Skipped)
            .map(|(s, n)| format!("{n} {}", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let mut clusters = if by_status.is_empty() {
            format!("{checked} checked")
        } else {
            format!("{checked} checked: {by_status}")
        };
        if skipped > 0 {
            clusters.push_str(&format!("; {skipped} skipped"));
        }
        let clusters = report.checks_clusters.then_some(clusters);
        let probes = (!report.probes.is_empty()).then(|| {
            let count = |o: Outcome| report.probes.iter().filter(|r| r.outcome == o).count();
            let mut text = format!(
                "{} passed, {} failed",
                count(Outcome::Pass),
                count(Outcome::Fail)
            );
            for (o, name) in [
                (Outcome::Inconclusive, "inconclusive"),
                (Outcome::Skipped, "skipped"),
            ] {
                if count(o) > 0 {
                    text.push_str(&format!(", {} {name}", count(o)));
                }
            }
            text
        });
        let result = if report.fails() {
            self.paint(
                &format!("failed: findings at or above `{}`", report.fail_on),
                Severity::Error,
            )
        } else {
            format!("ok: nothing at or above `{}`", report.fail_on)
        };
        if self.options.quiet {
            return String::new(); // `-q`: the findings and nothing else, like ruff
        }
        let mut text = String::from("summary\n");
        let rows = [
            ("clusters", clusters),
            ("findings", Some(findings)),
            ("probes", probes),
            ("result", Some(result)),
        ];
        for (name, value) in rows {
            if let Some(value) = value {
                text.push_str(&self.fill(&value, &format!("  {name:<10}"), &" ".repeat(12)));
            }
        }
        if let Some(first) = report.findings.first() {
            text.push('\n');
            text.push_str(&self.fill(
                &format!(
                    "run `statelint explain {}` (or any code above) for what a rule checks and how to fix it",
                    first.code
                ),
                "",
                "",
            ));
        }
        text
    }
}

fn plural(word: &str, n: usize) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

impl Reporter for HumanReporter {
    fn render(
        &self,
        report: &RunReport,
        sources: &SourceDb,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        if let Some(store) = &report.store {
            if !self.options.quiet {
                let line = format!("store: {} (from {})", store.url, store.source);
                write!(out, "{}", self.fill(&line, "", "  "))?;
                writeln!(out)?;
            }
        }
        if let Some(access) = &report.access {
            if !self.options.quiet {
                let changes = access.access_changes.as_deref();
                let table = crate::policy::access::render::text(
                    &access.principals,
                    changes,
                    self.options.verbose,
                );
                writeln!(out, "{}\n\n{table}", access.header)?;
            }
        }
        for f in &report.findings {
            if self.options.quiet && f.severity < report.fail_on {
                continue;
            }
            write!(out, "{}", self.finding(f, sources))?;
            writeln!(out)?;
        }
        let show_probe = |r: &&crate::probes::ProbeResult| {
            self.options.verbose || !matches!(r.outcome, Outcome::Pass | Outcome::Skipped)
        };
        if report.probes.iter().any(|r| show_probe(&r)) && !self.options.quiet {
            writeln!(out, "probes:")?;
            for r in report.probes.iter().filter(show_probe) {
                let (word, tone) = match r.outcome {
                    Outcome::Pass => ("pass", Some(Severity::Note)),
                    Outcome::Fail => ("FAIL", Some(Severity::Error)),
                    Outcome::Inconclusive => ("inconclusive", Some(Severity::Warning)),
                    Outcome::Skipped => ("skipped", None),
                };
                let outcome = tone.map_or(word.to_string(), |t| self.paint(word, t));
                let detail = if r.detail.is_empty() {
                    String::new()
                } else {
                    format!("  ({})", r.detail)
                };
                // Padded by hand: the outcome may carry colour codes.
                let pad = " ".repeat(12usize.saturating_sub(word.len()));
                let line = format!("{:<30} {}{detail}", r.action, r.target);
                write!(
                    out,
                    "{}",
                    self.fill(&line, &format!("  {outcome}{pad} "), &" ".repeat(17))
                )?;
            }
            writeln!(out)?;
        }
        if let Some(handoff) = report.handoff.as_ref().filter(|_| !self.options.quiet) {
            write!(
                out,
                "{}",
                self.prose(&crate::probes::handoff::render(handoff))
            )?;
            writeln!(out)?;
        }
        if self.options.verbose {
            writeln!(out, "clusters:")?;
            for c in &report.clusters {
                let status = match c.status {
                    ClusterStatus::Valid => "valid",
                    ClusterStatus::Invalid => "invalid",
                    ClusterStatus::Error => "error (not loaded)",
                    ClusterStatus::Skipped => "skipped",
                };
                writeln!(
                    out,
                    "  {:<40} {status:<18} {} instance {}",
                    c.name,
                    c.instance_groups,
                    plural("group", c.instance_groups)
                )?;
            }
            writeln!(out)?;
        }
        write!(out, "{}", self.summary(report))
    }
}
