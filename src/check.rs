//! `statelint check`: discover clusters, load them, validate schemas, run the rules.
//!
//! Clusters are independent: their objects are read with many requests in flight and each
//! cluster is checked on a bounded rayon pool as soon as it has arrived
//! ([`crate::store::pipeline`]); the compiled schema validators are shared by every worker.

use std::path::Path;
use std::sync::Arc;

use crate::findings::{sort_findings, Finding, Severity};
use crate::probes::observed::Observed;
use crate::report::{ClusterStatus, ClusterSummary};
use crate::rules::kops::store_version;
use crate::rules::kops::version::{self, KopsVersion, VersionSource};
use crate::rules::{self, ClusterContext};
use crate::schema;
use crate::source::SourceDb;
use crate::store::pipeline::{self, Concurrency};
use crate::store::{self, diags, LoadOptions};
use crate::vfs::Backend;

/// Knobs of one check run.
#[derive(Clone, Default)]
pub struct CheckOptions {
    /// Limit the run to these clusters (empty: all).
    pub clusters: Vec<String>,
    pub load: LoadOptions,
    /// Worker threads (default: one per core).
    pub jobs: Option<usize>,
    /// Requests in flight while reading the store (default
    /// [`crate::vfs::schedule::DEFAULT_MAX_REQUESTS`]).
    pub max_requests: Option<usize>,
    /// Told how many clusters there are, then about each one done (a progress bar).
    pub progress: Option<Arc<dyn Progress>>,
    /// `--kops-version`: judge every cluster by this kops release.
    pub kops_version: Option<KopsVersion>,
}

impl std::fmt::Debug for CheckOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckOptions")
            .field("clusters", &self.clusters)
            .field("load", &self.load)
            .field("jobs", &self.jobs)
            .field("max_requests", &self.max_requests)
            .field("progress", &self.progress.is_some())
            .field("kops_version", &self.kops_version)
            .finish()
    }
}

/// Progress of a run, for a progress bar on a terminal. Called from worker threads.
pub trait Progress: Send + Sync {
    /// Says what is being waited for before counting starts (e.g. the store's listing).
    fn waiting(&self, _what: &str) {}
    fn start(&self, clusters: usize);
    fn cluster_done(&self, name: &str);
    fn finish(&self);
}

/// What a check found, before the lint config is applied.
#[derive(Debug, Default)]
pub struct CheckOutcome {
    pub clusters: Vec<CheckedCluster>,
    pub findings: Vec<Finding>,
    /// Objects listed in the store.
    pub objects: usize,
    /// The store's answers the probes can reuse (its listing, each read of `config`).
    pub observed: Observed,
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
    /// The kops release the cluster was judged by, and where that came from.
    pub kops_version: Option<(KopsVersion, VersionSource)>,
}

