//! The one findings model every check produces and every renderer consumes.
//!
//! A [`Finding`] is built through the typed constructors that live beside each check
//! (see `rules/*.rs`, `store/diags.rs`, ...), never with ad-hoc strings at call sites.

use serde::Serialize;
use std::fmt;

use crate::source::{FileId, Span};

/// Metadata of one public code. The documentation `statelint explain` prints lives in
/// `docs/codes/<CODE>.md`, with the sections "What it checks", "Why", "Example", "Fix".
#[derive(Debug)]
pub struct CodeInfo {
    /// e.g. `SL101`.
    pub code: &'static str,
    /// kebab-case name, e.g. `config-base-mismatch`.
    pub name: &'static str,
    pub default_severity: Severity,
    /// One line: what the code means.
    pub summary: &'static str,
    /// Markdown, from `docs/codes/<CODE>.md`.
    pub doc: &'static str,
}

/// Declares one code: `code!(STATIC, "SL123", "kebab-name", Severity, "summary")`.
/// Its documentation is compiled in from `docs/codes/SL123.md`, so a code without a doc
/// file does not build.
macro_rules! code {
    ($id:ident, $code:literal, $name:literal, $sev:ident, $summary:literal) => {
        pub static $id: $crate::findings::CodeInfo = $crate::findings::CodeInfo {
            code: $code,
            name: $name,
            default_severity: $crate::findings::Severity::$sev,
            summary: $summary,
            doc: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/docs/codes/",
                $code,
                ".md"
            )),
        };
    };
}
pub(crate) use code;

/// How bad a finding is. Ordered: `Note < Warning < Error < Critical`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Note,
        Severity::Warning,
        Severity::Error,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding points: a place in a loaded file, or a remote resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Location {
    /// A span inside a file registered in the [`crate::source::SourceDb`].
    File {
        #[serde(skip)]
        file: FileId,
        /// The file's URL inside the store (credentials already redacted).
        url: String,
        #[serde(flatten)]
        span: Span,
    },
    /// An object, bucket, principal or URL that has no text of ours to point into.
    Resource { uri: String },
}

impl Location {
    pub fn resource(uri: impl Into<String>) -> Location {
        Location::Resource { uri: uri.into() }
    }

    /// The URL or URI, whichever kind of location this is.
    pub fn uri(&self) -> &str {
        match self {
            Location::File { url, .. } => url,
            Location::Resource { uri } => uri,
        }
    }
}

/// One problem found by statelint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable public code, e.g. `SL101`.
    pub code: &'static str,
    /// Stable kebab-case name of the code, e.g. `config-base-mismatch`.
    pub name: &'static str,
    pub severity: Severity,
    /// Lower-case sentence naming the offending value in backticks.
    pub message: String,
    /// The remedy, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    pub location: Location,
    /// The cluster the finding belongs to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// JSON pointer into the document the location belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

impl Finding {
    /// Starts a finding with the code's default severity.
    pub fn new(info: &'static CodeInfo, message: impl Into<String>, location: Location) -> Finding {
        Finding {
            code: info.code,
            name: info.name,
            severity: info.default_severity,
            message: message.into(),
            help: None,
            location,
            cluster: None,
            pointer: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    pub fn with_cluster(mut self, cluster: impl Into<String>) -> Finding {
        self.cluster = Some(cluster.into());
        self
    }

    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Finding {
        self.pointer = Some(pointer.into());
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    /// A key that stays the same when unrelated lines move: rule, cluster, file and pointer.
    pub fn stable_key(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.code,
            self.cluster.as_deref().unwrap_or(""),
            self.location.uri(),
            self.pointer.as_deref().unwrap_or("")
        )
    }
}

/// Orders findings for deterministic output: by file, position, then code.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let pos = |f: &Finding| match &f.location {
            Location::File { span, .. } => (span.line, span.column),
            Location::Resource { .. } => (0, 0),
        };
        a.location
            .uri()
            .cmp(b.location.uri())
            .then(pos(a).cmp(&pos(b)))
            .then(a.code.cmp(b.code))
            .then(a.message.cmp(&b.message))
    });
}
