//! `k8s://` end to end over TLS against the Kubernetes API double on loopback
//! (`scripts/servers/kube_api.py`, started by `scripts/test.sh`; no kube-apiserver can be
//! installed from the registries this project uses). The example store's clusters are
//! created as kops custom resources, then read back through a real kubeconfig (CA file,
//! bearer token or client certificate) and checked; configBase is checked against real
//! local stores; and each failure is a coded finding.
//!
//! The API lists Clusters across all namespaces, so only one test creates objects; the
//! others assert on failures that do not depend on what is stored.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{json, Value};
use statelint::env::MapEnv;
use statelint::resolve::url::StoreUrl;
use statelint::source::{SourceDb, SourceFile};
use statelint::vfs::{self, Backend};

fn api() -> Option<String> {
    common::loopback_server("STATELINT_TEST_KUBE_API")
}

/// The double's CA and client certificate (`STATELINT_TEST_KUBE_DIR`).
fn certs() -> PathBuf {
    PathBuf::from(std::env::var("STATELINT_TEST_KUBE_DIR").expect("STATELINT_TEST_KUBE_DIR"))
}

/// A kubeconfig with one context per way of authenticating; returns its path.
fn kubeconfig(dir: &Path, server: &str) -> PathBuf {
    let certs = certs();
    let ca = certs.join("ca.pem");
    let text = format!(
        "apiVersion: v1
kind: Config
current-context: token
clusters:
- name: double
  cluster: {{server: '{server}', certificate-authority: '{ca}'}}
- name: untrusted
  cluster: {{server: '{server}'}}
- name: no-kops
  cluster: {{server: '{server}/no-kops', certificate-authority: '{ca}'}}
users:
- name: admin
  user: {{token: admin-token}}
- name: cert
  user: {{client-certificate: '{cert}', client-key: '{key}'}}
- name: viewer
  user: {{token: viewer-token}}
- name: stranger
  user: {{token: not-a-token}}
- name: eks
  user: {{exec: {{command: aws, args: [eks, get-token]}}}}
contexts:
- {{name: token, context: {{cluster: double, user: admin}}}}
- {{name: cert, context: {{cluster: double, user: cert}}}}
- {{name: viewer, context: {{cluster: double, user: viewer}}}}
- {{name: stranger, context: {{cluster: double, user: stranger}}}}
- {{name: untrusted, context: {{cluster: untrusted, user: admin}}}}
- {{name: no-kops, context: {{cluster: no-kops, user: admin}}}}
- {{name: eks, context: {{cluster: double, user: eks}}}}
",
        ca = ca.display(),
        cert = certs.join("client.pem").display(),
        key = certs.join("client.key").display(),
    );
    let path = dir.join("kubeconfig");
    std::fs::write(&path, text).expect("write kubeconfig");
    path
}

fn yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("read");
    let source = SourceFile::new(path.display().to_string(), text);
    let docs = statelint::yaml::load(&source, Default::default()).expect("yaml");
    docs.into_iter().next().expect("one document").value
}

