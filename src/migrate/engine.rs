//! The one engine behind planning and copying: every read (source, and the destination
//! objects to compare) and every write go through one request scheduler, under one bound.
//!
//! [`Planner`] turns the answers of the reads into plan items, a cluster at a time;
//! [`Writer`] writes a cluster's objects and, once they are all verified, its `config`.
//! Planning alone (a plan to confirm or show) runs the planner; copying a confirmed plan
//! runs the writer; copying without confirmation runs both at once, so a cluster is written
//! while the next ones are still read.

use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::MAX_OBJECT_BYTES;
use super::{location, rewrite_config, sha256_hex, Action, MigrateError, Outcome, Plan, PlanItem};
use crate::check::Progress;
use crate::probes::guard::PROBE_PREFIX;
use crate::store;
use crate::vfs::schedule::{Answer, Op, Request};
use crate::vfs::{Backend, VfsError};

/// Which side of the copy a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Source,
    Destination,
}

pub(super) type CopyRequest<'a> = Request<'a, Side>;

/// Whether `key` is the document that makes `cluster` visible to kops (written last).
pub(super) fn is_config(cluster: &str, key: &str) -> bool {
    key.strip_prefix(cluster)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|name| name == "config" || name == "cluster.spec")
}

/// One object being planned: its source bytes and, when compared, the destination's.
struct Pending {
    /// Position in the source listing (the first failing read in this order is reported).
    index: usize,
    cluster: String,
    source: Option<Vec<u8>>,
    /// The destination's answer, when it is read to compare.
    there: Option<Result<Vec<u8>, VfsError>>,
    compares: bool,
}

/// Plan items, formed as the reads come in.
pub(super) struct Planner<'a> {
    from: &'a dyn Backend,
    to: &'a dyn Backend,
    rewrite: bool,
    selected: Vec<String>,
    /// The same names, to find an object's cluster from its key.
    selected_set: HashSet<String>,
    /// The destination's listing: key and size.
    existing: HashMap<String, u64>,
    pending: HashMap<String, Pending>,
    /// Per cluster: objects not yet planned.
    open: HashMap<String, usize>,
    items: HashMap<String, Vec<PlanItem>>,
    /// The first source read that failed (in listing order).
    error: Option<(usize, MigrateError)>,
}

