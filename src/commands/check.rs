//! `statelint check`: validate every cluster of the store, then probe it read-only unless
//! `--offline` (the write probes only with `--write-probes`).

use std::io::{self, IsTerminal, Write};
use std::sync::Arc;

use crate::baseline::Baseline;
use crate::check::{self, CheckOptions, CheckedCluster, Progress};
use crate::cli::CheckArgs;
use crate::env::Environment;
use crate::findings::Finding;
use crate::probes::ProbeResult;
use crate::report::progress::{BarProgress, StatusLine};
use crate::report::{RunReport, StoreSummary};
use crate::resolve::url::{Scheme, StoreUrl};
use crate::source::SourceDb;
use crate::store::diags as store_diags;
use crate::vfs;

use super::{load_lint_config, render, settle, write_file_verified, Status};

/// How one store is checked: by `check`, and by `migrate` on its destination.
#[derive(Debug, Clone, Default)]
pub struct StoreCheckOptions {
    /// Only these clusters (empty: all).
    pub clusters: Vec<String>,
    /// No permission probes at all.
    pub offline: bool,
    /// Also the write, read-back and delete probes (never by default).
    pub write_probes: bool,
    pub jobs: Option<usize>,
    /// Requests in flight while reading the store (default: the scheduler's).
    pub max_requests: Option<usize>,
    pub max_file_size: Option<u64>,
    /// Show a progress bar and what is being waited for (terminal only).
    pub show_progress: bool,
    /// Keep the servers' raw answers in probe messages (`--verbose`).
    pub verbose: bool,
    /// The kops release to judge by (`--kops-version`); else each cluster's
    /// `kops-version.txt`, else the newest release statelint knows.
    pub kops_version: Option<crate::rules::kops::version::KopsVersion>,
}

/// What checking one store found, before the lint config is applied.
#[derive(Debug, Default)]
pub struct StoreCheck {
    pub findings: Vec<Finding>,
    pub clusters: Vec<CheckedCluster>,
    pub probes: Vec<ProbeResult>,
    /// What a denied caller can do alone and what to ask the bucket owner for.
    pub handoff: Option<crate::probes::handoff::Handoff>,
}

/// Checks the store at `url` the way `statelint check` does: its clusters, then (unless
/// offline) the read-only probes. Once the store stopped answering nothing more is asked.
pub fn check_url(
    url: &StoreUrl,
    env: &dyn Environment,
    sources: &SourceDb,
    options: &StoreCheckOptions,
) -> StoreCheck {
    check_url_through(url, env, sources, options, &|backend| backend)
}

/// As [`check_url`], every call going through `through(backend)` (`migrate` answers reads of
/// what it just wrote and verified from memory; everything else is the same).
pub fn check_url_through(
    url: &StoreUrl,
    env: &dyn Environment,
    sources: &SourceDb,
    options: &StoreCheckOptions,
    through: &dyn Fn(Arc<dyn vfs::Backend>) -> Arc<dyn vfs::Backend>,
) -> StoreCheck {
    let cwd = env.current_dir();
    let mut result = StoreCheck::default();
    if let Some(finding) = crate::store::hint::manifest_file(url, cwd.as_deref()) {
        result.findings.push(finding);
        return result;
    }
    let (backend, s3_store) = match vfs::open_with_control(url, env) {
        Ok((backend, s3_store)) => (through(backend), s3_store),
        Err(e) => {
            result
                .findings
                .push(store_diags::store_unreachable(&url.redacted(), &e));
            return result;
        }
    };
    let progress: Option<Arc<dyn Progress>> = (options.show_progress && io::stderr().is_terminal())
        .then(|| Arc::new(BarProgress::default()) as Arc<dyn Progress>);
    let mut check_options = CheckOptions {
        clusters: options.clusters.clone(),
        jobs: options.jobs,
        max_requests: options.max_requests,
        progress,
        kops_version: options.kops_version.clone(),
        ..CheckOptions::default()
    };
    if let Some(max) = options.max_file_size {
        check_options.load.max_object_bytes = max;
    }
    let outcome = check::check_store(backend.as_ref(), &check_options, sources, cwd.as_deref());
    let observed = Arc::new(outcome.observed);
    result.findings.extend(outcome.findings);
    result.clusters = outcome.clusters;
    if backend.unreachable().is_some() {
        // SL034/SL035/SL036 is already reported; every further request would wait as long.
        return result;
    }
    if url.scheme == Scheme::K8s {
        result.findings.extend(vfs::k8s::config_base_findings(
            backend.as_ref(),
            env,
            sources,
            &options.clusters,
            !options.offline,
        ));
    }
    if !options.offline {
        let _waiting = options
            .show_progress
            .then(|| StatusLine::show(format!("probing permissions on {}", url.redacted())));
        let probe_options = crate::probes::ProbeOptions {
            clusters: options.clusters.clone(),
            read_only: !options.write_probes,
            verbose: options.verbose,
            max_requests: options.max_requests,
            // The check's listing and reads of each `config` are the list and read
            // probes' answers: the store is not asked twice.
            observed: Some(observed),
            ..Default::default()
        };
        let run = super::probe::run_probes(
            &backend,
            s3_store.as_ref(),
            sources,
            &probe_options,
            cwd.as_deref(),
        );
        result.findings.extend(run.findings);
        result.probes = run.results;
        result.handoff = run.handoff;
    }
    result
}