/// Checks every (selected) cluster of the store behind `backend`.
pub fn check_store(
    backend: &dyn Backend,
    options: &CheckOptions,
    sources: &SourceDb,
    cwd: Option<&Path>,
) -> CheckOutcome {
    let root = backend.root().redacted();
    // How the backend was configured (legacy variables, overrides) matters even when the
    // store cannot be listed.
    let mut findings = backend.open_findings();
    if let Some(p) = &options.progress {
        p.waiting(&format!("listing {root}"));
    }
    let listing = match backend.list("") {
        Ok(l) => l,
        Err(e) => {
            if let Some(p) = &options.progress {
                p.finish();
            }
            findings.push(diags::store_unreachable(&root, &e));
            return CheckOutcome {
                findings,
                ..CheckOutcome::default()
            };
        }
    };
    let layout = store::group(&listing);
    let mut outcome = CheckOutcome {
        objects: layout.objects,
        findings,
        ..CheckOutcome::default()
    };
    if layout.clusters.is_empty() {
        outcome
            .findings
            .push(store::hint::no_clusters(backend, &layout.root_files));
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

    if let Some(p) = &options.progress {
        p.start(layout.clusters.len());
    }
    let chosen: Vec<&store::ClusterEntry> = layout
        .clusters
        .iter()
        .filter(|entry| selected(&entry.name))
        .collect();
    let concurrency = Concurrency {
        max_requests: options.max_requests,
        jobs: options.jobs,
    };
    let (checked, stats) = pipeline::load_each(
        backend,
        &chosen,
        &options.load,
        sources,
        concurrency,
        |entry, mut loaded| {
            let config_read = loaded.config_read.take();
            let additional_objects = loaded.additional_objects.take();
            let mut checked =
                check_loaded(backend, entry, loaded, cwd, options.kops_version.as_ref());
            checked.1.extend(check_additional_objects(
                backend,
                entry,
                additional_objects,
                sources,
            ));
            if let Some(p) = &options.progress {
                p.cluster_done(&entry.name);
            }
            (checked, config_read)
        },
    );
    if stats.throttled > 0 {
        outcome
            .findings
            .push(crate::vfs::schedule_diags::throttled(&root, &stats));
    }
    let mut config_reads = std::collections::HashMap::new();
    let mut checked = checked.into_iter().map(|(checked, config_read)| {
        if let Some(read) = config_read {
            config_reads.insert(checked.0.name.clone(), read);
        }
        checked
    });
    let mut results = Vec::with_capacity(layout.clusters.len());
    for entry in &layout.clusters {
        if selected(&entry.name) {
            results.extend(checked.next());
        } else {
            if let Some(p) = &options.progress {
                p.cluster_done(&entry.name);
            }
            let summary = CheckedCluster {
                name: entry.name.clone(),
                url: backend.url_of(&entry.name),
                loaded: false,
                instance_groups: 0,
                skipped: true,
                kops_version: None,
            };
            results.push((summary, Vec::new()));
        }
    }
    drop(checked);
    outcome.observed = Observed {
        listing: Some(listing),
        config_reads,
    };
    if let Some(p) = &options.progress {
        p.finish();
    }
    for (summary, findings) in results {
        outcome.clusters.push(summary);
        outcome.findings.extend(findings);
    }
    sort_findings(&mut outcome.findings);
    outcome
}

/// Checks one loaded cluster's documents (see [`check_documents`]).
fn check_loaded(
    backend: &dyn Backend,
    entry: &store::ClusterEntry,
    loaded: store::LoadedCluster,
    cwd: Option<&Path>,
    kops_version_flag: Option<&KopsVersion>,
) -> (CheckedCluster, Vec<Finding>) {
    let mut findings = loaded.findings;
    let written_by = written_by(backend, entry, loaded.kops_version_txt.as_deref());
    let (kops_version, source) =
        version::choose(kops_version_flag, written_by.as_ref().map(|w| &w.1));
    if let (Some((url, store)), Some(wanted)) = (&written_by, kops_version_flag) {
        findings.extend(store_version::newer_store(&entry.name, url, store, wanted));
    }
    findings.extend(check_documents(
        &entry.name,
        backend.root(),
        cwd,
        loaded.cluster.as_ref(),
        &loaded.instance_groups,
        &kops_version,
    ));
    let summary = CheckedCluster {
        name: entry.name.clone(),
        url: backend.url_of(&entry.name),
        loaded: loaded.cluster.is_some(),
        instance_groups: loaded.instance_groups.len(),
        skipped: false,
        kops_version: Some((kops_version, source)),
    };
    (summary, findings)
}

/// Schemas, rules and the one-typo-one-finding fold over one cluster's documents, wherever
/// they were read from (a store, or files given on the command line).
pub fn check_documents(
    name: &str,
    store: &crate::resolve::url::StoreUrl,
    cwd: Option<&std::path::Path>,
    cluster: Option<&crate::document::Document>,
    instance_groups: &[rules::InstanceGroup],
    kops_version: &KopsVersion,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for ig in instance_groups {
        findings.extend(schema::validate(
            schema::Kind::InstanceGroup,
            &ig.doc,
            Some(name),
        ));
    }
    if let Some(cluster) = cluster {
        findings.extend(schema::validate(schema::Kind::Cluster, cluster, Some(name)));
        let cx = ClusterContext {
            name,
            store,
            cwd,
            cluster,
            instance_groups,
            kops_version,
        };
        findings.extend(rules::check_cluster(&cx));
        schema::yield_to_rules(&mut findings);
    }
    let documents: Vec<&crate::document::Document> = cluster
        .into_iter()
        .chain(instance_groups.iter().map(|ig| &ig.doc))
        .collect();
    crate::typos::fold_missing_into_typos(&mut findings, &documents);
    findings
}

/// SL152 over the cluster's `clusteraddons/default` (read with the cluster's other objects),
/// when there is one. An object that could not be read is left alone: the permission probes
/// report unreadable keys.
fn check_additional_objects(
    backend: &dyn Backend,
    entry: &store::ClusterEntry,
    text: Option<String>,
    sources: &crate::source::SourceDb,
) -> Vec<Finding> {
    let (Some(key), Some(text)) = (entry.additional_objects_key.as_ref(), text) else {
        return Vec::new();
    };
    crate::rules::kops::additional_objects::check_stored(
        &backend.url_of(key),
        text,
        &entry.name,
        sources,
    )
}

/// The release in the cluster's `kops-version.txt` (read with the cluster's other objects)
/// and that file's URL, when it was readable (an unreadable or odd file leaves the choice to
/// the other sources).
fn written_by(
    backend: &dyn Backend,
    entry: &store::ClusterEntry,
    text: Option<&[u8]>,
) -> Option<(String, KopsVersion)> {
    let key = entry.kops_version_key.as_ref()?;
    let version = KopsVersion::parse(std::str::from_utf8(text?).ok()?)?;
    Some((backend.url_of(key), version))
}

/// "judged by kops 1.36.2 (the newest release statelint knows)", one part per distinct
/// version and source, with the number of clusters when there are several.
pub fn kops_versions_used(clusters: &[CheckedCluster]) -> Option<String> {
    let mut used: Vec<(String, VersionSource, usize)> = Vec::new();
    for (v, source) in clusters.iter().filter_map(|c| c.kops_version.as_ref()) {
        let v = v.to_string();
        match used.iter_mut().find(|(u, s, _)| *u == v && s == source) {
            Some(entry) => entry.2 += 1,
            None => used.push((v, *source, 1)),
        }
    }
    if used.is_empty() {
        return None;
    }
    let parts: Vec<String> = used
        .iter()
        .map(|(v, source, n)| {
            let count = if used.len() > 1 {
                format!(" for {n} cluster{}", if *n == 1 { "" } else { "s" })
            } else {
                String::new()
            };
            format!("kops {v} ({}){count}", source.describe())
        })
        .collect();
    Some(format!("judged by {}", parts.join("; ")))
}

/// Per-cluster status once the final findings (after overrides and suppressions) are known.
pub fn summarize(clusters: &[CheckedCluster], findings: &[Finding]) -> Vec<ClusterSummary> {
    clusters
        .iter()
        .map(|c| {
            let status = if c.skipped {
                ClusterStatus::Skipped
            } else if !c.loaded {
                ClusterStatus::Error
            } else if findings.iter().any(|f| {
                f.cluster.as_deref() == Some(c.name.as_str()) && f.severity >= Severity::Error
            }) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::url::StoreUrl;
    use crate::vfs::mem::MemBackend;

    #[test]
    fn the_judged_by_line_counts_clusters_per_release_and_says_where_each_came_from() {
        let cluster = |name: &str, version: &str, source: VersionSource| CheckedCluster {
            name: name.into(),
            url: format!("s3://b/{name}"),
            loaded: true,
            instance_groups: 1,
            skipped: false,
            kops_version: KopsVersion::parse(version).map(|v| (v, source)),
        };
        let one = [cluster("a", "1.30.4", VersionSource::StoreFile)];
        assert_eq!(
            kops_versions_used(&one).as_deref(),
            Some("judged by kops 1.30.4 (from the cluster's kops-version.txt)")
        );
        let mixed = [
            cluster("a", "1.30.4", VersionSource::StoreFile),
            cluster("b", "1.30.4", VersionSource::StoreFile),
            cluster("c", "1.36.2", VersionSource::NewestKnown),
            cluster("d", "1.35.0", VersionSource::Flag),
        ];
        assert_eq!(
            kops_versions_used(&mixed).as_deref(),
            Some(
                "judged by kops 1.30.4 (from the cluster's kops-version.txt) for 2 clusters; \
                 kops 1.36.2 (the newest release statelint knows) for 1 cluster; \
                 kops 1.35.0 (from --kops-version) for 1 cluster"
            )
        );
        assert_eq!(kops_versions_used(&[]), None);
    }

    const CLUSTER: &str = "apiVersion: kops.k8s.io/v1alpha2\nkind: Cluster\nmetadata:\n  name: NAME\nspec:\n  configBase: memfs://check-tests/NAME\n  kubernetesVersoin: 1.30.0\n";
    const IG: &str = "apiVersion: kops.k8s.io/v1alpha2\nkind: InstanceGroup\nmetadata:\n  name: nodes\nspec:\n  role: Node\n  minSize: 1\n  maxSize: 2\n";

    fn store(names: &[&str]) -> MemBackend {
        let url = StoreUrl::parse("memfs://check-tests").expect("valid URL");
        let backend = MemBackend::isolated(&url);
        for name in names {
            backend
                .write(
                    &format!("{name}/config"),
                    CLUSTER.replace("NAME", name).as_bytes(),
                )
                .expect("seed config");
            backend
                .write(&format!("{name}/instancegroup/nodes"), IG.as_bytes())
                .expect("seed ig");
        }
        backend
    }

    fn codes_for(outcome: &CheckOutcome, cluster: &str) -> Vec<&'static str> {
        outcome
            .findings
            .iter()
            .filter(|f| f.cluster.as_deref() == Some(cluster))
            .map(|f| f.code)
            .collect()
    }

    #[test]
    fn checks_every_cluster_and_attributes_findings() {
        let backend = store(&["a.example.com", "b.example.com"]);
        let sources = SourceDb::new();
        let outcome = check_store(&backend, &CheckOptions::default(), &sources, None);
        assert_eq!(outcome.clusters.len(), 2);
        assert!(outcome
            .clusters
            .iter()
            .all(|c| c.loaded && c.instance_groups == 1));
        for name in ["a.example.com", "b.example.com"] {
            assert!(
                codes_for(&outcome, name).contains(&"SL121"),
                "{:#?}",
                outcome.findings
            );
        }
    }

    #[test]
    fn cluster_filter_skips_others_and_reports_unknown_names() {
        let backend = store(&["a.example.com", "b.example.com"]);
        let sources = SourceDb::new();
        let options = CheckOptions {
            clusters: vec!["b.example.com".into(), "typo.example.com".into()],
            ..CheckOptions::default()
        };
        let outcome = check_store(&backend, &options, &sources, None);
        let skipped: Vec<_> = outcome
            .clusters
            .iter()
            .filter(|c| c.skipped)
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(skipped, ["a.example.com"]);
        assert!(codes_for(&outcome, "a.example.com").is_empty());
        assert!(outcome
            .findings
            .iter()
            .any(|f| f.code == "SL012" && f.message.contains("typo.example.com")));
        let summary = summarize(&outcome.clusters, &outcome.findings);
        let status = |n: &str| summary.iter().find(|c| c.name == n).map(|c| c.status);
        assert_eq!(status("a.example.com"), Some(ClusterStatus::Skipped));
        assert_eq!(status("b.example.com"), Some(ClusterStatus::Invalid));
        // A warning-only cluster is valid: what a cluster is does not follow `--fail-on`.
        let warned: Vec<Finding> = outcome
            .findings
            .iter()
            .cloned()
            .map(|mut f| {
                f.severity = Severity::Warning;
                f
            })
            .collect();
        let lenient = summarize(&outcome.clusters, &warned);
        assert!(lenient
            .iter()
            .any(|c| c.name == "b.example.com" && c.status == ClusterStatus::Valid));
    }

    #[test]
    fn results_do_not_depend_on_the_number_of_workers() {
        let names: Vec<String> = (0..24).map(|i| format!("c{i:02}.example.com")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let backend = store(&refs);
        let run = |jobs| {
            let sources = SourceDb::new();
            let options = CheckOptions {
                jobs: Some(jobs),
                ..CheckOptions::default()
            };
            let outcome = check_store(&backend, &options, &sources, None);
            outcome
                .findings
                .iter()
                .map(Finding::stable_key)
                .collect::<Vec<_>>()
        };
        let one = run(1);
        assert!(one.len() >= 24, "every cluster has findings: {}", one.len());
        assert_eq!(one, run(4));
    }

    #[test]
    fn an_empty_store_is_reported() {
        let url = StoreUrl::parse("memfs://check-tests-empty").expect("valid URL");
        let backend = MemBackend::isolated(&url);
        let sources = SourceDb::new();
        let outcome = check_store(&backend, &CheckOptions::default(), &sources, None);
        assert!(outcome.clusters.is_empty());
        assert_eq!(
            outcome.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
            ["SL011"]
        );
    }
}
