//! kops's own validation cases, table-driven: every file under
//! `tests/fixtures/kops/<CODE>/` is a cluster (fixture format in `tests/common/fixture.rs`)
//! with the header `# kops-test: <file> <test> <case>` naming the kops test the value comes
//! from, and one `# expect: <JSON pointer>` line per finding the code must report there.
//! A case without `# expect:` holds a value kops accepts and must stay clean.

#[path = "common/fixture.rs"]
mod fixture;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use fixture::{describe, header, load_fixture, run_code};
use statelint::findings::Location;
use statelint::source::SourceDb;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kops")
}

fn listing(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    entries
}

/// Runs one case; returns whether it expects findings.
fn run_case(code: &str, path: &Path) -> bool {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path.display();
    assert!(
        header(&text, "kops-test").is_some(),
        "{name}: no `# kops-test:` header"
    );
    let expected: BTreeSet<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# expect:"))
        .map(|p| p.trim().to_string())
        .collect();
    let found = run_code(code, &load_fixture(path, &SourceDb::new()));
    for f in &found {
        assert_eq!(f.code, code);
        assert!(
            matches!(f.location, Location::File { .. }),
            "{name}: {}",
            describe(f)
        );
        assert!(
            f.message.starts_with('`') || f.message.chars().next().is_some_and(char::is_lowercase),
            "{name}: {}",
            f.message
        );
        assert!(f.help.is_some(), "{name}: no help: {}", describe(f));
    }
    let got: BTreeSet<String> = found.iter().filter_map(|f| f.pointer.clone()).collect();
    assert_eq!(
        got,
        expected,
        "{name}: findings differ:\n{}",
        found.iter().map(describe).collect::<String>()
    );
    !expected.is_empty()
}

#[test]
fn kops_cases_are_found_and_accepted_values_stay_clean() {
    let mut ran = 0;
    for dir in listing(&cases_dir()) {
        let code = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("code folder")
            .to_string();
        let (mut failing, mut clean) = (0, 0);
        for path in listing(&dir) {
            if run_case(&code, &path) {
                failing += 1;
            } else {
                clean += 1;
            }
            ran += 1;
        }
        assert!(
            failing > 0 && clean > 0,
            "{code}: needs a failing and a clean case"
        );
    }
    assert!(ran > 0);
}

#[test]
fn every_kops_table_code_has_cases() {
    for info in statelint::rules::kops::codes() {
        assert!(
            cases_dir().join(info.code).is_dir(),
            "no cases under tests/fixtures/kops/{}",
            info.code
        );
    }
}

/// Every finding the schema and all rules make on a fixture text (as `check` would).
fn all_findings(text: &str) -> Vec<statelint::findings::Finding> {
    use statelint::schema::{validate, Kind};
    let sources = SourceDb::new();
    let loaded = fixture::load(text, "s3://kops-state", "c.example.com", &sources);
    let mut found = validate(Kind::Cluster, &loaded.cluster, Some("c.example.com"));
    for ig in &loaded.groups {
        found.extend(validate(
            Kind::InstanceGroup,
            &ig.doc,
            Some("c.example.com"),
        ));
    }
    found.extend(statelint::rules::check_cluster(&loaded.context()));
    found
}

fn codes_of(found: &[statelint::findings::Finding]) -> Vec<(&'static str, String)> {
    found
        .iter()
        .map(|f| (f.code, f.pointer.clone().unwrap_or_default()))
        .collect()
}

/// A valid small AWS cluster with one control-plane and one node group; `{..}` holes are
/// filled per test.
const VALID: &str = "\
apiVersion: kops.k8s.io/v1alpha2
kind: Cluster
metadata:
  name: c.example.com
spec:
  cloudProvider: {cloud}
  configBase: s3://kops-state/c.example.com
  kubernetesVersion: {version}
  networkCIDR: 172.20.0.0/16
  nonMasqueradeCIDR: 100.64.0.0/10
  etcdClusters:
  - name: main
    etcdMembers:
    - name: a
      instanceGroup: control-plane-a
  - name: events
    etcdMembers: {events}
  subnets:
  - name: a
    cidr: 172.20.32.0/19
    type: Public
    {subnet}
---
apiVersion: kops.k8s.io/v1alpha2
kind: InstanceGroup
metadata:
  name: control-plane-a
spec:
  role: ControlPlane
  machineType: t3.medium
  minSize: 1
  maxSize: 1
  subnets:
  - a
  zones:
  - {zone}
---
apiVersion: kops.k8s.io/v1alpha2
kind: InstanceGroup
metadata:
  name: nodes
spec:
  {role}
  machineType: t3.medium
  minSize: 1
  maxSize: 2
  subnets:
  - a
  zones:
  - {zone}
";

