//! Discovering clusters in a store and loading their documents.
//!
//! kops finds clusters by listing keys that end in `/config`, so a cluster name may contain
//! `/`. User objects live at `<store>/<cluster>/config` and
//! `<store>/<cluster>/instancegroup/<name>`. Objects under `pki/` and `secrets/` are never
//! read here: statelint never needs their contents and never prints them.

pub mod diags;
pub mod hint;
pub mod pipeline;

use crate::document::Document;
use crate::findings::{Finding, Location};
use crate::rules::InstanceGroup;
use crate::source::SourceDb;
use crate::vfs::{Backend, ObjectMeta, VfsError};
use crate::yaml::{self, Limits};
use std::sync::Arc;

/// The objects of one cluster folder, before anything is read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterEntry {
    /// Folder name relative to the store (kops's cluster name).
    pub name: String,
    /// Key of `config`, when present.
    pub config_key: Option<String>,
    /// Key of the legacy `cluster.spec`, when present.
    pub legacy_spec_key: Option<String>,
    /// `(file name, key)` of every `instancegroup/<name>` object.
    pub instance_groups: Vec<(String, String)>,
    /// Files directly in the folder that kops does not write.
    pub unexpected: Vec<String>,
    /// Key of `kops-version.txt` (the last kops release that wrote the cluster), when present.
    pub kops_version_key: Option<String>,
    /// Key of `clusteraddons/default` (the additional objects of `kops create -f`), when present.
    pub additional_objects_key: Option<String>,
}

impl ClusterEntry {
    /// The objects loading this cluster reads, in order: its `config` (or, without one, the
    /// legacy `cluster.spec`), every instance group, `kops-version.txt`, then
    /// `clusteraddons/default`. All of them go through the request scheduler together.
    pub fn read_keys(&self) -> impl Iterator<Item = &str> {
        self.config_key
            .as_deref()
            .or(self.legacy_spec_key.as_deref())
            .into_iter()
            .chain(self.instance_groups.iter().map(|(_, key)| key.as_str()))
            .chain(self.kops_version_key.as_deref())
            .chain(self.additional_objects_key.as_deref())
    }
}

/// The clusters of a store.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub clusters: Vec<ClusterEntry>,
    /// Total number of objects listed.
    pub objects: usize,
    /// Keys directly at the store root (no `/`), to explain a store without clusters.
    pub root_files: Vec<String>,
}

/// The proper ancestor folders of a `/`-separated key, shortest first: `a/b/c` -> `a`, `a/b`.
fn ancestors(key: &str) -> impl Iterator<Item = &str> {
    key.match_indices('/').map(move |(i, _)| &key[..i])
}

/// The cluster of `clusters` whose folder holds `key`, found through the key's own ancestor
/// folders (linear in the key's depth, not in the number of clusters). Clusters from
/// [`group`] never nest, so at most one matches.
pub fn cluster_of<'c>(
    clusters: &'c std::collections::HashSet<String>,
    key: &str,
) -> Option<&'c str> {
    ancestors(key).find_map(|a| clusters.get(a).map(String::as_str))
}

/// Files kops writes directly in a cluster folder.
const KNOWN_FILES: &[&str] = &[
    "config",
    "cluster.spec",
    "cluster-completed.spec",
    "kops-version.txt",
];

/// Lists the store and groups its objects by cluster.
pub fn discover(backend: &dyn Backend) -> Result<Layout, VfsError> {
    let objects = backend.list("")?;
    Ok(group(&objects))
}

/// Groups a listing into cluster folders (pure, for testing without a backend).
pub fn group(objects: &[ObjectMeta]) -> Layout {
    let mut dirs: Vec<&str> = objects
        .iter()
        .filter_map(|o| {
            o.key
                .strip_suffix("/config")
                .or_else(|| o.key.strip_suffix("/cluster.spec"))
        })
        .filter(|d| !d.is_empty())
        .collect();
    // Shallow folders first: a `config` nested inside a cluster (e.g. under `addons/`)
    // belongs to that cluster, not to a new one.
    dirs.sort_by_key(|d| (d.matches('/').count(), *d));
    dirs.dedup();
    // Linear in the number of objects: each key is matched against its own ancestor
    // folders through a map, never against every cluster (stores hold 100,000+ objects).
    let mut accepted: Vec<&str> = Vec::new();
    let mut accepted_set: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for d in dirs {
        if !ancestors(d).any(|a| accepted_set.contains(a)) {
            accepted.push(d);
            accepted_set.insert(d);
        }
    }
    accepted.sort();
    let mut clusters: Vec<ClusterEntry> = accepted
        .iter()
        .map(|d| ClusterEntry {
            name: d.to_string(),
            ..ClusterEntry::default()
        })
        .collect();
    let index: std::collections::HashMap<&str, usize> =
        accepted.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    for o in objects {
        let Some(idx) = ancestors(&o.key).find_map(|a| index.get(a).copied()) else {
            continue;
        };
        let entry = &mut clusters[idx];
        let rel = &o.key[entry.name.len() + 1..];
        match rel.split_once('/') {
            None if rel == "config" => entry.config_key = Some(o.key.clone()),
            None if rel == "cluster.spec" => entry.legacy_spec_key = Some(o.key.clone()),
            None if rel == "kops-version.txt" => entry.kops_version_key = Some(o.key.clone()),
            None if KNOWN_FILES.contains(&rel) => {}
            // A permission probe running right now (ours, removed when it ends).
            None if rel.starts_with(crate::probes::guard::PROBE_PREFIX) => {}
            None => entry.unexpected.push(o.key.clone()),
            Some(_) if rel == crate::rules::kops::additional_objects::STORE_KEY => {
                entry.additional_objects_key = Some(o.key.clone());
            }
            Some(("instancegroup", name)) if !name.contains('/') && !name.is_empty() => {
                entry
                    .instance_groups
                    .push((name.to_string(), o.key.clone()));
            }
            Some(_) => {}
        }
    }
    Layout {
        clusters,
        objects: objects.len(),
        root_files: objects
            .iter()
            .filter(|o| !o.key.contains('/'))
            .map(|o| o.key.clone())
            .collect(),
    }
}

