//! `--format junit`: JUnit XML for CI test-report views. One test suite per cluster (plus
//! `store` for findings that belong to no cluster); a finding at or above the fail level is a
//! failing test case, one below it a passing case with the finding in `system-out`.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{ClusterStatus, Reporter, RunReport};
use crate::findings::{Finding, Location};
use crate::source::SourceDb;

pub struct JunitReporter;

/// Escapes text for XML content and attributes; drops characters XML 1.0 cannot carry.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => {
                let _ = write!(out, "&#{};", c as u32);
            }
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn where_(f: &Finding) -> String {
    match &f.location {
        Location::File { url, span, .. } => format!("{url}:{}:{}", span.line, span.column),
        Location::Resource { uri } => uri.clone(),
    }
}

struct Suite<'a> {
    name: &'a str,
    skipped: bool,
    findings: Vec<&'a Finding>,
}

impl Reporter for JunitReporter {
    fn render(&self, report: &RunReport, _: &SourceDb, out: &mut dyn Write) -> io::Result<()> {
        let mut suites: Vec<Suite<'_>> = report
            .clusters
            .iter()
            .map(|c| Suite {
                name: &c.name,
                skipped: c.status == ClusterStatus::Skipped,
                findings: Vec::new(),
            })
            .collect();
        let mut store = Suite {
            name: "store",
            skipped: false,
            findings: Vec::new(),
        };
        for f in &report.findings {
            let suite = f
                .cluster
                .as_deref()
                .and_then(|c| suites.iter_mut().find(|s| s.name == c));
            match suite {
                Some(s) => s.findings.push(f),
                None => store.findings.push(f),
            }
        }
        if !store.findings.is_empty() || suites.is_empty() {
            suites.insert(0, store);
        }

        let failing = |f: &Finding| f.severity >= report.fail_on;
        let tests: usize = suites.iter().map(|s| s.findings.len().max(1)).sum();
        let failures: usize = suites
            .iter()
            .map(|s| s.findings.iter().filter(|f| failing(f)).count())
            .sum();
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            xml,
            "<testsuites name=\"statelint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
        );
        for s in &suites {
            let name = xml_escape(s.name);
            let n = s.findings.len().max(1);
            let fails = s.findings.iter().filter(|f| failing(f)).count();
            let skipped = usize::from(s.skipped);
            let _ = writeln!(
                xml,
                "  <testsuite name=\"{name}\" tests=\"{n}\" failures=\"{fails}\" errors=\"0\" skipped=\"{skipped}\">"
            );
            if s.findings.is_empty() {
                let verdict = if s.skipped { "skipped" } else { "valid" };
                let _ = write!(
                    xml,
                    "    <testcase classname=\"statelint.{name}\" name=\"{verdict}\""
                );
                if s.skipped {
                    xml.push_str(">\n      <skipped message=\"not selected by --cluster\"/>\n    </testcase>\n");
                } else {
                    xml.push_str("/>\n");
                }
            }
            for f in &s.findings {
                let case = xml_escape(&format!(
                    "{} {} {}",
                    f.code,
                    f.name,
                    f.pointer.as_deref().unwrap_or_else(|| f.location.uri())
                ));
                let mut body = format!("{}\nat {}", f.message, where_(f));
                if let Some(help) = &f.help {
                    body.push_str(&format!("\nhelp: {help}"));
                }
                let _ = writeln!(
                    xml,
                    "    <testcase classname=\"statelint.{name}\" name=\"{case}\">"
                );
                if failing(f) {
                    let _ = writeln!(
                        xml,
                        "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                        f.code,
                        xml_escape(&f.message),
                        xml_escape(&body)
                    );
                } else {
                    let _ = writeln!(
                        xml,
                        "      <system-out>{}: {}</system-out>",
                        f.severity,
                        xml_escape(&body)
                    );
                }
                xml.push_str("    </testcase>\n");
            }
            xml.push_str("  </testsuite>\n");
        }
        xml.push_str("</testsuites>\n");
        out.write_all(xml.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(
            xml_escape("a<b>&\"c\" 'd'\u{1}\u{7}\ne"),
            "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;&#10;e"
        );
    }
}
