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

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

use crate::check::Progress;
use crate::resolve::url::StoreUrl;
use crate::store;
use crate::vfs::schedule::{read_each, write_releasing};
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

fn plan_copy(
    from: &dyn Backend,
    to: &dyn Backend,
    clusters: &[String],
    rewrite: bool,
    max_requests: usize,
) -> Result<Plan, MigrateError> {
    let from_url = from.root().redacted();
    if from.root().same_location(to.root(), None) {
        return Err(MigrateError::SameStore);
    }
    // Both listings at once: one round trip, not two. The destination's is wasted only
    // when the source cannot be listed.
    let (objects, destination) = std::thread::scope(|scope| {
        let destination = scope.spawn(|| to.list(""));
        let objects = from.list("");
        let destination = destination
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (objects, destination)
    });
    let objects = objects.map_err(|source| MigrateError::Source {
        url: from_url.clone(),
        source,
    })?;
    let layout = store::group(&objects);
    if layout.clusters.is_empty() {
        return Err(MigrateError::Empty);
    }
    let names: Vec<String> = layout.clusters.iter().map(|c| c.name.clone()).collect();
    for wanted in clusters {
        if !names.contains(wanted) {
            return Err(MigrateError::NoSuchCluster(wanted.clone()));
        }
    }
    let selected: Vec<String> = if clusters.is_empty() {
        names
    } else {
        clusters.to_vec()
    };
    // One listing of the destination instead of one request per object: only objects that
    // exist there are read to compare.
    let existing: std::collections::HashMap<String, u64> = destination
        .map(|objects| objects.into_iter().map(|o| (o.key, o.size)).collect())
        .unwrap_or_default();
    let keys: Vec<(String, String)> = objects
        .iter()
        .filter_map(|o| {
            let cluster = selected
                .iter()
                .find(|c| o.key.starts_with(&format!("{c}/")))?;
            // Probe objects of a running statelint are not state.
            let last = o.key.rsplit('/').next().unwrap_or("");
            (!last.starts_with(crate::probes::guard::PROBE_PREFIX))
                .then(|| (cluster.clone(), o.key.clone()))
        })
        .collect();
    // Every source object in flight at once (bounded), then the rewrites and hashes on the
    // CPU workers.
    let source_keys: Vec<String> = keys.iter().map(|(_, key)| key.clone()).collect();
    let mut source = read_all(from, &source_keys, max_requests);
    let mut read = Vec::with_capacity(keys.len());
    for (cluster, key) in &keys {
        match source.remove(key) {
            Some(Ok(data)) => read.push((cluster, key, data)),
            Some(Err(source)) => {
                return Err(MigrateError::Read {
                    key: key.clone(),
                    source,
                })
            }
            None => {
                return Err(MigrateError::Read {
                    key: key.clone(),
                    source: VfsError::NotFound {
                        url: from.url_of(key),
                    },
                })
            }
        }
    }
    let prepared: Vec<(&String, &String, Vec<u8>, bool)> = read
        .into_par_iter()
        .map(|(cluster, key, data)| {
            let is_config =
                key == &format!("{cluster}/config") || key == &format!("{cluster}/cluster.spec");
            match (rewrite && is_config, std::str::from_utf8(&data)) {
                (true, Ok(text)) => {
                    let old = location(&from.root().join(cluster));
                    let new = location(&to.root().join(cluster));
                    let rewritten = rewrite_config(text, &old, &new);
                    let changed = rewritten != text;
                    (cluster, key, rewritten.into_bytes(), changed)
                }
                _ => (cluster, key, data, false),
            }
        })
        .collect();
    // Only objects of the same size at the destination are read to compare.
    let same_size: Vec<String> = prepared
        .iter()
        .filter(|(_, key, content, _)| existing.get(*key) == Some(&(content.len() as u64)))
        .map(|(_, key, _, _)| (*key).clone())
        .collect();
    let mut there = read_all(to, &same_size, max_requests);
    let items: Result<Vec<PlanItem>, MigrateError> = prepared
        .into_iter()
        .map(|(cluster, key, content, rewritten)| {
            let action = match existing.get(key) {
                None => Action::Copy,
                Some(size) if *size != content.len() as u64 => Action::Conflict,
                Some(_) => match there.remove(key) {
                    Some(Ok(there)) if there == content => Action::Identical,
                    Some(Ok(_)) => Action::Conflict,
                    Some(Err(VfsError::NotFound { .. })) => Action::Copy,
                    // Unreadable at the destination: a conflict, never overwritten blindly.
                    Some(Err(_)) | None => Action::Conflict,
                },
            };
            Ok(PlanItem {
                cluster: cluster.clone(),
                key: key.clone(),
                bytes: content.len() as u64,
                action,
                rewritten,
                sha256: sha256_hex(&content),
                content: Arc::new(content),
            })
        })
        .collect();
    let mut items = items?;
    // Configs last: a cluster becomes visible only when everything else is there.
    items.sort_by(|a, b| {
        let last = |i: &PlanItem| i.key.ends_with("/config") || i.key.ends_with("/cluster.spec");
        (last(a), &a.key).cmp(&(last(b), &b.key))
    });
    let planned: std::collections::HashSet<&str> = items.iter().map(|i| i.key.as_str()).collect();
    let destination_extras = existing
        .keys()
        .filter(|k| {
            selected.iter().any(|c| k.starts_with(&format!("{c}/")))
                && !planned.contains(k.as_str())
        })
        .count();
    Ok(Plan {
        from: from_url,
        to: to.root().redacted(),
        clusters: selected,
        items,
        destination_extras,
    })
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
/// config of each cluster as soon as all its other objects arrived.
pub fn execute(
    plan: &Plan,
    to: &dyn Backend,
    force: bool,
    max_requests: usize,
    progress: Option<&dyn Progress>,
) -> Outcome {
    let mut outcome = Outcome::default();
    let held_back: Vec<String> = plan
        .clusters
        .iter()
        .filter(|c| {
            !force
                && plan
                    .items
                    .iter()
                    .any(|i| &i.cluster == *c && i.action == Action::Conflict)
        })
        .cloned()
        .collect();
    outcome.conflicts = plan
        .items
        .iter()
        .filter(|i| i.action == Action::Conflict && !force)
        .map(|i| i.key.clone())
        .collect();
    outcome.skipped_identical = plan.count(Action::Identical);
    let todo: Vec<&PlanItem> = plan
        .items
        .iter()
        .filter(|i| !held_back.contains(&i.cluster))
        .filter(|i| i.action == Action::Copy || (force && i.action == Action::Conflict))
        .collect();
    if let Some(p) = progress {
        p.start(todo.len());
    }
    let is_config = |i: &PlanItem| i.key.ends_with("/config") || i.key.ends_with("/cluster.spec");
    // Per cluster: objects still to land before its config may be written, whether one
    // failed, and its configs (held until then).
    let mut waiting: HashMap<&str, (usize, bool, Vec<&PlanItem>)> = HashMap::new();
    let mut first: Vec<(&str, &[u8])> = Vec::new();
    for item in &todo {
        let cluster = waiting.entry(item.cluster.as_str()).or_default();
        if is_config(item) {
            cluster.2.push(item);
        } else {
            cluster.0 += 1;
            first.push((item.key.as_str(), item.content()));
        }
    }
    for (remaining, _, configs) in waiting.values_mut() {
        if *remaining == 0 {
            first.extend(configs.drain(..).map(|i| (i.key.as_str(), i.content())));
        }
    }
    let cluster_of: HashMap<&str, &str> = todo
        .iter()
        .map(|i| (i.key.as_str(), i.cluster.as_str()))
        .collect();
    let (mut copied, mut failed) = (Vec::new(), Vec::new());
    // Every object in flight as soon as it may be (up to `max_requests`); `write` verifies
    // what it stored before it reports success. A cluster's config goes out when all its
    // other objects are verified, and never when one of them failed (the cluster stays
    // invisible to kops).
    write_releasing(to, first, max_requests, |key, result| {
        match result {
            Ok(()) => {
                if let Some(p) = progress {
                    p.cluster_done(key);
                }
                copied.push(key.to_string());
            }
            Err(e) => failed.push((key.to_string(), e.to_string())),
        }
        let Some(cluster) = cluster_of.get(key).and_then(|c| waiting.get_mut(c)) else {
            return Vec::new();
        };
        if key.ends_with("/config") || key.ends_with("/cluster.spec") || cluster.0 == 0 {
            return Vec::new();
        }
        cluster.0 -= 1;
        cluster.1 |= failed.last().is_some_and(|(k, _)| k == key);
        if cluster.0 > 0 {
            return Vec::new();
        }
        let configs = std::mem::take(&mut cluster.2);
        if cluster.1 {
            for item in configs {
                failed.push((
                    item.key.clone(),
                    "not written: other objects of this cluster failed".into(),
                ));
            }
            return Vec::new();
        }
        configs
            .into_iter()
            .map(|i| (i.key.as_str(), i.content()))
            .collect()
    });
    copied.sort();
    failed.sort();
    outcome.copied = copied;
    outcome.failed = failed;
    if let Some(p) = progress {
        p.finish();
    }
    outcome.held_back = held_back;
    outcome
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

#[cfg(test)]
mod tests;
