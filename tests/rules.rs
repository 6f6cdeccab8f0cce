//! Rule fixtures: for every rule, `tests/fixtures/rules/<CODE>/fail.yaml` must produce that
//! code (its findings are snapshotted) and `pass.yaml` must not. Plus the bundled example
//! store and, when present, the kops corpus.
//!
//! Fixture format: header comments `# store: <url>` and `# cluster: <folder name>`, then
//! YAML documents separated by `---` lines. The first is the Cluster (read as
//! `<store>/<cluster>/config`); the others are InstanceGroups, read as
//! `instancegroup/<metadata.name>` unless the document starts with `# ig-file: <name>`.

use std::path::{Path, PathBuf};

use statelint::document::Document;
use statelint::findings::{Finding, Location};
use statelint::resolve::url::StoreUrl;
use statelint::rules::{self, ClusterContext, InstanceGroup};
use statelint::source::SourceDb;
use statelint::yaml::{self, Limits};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

fn document(sources: &SourceDb, url: &str, text: &str) -> Document {
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
struct Loaded {
    store: StoreUrl,
    name: String,
    cluster: Document,
    groups: Vec<InstanceGroup>,
}

impl Loaded {
    fn context(&self) -> ClusterContext<'_> {
        ClusterContext {
            name: &self.name,
            store: &self.store,
            cwd: None,
            cluster: &self.cluster,
            instance_groups: &self.groups,
        }
    }
}

fn split_documents(text: &str) -> Vec<String> {
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

fn header<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("# {key}:")))
        .map(str::trim)
}

fn load(text: &str, store: &str, name: &str, sources: &SourceDb) -> Loaded {
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
    }
}

fn load_fixture(path: &Path, sources: &SourceDb) -> Loaded {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let store = header(&text, "store").unwrap_or("s3://kops-state");
    let name = header(&text, "cluster").unwrap_or("c.example.com");
    load(&text, store, name, sources)
}

fn run_rule(code: &str, loaded: &Loaded) -> Vec<Finding> {
    let rule = rules::by_code(code).unwrap_or_else(|| panic!("no rule {code}"));
    let mut out = Vec::new();
    rule.check(&loaded.context(), &mut out);
    out
}

fn describe(f: &Finding) -> String {
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

#[test]
fn every_rule_has_a_failing_and_a_passing_fixture() {
    for rule in rules::RULES {
        let code = rule.info().code;
        let dir = fixtures_dir().join(code);
        for kind in ["pass.yaml", "fail.yaml"] {
            assert!(dir.join(kind).is_file(), "missing fixture {code}/{kind}");
        }
    }
}

#[test]
fn fixtures_fail_and_pass_as_documented() {
    for rule in rules::RULES {
        let code = rule.info().code;
        let dir = fixtures_dir().join(code);
        // One source database per fixture: both use the same URLs.
        let fail = run_rule(
            code,
            &load_fixture(&dir.join("fail.yaml"), &SourceDb::new()),
        );
        assert!(!fail.is_empty(), "{code}/fail.yaml produced no finding");
        assert!(fail.iter().all(|f| f.code == code));
        assert!(
            fail.iter()
                .all(|f| matches!(f.location, Location::File { .. }) && f.pointer.is_some()),
            "{code}: every finding points at a node"
        );
        let pass = run_rule(
            code,
            &load_fixture(&dir.join("pass.yaml"), &SourceDb::new()),
        );
        assert!(
            pass.is_empty(),
            "{code}/pass.yaml produced:\n{}",
            pass.iter().map(describe).collect::<String>()
        );
        let snapshot: String = fail.iter().map(describe).collect();
        insta::assert_snapshot!(code, snapshot);
    }
}

#[test]
fn the_example_store_shows_each_planted_problem() {
    use statelint::check::{check_store, CheckOptions};
    let store = StoreUrl::from_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/store"));
    let backend = statelint::vfs::open(&store, &statelint::env::MapEnv::default()).expect("open");
    let sources = SourceDb::new();
    let outcome = check_store(backend.as_ref(), &CheckOptions::default(), &sources, None);
    let codes = |cluster: &str| -> Vec<&str> {
        outcome
            .findings
            .iter()
            .filter(|f| f.cluster.as_deref() == Some(cluster))
            .map(|f| f.code)
            .collect()
    };
    let prod = codes("prod.example.com");
    for code in ["SL101", "SL104"] {
        assert!(prod.contains(&code), "prod: {prod:?}");
    }
    let staging = codes("staging.example.com");
    for code in ["SL121", "SL107", "SL105", "SL114"] {
        assert!(staging.contains(&code), "staging: {staging:?}");
    }
    // The misspelt `kubernetesVersoin` is one finding (SL121), not also "missing" (SL109).
    assert!(!staging.contains(&"SL109"), "staging: {staging:?}");
    assert_eq!(codes("dev.example.com"), Vec::<&str>::new());
}

#[test]
fn real_kops_configs_trip_no_rule() {
    let Some(root) = std::env::var_os("STATELINT_CORPUS") else {
        eprintln!("SKIPPED: set STATELINT_CORPUS to run the rules over the kops corpus");
        return;
    };
    let dir = Path::new(&root).join("kops-integration");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let mut problems = Vec::new();
    let mut clusters = 0;
    let mut groups = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
        // Keep only the Cluster and its InstanceGroups, Cluster first.
        let mut parts = split_documents(&text);
        parts.retain(|p| p.contains("kind: Cluster\n") || p.contains("kind: InstanceGroup\n"));
        parts.sort_by_key(|p| !p.contains("kind: Cluster\n"));
        let sources = SourceDb::new();
        let Some(first) = parts.first() else { continue };
        let probe = document(&sources, "probe://cluster", first);
        let Some(name) = probe.str_at("/metadata/name").map(str::to_string) else {
            continue;
        };
        let store = probe
            .str_at("/spec/configBase")
            .and_then(|cb| cb.strip_suffix(&format!("/{name}")).map(str::to_string))
            .unwrap_or_else(|| "memfs://corpus".into());
        let loaded = load(&parts.join("---\n"), &store, &name, &sources);
        clusters += 1;
        groups += loaded.groups.len();
        for rule in rules::RULES {
            let mut out = Vec::new();
            rule.check(&loaded.context(), &mut out);
            for f in out {
                problems.push(format!("{}: {}", path.display(), describe(&f)));
            }
        }
    }
    eprintln!(
        "ran {} rules over {clusters} corpus clusters with {groups} instance groups",
        rules::RULES.len()
    );
    assert!(
        clusters > 0 && groups >= clusters,
        "the corpus was not read: {clusters} clusters, {groups} groups"
    );
    assert!(
        problems.is_empty(),
        "{} findings:\n{}",
        problems.len(),
        problems.join("")
    );
}
