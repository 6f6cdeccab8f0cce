//! Moving a state store the way kops documents it, but without the usual mistakes: copy
//! every file of the cluster, point `spec.configBase` at the new location, verify.
//!
//! The source is only ever read. A destination object is written only when it is missing,
//! or differs and `--force` was given; identical objects are skipped, so a second run copies
//! nothing and an interrupted run resumes. Each cluster's `config` is written last, so a
//! half-copied cluster is invisible to kops (clusters are found by their `config`). Every
//! write is read back and compared by the backend before it reports success (the
//! [`Backend::write`] contract), and the plan records each object's SHA-256 for the
//! export manifest.
//!
//! Reads and writes go through one engine (`engine.rs`) under one `--max-requests` bound:
//! each source object and each destination object to compare are read once, in one phase.
//! A plan to show or confirm ([`plan`]) is complete before [`execute`] writes anything;
//! with nothing to confirm ([`plan_and_copy`]) a cluster is written as soon as all of its
//! objects are planned, while later clusters are still read.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

use crate::check::Progress;
use crate::resolve::url::StoreUrl;
use crate::vfs::schedule::{read_each, run_releasing, Op};
use crate::vfs::{Backend, VfsError};

/// Objects larger than this are not kops state (the biggest are etcd backups, copied as-is
/// only below this bound).
pub const MAX_OBJECT_BYTES: u64 = 512 * 1024 * 1024;

/// What happens to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Missing at the destination: copy.
    Copy,
    /// Already there with the same content: nothing to do.
    Identical,
    /// There with other content: copied only with `--force`.
    Conflict,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanItem {
    pub cluster: String,
    /// Key relative to the store root (the same on both sides).
    pub key: String,
    pub bytes: u64,
    pub action: Action,
    /// Whether the content is rewritten on the way (the cluster's `config`).
    pub rewritten: bool,
    #[serde(skip)]
    content: Arc<Vec<u8>>,
    pub sha256: String,
}

/// The copy to do, computed before anything is written.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub from: String,
    pub to: String,
    pub clusters: Vec<String>,
    pub items: Vec<PlanItem>,
    /// Objects already at the destination under the planned clusters that the source does
    /// not have (they stay, and the check of the destination sees them).
    pub destination_extras: usize,
}

impl PlanItem {
    /// The bytes the destination holds for this key after the copy.
    pub fn content(&self) -> &[u8] {
        &self.content
    }
}

impl Plan {
    /// The destination as it stands after a complete copy, for checking it: listings and
    /// every other call go to the real store, and reads of the planned keys are answered
    /// from the bytes that were just written and verified (by hash or read-back), so the
    /// check sees the real store without downloading again what it just uploaded.
    pub fn verified_destination(&self, inner: Arc<dyn Backend>) -> VerifiedDestination {
        VerifiedDestination {
            inner,
            copied: self
                .items
                .iter()
                .map(|i| (i.key.clone(), i.content.clone()))
                .collect(),
        }
    }

    pub fn count(&self, action: Action) -> usize {
        self.items.iter().filter(|i| i.action == action).count()
    }

    pub fn bytes_to_copy(&self, force: bool) -> u64 {
        self.items
            .iter()
            .filter(|i| i.action == Action::Copy || (force && i.action == Action::Conflict))
            .map(|i| i.bytes)
            .sum()
    }
}

/// See [`Plan::verified_destination`].
pub struct VerifiedDestination {
    inner: Arc<dyn Backend>,
    copied: std::collections::HashMap<String, Arc<Vec<u8>>>,
}

impl Backend for VerifiedDestination {
    fn root(&self) -> &StoreUrl {
        self.inner.root()
    }
    fn list(&self, prefix: &str) -> Result<Vec<crate::vfs::ObjectMeta>, VfsError> {
        self.inner.list(prefix)
    }
    fn read(&self, key: &str, max_bytes: u64) -> Result<Vec<u8>, VfsError> {
        match self.copied.get(key) {
            Some(data) => {
                crate::vfs::bounded_copy(Some(&**data), self.inner.url_of(key), max_bytes)
            }
            None => self.inner.read(key, max_bytes),
        }
    }
    fn write(&self, key: &str, data: &[u8]) -> Result<(), VfsError> {
        self.inner.write(key, data)
    }
    fn delete(&self, key: &str) -> Result<(), VfsError> {
        self.inner.delete(key)
    }
    fn stat(&self, key: &str) -> Result<Option<crate::vfs::ObjectMeta>, VfsError> {
        self.inner.stat(key)
    }
    fn is_read_only(&self) -> bool {
        self.inner.is_read_only()
    }
    fn url_of(&self, key: &str) -> String {
        self.inner.url_of(key)
    }
    fn open_findings(&self) -> Vec<crate::findings::Finding> {
        self.inner.open_findings()
    }
    fn unreachable(&self) -> Option<String> {
        self.inner.unreachable()
    }
}

