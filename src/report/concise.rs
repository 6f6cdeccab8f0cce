//! `--format concise`: one line per finding, `path:line:col: CODE [severity] message`, the
//! shape ruff, gcc and editors' problem matchers read. Findings without a place in a file
//! (a bucket, a URL) print that URI instead of `path:line:col`.

use std::io::{self, Write};
use std::path::PathBuf;

use super::{github_path, Reporter, RunReport};
use crate::findings::{Finding, Location};
use crate::source::SourceDb;

pub struct ConciseReporter {
    base_dir: Option<PathBuf>,
}

impl ConciseReporter {
    /// Local paths are shown relative to `base_dir` (the working directory) when under it.
    pub fn new(base_dir: Option<PathBuf>) -> ConciseReporter {
        ConciseReporter { base_dir }
    }

    fn line(&self, f: &Finding) -> String {
        let place = match &f.location {
            Location::File { url, span, .. } => {
                let path =
                    github_path(url, self.base_dir.as_deref()).unwrap_or_else(|| url.clone());
                format!("{path}:{}:{}", span.line, span.column)
            }
            Location::Resource { uri } => uri.clone(),
        };
        // One line: a message never spans lines here, whatever it carries.
        let message = f.message.replace('\n', " ");
        format!("{place}: {} [{}] {message}", f.code, f.severity)
    }
}

impl Reporter for ConciseReporter {
    fn render(&self, report: &RunReport, _: &SourceDb, out: &mut dyn Write) -> io::Result<()> {
        for f in &report.findings {
            writeln!(out, "{}", self.line(f))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn finding(location: Location) -> Finding {
        let info = crate::codes::lookup("SL101").expect("SL101 exists");
        Finding::new(info, "first\nsecond", location)
    }

    #[test]
    fn prints_path_line_col_code_severity_message_on_one_line() {
        let reporter = ConciseReporter::new(Some(PathBuf::from("/repo")));
        let at = Location::File {
            file: crate::source::FileId::default(),
            url: "file:///repo/store/a.example.com/config".into(),
            span: Span {
                line: 3,
                column: 5,
                end_line: 3,
                end_column: 9,
                offset: 0,
                length: 4,
            },
        };
        let f = finding(at);
        assert_eq!(
            reporter.line(&f),
            format!(
                "store/a.example.com/config:3:5: {} [{}] first second",
                f.code, f.severity
            )
        );
        let remote = finding(Location::resource("s3://bucket/kops"));
        assert!(reporter.line(&remote).starts_with("s3://bucket/kops: "));
    }
}
