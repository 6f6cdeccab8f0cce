//! Permission probes: what can this caller really do on this store?
//!
//! Probes go through the same [`Backend`] as every read, so they test exactly the path
//! kops takes. Reads touch real state files only to read them; writes only ever target a
//! throw-away key `<cluster>/.statelint-probe-<random>` that is removed on success, on
//! errors, and on Ctrl-C (see [`guard`]). Backend-specific probes (S3 bucket location,
//! policies, caller identity) add to the generic matrix here.

pub mod diags;
pub mod explain;
pub mod guard;
pub mod handoff;
pub mod identity;
pub mod local;
pub mod observed;
pub mod owner;
pub mod s3;

use rayon::prelude::*;
use serde::Serialize;
use std::sync::Arc;

use crate::findings::{CodeInfo, Finding};
use crate::store;
use crate::vfs::{Backend, RemoteErrorKind, VfsError};

use guard::ProbeObject;

/// The answer of one probe. An unanswered probe is never a pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail,
    Inconclusive,
    Skipped,
}

/// One probe: the action tried, on what, and what came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeResult {
    /// The action in the backend's vocabulary, e.g. `s3:GetObject` or `read`.
    pub action: String,
    /// The (redacted) URL it was tried on.
    pub target: String,
    pub outcome: Outcome,
    /// The error or the reason it was skipped; empty on a pass.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

/// Knobs of a probe run.
#[derive(Debug, Clone, Default)]
pub struct ProbeOptions {
    /// Probe only these clusters (empty: all).
    pub clusters: Vec<String>,
    /// Skip every write (and delete).
    pub read_only: bool,
    /// The caller's ARN when the provider has no STS (`--caller`).
    pub caller: Option<String>,
    /// The bucket owner's account, when the user knows it (`--bucket-owner`).
    pub bucket_owner: Option<String>,
    /// The caller's identity policies, when given (`--identity-policy`).
    pub identity_policies: Option<identity::IdentityPolicies>,
    /// Keep the servers' raw answers in messages (`--verbose`).
    pub verbose: bool,
    /// Requests in flight (clusters probed at once, plus the bucket-level calls); default
    /// [`crate::vfs::schedule::DEFAULT_MAX_REQUESTS`].
    pub max_requests: Option<usize>,
    /// Answers the check of the same run already received (its listing, its reads of each
    /// `config`): those probes take them instead of asking the store again.
    pub observed: Option<Arc<observed::Observed>>,
}

impl ProbeOptions {
    fn max_requests(&self) -> usize {
        self.max_requests
            .unwrap_or(crate::vfs::schedule::DEFAULT_MAX_REQUESTS)
            .max(1)
    }
}

/// Results and the findings explaining the failures.
#[derive(Debug, Default)]
pub struct ProbeRun {
    pub results: Vec<ProbeResult>,
    pub findings: Vec<Finding>,
    /// The bucket's policy as read (S3 family), for the policy linter, with the bucket's
    /// owner account when the probes established it.
    pub bucket_policy: Option<(String, Option<String>)>,
    /// What the caller and the bucket's owner can do about the denials (S3 family).
    pub handoff: Option<handoff::Handoff>,
    /// Raw server answers in messages (`--verbose`).
    verbose: bool,
}

impl ProbeRun {
    fn pass(&mut self, action: &str, target: &str) {
        self.push(action, target, Outcome::Pass, String::new());
    }

    fn skip(&mut self, action: &str, target: &str, why: &str) {
        self.push(action, target, Outcome::Skipped, why.to_string());
    }

    fn push(&mut self, action: &str, target: &str, outcome: Outcome, detail: String) {
        self.results.push(ProbeResult {
            action: action.to_string(),
            target: target.to_string(),
            outcome,
            detail,
        });
    }

    /// Records a failed call: a denial is a Fail with its finding, anything else
    /// (timeouts, 5xx, connection errors) is Inconclusive; a store that did not answer at
    /// all is reported with its own code (SL034-SL036), which makes the run exit 2.
    fn error(
        &mut self,
        action: &str,
        target: &str,
        denied: &'static CodeInfo,
        err: &VfsError,
        cluster: Option<&str>,
    ) {
        // One short reason ("HTTP 403 AccessDenied"); the raw answer only with --verbose.
        let detail = if self.verbose {
            format!("{}: {err}", brief(err))
        } else {
            brief(err)
        };
        let unreachable = crate::vfs::fail_fast::is_unreachable(err)
            .then(|| crate::vfs::diags::remote_finding(err))
            .flatten();
        let (outcome, finding) = if is_denial(err) {
            (
                Outcome::Fail,
                diags::denied(denied, action, target, &detail),
            )
        } else if let Some(finding) = unreachable {
            // The store itself did not answer (SL034-SL036): the run could not do its job.
            (Outcome::Inconclusive, finding)
        } else {
            (
                Outcome::Inconclusive,
                diags::inconclusive(action, target, &detail),
            )
        };
        let finding = match cluster {
            Some(c) => finding.with_cluster(c),
            None => finding,
        };
        self.findings.push(finding);
        self.push(action, target, outcome, detail);
    }