fn valid(changes: &[(&str, &str)]) -> String {
    let mut text = VALID.to_string();
    let defaults = [
        ("{cloud}", "aws"),
        ("{version}", "1.34.1"),
        ("{events}", "[{name: a, instanceGroup: control-plane-a}]"),
        ("{subnet}", "zone: us-east-1a"),
        ("{role}", "role: Node"),
        ("{zone}", "us-east-1a"),
    ];
    for (hole, default) in defaults {
        let value = changes
            .iter()
            .find(|(h, _)| *h == hole)
            .map_or(default, |(_, v)| v);
        text = text.replace(hole, value);
    }
    text
}

#[test]
fn the_base_cluster_of_these_tests_is_clean() {
    assert_eq!(codes_of(&all_findings(&valid(&[]))), []);
}

#[test]
fn linode_is_a_cloud_kops_accepts() {
    let found = all_findings(&valid(&[
        ("{cloud}", "linode"),
        ("{subnet}", "region: us-east"),
    ]));
    assert!(
        found
            .iter()
            .all(|f| f.pointer.as_deref() != Some("/spec/cloudProvider")),
        "{:?}",
        codes_of(&found)
    );
    let metal = all_findings(&valid(&[("{cloud}", "metal")]));
    assert!(codes_of(&metal).contains(&("SL122", "/spec/cloudProvider".into())));
}

#[test]
fn a_short_quoted_kubernetes_version_is_read_as_kops_reads_it() {
    assert_eq!(
        codes_of(&all_findings(&valid(&[("{version}", "\"1.35\"")]))),
        []
    );
    let unquoted = all_findings(&valid(&[("{version}", "1.35")]));
    assert!(codes_of(&unquoted).contains(&("SL109", "/spec/kubernetesVersion".into())));
}

#[test]
fn a_group_without_role_is_pointed_at_and_sl113_stays_quiet() {
    let found = all_findings(&valid(&[("{role}", "")]));
    let codes = codes_of(&found);
    assert!(codes.contains(&("SL128", "/spec/role".into())), "{codes:?}");
    assert!(codes.iter().all(|(c, _)| *c != "SL113"), "{codes:?}");
    let role = found.iter().find(|f| f.code == "SL128").expect("SL128");
    assert!(
        role.location.uri().ends_with("/instancegroup/nodes"),
        "{}",
        role.location.uri()
    );
    assert!(!role.help.as_deref().unwrap_or("").contains("restore"));
}

#[test]
fn an_unknown_role_gets_one_finding_on_the_role() {
    let codes = codes_of(&all_findings(&valid(&[("{role}", "role: Worker")])));
    assert_eq!(codes, [("SL122", "/spec/role".to_string())]);
}

#[test]
fn an_etcd_cluster_without_members_is_found() {
    let codes = codes_of(&all_findings(&valid(&[("{events}", "[]")])));
    assert!(
        codes.contains(&("SL107", "/spec/etcdClusters/1/etcdMembers".into())),
        "{codes:?}"
    );
}

#[test]
fn a_zone_on_a_gce_subnet_is_blamed_on_the_subnet() {
    let found = all_findings(&valid(&[
        ("{cloud}", "gce"),
        ("{subnet}", "region: us-central1\n    zone: us-central1-a"),
        ("{zone}", "us-central1-b"),
    ]));
    let codes = codes_of(&found);
    assert!(
        codes.contains(&("SL124", "/spec/subnets/0/zone".into())),
        "{codes:?}"
    );
    assert!(
        found
            .iter()
            .all(|f| !f.location.uri().contains("/instancegroup/")),
        "{codes:?}"
    );
}

#[test]
fn parity_ledger_is_current_and_names_real_codes() {
    use statelint::rules::kops::parity::{markdown, LEDGER};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Every function of the pinned kops validation package is listed, once.
    let listed: Vec<String> = LEDGER
        .iter()
        .map(|e| format!("{} {}", e.file, e.function))
        .collect();
    let kops = std::fs::read_to_string(root.join("docs/kops-validation-functions.txt"))
        .expect("docs/kops-validation-functions.txt");
    let kops: Vec<String> = kops.lines().map(str::to_string).collect();
    assert_eq!(listed, kops, "the ledger and kops's function list differ");
    // Every code it names exists.
    for entry in LEDGER {
        for code in entry.coverage.codes() {
            assert!(
                statelint::codes::lookup(code).is_some(),
                "{}: no code {code}",
                entry.function
            );
        }
    }
    // The committed page is what the table renders.
    let path = root.join("docs/kops-parity.md");
    let expected = markdown();
    if std::env::var_os("STATELINT_BLESS").is_some() {
        std::fs::write(&path, &expected).expect("write docs/kops-parity.md");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == expected,
        "docs/kops-parity.md is stale: run `STATELINT_BLESS=1 cargo test --test kops_validation parity`"
    );
}

#[test]
fn every_kops_table_code_is_in_the_ledger() {
    use statelint::rules::kops::parity::LEDGER;
    let named: BTreeSet<&str> = LEDGER
        .iter()
        .flat_map(|e| e.coverage.codes().iter().copied())
        .collect();
    for info in statelint::rules::kops::codes() {
        assert!(
            named.contains(info.code),
            "{} is not in the parity ledger",
            info.code
        );
    }
}

