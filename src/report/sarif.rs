//! `--format sarif`: SARIF 2.1.0 for code-scanning tools.
//!
//! Every code statelint knows is a rule of the driver (with its summary and documentation),
//! every finding a result with a level, a physical location and a fingerprint that survives
//! unrelated edits (see [`fingerprint`](super::fingerprint)).

use serde_json::{json, Value};
use std::io::{self, Write};

use super::{fingerprint, Reporter, RunReport};
use crate::codes;
use crate::findings::{CodeInfo, Finding, Location, Severity};
use crate::source::SourceDb;

/// The `$schema` of the output.
pub const SARIF_SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

const INFORMATION_URI: &str = "https://github.com/statelint/statelint";

pub struct SarifReporter;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn rule(info: &CodeInfo) -> Value {
    json!({
        "id": info.code,
        "name": info.name,
        "shortDescription": { "text": info.summary },
        "fullDescription": { "text": info.summary },
        "help": { "text": info.doc, "markdown": info.doc },
        "defaultConfiguration": { "level": level(info.default_severity) },
        "properties": { "severity": info.default_severity.as_str() },
    })
}

fn location(f: &Finding) -> Value {
    match &f.location {
        Location::File { url, span, .. } => json!({
            "physicalLocation": {
                "artifactLocation": { "uri": url },
                "region": {
                    "startLine": span.line.max(1),
                    "startColumn": span.column.max(1),
                    "endLine": span.end_line.max(span.line).max(1),
                    "endColumn": span.end_column.max(1),
                }
            }
        }),
        Location::Resource { uri } => json!({
            "physicalLocation": { "artifactLocation": { "uri": uri } },
            "logicalLocations": [{ "fullyQualifiedName": uri, "kind": "resource" }],
        }),
    }
}

impl SarifReporter {
    pub fn to_value(report: &RunReport) -> Value {
        let all = codes::all();
        let rules: Vec<Value> = all.iter().map(|c| rule(c)).collect();
        let results: Vec<Value> = report
            .findings
            .iter()
            .map(|f| {
                let index = all.iter().position(|c| c.code == f.code);
                let mut text = f.message.clone();
                if let Some(help) = &f.help {
                    text = format!("{text}\nhelp: {help}");
                }
                let mut properties = json!({ "severity": f.severity.as_str() });
                if let Some(cluster) = &f.cluster {
                    properties["cluster"] = json!(cluster);
                }
                if let Some(pointer) = &f.pointer {
                    properties["pointer"] = json!(pointer);
                }
                let mut result = json!({
                    "ruleId": f.code,
                    "level": level(f.severity),
                    "message": { "text": text },
                    "locations": [location(f)],
                    "partialFingerprints": { "statelint/v1": fingerprint(f) },
                    "properties": properties,
                });
                if let Some(i) = index {
                    result["ruleIndex"] = json!(i);
                }
                result
            })
            .collect();
        json!({
            "$schema": SARIF_SCHEMA_URI,
            "version": "2.1.0",
            "runs": [{
                "tool": {
                    "driver": {
                        "name": report.tool.name,
                        "version": report.tool.version,
                        "semanticVersion": report.tool.version,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "invocations": [{ "executionSuccessful": true }],
                "results": results,
            }]
        })
    }
}

impl Reporter for SarifReporter {
    fn render(&self, report: &RunReport, _: &SourceDb, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &SarifReporter::to_value(report))?;
        writeln!(out)
    }
}
