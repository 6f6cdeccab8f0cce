//! `statelint probe`: the permission probes alone, writes included unless `--read-only`
//! (`check` runs the read-only ones unless `--offline`).

use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use crate::cli::ProbeArgs;
use crate::env::Environment;
use crate::findings::{sort_findings, Severity};
use crate::probes;
use crate::report::progress::StatusLine;
use crate::report::{RunReport, StoreSummary};
use crate::source::SourceDb;
use crate::store::diags as store_diags;
use crate::vfs;

use super::{render, Status};

/// Runs the permission probes with interrupt cleanup installed.
pub fn run_probes(
    backend: &Arc<dyn crate::vfs::Backend>,
    s3_store: Option<&crate::vfs::s3::S3Store>,
    sources: &SourceDb,
    options: &probes::ProbeOptions,
    cwd: Option<&Path>,
) -> probes::ProbeRun {
    probes::guard::install_interrupt_cleanup(|left| {
        if left > 0 {
            eprintln!("statelint: interrupted; {left} probe object(s) could not be removed");
        }
    });
    let mut run = probes::probe(backend, s3_store, options, cwd);
    // The live bucket policy goes through the same linter as `check --policy`.
    if let (Some((text, owner)), Some(store)) = (run.bucket_policy.take(), s3_store) {
        use crate::policy::lint::{self as policy_lint, PolicyContext};
        let url = format!("{}?policy", store.settings.bucket_url());
        match crate::policy::parse::parse(&url, &text, sources) {
            Ok(parsed) => run.findings.extend(policy_lint::lint(&PolicyContext {
                parsed: &parsed,
                owner_account: owner.as_deref(),
            })),
            Err(e) => run.findings.push(e.into_finding()),
        }
    }
    run
}

/// `statelint probe`: the permission probes alone.
pub fn run(args: &ProbeArgs, env: &dyn Environment, out: &mut dyn Write) -> io::Result<Status> {
    let sources = SourceDb::new();
    let cwd = env.current_dir();
    let resolution = args.store.resolve(env, &sources);
    let mut findings = resolution.findings.clone();
    let mut results = Vec::new();
    let mut handoff = None;
    if let Some(arn) = &args.caller {
        if let Err(e) = crate::policy::evaluate::Caller::from_arn(arn) {
            return super::fail(format!("`--caller {arn}` is not an IAM ARN: {e}"));
        }
    }
    let identity_policies = if args.identity_policies.is_empty() {
        None
    } else {
        match probes::identity::from_files(&args.identity_policies) {
            Ok(given) => Some(given),
            Err(e) => return super::fail(e),
        }
    };
    // The identity policies given are read, so they get the identity-policy lint too.
    for path in &args.identity_policies {
        findings.extend(crate::policy::lint::lint_identity_policy_file(
            path, &sources,
        ));
    }
    let options = probes::ProbeOptions {
        clusters: args.clusters.clone(),
        read_only: args.read_only,
        caller: args.caller.clone(),
        bucket_owner: args.bucket_owner.clone(),
        identity_policies,
        verbose: args.output.verbose,
        max_requests: args.requests.given(),
        ..Default::default()
    };
    if let Some(url) = &resolution.store {
        match vfs::open_with_control(url, env) {
            Ok((backend, s3_store)) => {
                let _waiting = (!args.output.quiet).then(|| {
                    StatusLine::show(format!("probing permissions on {}", url.redacted()))
                });
                let run = run_probes(
                    &backend,
                    s3_store.as_ref(),
                    &sources,
                    &options,
                    cwd.as_deref(),
                );
                handoff = run.handoff;
                // How the store was opened (region lookup, configuration) matters here too.
                findings.extend(backend.open_findings());
                findings.extend(run.findings);
                results = run.results;
            }
            Err(e) => findings.push(store_diags::store_unreachable(&url.redacted(), &e)),
        }
    }
    sort_findings(&mut findings);
    let store = resolution.store.as_ref().map(|url| StoreSummary {
        url: url.redacted(),
        source: resolution.source_id().unwrap_or("unknown").to_string(),
    });
    let report = RunReport {
        probes: results,
        handoff,
        ..RunReport::new(store, findings, Severity::Error)
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