pub fn run(args: &CheckArgs, env: &dyn Environment, out: &mut dyn Write) -> io::Result<Status> {
    let sources = SourceDb::new();
    let cwd = env.current_dir();
    let (lint_config, mut findings) =
        load_lint_config(args.lint_config.as_deref(), cwd.as_deref(), &sources)?;

    let resolution = args
        .store
        .resolve_with(env, &sources, lint_config.state.as_ref());
    findings.extend(resolution.findings.iter().cloned());
    let store = resolution.store.as_ref().map(|url| StoreSummary {
        url: url.redacted(),
        source: resolution.source_id().unwrap_or("unknown").to_string(),
    });

    let mut checked = Vec::new();
    let mut probe_results = Vec::new();
    let mut handoff = None;
    if let Some(url) = &resolution.store {
        let options = StoreCheckOptions {
            clusters: args.clusters.clone(),
            offline: args.offline,
            write_probes: args.write_probes,
            jobs: args.jobs,
            max_requests: args.requests.given(),
            max_file_size: args.max_file_size.or(lint_config.max_file_size),
            show_progress: !args.output.quiet,
            verbose: args.output.verbose,
            kops_version: args.kops_version.clone(),
        };
        let result = check_url(url, env, &sources, &options);
        findings.extend(result.findings);
        checked = result.clusters;
        if !args.output.quiet {
            if let Some(line) = check::kops_versions_used(&checked) {
                eprintln!("statelint: {line}");
            }
        }
        probe_results = result.probes;
        handoff = result.handoff;
    }

    let (fail_on, applied) = settle(args.fail_on, &lint_config, findings);
    let mut findings = applied.findings;

    let store_root = resolution
        .store
        .as_ref()
        .map(|u| u.redacted())
        .unwrap_or_default();
    let could_not_check = findings.iter().any(super::status::is_run_failure);
    if could_not_check && args.write_baseline.is_some() {
        eprintln!("statelint: baseline not recorded: the store could not be checked");
    }
    if let Some(path) = args.write_baseline.as_ref().filter(|_| !could_not_check) {
        let baseline = Baseline::record(&findings, &store_root);
        write_file_verified(path, baseline.to_json().as_bytes())?;
        eprintln!(
            "statelint: recorded {} finding(s) in baseline `{}`",
            baseline.entries.len(),
            path.display()
        );
        return Ok(Status::Clean);
    }
    let mut baselined = 0;
    if let Some(path) = &args.baseline {
        let text = std::fs::read_to_string(path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot read baseline `{}`: {e}", path.display()),
            )
        })?;
        let baseline = Baseline::parse(&path.display().to_string(), &text)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
        let (fresh, absorbed) = baseline.filter(findings, &store_root);
        findings = fresh;
        baselined = absorbed;
    }
    let report = RunReport {
        clusters: check::summarize(&checked, &findings),
        checks_clusters: true,
        suppressed: applied.suppressed,
        baselined,
        probes: probe_results,
        handoff,
        ..RunReport::new(store, findings, fail_on)
    };
    render(
        &report,
        &sources,
        args.format,
        &args.output,
        env,
        cwd.clone(),
        out,
    )
}