    /// Whether any probe failed (a needed permission is missing).
    pub fn failed(&self) -> bool {
        self.results.iter().any(|r| r.outcome == Outcome::Fail)
    }
}

/// Whether an error is the backend saying "no" (as opposed to not answering).
pub fn is_denial(err: &VfsError) -> bool {
    match err {
        VfsError::PermissionDenied { .. } => true,
        VfsError::Remote { kind, .. } => matches!(
            kind,
            RemoteErrorKind::AccessDenied
                | RemoteErrorKind::BadCredentials
                | RemoteErrorKind::NoCredentials
        ),
        _ => false,
    }
}

/// An error in a few words: the HTTP status and the service's error code when the answer
/// carried them (`HTTP 403 AccessDenied`), else the kind of failure.
pub fn brief(err: &VfsError) -> String {
    let VfsError::Remote { kind, detail, .. } = err else {
        return err.to_string();
    };
    let status = http_status(detail);
    let code = crate::vfs::service_code(detail)
        .map(|code| code.trim().to_string())
        .filter(|c| !c.is_empty() && c.len() < 64);
    match (status, code) {
        (Some(s), Some(c)) => format!("HTTP {s} {c}"),
        (Some(s), None) => format!("HTTP {s}, {kind}"),
        (None, Some(c)) => format!("{kind}, {c}"),
        (None, None) => kind.to_string(),
    }
}

/// The first HTTP status in an error text (`status code: 403`, `HTTP 403`).
fn http_status(text: &str) -> Option<u16> {
    ["status code: ", "HTTP "].iter().find_map(|marker| {
        text.match_indices(marker).find_map(|(at, m)| {
            let digits: String = text[at + m.len()..].chars().take(3).collect();
            digits
                .parse::<u16>()
                .ok()
                .filter(|s| (100..600).contains(s) && digits.len() == 3)
        })
    })
}

/// The action names a backend uses, so results read in its own vocabulary.
fn action_names(backend: &dyn Backend) -> [&'static str; 4] {
    if backend.root().scheme.is_s3_family() {
        [
            "s3:ListBucket",
            "s3:GetObject",
            "s3:PutObject",
            "s3:DeleteObject",
        ]
    } else {
        ["list", "read", "write", "delete"]
    }
}

/// The generic probe matrix: list the store, then per cluster (up to `clusters_at_once`,
/// each one's steps in order) list its folder, read its `config`, and (unless read-only)
/// write, read back and delete a throw-away object.
pub fn probe_store(backend: &Arc<dyn Backend>, options: &ProbeOptions) -> ProbeRun {
    let mut run = ProbeRun {
        verbose: options.verbose,
        ..ProbeRun::default()
    };
    let Some(chosen) = list_store(backend, options, &mut run) else {
        return run;
    };
    probe_clusters(backend, options, &chosen, options.max_requests(), &mut run);
    run
}

/// The store-level `list` probe (the check's listing when it has one); the clusters to
/// probe, or `None` when the store could not be listed.
fn list_store(
    backend: &Arc<dyn Backend>,
    options: &ProbeOptions,
    run: &mut ProbeRun,
) -> Option<Vec<String>> {
    let [list, ..] = action_names(backend.as_ref());
    let root = backend.root().redacted();
    let seen = options.observed.as_ref().and_then(|o| o.listing.as_ref());
    let listed = match seen {
        Some(objects) => Ok(std::borrow::Cow::Borrowed(objects)),
        None => backend.list("").map(std::borrow::Cow::Owned),
    };
    let objects = match listed {
        Ok(objects) => {
            run.pass(list, &root);
            objects
        }
        Err(e) => {
            run.error(list, &root, &diags::LIST_DENIED, &e, None);
            return None;
        }
    };
    let layout = store::group(&objects);
    Some(
        layout
            .clusters
            .into_iter()
            .map(|c| c.name)
            .filter(|name| {
                options.clusters.is_empty() || options.clusters.iter().any(|c| c == name)
            })
            .collect(),
    )
}