/// Why a migration could not be planned.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("cannot list the source `{url}`: {source}")]
    Source { url: String, source: VfsError },
    #[error("cluster `{0}` is not in the source store")]
    NoSuchCluster(String),
    #[error("the source store holds no cluster")]
    Empty,
    #[error("`{key}` cannot be read from the source: {source}")]
    Read { key: String, source: VfsError },
    #[error("the destination is the source")]
    SameStore,
}

pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The destination content of a cluster's `config`: `spec.configBase` set to the cluster's
/// new location, and any other mention of the old location (`<from>/<cluster>`) replaced.
/// Formatting and comments are kept; a config without `configBase` keeps deriving it.
pub fn rewrite_config(text: &str, old_cluster_url: &str, new_cluster_url: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("configBase:") {
            // Only the Cluster's own `spec.configBase` (two-space indented by kops).
            let indent = &line[..line.len() - trimmed.len()];
            if !rest.trim().is_empty() {
                let newline = if line.ends_with('\n') { "\n" } else { "" };
                out.push_str(&format!("{indent}configBase: {new_cluster_url}{newline}"));
                continue;
            }
        }
        out.push_str(&line.replace(old_cluster_url, new_cluster_url));
    }
    out
}

/// How a location is written in `configBase`: a URL, `file://` with an absolute path for
/// local stores (relative paths are relative to the working directory).
fn location(url: &StoreUrl) -> String {
    if url.scheme != crate::resolve::url::Scheme::File {
        return url.redacted();
    }
    let path = std::path::Path::new(&url.path);
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    format!("file://{}", absolute.display())
}

/// Plans copying `clusters` (all when empty) from `from` to `to`, pointing each copied
/// config at its new location.
pub fn plan(
    from: &dyn Backend,
    to: &dyn Backend,
    clusters: &[String],
    max_requests: usize,
) -> Result<Plan, MigrateError> {
    plan_copy(from, to, clusters, true, max_requests)
}

/// As [`plan`] but byte for byte, configs included (`export` and `import`).
pub fn plan_verbatim(
    from: &dyn Backend,
    to: &dyn Backend,
    clusters: &[String],
    max_requests: usize,
) -> Result<Plan, MigrateError> {
    plan_copy(from, to, clusters, false, max_requests)
}

/// Reads `keys` from `backend` with up to `max_requests` in flight.
fn read_all(
    backend: &dyn Backend,
    keys: &[String],
    max_requests: usize,
) -> HashMap<String, Result<Vec<u8>, VfsError>> {
    let mut got = HashMap::with_capacity(keys.len());
    read_each(
        backend,
        keys,
        MAX_OBJECT_BYTES,
        max_requests,
        |key, result| {
            got.insert(key.to_string(), result);
        },
    );
    got
}

/// One read phase: every source object and every destination object to compare in flight
/// together (bounded), each read at most once.
fn plan_copy(
    from: &dyn Backend,
    to: &dyn Backend,
    clusters: &[String],
    rewrite: bool,
    max_requests: usize,
) -> Result<Plan, MigrateError> {
    let mut planner = Planner::list(from, to, clusters, rewrite)?;
    run_releasing(planner.reads(), max_requests, |read, answer| {
        planner.answer(read.label, &read.key, answer);
        Vec::new()
    });
    planner.finish()
}

/// What one execution did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Outcome {
    pub copied: Vec<String>,
    pub skipped_identical: usize,
    /// Conflicting objects left alone (no `--force`), by key.
    pub conflicts: Vec<String>,
    /// Clusters not copied because of a conflict.
    pub held_back: Vec<String>,
    pub failed: Vec<(String, String)>,
}

impl Outcome {
    pub fn complete(&self) -> bool {
        self.failed.is_empty() && self.held_back.is_empty()
    }
}

/// Copies what the plan says. Clusters with a conflict are held back entirely unless
/// `force`; every non-config object is written (up to `max_requests` in flight), and the
/// config of each cluster as soon as all its other objects are verified.
pub fn execute(
    plan: &Plan,
    to: &dyn Backend,
    force: bool,
    max_requests: usize,
    progress: Option<&dyn Progress>,
) -> Outcome {
    let mut writer = Writer::new(to, force, progress);
    let mut by_cluster: HashMap<&str, Vec<PlanItem>> = HashMap::new();
    for item in &plan.items {
        by_cluster
            .entry(item.cluster.as_str())
            .or_default()
            .push(item.clone());
    }
    if let Some(p) = progress {
        p.start(by_cluster.values().map(|c| writer.to_write(c).len()).sum());
    }
    let first = plan
        .clusters
        .iter()
        .filter_map(|c| by_cluster.get(c.as_str()))
        .flat_map(|items| writer.release(items))
        .collect();
    run_releasing(first, max_requests, |write, answer| {
        writer.written(&write.key, answer.map(drop))
    });
    if let Some(p) = progress {
        p.finish();
    }
    writer.finish(plan)
}

