//! Exit statuses, and which findings mean that statelint could not do its job (exit 2)
//! rather than that the store has problems (exit 1), so CI can tell the two apart.

use crate::findings::{CodeInfo, Finding, Severity};

/// The exit-status table, shown in `--help` (top level and `check`) and the README.
#[macro_export]
macro_rules! exit_table {
    () => {
        "Exit status:
  0  clean: no finding at or above the fail level (--fail-on)
  1  findings at or above the fail level, including a missing bucket (SL030),
     access denied (SL031) and a run that checked no cluster (SL011)
  2  statelint could not do its job: bad arguments, an unreadable or invalid lint
     config (SL901) or baseline, an unreadable input file (SL029), an unusable
     store URL (SL001, SL003, SL004, SL028), a store that cannot be opened or
     reached (SL010, SL034-SL036), missing or rejected credentials (SL032, SL037),
     or an output that cannot be written"
    };
}

/// Exit statuses (ruff/cargo-deny convention).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Clean = 0,
    Findings = 1,
    ToolError = 2,
}

/// Codes that say the run could not look at the store at all: the URL is unusable, the
/// store did not answer, or the caller has no usable credentials. A missing bucket or a
/// denied read is an answer about the store, so those stay findings (exit 1).
pub fn run_failure_codes() -> [&'static CodeInfo; 12] {
    use crate::resolve::diags as resolve;
    use crate::vfs::diags as remote;
    [
        &resolve::NO_STATE_STORE,
        &resolve::INVALID_STORE_URL,
        &resolve::MISTYPED_STORE_URL,
        &resolve::MISSING_BUCKET,
        &crate::config::INVALID_CONFIG,
        &crate::input::diags::INPUT_UNREADABLE,
        &crate::store::diags::STORE_UNREACHABLE,
        &remote::BAD_CREDENTIALS,
        &remote::ENDPOINT_UNREACHABLE,
        &remote::REQUEST_TIMEOUT,
        &remote::SERVICE_UNAVAILABLE,
        &remote::NO_CREDENTIALS,
    ]
}

/// Whether `finding` means the run could not do its job.
pub fn is_run_failure(finding: &Finding) -> bool {
    run_failure_codes().iter().any(|c| c.code == finding.code)
}

/// The status of a run with these (final, unsuppressed) findings: 2 when one of them is a
/// run failure, whatever the fail level (the run did not see the store), else 1 when any
/// finding reaches the fail level, else 0.
pub fn of_findings(findings: &[Finding], fail_on: Severity) -> Status {
    if findings.iter().any(is_run_failure) {
        Status::ToolError
    } else if findings.iter().any(|f| f.severity >= fail_on) {
        Status::Findings
    } else {
        Status::Clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Location;

    fn finding(info: &'static CodeInfo) -> Finding {
        Finding::new(info, "x".to_string(), Location::resource("s3://b"))
    }

    #[test]
    fn run_failures_win_over_findings_whatever_the_fail_level() {
        let timeout = finding(&crate::vfs::diags::REQUEST_TIMEOUT);
        let denied = finding(&crate::vfs::diags::ACCESS_DENIED);
        assert_eq!(of_findings(&[], Severity::Error), Status::Clean);
        assert_eq!(
            of_findings(std::slice::from_ref(&denied), Severity::Error),
            Status::Findings
        );
        assert_eq!(
            of_findings(&[denied, timeout.clone()], Severity::Error),
            Status::ToolError
        );
        assert_eq!(
            of_findings(&[timeout], Severity::Critical),
            Status::ToolError
        );
        let warning = finding(&crate::store::diags::LEGACY_CLUSTER_SPEC);
        assert_eq!(of_findings(&[warning], Severity::Error), Status::Clean);
    }
}
