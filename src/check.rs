//! `statelint check`: discover clusters, load them, validate schemas, run the rules.
//!
//! Clusters are independent, so they are checked in parallel on a bounded rayon pool; the
//! compiled schema validators are shared by every worker.

use rayon::prelude::*;
use std::path::Path;

use crate::findings::{sort_findings, Finding, Severity};
use crate::report::{ClusterStatus, ClusterSummary};
use crate::rules::{self, ClusterContext};
use crate::schema;
use crate::source::SourceDb;
use crate::store::{self, diags, LoadOptions};
use crate::vfs::Backend;

/// Knobs of one check run.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Limit the run to these clusters (empty: all).
    pub clusters: Vec<String>,
    pub load: LoadOptions,
    /// Worker threads (default: one per core).
    pub jobs: Option<usize>,
}

/// What a check found, before the lint config is applied.
#[derive(Debug, Default)]
pub struct CheckOutcome {
    pub clusters: Vec<CheckedCluster>,
    pub findings: Vec<Finding>,
    /// Objects listed in the store.
    pub objects: usize,
}

/// One cluster as the check saw it.
#[derive(Debug, Clone)]
pub struct CheckedCluster {
    pub name: String,
    pub url: String,
    /// Whether its `config` document loaded (rules ran).
    pub loaded: bool,
    pub instance_groups: usize,
    /// Not selected by `--cluster`.
    pub skipped: bool,
}

/// Checks every (selected) cluster of the store behind `backend`.
pub fn check_store(
    backend: &dyn Backend,
    options: &CheckOptions,
    sources: &SourceDb,
    cwd: Option<&Path>,
) -> CheckOutcome {
    let root = backend.root().redacted();
    let layout = match store::discover(backend) {
        Ok(l) => l,
        Err(e) => {
            return CheckOutcome {
                findings: vec![diags::store_unreachable(&root, &e)],
                ..CheckOutcome::default()
            }
        }
    };
    let mut outcome = CheckOutcome {
        objects: layout.objects,
        ..CheckOutcome::default()
    };
    if layout.clusters.is_empty() {
        outcome.findings.push(diags::no_clusters(&root));
    }
    let known: Vec<String> = layout.clusters.iter().map(|c| c.name.clone()).collect();
    for wanted in &options.clusters {
        if !known.contains(wanted) {
            outcome
                .findings
                .push(diags::cluster_not_found(wanted, &root, &known));
        }
    }
    let selected =
        |name: &str| options.clusters.is_empty() || options.clusters.iter().any(|c| c == name);

    let run = || {
        layout
            .clusters
            .par_iter()
            .map(|entry| {
                let url = backend.url_of(&entry.name);
                if !selected(&entry.name) {
                    let summary = CheckedCluster {
                        name: entry.name.clone(),
                        url,
                        loaded: false,
                        instance_groups: 0,
                        skipped: true,
                    };
                    return (summary, Vec::new());
                }
                let loaded = store::load_cluster(backend, entry, &options.load, sources);
                let mut findings = loaded.findings;
                for ig in &loaded.instance_groups {
                    findings.extend(schema::validate(
                        schema::Kind::InstanceGroup,
                        &ig.doc,
                        Some(&entry.name),
                    ));
                }
                if let Some(cluster) = &loaded.cluster {
                    findings.extend(schema::validate(
                        schema::Kind::Cluster,
                        cluster,
                        Some(&entry.name),
                    ));
                    let cx = ClusterContext {
                        name: &entry.name,
                        store: backend.root(),
                        cwd,
                        cluster,
                        instance_groups: &loaded.instance_groups,
                    };
                    findings.extend(rules::check_cluster(&cx));
                }
                let summary = CheckedCluster {
                    name: entry.name.clone(),
                    url,
                    loaded: loaded.cluster.is_some(),
                    instance_groups: loaded.instance_groups.len(),
                    skipped: false,
                };
                (summary, findings)
            })
            .collect::<Vec<_>>()
    };
    let results = match options.jobs {
        Some(n) => match rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
        {
            Ok(pool) => pool.install(run),
            Err(_) => run(),
        },
        None => run(),
    };
    for (summary, findings) in results {
        outcome.clusters.push(summary);
        outcome.findings.extend(findings);
    }
    sort_findings(&mut outcome.findings);
    outcome
}

/// Per-cluster status once the final findings (after overrides and suppressions) are known.
pub fn summarize(
    clusters: &[CheckedCluster],
    findings: &[Finding],
    fail_on: Severity,
) -> Vec<ClusterSummary> {
    clusters
        .iter()
        .map(|c| {
            let status = if c.skipped {
                ClusterStatus::Skipped
            } else if !c.loaded {
                ClusterStatus::Error
            } else if findings
                .iter()
                .any(|f| f.cluster.as_deref() == Some(c.name.as_str()) && f.severity >= fail_on)
            {
                ClusterStatus::Invalid
            } else {
                ClusterStatus::Valid
            };
            ClusterSummary {
                name: c.name.clone(),
                url: c.url.clone(),
                status,
                instance_groups: c.instance_groups,
            }
        })
        .collect()
}