/// Creates the example store's clusters and instance groups as custom resources, each
/// cluster's configBase replaced by `bases[cluster]` (None: removed).
fn seed(server: &str, clusters: &[(&str, Option<String>)]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/store");
    let mut objects = Vec::new();
    for (name, base) in clusters {
        let source = if root.join(name).exists() {
            root.join(name)
        } else {
            root.join("dev.example.com")
        };
        let namespace = name.replace('.', "-");
        let mut cluster = yaml(&source.join("config"));
        cluster["metadata"] = json!({ "name": name });
        match base {
            Some(b) => cluster["spec"]["configBase"] = json!(b),
            None => {
                cluster["spec"]
                    .as_object_mut()
                    .expect("spec")
                    .remove("configBase");
            }
        }
        objects.push(json!({"plural": "clusters", "namespace": namespace, "object": cluster}));
        for ig in std::fs::read_dir(source.join("instancegroup"))
            .expect("igs")
            .flatten()
        {
            let mut object = yaml(&ig.path());
            object["metadata"]["labels"]["kops.k8s.io/cluster"] = json!(name);
            objects.push(
                json!({"plural": "instancegroups", "namespace": namespace, "object": object}),
            );
        }
        objects.push(json!({"plural": "keysets", "namespace": namespace, "object": {
            "apiVersion": "kops.k8s.io/v1alpha2", "kind": "Keyset",
            "metadata": {"name": "kubernetes-ca"},
            "spec": {"type": "Keypair", "primaryID": "1", "keys": [
                {"id": "1", "publicMaterial": "PUBLIC-CERT", "privateMaterial": "PLANTED-PRIVATE-KEY"}]}
        }}));
    }
    let mut child = std::process::Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/servers/kube_seed.py"))
        .args([server, &certs().join("ca.pem").display().to_string()])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(Value::Array(objects).to_string().as_bytes())
            .expect("send objects");
    }
    assert!(child.wait().expect("seed").success(), "objects created");
}

fn env(kubeconfig: &Path) -> MapEnv {
    MapEnv::new()
        .with_home("/nonexistent-home")
        .with_var("KUBECONFIG", &kubeconfig.display().to_string())
}

fn open(kubeconfig: &Path, context: &str) -> std::sync::Arc<dyn Backend> {
    let url = StoreUrl::parse(&format!("k8s://{context}")).expect("url");
    vfs::open(&url, &env(kubeconfig)).expect("open")
}

#[test]
fn clusters_in_the_api_are_checked_like_files_and_their_config_base_must_be_a_real_store() {
    let Some(server) = api() else { return };
    let work = tempfile::TempDir::new().expect("tempdir");
    let config = kubeconfig(work.path(), &server);
    // dev's files exist; staging's configBase is an empty folder; prod's names no file store;
    // nobase.example.com has none.
    let files = work.path().join("files");
    std::fs::create_dir_all(files.join("dev.example.com")).expect("mkdir");
    std::fs::write(files.join("dev.example.com/cluster-completed.spec"), "x").expect("write");
    std::fs::create_dir_all(files.join("staging.example.com")).expect("mkdir");
    let base = |name: &str| Some(format!("file://{}", files.join(name).display()));
    seed(
        &server,
        &[
            ("dev.example.com", base("dev.example.com")),
            ("staging.example.com", base("staging.example.com")),
            (
                "prod.example.com",
                Some("k8s://mgmt/prod.example.com".into()),
            ),
            ("nobase.example.com", None),
        ],
    );

    for context in ["token", "cert"] {
        let backend = open(&config, context);
        let keys: Vec<String> = backend
            .list("dev.example.com/")
            .expect("list")
            .into_iter()
            .map(|o| o.key)
            .collect();
        assert_eq!(
            keys,
            [
                "dev.example.com/config",
                "dev.example.com/instancegroup/control-plane-us-west-2a",
                "dev.example.com/instancegroup/nodes",
                "dev.example.com/pki/keysets/kubernetes-ca",
            ],
            "{context}"
        );
        let keyset = backend
            .read("dev.example.com/pki/keysets/kubernetes-ca", 1 << 20)
            .expect("read");
        let keyset = String::from_utf8_lossy(&keyset);
        assert!(
            keyset.contains("PUBLIC-CERT") && !keyset.contains("PLANTED-PRIVATE-KEY"),
            "{keyset}"
        );
    }

    let backend = open(&config, "token");
    // One object per page: every `continue` token is followed, nothing is lost or repeated.
    let url = StoreUrl::parse("k8s://token").expect("url");
    let paged = vfs::k8s::open(&url, &env(&config))
        .expect("open")
        .with_page_size(1);
    assert_eq!(
        paged.list("").expect("paged list"),
        backend.list("").expect("list")
    );
    let found = common::finding_codes(backend.as_ref());
    // The same rule findings as the files on disk, found through the API.
    common::assert_example_rule_findings(&found);
    // A configBase elsewhere is the normal case for API-kept clusters.
    assert!(
        !found.iter().any(|(_, c)| *c == "SL101" || *c == "SL110"),
        "{found:?}"
    );

    let sources = SourceDb::new();
    let mut bases: Vec<(String, &str)> =
        vfs::k8s::config_base_findings(backend.as_ref(), &env(&config), &sources, &[], true)
            .iter()
            .map(|f| (f.cluster.clone().unwrap_or_default(), f.code))
            .collect();
    bases.sort();
    assert_eq!(
        bases,
        [
            ("nobase.example.com".to_string(), "SL072"),
            ("prod.example.com".to_string(), "SL072"),
            ("staging.example.com".to_string(), "SL074"),
        ]
    );
    // Offline: the configBase stores are not contacted, but a missing one is still reported.
    let offline =
        vfs::k8s::config_base_findings(backend.as_ref(), &env(&config), &sources, &[], false);
    assert_eq!(offline.len(), 2, "{offline:?}");

    // The CLI: the same check, and probes that read but never write.
    let home = tempfile::TempDir::new().expect("home");
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("statelint")
            .expect("binary")
            .env_clear()
            .env("HOME", home.path())
            .current_dir(home.path())
            .env("KUBECONFIG", &config)
            .args(args)
            .output()
            .expect("runs");
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code(), report)
    };
    let (status, report) = run(&["check", "--state", "k8s://cert", "--format", "json"]);
    assert_eq!(status, Some(1), "{report}");
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"SL072") && codes.contains(&"SL074"),
        "{report}"
    );
    let probes = report["probes"].as_array().expect("probes");
    assert!(
        probes
            .iter()
            .any(|p| p["action"] == "read" && p["outcome"] == "pass"),
        "{report}"
    );
    // The write and delete probes are reported, and skipped: a k8s store is never written.
    for action in ["write", "delete"] {
        let outcomes: Vec<&Value> = probes
            .iter()
            .filter(|p| p["action"] == action)
            .map(|p| &p["outcome"])
            .collect();
        assert!(
            !outcomes.is_empty() && outcomes.iter().all(|o| *o == "skipped"),
            "{action}: {outcomes:?} in {report}"
        );
    }
    assert!(!report.to_string().contains("PLANTED-PRIVATE-KEY"));
}

