//! kops manifests read from files, folders and standard input (`statelint check PATH...`),
//! for teams that keep `kops get --full -o yaml` output or a `cluster.yaml` plus instance
//! groups in git. Documents are grouped by cluster the way kops groups them: a Cluster by its
//! `metadata.name`, an InstanceGroup by its `kops.k8s.io/cluster` label (or, with one Cluster
//! in the input, by that one). The same schemas and rules then run as on a store.

pub mod diags;

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::document::Document;
use crate::findings::{Finding, Location};
use crate::rules::kops::additional_objects;
use crate::rules::InstanceGroup;
use crate::source::SourceDb;
use crate::yaml;

/// The label kops puts on every InstanceGroup naming its cluster.
pub const CLUSTER_LABEL: &str = "kops.k8s.io/cluster";
/// How the standard input is named in findings.
pub const STDIN_NAME: &str = "<stdin>";
/// Bounds on a folder walk: a manifests folder is small, a home directory is not.
const MAX_FILES: usize = 10_000;
const MAX_DEPTH: usize = 32;

/// One cluster's documents as found in the input.
#[derive(Debug)]
pub struct InputCluster {
    pub name: String,
    /// Where its Cluster document was read (a path, or `<stdin>`).
    pub origin: String,
    pub cluster: Option<Document>,
    pub instance_groups: Vec<InstanceGroup>,
}

/// Everything read from the input: clusters, and findings about the input itself.
#[derive(Debug, Default)]
pub struct Input {
    pub clusters: Vec<InputCluster>,
    pub findings: Vec<Finding>,
    /// Files read (after expanding folders), for the summary.
    pub files: usize,
}

/// Reads `paths` (`-` is standard input), each file at most `max_bytes`.
pub fn read(paths: &[PathBuf], stdin: &mut dyn Read, max_bytes: u64, sources: &SourceDb) -> Input {
    let mut input = Input::default();
    let mut loose_groups: Vec<Document> = Vec::new();
    for (name, text) in expand(paths, stdin, max_bytes, &mut input.findings) {
        input.files += 1;
        split(&name, text, sources, &mut input, &mut loose_groups);
    }
    attach_instance_groups(loose_groups, &mut input);
    input
}

/// The texts of the input, in order: files as given, folders walked in name order
/// (`*.yaml`, `*.yml`), `-` read once.
fn expand(
    paths: &[PathBuf],
    stdin: &mut dyn Read,
    max_bytes: u64,
    findings: &mut Vec<Finding>,
) -> Vec<(String, String)> {
    let mut texts = Vec::new();
    let mut stdin_read = false;
    for path in paths {
        if path.as_os_str() == "-" {
            if stdin_read {
                continue;
            }
            stdin_read = true;
            let mut bytes = Vec::new();
            match stdin.take(max_bytes + 1).read_to_end(&mut bytes) {
                Ok(_) if bytes.len() as u64 > max_bytes => findings.push(diags::input_unreadable(
                    STDIN_NAME,
                    &format!("larger than {max_bytes} bytes (see --max-file-size)"),
                )),
                Ok(_) => push_text(STDIN_NAME.to_string(), bytes, &mut texts, findings),
                Err(e) => findings.push(diags::input_unreadable(STDIN_NAME, &e.to_string())),
            }
            continue;
        }
        let mut files = Vec::new();
        if path.is_dir() {
            walk(path, 0, &mut files, findings);
        } else {
            files.push(path.clone());
        }
        for file in files {
            let shown = file.display().to_string();
            match read_bounded(&file, max_bytes) {
                Ok(bytes) => push_text(shown, bytes, &mut texts, findings),
                Err(why) => findings.push(diags::input_unreadable(&shown, &why)),
            }
        }
    }
    texts
}

fn push_text(
    name: String,
    bytes: Vec<u8>,
    texts: &mut Vec<(String, String)>,
    findings: &mut Vec<Finding>,
) {
    match String::from_utf8(bytes) {
        Ok(text) if text.contains('\0') => {
            findings.push(diags::input_unreadable(&name, "contains NUL bytes"))
        }
        Ok(text) => texts.push((name, text)),
        Err(_) => findings.push(diags::input_unreadable(&name, "is not UTF-8 text")),
    }
}

