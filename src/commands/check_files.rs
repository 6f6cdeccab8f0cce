//! `statelint check PATH...`: kops manifests from files, folders or stdin, checked with the
//! same schemas and rules as a store. What needs the store's location (is `configBase` where
//! the files are?) is judged against `--state` when it is given (the store the manifest
//! would be written to), and otherwise said to be unchecked rather than guessed.

use std::io::{self, Write};

use crate::check::{self, CheckedCluster};
use crate::cli::CheckArgs;
use crate::env::Environment;
use crate::findings::Finding;
use crate::input::{self, diags as input_diags};
use crate::report::RunReport;
use crate::resolve::url::StoreUrl;
use crate::rules::kops::cluster_update;
use crate::rules::kops::version::{self, KopsVersion};
use crate::source::SourceDb;
use crate::store::diags as store_diags;

use super::{load_lint_config, render, settle, Status};

/// Rules that compare `spec.configBase` with the store the files were read from.
const NEEDS_STORE_LOCATION: &[&str] = &["SL101", "SL110"];

pub fn run(args: &CheckArgs, env: &dyn Environment, out: &mut dyn Write) -> io::Result<Status> {
    let sources = SourceDb::new();
    let cwd = env.current_dir();
    let (lint_config, mut findings) =
        load_lint_config(args.lint_config.as_deref(), cwd.as_deref(), &sources)?;
    let max_bytes = args
        .max_file_size
        .or(lint_config.max_file_size)
        .unwrap_or(crate::vfs::DEFAULT_MAX_OBJECT_BYTES);
    let input = input::read(&args.inputs, &mut io::stdin(), max_bytes, &sources);
    findings.extend(input.findings);

    // Files carry no `kops-version.txt`: the flag, else the newest release statelint knows.
    let (kops_version, version_source) = version::choose(args.kops_version.as_ref(), None);
    // With `--state`, the store holding the clusters the files would update: configBase is
    // compared with its location even when it cannot be opened.
    let store_url = match &args.store.state {
        Some(_) => {
            let resolution = args.store.resolve_with(env, &sources, None);
            findings.extend(resolution.findings.iter().cloned());
            resolution.store
        }
        None => None,
    };
    let store = store_url
        .as_ref()
        .and_then(|url| match crate::vfs::open(url, env) {
            Ok(backend) => Some(backend),
            Err(e) => {
                findings.push(store_diags::store_unreachable(&url.redacted(), &e));
                None
            }
        });
    let mut checked = Vec::new();
    for c in &input.clusters {
        if !args.clusters.is_empty() && !args.clusters.contains(&c.name) {
            checked.push(CheckedCluster {
                name: c.name.clone(),
                url: c.origin.clone(),
                loaded: false,
                instance_groups: 0,
                skipped: true,
                kops_version: None,
            });
            continue;
        }
        findings.extend(check_one(
            c,
            store_url.as_ref(),
            cwd.as_deref(),
            &kops_version,
        ));
        if let (Some(backend), Some(doc)) = (&store, &c.cluster) {
            findings.extend(compare_with_store(
                backend.as_ref(),
                &c.name,
                doc,
                max_bytes,
                &sources,
            ));
        }
        checked.push(CheckedCluster {
            name: c.name.clone(),
            url: c.origin.clone(),
            loaded: c.cluster.is_some(),
            instance_groups: c.instance_groups.len(),
            skipped: false,
            kops_version: Some((kops_version.clone(), version_source)),
        });
    }
    let shown = args
        .inputs
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let known: Vec<String> = input.clusters.iter().map(|c| c.name.clone()).collect();
    for wanted in &args.clusters {
        if !known.contains(wanted) {
            findings.push(store_diags::cluster_not_found(wanted, &shown, &known));
        }
    }
    let unreadable = findings
        .iter()
        .any(|f| f.code == input_diags::INPUT_UNREADABLE.code);
    if checked.iter().all(|c| c.skipped) && args.clusters.is_empty() && !unreadable {
        findings.push(store_diags::no_clusters(
            &shown,
            &format!("{} file(s) read, no `kind: Cluster` document in them", input.files),
            "give the Cluster manifest too (`kops get cluster NAME --full -o yaml`), or check the store with `--state URL`".to_string(),
        ));
    }

    let (fail_on, applied) = settle(args.fail_on, &lint_config, findings);
    let report = RunReport {
        clusters: check::summarize(&checked, &applied.findings),
        checks_clusters: true,
        suppressed: applied.suppressed,
        ..RunReport::new(None, applied.findings, fail_on)
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

/// The findings of one cluster of the input, judged as if it were kept in `store` (the
/// `--state` given), or on its own.
fn check_one(
    c: &input::InputCluster,
    store: Option<&StoreUrl>,
    cwd: Option<&std::path::Path>,
    kops_version: &KopsVersion,
) -> Vec<Finding> {
    if let Some(store) = store {
        return check::check_documents(
            &c.name,
            store,
            cwd,
            c.cluster.as_ref(),
            &c.instance_groups,
            kops_version,
        );
    }
    // The rules want a store root; the folder the manifest came from stands in for it, and
    // the rules that would compare configBase with it are dropped (and said to be).
    let folder = std::path::Path::new(&c.origin)
        .parent()
        .map(|p| p.display().to_string())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| ".".to_string());
    let Ok(stand_in) = StoreUrl::parse(&folder) else {
        return Vec::new();
    };
    let mut findings = check::check_documents(
        &c.name,
        &stand_in,
        cwd,
        c.cluster.as_ref(),
        &c.instance_groups,
        kops_version,
    );
    findings.retain(|f| !NEEDS_STORE_LOCATION.contains(&f.code));
    if let Some(doc) = &c.cluster {
        if doc.get("/spec/configBase").is_some() {
            findings.push(input_diags::config_base_not_checked(
                &c.name,
                doc.str_at("/spec/configBase"),
                doc.location("/spec/configBase"),
            ));
        }
    }
    findings
}

/// SL153: what kops would refuse in replacing the stored cluster `name` with `doc`. A
/// cluster the store does not hold is new (kops creates it): nothing to compare.
fn compare_with_store(
    backend: &dyn crate::vfs::Backend,
    name: &str,
    doc: &crate::document::Document,
    max_bytes: u64,
    sources: &SourceDb,
) -> Vec<Finding> {
    let key = format!("{name}/config");
    let url = backend.url_of(&key);
    let read = backend.read(&key, max_bytes);
    if let Err(crate::vfs::VfsError::NotFound { .. }) = read {
        return Vec::new();
    }
    // The read above already bounded the size; parsing needs only the YAML limits.
    let options = crate::store::LoadOptions::default();
    let mut findings = Vec::new();
    let Some(stored) = crate::store::parse_document(
        &url,
        read.map_err(std::sync::Arc::new),
        crate::store::ExpectedKind::Cluster,
        name,
        &options,
        sources,
        &mut findings,
    ) else {
        return findings;
    };
    let applied = backend
        .read(&format!("{name}/kops-version.txt"), 4096)
        .is_ok();
    findings.extend(cluster_update::check(
        doc,
        &cluster_update::Stored {
            cluster: &stored,
            url: &url,
            applied,
        },
        name,
    ));
    findings
}
