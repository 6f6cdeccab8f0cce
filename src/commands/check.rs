//! `statelint check`: validate every cluster of the store, then probe it unless `--offline`.

use std::io::{self, IsTerminal, Write};
use std::sync::Arc;

use crate::baseline::Baseline;
use crate::check::{self, CheckOptions, Progress};
use crate::cli::CheckArgs;
use crate::env::Environment;
use crate::report::progress::BarProgress;
use crate::report::{RunReport, StoreSummary};
use crate::resolve::url::Scheme;
use crate::source::SourceDb;
use crate::store::diags as store_diags;
use crate::vfs;

use super::{load_lint_config, render, settle, write_file_verified, Status};

pub fn run(args: &CheckArgs, env: &dyn Environment, out: &mut dyn Write) -> io::Result<Status> {
    let sources = SourceDb::new();
    let cwd = env.current_dir();
    let (lint_config, mut findings) =
        load_lint_config(args.lint_config.as_deref(), cwd.as_deref(), &sources)?;

    let resolution = args.store.resolve(env, &sources);
    findings.extend(resolution.findings.iter().cloned());
    let store = resolution.store.as_ref().map(|url| StoreSummary {
        url: url.redacted(),
        source: resolution.source_id().unwrap_or("unknown").to_string(),
    });

    let mut checked = Vec::new();
    let mut probe_results = Vec::new();
    if let Some(url) = &resolution.store {
        match vfs::open_with_control(url, env) {
            Ok((backend, s3_store)) => {
                let progress: Option<Arc<dyn Progress>> = (io::stderr().is_terminal()
                    && !args.output.quiet)
                    .then(|| Arc::new(BarProgress::default()) as Arc<dyn Progress>);
                let mut options = CheckOptions {
                    clusters: args.clusters.clone(),
                    jobs: args.jobs,
                    max_requests: args.requests.given(),
                    progress,
                    ..CheckOptions::default()
                };
                if let Some(max) = args.max_file_size.or(lint_config.max_file_size) {
                    options.load.max_object_bytes = max;
                }
                let outcome =
                    check::check_store(backend.as_ref(), &options, &sources, cwd.as_deref());
                findings.extend(outcome.findings);
                if url.scheme == Scheme::K8s {
                    findings.extend(vfs::k8s::config_base_findings(
                        backend.as_ref(),
                        env,
                        &sources,
                        &args.clusters,
                        !args.offline,
                    ));
                }
                checked = outcome.clusters;
                if !args.offline {
                    let run = super::probe::run_probes(
                        &backend,
                        s3_store.as_ref(),
                        &sources,
                        &args.clusters,
                        args.read_only,
                        cwd.as_deref(),
                    );
                    findings.extend(run.findings);
                    probe_results = run.results;
                }
            }
            Err(e) => findings.push(store_diags::store_unreachable(&url.redacted(), &e)),
        }
    }

    let (fail_on, applied) = settle(args.fail_on, &lint_config, findings);
    let mut findings = applied.findings;

    let store_root = resolution
        .store
        .as_ref()
        .map(|u| u.redacted())
        .unwrap_or_default();
    if let Some(path) = &args.write_baseline {
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
        clusters: check::summarize(&checked, &findings, fail_on),
        suppressed: applied.suppressed,
        baselined,
        probes: probe_results,
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