impl<'a> Planner<'a> {
    /// Lists both stores (at once: one round trip, not two) and selects what to copy:
    /// `clusters` (all when empty), probe objects left out.
    pub(super) fn list(
        from: &'a dyn Backend,
        to: &'a dyn Backend,
        clusters: &[String],
        rewrite: bool,
    ) -> Result<Planner<'a>, MigrateError> {
        if from.root().same_location(to.root(), None) {
            return Err(MigrateError::SameStore);
        }
        // The destination's listing is wasted only when the source cannot be listed.
        let (objects, destination) = std::thread::scope(|scope| {
            let destination = scope.spawn(|| to.list(""));
            let objects = from.list("");
            let destination = destination
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (objects, destination)
        });
        let objects = objects.map_err(|source| MigrateError::Source {
            url: from.root().redacted(),
            source,
        })?;
        let layout = store::group(&objects);
        if layout.clusters.is_empty() {
            return Err(MigrateError::Empty);
        }
        let names: Vec<String> = layout.clusters.iter().map(|c| c.name.clone()).collect();
        if let Some(missing) = clusters.iter().find(|c| !names.contains(c)) {
            return Err(MigrateError::NoSuchCluster(missing.clone()));
        }
        let selected = if clusters.is_empty() {
            names
        } else {
            clusters.to_vec()
        };
        // One listing of the destination instead of one request per object.
        let existing: HashMap<String, u64> = destination
            .map(|objects| objects.into_iter().map(|o| (o.key, o.size)).collect())
            .unwrap_or_default();
        let mut planner = Planner {
            from,
            to,
            rewrite,
            selected_set: selected.iter().cloned().collect(),
            selected,
            existing,
            pending: HashMap::new(),
            open: HashMap::new(),
            items: HashMap::new(),
            error: None,
        };
        for (index, object) in objects.iter().enumerate() {
            let Some(cluster) =
                store::cluster_of(&planner.selected_set, &object.key).map(str::to_string)
            else {
                continue;
            };
            // Probe objects of a running statelint are not state.
            let last = object.key.rsplit('/').next().unwrap_or("");
            if last.starts_with(PROBE_PREFIX) {
                continue;
            }
            // Compared only when the destination has the key: at the same size, or
            // whatever its size when the content is rewritten on the way (the config).
            let rewritten = rewrite && is_config(&cluster, &object.key);
            let compares = planner
                .existing
                .get(&object.key)
                .is_some_and(|size| rewritten || *size == object.size);
            *planner.open.entry(cluster.clone()).or_default() += 1;
            planner.pending.insert(
                object.key.clone(),
                Pending {
                    index,
                    cluster,
                    source: None,
                    there: None,
                    compares,
                },
            );
        }
        Ok(planner)
    }

    /// Objects to plan.
    pub(super) fn len(&self) -> usize {
        self.pending.len()
    }

    /// Every read the plan needs, a cluster's together (the listing's order): each source
    /// object once, and each destination object that is compared once.
    pub(super) fn reads(&self) -> Vec<CopyRequest<'a>> {
        let mut keys: Vec<(&usize, &String, bool)> = self
            .pending
            .iter()
            .map(|(key, p)| (&p.index, key, p.compares))
            .collect();
        keys.sort();
        let read = |backend: &'a dyn Backend, key: &str, label| Request {
            backend,
            key: key.to_string(),
            op: Op::Read(MAX_OBJECT_BYTES),
            label,
        };
        let mut reads = Vec::with_capacity(keys.len() * 2);
        for (_, key, compares) in keys {
            reads.push(read(self.from, key, Side::Source));
            if compares {
                reads.push(read(self.to, key, Side::Destination));
            }
        }
        reads
    }

    /// Takes one read's answer; returns the cluster whose plan it completed, if any.
    pub(super) fn answer(&mut self, side: Side, key: &str, answer: Answer) -> Option<String> {
        let pending = self.pending.get_mut(key)?;
        match (side, answer) {
            (Side::Source, Ok(data)) => pending.source = Some(data.unwrap_or_default()),
            (Side::Source, Err(source)) => {
                if self.error.as_ref().is_none_or(|(i, _)| pending.index < *i) {
                    let error = MigrateError::Read {
                        key: key.to_string(),
                        source,
                    };
                    self.error = Some((pending.index, error));
                }
                return None;
            }
            (Side::Destination, answer) => {
                pending.there = Some(answer.map(Option::unwrap_or_default));
            }
        }
        if pending.source.is_none() || (pending.compares && pending.there.is_none()) {
            return None;
        }
        let pending = self.pending.remove(key)?;
        let cluster = pending.cluster;
        let item = self.item(
            &cluster,
            key,
            pending.source.unwrap_or_default(),
            pending.there,
        );
        self.items.entry(cluster.clone()).or_default().push(item);
        let open = self.open.get_mut(&cluster)?;
        *open -= 1;
        (*open == 0).then_some(cluster)
    }

    /// The item for `key`: its content as written (the config rewritten), and the action
    /// its comparison with the destination gives.
    fn item(
        &self,
        cluster: &str,
        key: &str,
        data: Vec<u8>,
        there: Option<Result<Vec<u8>, VfsError>>,
    ) -> PlanItem {
        let (content, rewritten) = match std::str::from_utf8(&data) {
            Ok(text) if self.rewrite && is_config(cluster, key) => {
                let old = location(&self.from.root().join(cluster));
                let new = location(&self.to.root().join(cluster));
                let rewritten = rewrite_config(text, &old, &new);
                let changed = rewritten != text;
                (rewritten.into_bytes(), changed)
            }
            _ => (data, false),
        };
        let action = match (self.existing.get(key), there) {
            (None, _) => Action::Copy,
            (Some(_), Some(Ok(there))) if there == content => Action::Identical,
            (Some(_), Some(Err(VfsError::NotFound { .. }))) => Action::Copy,
            // Other content, another size, or unreadable at the destination: a conflict,
            // never overwritten blindly.
            (Some(_), _) => Action::Conflict,
        };
        PlanItem {
            cluster: cluster.to_string(),
            key: key.to_string(),
            bytes: content.len() as u64,
            action,
            rewritten,
            sha256: String::new(), // on the CPU workers, once the plan is complete
            content: Arc::new(content),
        }
    }

    /// The planned items of a complete cluster.
    pub(super) fn items_of(&self, cluster: &str) -> &[PlanItem] {
        self.items.get(cluster).map_or(&[], Vec::as_slice)
    }

    /// Whether a source read failed (nothing more is released then).
    pub(super) fn failed(&self) -> bool {
        self.error.is_some()
    }

    /// The complete plan, or the first source read that failed.
    pub(super) fn finish(self) -> Result<Plan, MigrateError> {
        if let Some((_, error)) = self.error {
            return Err(error);
        }
        if let Some((key, _)) = self.pending.iter().min_by_key(|(_, p)| p.index) {
            return Err(MigrateError::Read {
                key: key.clone(),
                source: VfsError::NotFound {
                    url: self.from.url_of(key),
                },
            });
        }
        let mut items: Vec<PlanItem> = self.items.into_values().flatten().collect();
        // Hashed for the plan and the export manifest (never needed to write or compare).
        items
            .par_iter_mut()
            .for_each(|i| i.sha256 = sha256_hex(&i.content));
        // Configs last: a cluster becomes visible only when everything else is there.
        items.sort_by(|a, b| {
            let last = |i: &PlanItem| is_config(&i.cluster, &i.key);
            (last(a), &a.key).cmp(&(last(b), &b.key))
        });
        let planned: HashSet<&str> = items.iter().map(|i| i.key.as_str()).collect();
        let destination_extras = self
            .existing
            .keys()
            .filter(|k| {
                store::cluster_of(&self.selected_set, k).is_some() && !planned.contains(k.as_str())
            })
            .count();
        Ok(Plan {
            from: self.from.root().redacted(),
            to: self.to.root().redacted(),
            clusters: self.selected,
            items,
            destination_extras,
        })
    }
}