#[test]
fn each_way_of_failing_is_a_coded_finding() {
    let Some(server) = api() else { return };
    let work = tempfile::TempDir::new().expect("tempdir");
    let config = kubeconfig(work.path(), &server);
    let has = |context: &str, code: &str| {
        let found = common::finding_codes(open(&config, context).as_ref());
        assert!(
            found.iter().any(|(_, c)| *c == code),
            "{context}: {code} in {found:?}"
        );
    };
    has("viewer", "SL031"); // a known user without RBAC grants on the kops resources
    has("stranger", "SL032"); // a token the API server does not know
    has("no-kops", "SL075"); // an API server without the kops resources
    has("untrusted", "SL034"); // a server certificate from a CA the kubeconfig does not name

    let opened = |context: &str| {
        let url = StoreUrl::parse(&format!("k8s://{context}")).expect("url");
        match vfs::open(&url, &env(&config)) {
            Err(vfs::VfsError::Config { code, message, .. }) => (code.code, message),
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("{context} opened"),
        }
    };
    let (code, message) = opened("eks");
    assert_eq!(code, "SL071");
    assert!(message.contains("`aws`"), "{message}");
    let (code, message) = opened("prod");
    assert_eq!(code, "SL070");
    assert!(message.contains("`token`, `cert`"), "{message}");

    // Read-only: writes are refused with a code, never attempted.
    let backend = open(&config, "token");
    match backend.write("x.example.com/config", b"kind: Cluster") {
        Err(vfs::VfsError::Config { code, .. }) => assert_eq!(code.code, "SL076"),
        other => panic!("{other:?}"),
    }
}