/// What kind of document a store object must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedKind {
    Cluster,
    InstanceGroup,
}

impl ExpectedKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExpectedKind::Cluster => "Cluster",
            ExpectedKind::InstanceGroup => "InstanceGroup",
        }
    }
}

/// Limits applied while loading one store.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    pub max_object_bytes: u64,
    pub yaml: Limits,
}

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions {
            max_object_bytes: crate::vfs::DEFAULT_MAX_OBJECT_BYTES,
            yaml: Limits::default(),
        }
    }
}

/// One cluster with its documents loaded (as far as they could be).
#[derive(Debug, Clone)]
pub struct LoadedCluster {
    pub name: String,
    pub cluster: Option<Document>,
    pub instance_groups: Vec<InstanceGroup>,
    pub findings: Vec<Finding>,
    /// The bytes of `kops-version.txt` when the cluster has one and it could be read (an
    /// unreadable file only leaves the kops release to the other sources).
    pub kops_version_txt: Option<Vec<u8>>,
    /// The text of `clusteraddons/default` when the cluster has one and it could be read as
    /// UTF-8 (an unreadable object is left to the permission probes).
    pub additional_objects: Option<String>,
    /// How the store answered the read of `config` (the legacy `cluster.spec` is not
    /// recorded): the read probe reuses it instead of asking again.
    pub config_read: Option<Result<(), Arc<VfsError>>>,
}

/// The largest `kops-version.txt` taken for a release number.
pub const KOPS_VERSION_MAX_BYTES: usize = 4096;

/// Reads and parses the documents of one cluster; problems become findings.
pub fn load_cluster(
    backend: &dyn Backend,
    entry: &ClusterEntry,
    options: &LoadOptions,
    sources: &SourceDb,
) -> LoadedCluster {
    load_cluster_from(backend, entry, options, sources, &mut |key| {
        backend.read(key, options.max_object_bytes)
    })
}

/// As [`load_cluster`], taking each object's bytes from `read` (objects fetched ahead, see
/// [`pipeline`]); `backend` only names the objects.
pub fn load_cluster_from(
    backend: &dyn Backend,
    entry: &ClusterEntry,
    options: &LoadOptions,
    sources: &SourceDb,
    read: &mut dyn FnMut(&str) -> Result<Vec<u8>, VfsError>,
) -> LoadedCluster {
    let name = entry.name.as_str();
    let mut findings = Vec::new();
    let cluster_url = backend.url_of(name);
    if entry.config_key.is_none() && entry.legacy_spec_key.is_some() {
        findings.push(diags::legacy_cluster_spec(name, &cluster_url));
    }
    for key in &entry.unexpected {
        findings.push(diags::unexpected_object(name, &backend.url_of(key)));
    }
    let config_key = entry.config_key.as_ref().or(entry.legacy_spec_key.as_ref());
    let mut config_read = None;
    let cluster = config_key.and_then(|key| {
        let got = read(key).map_err(Arc::new);
        if entry.config_key.as_ref() == Some(key) {
            config_read = Some(got.as_ref().map(|_| ()).map_err(Arc::clone));
        }
        parse_document(
            &backend.url_of(key),
            got,
            ExpectedKind::Cluster,
            name,
            options,
            sources,
            &mut findings,
        )
    });
    if entry.instance_groups.is_empty() {
        findings.push(diags::no_instance_groups(name, &cluster_url));
    }
    let instance_groups = entry
        .instance_groups
        .iter()
        .filter_map(|(file_name, key)| {
            parse_document(
                &backend.url_of(key),
                read(key).map_err(Arc::new),
                ExpectedKind::InstanceGroup,
                name,
                options,
                sources,
                &mut findings,
            )
            .map(|doc| InstanceGroup {
                file_name: file_name.clone(),
                doc,
            })
        })
        .collect();
    let kops_version_txt = entry
        .kops_version_key
        .as_ref()
        .and_then(|key| read(key).ok())
        .filter(|bytes| bytes.len() <= KOPS_VERSION_MAX_BYTES);
    let additional_objects = entry
        .additional_objects_key
        .as_ref()
        .and_then(|key| read(key).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok());
    LoadedCluster {
        name: name.to_string(),
        cluster,
        instance_groups,
        findings,
        kops_version_txt,
        additional_objects,
        config_read,
    }
}

