//! `--format github`: GitHub Actions workflow commands, one annotation per finding.
//!
//! Syntax: `::error file=F,line=L,col=C,endLine=L,endColumn=C,title=T::message`. Property
//! values and the message are escaped as the Actions runner expects.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{Reporter, RunReport};
use crate::findings::{Finding, Location, Severity};
use crate::source::SourceDb;

pub struct GithubReporter {
    base_dir: Option<PathBuf>,
}

impl GithubReporter {
    /// Paths are shown relative to `base_dir` (the workspace) when under it.
    pub fn new(base_dir: Option<PathBuf>) -> GithubReporter {
        GithubReporter { base_dir }
    }

    fn line(&self, f: &Finding) -> String {
        let command = match f.severity {
            Severity::Critical | Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut props = Vec::new();
        let mut message = f.message.clone();
        match &f.location {
            Location::File { url, span, .. } => match github_path(url, self.base_dir.as_deref()) {
                Some(path) => {
                    props.push(format!("file={}", escape_property(&path)));
                    props.push(format!("line={}", span.line));
                    props.push(format!("col={}", span.column));
                    props.push(format!("endLine={}", span.end_line));
                    props.push(format!("endColumn={}", span.end_column));
                }
                None => message = format!("{message} ({url}:{}:{})", span.line, span.column),
            },
            Location::Resource { uri } => message = format!("{message} ({uri})"),
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("{} {}", f.code, f.name))
        ));
        if let Some(cluster) = &f.cluster {
            message = format!("[{cluster}] {message}");
        }
        if let Some(help) = &f.help {
            message = format!("{message}\nhelp: {help}");
        }
        format!("::{command} {}::{}", props.join(","), escape_data(&message))
    }
}

impl Reporter for GithubReporter {
    fn render(&self, report: &RunReport, _: &SourceDb, out: &mut dyn Write) -> io::Result<()> {
        for f in &report.findings {
            writeln!(out, "{}", self.line(f))?;
        }
        Ok(())
    }
}

/// The repository path of a local file (a `file://` URL or a bare path): relative to
/// `base_dir` when under it, else as given. Remote URLs (buckets) have no repository path.
pub fn github_path(url: &str, base_dir: Option<&Path>) -> Option<String> {
    let path = match url.strip_prefix("file://") {
        Some(p) => p,
        None if url.contains("://") => return None,
        None => url,
    };
    let path = Path::new(path);
    let shown = base_dir
        .and_then(|base| path.strip_prefix(base).ok())
        .unwrap_or(path);
    Some(shown.to_string_lossy().into_owned())
}

/// Escapes a message: `%`, CR and LF.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as [`escape_data`], plus `:` and `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_the_runner_parses() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn paths_are_relative_to_the_workspace() {
        let base = Path::new("/home/runner/work/repo");
        assert_eq!(
            github_path("file:///home/runner/work/repo/store/c/config", Some(base)).as_deref(),
            Some("store/c/config")
        );
        assert_eq!(
            github_path("file:///elsewhere/c/config", Some(base)).as_deref(),
            Some("/elsewhere/c/config")
        );
        assert_eq!(github_path("s3://bucket/c/config", Some(base)), None);
        assert_eq!(
            github_path("store/c/config", Some(base)).as_deref(),
            Some("store/c/config")
        );
    }
}
