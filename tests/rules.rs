//! Rule fixtures: for every rule, `tests/fixtures/rules/<CODE>/fail.yaml` must produce that
//! code (its findings are snapshotted) and `pass.yaml` must not. Plus the bundled example
//! store and, when present, the kops corpus. The fixture format is described in `tests/common/fixture.rs`.

mod common;
#[path = "common/fixture.rs"]
mod fixture;

use std::path::{Path, PathBuf};

use fixture::{describe, document, load, load_fixture, run_code, split_documents};
use statelint::findings::Location;
use statelint::resolve::url::StoreUrl;
use statelint::rules;
use statelint::source::SourceDb;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
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
        let fail = run_code(
            code,
            &load_fixture(&dir.join("fail.yaml"), &SourceDb::new()),
        );
        assert!(!fail.is_empty(), "{code}/fail.yaml produced no finding");
        assert!(fail.iter().all(|f| f.code == code));
        // The whole rule set reports the same findings of this code: no other rule or
        // de-duplication hides them, and the fixture is not checked by its rule alone.
        let sources = SourceDb::new();
        let whole = rules::check_cluster(&load_fixture(&dir.join("fail.yaml"), &sources).context());
        let whole: Vec<String> = whole
            .iter()
            .filter(|f| f.code == code)
            .map(describe)
            .collect();
        assert_eq!(
            whole,
            fail.iter().map(describe).collect::<Vec<_>>(),
            "{code}/fail.yaml under every rule"
        );
        assert!(
            fail.iter()
                .all(|f| matches!(f.location, Location::File { .. }) && f.pointer.is_some()),
            "{code}: every finding points at a node"
        );
        let pass = run_code(
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

/// A pass fixture is a cluster kops accepts: the whole rule set, not only its own rule, finds
/// nothing wrong in it (notes aside), so a rule's pass case is not a broken cluster that merely
/// avoids one check.
#[test]
fn every_pass_fixture_is_accepted_by_every_rule() {
    let mut problems = Vec::new();
    for rule in rules::RULES {
        let code = rule.info().code;
        let sources = SourceDb::new();
        let loaded = load_fixture(&fixtures_dir().join(code).join("pass.yaml"), &sources);
        for f in rules::check_cluster(&loaded.context()) {
            if f.severity >= statelint::findings::Severity::Warning {
                problems.push(format!("{code}/pass.yaml: {}", describe(&f)));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} findings in pass fixtures:\n{}",
        problems.len(),
        problems.join("")
    );
}

/// The warning- and error-level codes the whole rule set reports for a cluster text.
fn codes_of(text: &str, store: &str, name: &str) -> Vec<String> {
    let sources = SourceDb::new();
    let loaded = load(text, store, name, &sources);
    let mut codes: Vec<String> = rules::check_cluster(&loaded.context())
        .into_iter()
        .filter(|f| f.severity >= statelint::findings::Severity::Warning)
        .map(|f| f.code.to_string())
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

/// Failing cases built from a real cluster: kops's own `ha` integration cluster
/// (`corpus/ha.yaml`, which kops accepts and which gets no finding) with one field changed
/// per line of `corpus/one-field.tsv`; each change must bring exactly the codes listed.
#[test]
fn a_real_cluster_with_one_field_changed_gets_exactly_its_codes() {
    let dir = fixtures_dir().join("corpus");
    let original = std::fs::read_to_string(dir.join("ha.yaml")).expect("ha.yaml");
    let (store, name) = ("memfs://tests", "ha.example.com");
    assert_eq!(codes_of(&original, store, name), Vec::<String>::new());
    let table = std::fs::read_to_string(dir.join("one-field.tsv")).expect("one-field.tsv");
    let mut cases = 0;
    let mut wrong = Vec::new();
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let [codes, from, to, why] = cols[..] else {
            panic!("one-field.tsv: four tab-separated columns, got {line:?}");
        };
        let (from, to) = (from.replace("\\n", "\n"), to.replace("\\n", "\n"));
        assert_eq!(
            original.matches(&from).count(),
            1,
            "one-field.tsv ({why}): {from:?} must occur once in ha.yaml"
        );
        let expected: Vec<String> = codes.split(',').map(str::to_string).collect();
        let got = codes_of(&original.replacen(&from, &to, 1), store, name);
        if got != expected {
            wrong.push(format!("{why}: expected {expected:?}, got {got:?}"));
        }
        cases += 1;
    }
    assert!(cases >= 10, "only {cases} one-field cases");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
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

/// A corpus file kops refuses: its name, the (code, pointer) of every error and why.
type Rejected = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
);

/// Corpus files kops itself would refuse, with the findings that say why. They are inputs
/// of kops's conversion tests, which never run validation.
const REJECTED_BY_KOPS: &[Rejected] = &[
    (
        "conversion__aws__v1alpha2.yaml",
        &[
            ("SL630", "/spec/hooks/1/manifest"),
            ("SL630", "/spec/hooks/2/manifest"),
        ],
        "enabled hooks without a manifest or exec container (validateHookSpec); the file is a conversion input",
    ),
    (
        "conversion__azure__v1alpha2.yaml",
        &[("SL127", "/spec/subnets/0/region")],
        "Azure subnets need a region (validateSubnets)",
    ),
    (
        "conversion__do__v1alpha2.yaml",
        &[("SL127", "/spec/subnets/0/region")],
        "DigitalOcean subnets need a region (validateSubnets)",
    ),
    (
        "conversion__gce__v1alpha2.yaml",
        &[
            ("SL124", "/spec/subnets/0/zone"),
            ("SL127", "/spec/subnets/0/region"),
            ("SL135", "/spec/networkCIDR"),
            ("SL198", "/spec/zones"),
            ("SL198", "/spec/zones"),
        ],
        "GCE subnets are regional (gceValidateCluster, validateSubnets), GCE has no networkCIDR (validateNetworking) and its two groups list no zones (gceValidateInstanceGroup)",
    ),
];

#[test]
fn real_kops_configs_trip_no_rule_but_sl101_when_read_from_another_bucket() {
    let Some(root) = std::env::var_os("STATELINT_CORPUS") else {
        common::skip_without_corpus("the rules over the kops corpus");
        return;
    };
    let mut files: Vec<PathBuf> = Vec::new();
    for folder in ["kops-integration", "kops-create-cluster"] {
        let dir = Path::new(&root).join(folder);
        files.extend(
            std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "yaml")),
        );
    }
    files.sort();
    let mut problems = Vec::new();
    let mut clusters = 0;
    let mut groups = 0;
    let mut moved_clusters = 0;
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
        // Read every cluster from a bucket other than its configBase names (as after a
        // copy without `kops update`): SL101 must report exactly that, and nothing else may.
        let store = probe
            .str_at("/spec/configBase")
            .and_then(|cb| cb.strip_suffix(&format!("/{name}")))
            .map(moved_bucket);
        let moved = store.is_some();
        let store = store.unwrap_or_else(|| "memfs://corpus".into());
        let loaded = load(&parts.join("---\n"), &store, &name, &sources);
        clusters += 1;
        groups += loaded.groups.len();
        let (mismatch, errors): (Vec<_>, Vec<_>) = rules::check_cluster(&loaded.context())
            .into_iter()
            .filter(|f| f.severity >= statelint::findings::Severity::Error)
            .partition(|f| f.code == "SL101");
        let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let pointers: Vec<_> = mismatch.iter().map(|f| f.pointer.as_deref()).collect();
        let expected: &[Option<&str>] = if moved {
            moved_clusters += 1;
            &[Some("/spec/configBase")]
        } else {
            &[]
        };
        assert_eq!(pointers, expected, "{file}: SL101 from store {store}");
        if let Some((_, expected, why)) = REJECTED_BY_KOPS.iter().find(|(f, _, _)| *f == file) {
            let mut got: Vec<(&str, &str)> = errors
                .iter()
                .map(|f| (f.code, f.pointer.as_deref().unwrap_or("")))
                .collect();
            got.sort_unstable();
            assert_eq!(got, *expected, "{file} ({why})");
            continue;
        }
        for f in errors {
            problems.push(format!("{}: {}", path.display(), describe(&f)));
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
    assert!(moved_clusters > 0, "no corpus cluster has a configBase");
    assert!(
        problems.is_empty(),
        "{} findings:\n{}",
        problems.len(),
        problems.join("")
    );
}

/// `<scheme>://<bucket>/<prefix>` with the bucket replaced: the same kind of store, elsewhere.
fn moved_bucket(store: &str) -> String {
    let (scheme, rest) = store.split_once("://").unwrap_or(("memfs", store));
    let prefix = rest.split_once('/').map(|(_, p)| p).unwrap_or("");
    if prefix.is_empty() {
        format!("{scheme}://statelint-moved")
    } else {
        format!("{scheme}://statelint-moved/{prefix}")
    }
}