/// The per-cluster probes of `chosen`, `at_once` clusters at a time (each one's steps in
/// order, so one request in flight per cluster), results in the order of `chosen`.
fn probe_clusters(
    backend: &Arc<dyn Backend>,
    options: &ProbeOptions,
    chosen: &[String],
    at_once: usize,
    run: &mut ProbeRun,
) {
    let per_cluster = |name: &String| probe_cluster(backend, name, options);
    let runs: Vec<ProbeRun> = match rayon::ThreadPoolBuilder::new()
        .num_threads(at_once.min(chosen.len()).max(1))
        .build()
    {
        Ok(pool) => pool.install(|| chosen.par_iter().map(per_cluster).collect()),
        Err(_) => chosen.iter().map(per_cluster).collect(),
    };
    for mut cluster_run in runs {
        run.results.append(&mut cluster_run.results);
        run.findings.append(&mut cluster_run.findings);
    }
}

/// One cluster's probes: list its folder, read its `config`, and (unless read-only) write,
/// read back and delete a throw-away object.
fn probe_cluster(backend: &Arc<dyn Backend>, name: &str, options: &ProbeOptions) -> ProbeRun {
    let [list, read, write, delete] = action_names(backend.as_ref());
    let mut run = ProbeRun {
        verbose: options.verbose,
        ..ProbeRun::default()
    };
    if backend.unreachable().is_some() {
        // The store stopped answering: its finding is already there, and every further
        // probe would only wait as long.
        return run;
    }
    let prefix = format!("{name}/");
    let prefix_url = backend.url_of(&prefix);
    match backend.list(&prefix) {
        Ok(_) => run.pass(list, &prefix_url),
        Err(e) => run.error(list, &prefix_url, &diags::LIST_DENIED, &e, Some(name)),
    }
    let config_key = format!("{name}/config");
    let config_url = backend.url_of(&config_key);
    let seen = options.observed.as_ref().and_then(|o| o.config_read(name));
    let fresh;
    let answer = match seen {
        Some(answer) => answer,
        None => {
            fresh = backend.read(&config_key, crate::vfs::DEFAULT_MAX_OBJECT_BYTES);
            fresh.as_ref().map(|_| ())
        }
    };
    match answer {
        Ok(()) => run.pass(read, &config_url),
        Err(VfsError::TooLarge { .. }) => run.pass(read, &config_url),
        Err(e) => run.error(read, &config_url, &diags::READ_DENIED, e, Some(name)),
    }
    if options.read_only || backend.is_read_only() {
        let probe_url = backend.url_of(&format!("{prefix}.statelint-probe-*"));
        let why = if options.read_only {
            "--read-only"
        } else {
            "the store is read-only"
        };
        for action in [write, delete] {
            run.skip(action, &probe_url, why);
        }
        return run;
    }
    probe_writes(backend, name, [read, write, delete], &mut run);
    run
}