/// What [`plan_and_copy`] copies, and how.
#[derive(Debug, Clone, Copy)]
pub struct CopyOptions<'c> {
    /// The clusters to copy (all when empty).
    pub clusters: &'c [String],
    /// Point each copied config at its new location (`migrate`); byte for byte otherwise
    /// (`export`, `import`).
    pub rewrite_configs: bool,
    /// Overwrite objects that differ at the destination.
    pub force: bool,
    pub max_requests: usize,
}

/// Plans and copies at once, for runs that ask no confirmation (`--yes`, `export`): the
/// reads of every cluster and the writes of the clusters already planned are in flight
/// together, under one bound. A cluster is written as soon as all of its objects are
/// planned and none conflicts (or `force`), while later clusters are still read; configs
/// last, as [`execute`]. When a source read fails, no further cluster is started and the
/// error is returned (clusters already started are completed, configs included).
pub fn plan_and_copy(
    from: &dyn Backend,
    to: &dyn Backend,
    options: CopyOptions,
    progress: Option<&dyn Progress>,
) -> Result<(Plan, Outcome), MigrateError> {
    let mut planner = Planner::list(from, to, options.clusters, options.rewrite_configs)?;
    let mut writer = Writer::new(to, options.force, progress);
    if let Some(p) = progress {
        // The most that can be copied: the plan is not complete yet (identical objects
        // are planned, never counted as copied).
        p.start(planner.len());
    }
    run_releasing(planner.reads(), options.max_requests, |request, answer| {
        if let Op::Write(_) = request.op {
            return writer.written(&request.key, answer.map(drop));
        }
        match planner.answer(request.label, &request.key, answer) {
            Some(cluster) if !planner.failed() => writer.release(planner.items_of(&cluster)),
            _ => Vec::new(),
        }
    });
    if let Some(p) = progress {
        p.finish();
    }
    let plan = planner.finish()?;
    let outcome = writer.finish(&plan);
    Ok((plan, outcome))
}

/// Name of the manifest `export` writes next to the files.
pub const MANIFEST: &str = "statelint-manifest.json";

/// The hashes of an exported store, for version control and for `import` to verify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Manifest {
    pub version: u32,
    /// The store the files came from (redacted).
    pub source: String,
    pub files: Vec<ManifestEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ManifestEntry {
    pub key: String,
    pub bytes: u64,
    pub sha256: String,
}

impl Manifest {
    /// The manifest describing what `plan` copies.
    pub fn of(plan: &Plan) -> Manifest {
        let mut files: Vec<ManifestEntry> = plan
            .items
            .iter()
            .map(|i| ManifestEntry {
                key: i.key.clone(),
                bytes: i.bytes,
                sha256: i.sha256.clone(),
            })
            .collect();
        files.sort_by(|a, b| a.key.cmp(&b.key));
        Manifest {
            version: 1,
            source: plan.from.clone(),
            files,
        }
    }

    /// Keys whose content in `store` does not match (missing, changed); empty when intact.
    /// Up to `max_requests` objects are read at once.
    pub fn verify(&self, store: &dyn Backend, max_requests: usize) -> Vec<String> {
        let keys: Vec<String> = self.files.iter().map(|f| f.key.clone()).collect();
        let mut got = read_all(store, &keys, max_requests);
        self.files
            .iter()
            .filter(|f| {
                got.remove(&f.key)
                    .and_then(Result::ok)
                    .is_none_or(|data| sha256_hex(&data) != f.sha256)
            })
            .map(|f| f.key.clone())
            .collect()
    }
}

/// The manual steps left after a migration, as kops documents them.
pub fn next_steps(to: &StoreUrl, clusters: &[String]) -> Vec<String> {
    let mut steps = vec![format!("export KOPS_STATE_STORE={}", to.redacted())];
    for c in clusters {
        steps.push(format!("kops update cluster --name {c} --yes"));
        steps.push(format!(
            "kops rolling-update cluster --name {c} --yes   # nodes pick up the new configBase"
        ));
    }
    steps
}

mod engine;
use engine::{Planner, Writer};

#[cfg(test)]
mod tests;