/// Every fixture of `tests/fixtures/{kops,rules}/<CODE>/`, with its code folder's name.
fn all_fixtures() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    for dir in ["kops", "rules"] {
        for code_dir in listing(&root.join(dir)).into_iter().filter(|d| d.is_dir()) {
            let code = code_dir
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_string();
            for path in listing(&code_dir)
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            {
                files.push((code.clone(), path));
            }
        }
    }
    assert!(files.len() > 100, "only {} fixtures found", files.len());
    files
}

/// What a user sees for a fixture: the schemas, the rules and the typo fold together.
fn check_fixture(path: &Path) -> Vec<statelint::findings::Finding> {
    let sources = SourceDb::new();
    let loaded = load_fixture(path, &sources);
    statelint::check::check_documents(
        &loaded.name,
        &loaded.store,
        None,
        Some(&loaded.cluster),
        &loaded.groups,
        &loaded.kops_version,
    )
}

/// Codes that may name the same field because they say different things about it.
const DIFFERENT_PROBLEMS: &[(&str, &str, &str)] = &[
    (
        "SL103",
        "SL133",
        "a subnet outside the network, and one overlapping the service range",
    ),
    (
        "SL300",
        "SL641",
        "an inline policy that is not JSON, and one given beside policyARNs",
    ),
    (
        "SL303",
        "SL642",
        "a policy granting on every resource, and a key that is no role",
    ),
];

/// No problem is reported twice under two codes: over every kops case and every rule
/// fixture, the schemas and all rules run, and no two codes name the same field of the same document
/// (unless listed in [`DIFFERENT_PROBLEMS`]). Two ports of one kops function did exactly
/// that three times: SL177 and SL638 (rollingUpdate), SL194 and SL631 (file assets), SL176
/// and SL637 (reserved cloud labels).
#[test]
fn no_field_is_reported_by_two_codes() {
    use std::collections::BTreeMap;
    let mut twice = Vec::new();
    for (_, path) in &all_fixtures() {
        let mut by_field: BTreeMap<(String, String), BTreeSet<&str>> = BTreeMap::new();
        let findings = check_fixture(path);
        for f in findings {
            let (Location::File { url, .. }, Some(pointer)) = (&f.location, &f.pointer) else {
                continue;
            };
            by_field
                .entry((url.clone(), pointer.clone()))
                .or_default()
                .insert(f.code);
        }
        for ((url, pointer), codes) in by_field {
            let listed = |a: &str, b: &str| {
                DIFFERENT_PROBLEMS
                    .iter()
                    .any(|(x, y, _)| (*x, *y) == (a, b) || (*x, *y) == (b, a))
            };
            let codes: Vec<&str> = codes.into_iter().collect();
            let clash = codes
                .iter()
                .enumerate()
                .any(|(i, a)| codes[i + 1..].iter().any(|b| !listed(a, b)));
            if clash {
                twice.push(format!("{}: {url} {pointer}: {codes:?}", path.display()));
            }
        }
    }
    assert!(twice.is_empty(), "{}", twice.join("\n"));
}

/// Every fixture speaks kops's own keys: a rule whose fixture needs a key the schema does not
/// know (SL121) reads a field no real cluster has, and can never fire (SL183 once read
/// `targetGroupARN`, kops writes `targetGroupArn`).
#[test]
fn fixtures_use_only_keys_kops_knows() {
    let mut unknown = Vec::new();
    for (code, path) in all_fixtures().iter().filter(|(code, _)| code != "SL121") {
        for f in check_fixture(path).iter().filter(|f| f.code == "SL121") {
            unknown.push(format!("{code} {}: {}", path.display(), f.message));
        }
    }
    assert!(unknown.is_empty(), "{}", unknown.join("\n"));
}

/// SL126 points where the user must act: at the `id` key a later subnet has but the first
/// lacks, not at its value.
#[test]
fn a_subnet_id_the_first_subnet_lacks_is_reported_at_its_key() {
    let text = "\
apiVersion: kops.k8s.io/v1alpha2
kind: Cluster
metadata:
  name: c.example.com
spec:
  cloudProvider: aws
  kubernetesVersion: 1.34.1
  subnets:
  - name: a
    type: Public
  - name: b
    id: subnet-0123
    type: Public
";
    let sources = SourceDb::new();
    let loaded = fixture::load(text, "s3://kops-state", "c.example.com", &sources);
    let found = run_code("SL126", &loaded);
    assert_eq!(
        found.len(),
        1,
        "{}",
        found.iter().map(describe).collect::<String>()
    );
    assert_eq!(found[0].pointer.as_deref(), Some("/spec/subnets/1/id"));
    let Location::File { span, .. } = &found[0].location else {
        panic!("not in the file: {}", describe(&found[0]))
    };
    let line = text
        .lines()
        .position(|l| l.contains("id: subnet-0123"))
        .expect("line")
        + 1;
    let key_column = text
        .lines()
        .nth(line - 1)
        .and_then(|l| l.find("id:"))
        .expect("key")
        + 1;
    assert_eq!((span.line, span.column), (line, key_column), "{span:?}");
}