/// Every probe that applies to the store: the bucket-level probes of an S3-family store,
/// the generic matrix (with S3 denials explained from the bucket policy), and the
/// secrets-permission check of a local store (`cwd` resolves relative local paths).
pub fn probe(
    backend: &Arc<dyn Backend>,
    s3_store: Option<&crate::vfs::s3::S3Store>,
    options: &ProbeOptions,
    cwd: Option<&std::path::Path>,
) -> ProbeRun {
    // The store listing first: it tells whether the store answers at all, and the
    // bucket-level probes are not tried on a store that does not. After it, the bucket-level
    // calls and the per-cluster probes are independent and run at the same time, sharing
    // the bound on requests in flight.
    let mut run = ProbeRun {
        verbose: options.verbose,
        ..ProbeRun::default()
    };
    let chosen = list_store(backend, options, &mut run);
    let bucket_probes = || {
        let mut bucket_run = ProbeRun {
            verbose: options.verbose,
            ..ProbeRun::default()
        };
        let facts = match (s3_store, backend.unreachable()) {
            (Some(store), None) => Some(s3::probe_bucket(store, options, &mut bucket_run)),
            (Some(store), Some(why)) => {
                bucket_run.skip(
                    "s3:HeadBucket",
                    &store.settings.bucket_url(),
                    &format!("the store is unreachable: {why}"),
                );
                None
            }
            (None, _) => None,
        };
        (facts, bucket_run)
    };
    let at_once = match s3_store {
        Some(_) => options
            .max_requests()
            .saturating_sub(s3::BUCKET_CALLS)
            .max(1),
        None => options.max_requests(),
    };
    let (facts, mut bucket_run) = std::thread::scope(|scope| {
        let bucket = scope.spawn(bucket_probes);
        if let Some(chosen) = &chosen {
            probe_clusters(backend, options, chosen, at_once, &mut run);
        }
        match bucket.join() {
            Ok(done) => done,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    if let Some(facts) = &facts {
        bucket_run.bucket_policy = facts
            .policy_text
            .clone()
            .map(|text| (text, facts.owner_account()));
    }
    bucket_run.results.append(&mut run.results);
    bucket_run.findings.append(&mut run.findings);
    let mut run = bucket_run;
    if let (Some(mut facts), Some(store)) = (facts, s3_store) {
        if run.failed() {
            s3::read_identity_policies(store, &mut facts);
        }
        explain_s3_denials(&mut run, &facts, store);
    }
    if let Some(root) = backend.root().local_path(cwd) {
        let clusters: Vec<String> = run
            .results
            .iter()
            .filter(|r| r.action == "read" && r.target.ends_with("/config"))
            .filter_map(|r| {
                let rel = r.target.strip_prefix(&backend.root().redacted())?;
                Some(
                    rel.trim_start_matches('/')
                        .trim_end_matches("/config")
                        .to_string(),
                )
            })
            .collect();
        let findings = local::secrets_permissions(&root, &backend.root().redacted(), &clusters);
        let target = backend.root().redacted();
        if findings.is_empty() {
            run.pass("secrets-permissions", &target);
        } else {
            run.push(
                "secrets-permissions",
                &target,
                Outcome::Fail,
                format!(
                    "{} secret file(s) or folder(s) open to other users",
                    findings.len()
                ),
            );
        }
        run.findings.extend(findings);
    }
    run
}

/// Explains each S3 denial from what was seen (see `explain`), and adds the hand-off.
fn explain_s3_denials(
    run: &mut ProbeRun,
    facts: &s3::BucketFacts,
    store: &crate::vfs::s3::S3Store,
) {
    let k = &facts.knowledge;
    let partition = k
        .caller_arn
        .as_deref()
        .and_then(|a| a.split(':').nth(1))
        .unwrap_or("aws")
        .to_string();
    let bucket = store.settings.bucket.as_str();
    let bucket_url = store.settings.bucket_url();
    let mut verdicts: Vec<explain::Verdict> = Vec::new();
    for result in run.results.iter().filter(|r| r.outcome == Outcome::Fail) {
        let Some(key) = result.target.strip_prefix(&bucket_url) else {
            continue;
        };
        let key = key.trim_start_matches('/');
        // HeadBucket is authorized as s3:ListBucket.
        let action = match result.action.as_str() {
            "s3:HeadBucket" => "s3:ListBucket",
            a if a.starts_with("s3:") => a,
            _ => continue,
        };
        let resource = if key.is_empty() || action == "s3:ListBucket" {
            format!("arn:{partition}:s3:::{bucket}")
        } else {
            format!("arn:{partition}:s3:::{bucket}/{key}")
        };
        let verdict = explain::explain(k, action, &resource);
        for f in run
            .findings
            .iter_mut()
            .filter(|f| f.location.uri() == result.target && diags::is_denial_code(f.code))
        {
            f.help = Some(verdict.explanation.clone());
        }
        if !verdicts
            .iter()
            .any(|v| v.action == verdict.action && v.resource == verdict.resource)
        {
            verdicts.push(verdict);
        }
    }
    if verdicts.is_empty() {
        return;
    }
    if let (Some(arn), Some(identity::IdentityPolicies::Unknown(why))) =
        (&k.caller_arn, &k.identity)
    {
        run.findings
            .push(diags::identity_policies_unknown(&bucket_url, arn, why));
    }
    let store_url = store.settings.prefix.is_empty().then(|| bucket_url.clone());
    let store_url = store_url.unwrap_or_else(|| format!("{bucket_url}/{}", store.settings.prefix));
    run.handoff = handoff::build(k, &store_url, bucket, &store.settings.prefix, verdicts);
}

/// Write, read back and delete one throw-away object under the cluster's folder.
fn probe_writes(
    backend: &Arc<dyn Backend>,
    cluster: &str,
    [read, write, delete]: [&str; 3],
    run: &mut ProbeRun,
) {
    let probe = match ProbeObject::create(backend, cluster) {
        Ok(p) => p,
        Err((url, e)) => {
            run.error(write, &url, &diags::WRITE_DENIED, &e, Some(cluster));
            run.skip(delete, &url, "nothing was written");
            return;
        }
    };
    let url = probe.url().to_string();
    run.pass(write, &url);
    match probe.read_back() {
        Ok(true) => run.pass(read, &url),
        Ok(false) => run.push(
            read,
            &url,
            Outcome::Fail,
            "read back different content".into(),
        ),
        Err(e) => run.error(read, &url, &diags::READ_DENIED, &e, Some(cluster)),
    }
    match probe.remove() {
        Ok(()) => run.pass(delete, &url),
        Err(e) => {
            run.error(delete, &url, &diags::DELETE_DENIED, &e, Some(cluster));
            run.findings
                .push(diags::left_behind(&url, &e.to_string()).with_cluster(cluster));
        }
    }
}

#[cfg(test)]
mod tests;
