//! Loading rule fixtures and corpus files into a [`ClusterContext`], shared by the rule
//! tests. Included with `#[path = "common/fixture.rs"] mod fixture;`.
//!
//! Fixture format: header comments `# store: <url>`, `# cluster: <folder name>` and
//! `# kops-version: <x.y.z>` (default: the newest release statelint knows), then YAML
//! documents separated by `---` lines. The first is the Cluster (read as
//! `<store>/<cluster>/config`); the others are InstanceGroups, read as
//! `instancegroup/<metadata.name>` unless the document starts with `# ig-file: <name>`.
#![allow(dead_code)]

use std::path::Path;

use statelint::document::Document;
use statelint::findings::{Finding, Location};
use statelint::resolve::url::StoreUrl;
use statelint::rules::kops::version::KopsVersion;
use statelint::rules::{ClusterContext, InstanceGroup};
use statelint::source::SourceDb;
use statelint::yaml::{self, Limits};

pub fn document(sources: &SourceDb, url: &str, text: &str) -> Document {
    let file = sources.add(url, text);
    let source = sources.get(file).expect("registered");
    let mut docs = yaml::load(&source, Limits::default())
        .unwrap_or_else(|e| panic!("{url}: fixture YAML does not parse: {e:?}"));
    assert_eq!(docs.len(), 1, "{url}: one document per part");
    let d = docs.remove(0);
    Document {
        file,
        source,
        value: d.value,
        index: d.index,
    }
}

/// A cluster loaded from a fixture or a corpus file.
pub struct Loaded {
    pub store: StoreUrl,
    pub name: String,
    pub cluster: Document,
    pub groups: Vec<InstanceGroup>,
    pub kops_version: KopsVersion,
}

impl Loaded {
    pub fn context(&self) -> ClusterContext<'_> {
        ClusterContext {
            name: &self.name,
            store: &self.store,
            cwd: None,
            cluster: &self.cluster,
            instance_groups: &self.groups,
            kops_version: &self.kops_version,
        }
    }
}

pub fn split_documents(text: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    for line in text.lines() {
        if line.trim_end() == "---" {
            parts.push(String::new());
        } else if let Some(last) = parts.last_mut() {
            last.push_str(line);
            last.push('\n');
        }
    }
    parts.retain(|p| {
        p.lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    });
    parts
}

pub fn header<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("# {key}:")))
        .map(str::trim)
}

pub fn load(text: &str, store: &str, name: &str, sources: &SourceDb) -> Loaded {
    let store = StoreUrl::parse(store).expect("valid store URL");
    let parts = split_documents(text);
    let base = store.join(name).redacted();
    let cluster = document(sources, &format!("{base}/config"), &parts[0]);
    let groups = parts[1..]
        .iter()
        .map(|part| {
            let probe = document(
                sources,
                &format!("{base}/instancegroup/?{}", sources.len()),
                part,
            );
            let file_name = header(part, "ig-file")
                .map(str::to_string)
                .or_else(|| probe.str_at("/metadata/name").map(str::to_string))
                .unwrap_or_else(|| "unnamed".into());
            let doc = document(sources, &format!("{base}/instancegroup/{file_name}"), part);
            InstanceGroup { file_name, doc }
        })
        .collect();
    Loaded {
        store,
        name: name.to_string(),
        cluster,
        groups,
        kops_version: KopsVersion::newest_known(),
    }
}

pub fn load_fixture(path: &Path, sources: &SourceDb) -> Loaded {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let store = header(&text, "store").unwrap_or("s3://kops-state");
    let name = header(&text, "cluster").unwrap_or("c.example.com");
    let mut loaded = load(&text, store, name, sources);
    if let Some(v) = header(&text, "kops-version") {
        loaded.kops_version = KopsVersion::parse(v).expect("valid `# kops-version:` header");
    }
    loaded
}

/// The findings of the checks reporting `code` alone (a rule file or kops table rows).
pub fn run_code(code: &str, loaded: &Loaded) -> Vec<Finding> {
    statelint::rules::check_code(code, &loaded.context())
}

pub fn describe(f: &Finding) -> String {
    let (file, line, col) = match &f.location {
        Location::File { url, span, .. } => (
            url.rsplit('/').next().unwrap_or("").to_string(),
            span.line,
            span.column,
        ),
        Location::Resource { uri } => (uri.clone(), 0, 0),
    };
    format!(
        "{} {} {file}:{line}:{col} {}\n  {}\n  help: {}\n",
        f.code,
        f.severity,
        f.pointer.as_deref().unwrap_or("-"),
        f.message,
        f.help.as_deref().unwrap_or("-")
    )
}