fn read_bounded(path: &Path, max_bytes: u64) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max_bytes {
        return Err(format!(
            "larger than {max_bytes} bytes (see --max-file-size)"
        ));
    }
    Ok(bytes)
}

/// The YAML files under `dir`, sorted, without following symlinked folders.
fn walk(dir: &Path, depth: usize, files: &mut Vec<PathBuf>, findings: &mut Vec<Finding>) {
    if depth > MAX_DEPTH || files.len() >= MAX_FILES {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            findings.push(diags::input_unreadable(
                &dir.display().to_string(),
                &e.to_string(),
            ));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if files.len() >= MAX_FILES {
            return;
        }
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if meta.is_dir() {
            walk(&path, depth + 1, files, findings);
        } else if is_yaml(&path) {
            files.push(path);
        }
    }
}

fn is_yaml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Splits one text into documents and files each under its cluster.
fn split(
    name: &str,
    text: String,
    sources: &SourceDb,
    input: &mut Input,
    loose_groups: &mut Vec<Document>,
) {
    let id = sources.add(name.to_string(), text);
    let Some(file) = sources.get(id) else {
        return;
    };
    let docs = match yaml::load(&file, yaml::Limits::default()) {
        Ok(docs) => docs,
        Err(e) => {
            let at = Location::File {
                file: id,
                url: name.to_string(),
                span: e.span(),
            };
            let mut finding = crate::store::diags::yaml_error("", at, &e);
            finding.cluster = None;
            input.findings.push(finding);
            return;
        }
    };
    for d in docs {
        if d.value.is_null() {
            continue; // a trailing `---`
        }
        let doc = Document {
            file: id,
            source: file.clone(),
            value: d.value,
            index: d.index,
        };
        match doc.str_at("/kind").unwrap_or("") {
            "Cluster" => {
                let cluster_name = doc.str_at("/metadata/name").unwrap_or("").to_string();
                let entry = cluster_entry(&mut input.clusters, &cluster_name, name);
                if entry.cluster.is_none() {
                    entry.cluster = Some(doc);
                }
            }
            "InstanceGroup" => loose_groups.push(doc),
            // Objects kops stores with the cluster and validates (`clusteraddons/default`).
            _ if additional_objects::is_validated(&doc) => {
                input.findings.extend(additional_objects::check(&doc, None));
            }
            other => {
                let kind = if other.is_empty() { "untyped" } else { other };
                let location = doc.location("/kind");
                input.findings.push(diags::document_skipped(kind, location));
            }
        }
    }
}

fn cluster_entry<'a>(
    clusters: &'a mut Vec<InputCluster>,
    name: &str,
    origin: &str,
) -> &'a mut InputCluster {
    let index = match clusters.iter().position(|c| c.name == name) {
        Some(i) => i,
        None => {
            clusters.push(InputCluster {
                name: name.to_string(),
                origin: origin.to_string(),
                cluster: None,
                instance_groups: Vec::new(),
            });
            clusters.len() - 1
        }
    };
    &mut clusters[index]
}

/// Files each InstanceGroup under the cluster its label names, or the only cluster.
fn attach_instance_groups(groups: Vec<Document>, input: &mut Input) {
    let names: Vec<String> = input.clusters.iter().map(|c| c.name.clone()).collect();
    for doc in groups {
        let label = format!("/metadata/labels/{}", CLUSTER_LABEL.replace('/', "~1"));
        let target = match doc.str_at(&label) {
            Some(cluster) => names.iter().position(|n| n == cluster),
            None if names.len() == 1 => Some(0),
            None => None,
        };
        let ig_name = doc.str_at("/metadata/name").unwrap_or("").to_string();
        match target {
            Some(i) => input.clusters[i].instance_groups.push(InstanceGroup {
                file_name: ig_name,
                doc,
            }),
            None => {
                let location = doc.location("/metadata");
                input.findings.push(diags::instance_group_without_cluster(
                    &ig_name,
                    doc.str_at(&label),
                    &names,
                    location,
                ));
            }
        }
    }
}