/// Parses the outcome of reading the object at `url` as a single kops document of
/// `expected` kind; a failed read becomes a finding.
pub fn parse_document(
    url: &str,
    read: Result<Vec<u8>, Arc<VfsError>>,
    expected: ExpectedKind,
    cluster: &str,
    options: &LoadOptions,
    sources: &SourceDb,
    findings: &mut Vec<Finding>,
) -> Option<Document> {
    let url = url.to_string();
    let bytes = match read {
        Ok(b) => b,
        Err(e) => {
            findings.push(diags::read_failed(Some(cluster), &url, &e));
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            findings.push(diags::not_text(cluster, &url, "is not valid UTF-8 text"));
            return None;
        }
    };
    if text.contains('\0') {
        findings.push(diags::not_text(cluster, &url, "contains NUL bytes"));
        return None;
    }
    let id = sources.add(url.clone(), text);
    let file = sources.get(id)?;
    let at = |span| Location::File {
        file: id,
        url: url.clone(),
        span,
    };
    let docs = match yaml::load(&file, options.yaml) {
        Ok(d) => d,
        Err(e) => {
            findings.push(diags::yaml_error(cluster, at(e.span()), &e));
            return None;
        }
    };
    // Trailing empty documents (a final `---`) are harmless.
    let mut docs: Vec<_> = docs
        .into_iter()
        .filter(|d| !d.value.is_null() || d.index.len() > 1)
        .collect();
    if docs.len() > 1 {
        findings.push(diags::multiple_documents(
            cluster,
            at(docs[1].span),
            docs.len(),
        ));
    }
    if docs.is_empty() {
        findings.push(diags::empty_document(
            cluster,
            at(file.first_line()),
            "empty",
        ));
        return None;
    }
    let first = docs.swap_remove(0);
    let doc = Document {
        file: id,
        source: file,
        value: first.value,
        index: first.index,
    };
    let what = match &doc.value {
        serde_json::Value::Object(_) => None,
        serde_json::Value::Array(_) => Some("a list"),
        serde_json::Value::Null => Some("empty"),
        _ => Some("a single scalar"),
    };
    if let Some(what) = what {
        findings.push(diags::empty_document(cluster, doc.location(""), what));
        return None;
    }
    let kind = doc.str_at("/kind").unwrap_or("");
    if kind != expected.as_str() {
        let found = if kind.is_empty() { "no `kind`" } else { kind };
        findings.push(diags::unexpected_kind(
            cluster,
            doc.location("/kind"),
            found,
            expected.as_str(),
            "/kind",
        ));
        return None;
    }
    Some(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objs(keys: &[&str]) -> Vec<ObjectMeta> {
        keys.iter()
            .map(|k| ObjectMeta {
                key: k.to_string(),
                size: 1,
            })
            .collect()
    }

    #[test]
    fn an_object_belongs_to_the_cluster_folder_above_it_and_to_no_look_alike() {
        let clusters: std::collections::HashSet<String> = ["a.example.com", "team/b.example.com"]
            .map(String::from)
            .into();
        let of = |key| cluster_of(&clusters, key);
        assert_eq!(of("a.example.com/config"), Some("a.example.com"));
        assert_eq!(of("a.example.com/addons/x/config"), Some("a.example.com"));
        assert_eq!(
            of("team/b.example.com/instancegroup/nodes"),
            Some("team/b.example.com")
        );
        // A name that only starts like a cluster's, the folder itself, and other folders.
        assert_eq!(of("a.example.com.old/config"), None);
        assert_eq!(of("a.example.com"), None);
        assert_eq!(of("team/config"), None);
        assert_eq!(of("b.example.com/config"), None);
    }

    #[test]
    fn groups_clusters_by_config_objects() {
        let layout = group(&objs(&[
            "a.example.com/config",
            "a.example.com/instancegroup/nodes",
            "a.example.com/instancegroup/control-plane-a",
            "a.example.com/addons/x/config",
            "a.example.com/pki/private/ca/keyset.yaml",
            "a.example.com/config.bak",
            "team/b.example.com/config",
            "old.example.com/cluster.spec",
            "stray.txt",
        ]));
        let names: Vec<_> = layout.clusters.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["a.example.com", "old.example.com", "team/b.example.com"]
        );
        let a = &layout.clusters[0];
        assert_eq!(a.instance_groups.len(), 2);
        assert_eq!(a.unexpected, ["a.example.com/config.bak"]);
        assert_eq!(layout.clusters[1].config_key, None);
        assert!(layout.clusters[1].legacy_spec_key.is_some());
    }
}