/// Per cluster: objects still to land before its configs may be written, whether one
/// failed, and the configs held until then.
#[derive(Default)]
struct Waiting {
    remaining: usize,
    failed: bool,
    configs: Vec<(String, Arc<Vec<u8>>)>,
}

/// Writes clusters as they are released: everything but the config first, the config once
/// all of those are verified, and never when one of them failed (the cluster stays
/// invisible to kops). Every write is verified by the backend before it reports success.
pub(super) struct Writer<'a, 'p> {
    to: &'a dyn Backend,
    force: bool,
    progress: Option<&'p dyn Progress>,
    waiting: HashMap<String, Waiting>,
    cluster_of: HashMap<String, String>,
    copied: Vec<String>,
    failed: Vec<(String, String)>,
}

impl<'a, 'p> Writer<'a, 'p> {
    pub(super) fn new(
        to: &'a dyn Backend,
        force: bool,
        progress: Option<&'p dyn Progress>,
    ) -> Writer<'a, 'p> {
        Writer {
            to,
            force,
            progress,
            waiting: HashMap::new(),
            cluster_of: HashMap::new(),
            copied: Vec::new(),
            failed: Vec::new(),
        }
    }

    /// Whether a cluster is held back: something of it differs at the destination and
    /// `--force` was not given (nothing of it is written).
    fn holds_back(&self, items: &[PlanItem]) -> bool {
        !self.force && items.iter().any(|i| i.action == Action::Conflict)
    }

    /// The objects of `items` (one cluster's, all planned) that are to be written.
    pub(super) fn to_write<'i>(&self, items: &'i [PlanItem]) -> Vec<&'i PlanItem> {
        if self.holds_back(items) {
            return Vec::new();
        }
        // A conflict left here is overwritten: `--force`.
        items
            .iter()
            .filter(|i| i.action == Action::Copy || i.action == Action::Conflict)
            .collect()
    }

    /// The first writes of one cluster: all but its configs (or the configs, when they are
    /// all there is to write).
    pub(super) fn release(&mut self, items: &[PlanItem]) -> Vec<CopyRequest<'a>> {
        let mut writes = Vec::new();
        for item in self.to_write(items) {
            self.cluster_of
                .insert(item.key.clone(), item.cluster.clone());
            let waiting = self.waiting.entry(item.cluster.clone()).or_default();
            if is_config(&item.cluster, &item.key) {
                waiting
                    .configs
                    .push((item.key.clone(), item.content.clone()));
            } else {
                waiting.remaining += 1;
                writes.push(self.write(item.key.clone(), item.content.clone()));
            }
        }
        if let Some(cluster) = items.first().map(|i| &i.cluster) {
            if let Some(waiting) = self.waiting.get_mut(cluster) {
                if waiting.remaining == 0 {
                    let configs = std::mem::take(&mut waiting.configs);
                    writes.extend(configs.into_iter().map(|(k, d)| self.write(k, d)));
                }
            }
        }
        writes
    }

    fn write(&self, key: String, data: Arc<Vec<u8>>) -> CopyRequest<'a> {
        Request {
            backend: self.to,
            key,
            op: Op::Write(data),
            label: Side::Destination,
        }
    }

    /// Takes one write's outcome; returns the configs it releases.
    pub(super) fn written(
        &mut self,
        key: &str,
        result: Result<(), VfsError>,
    ) -> Vec<CopyRequest<'a>> {
        let ok = result.is_ok();
        match result {
            Ok(()) => {
                if let Some(p) = self.progress {
                    p.cluster_done(key);
                }
                self.copied.push(key.to_string());
            }
            Err(e) => self.failed.push((key.to_string(), e.to_string())),
        }
        let Some(cluster) = self.cluster_of.get(key) else {
            return Vec::new();
        };
        if is_config(cluster, key) {
            return Vec::new();
        }
        let Some(waiting) = self.waiting.get_mut(cluster) else {
            return Vec::new();
        };
        waiting.remaining = waiting.remaining.saturating_sub(1);
        waiting.failed |= !ok;
        if waiting.remaining > 0 {
            return Vec::new();
        }
        let configs = std::mem::take(&mut waiting.configs);
        if waiting.failed {
            for (key, _) in configs {
                self.failed.push((
                    key,
                    "not written: other objects of this cluster failed".into(),
                ));
            }
            return Vec::new();
        }
        configs.into_iter().map(|(k, d)| self.write(k, d)).collect()
    }

    /// What was done, against the complete plan.
    pub(super) fn finish(mut self, plan: &Plan) -> Outcome {
        let force = self.force;
        let held_back = plan
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
        self.copied.sort();
        self.failed.sort();
        Outcome {
            copied: self.copied,
            skipped_identical: plan.count(Action::Identical),
            conflicts: plan
                .items
                .iter()
                .filter(|i| i.action == Action::Conflict && !force)
                .map(|i| i.key.clone())
                .collect(),
            held_back,
            failed: self.failed,
        }
    }
}
