//! Hostile and damaged documents in a `file://` store: each one is a coded finding on the
//! right cluster, never a crash, and never stops the other clusters from being checked.

use std::path::Path;

use statelint::check::{check_store, CheckOptions};
use statelint::env::MapEnv;
use statelint::resolve::url::StoreUrl;
use statelint::source::SourceDb;
use statelint::vfs;
use tempfile::TempDir;

const IG: &str = "apiVersion: kops.k8s.io/v1alpha2\nkind: InstanceGroup\nmetadata:\n  name: nodes\nspec:\n  role: Node\n";

fn cluster_doc(name: &str) -> String {
    format!("apiVersion: kops.k8s.io/v1alpha2\nkind: Cluster\nmetadata:\n  name: {name}\nspec:\n  kubernetesVersion: 1.30.0\n")
}

/// Writes `<name>/config` with `config` and one healthy instance group.
fn seed(root: &Path, name: &str, config: &[u8]) {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join("instancegroup")).expect("mkdir");
    std::fs::write(dir.join("config"), config).expect("write config");
    std::fs::write(dir.join("instancegroup/nodes"), IG).expect("write ig");
}

fn codes_by_cluster(root: &Path, options: &CheckOptions) -> Vec<(String, &'static str)> {
    let url = StoreUrl::from_path(root);
    let env = MapEnv::default();
    let backend = vfs::open(&url, &env).expect("open store");
    let sources = SourceDb::new();
    let outcome = check_store(backend.as_ref(), options, &sources, None);
    outcome
        .findings
        .iter()
        .map(|f| (f.cluster.clone().unwrap_or_default(), f.code))
        .collect()
}

fn assert_has(found: &[(String, &'static str)], cluster: &str, code: &str) {
    assert!(
        found.iter().any(|(c, k)| c == cluster && *k == code),
        "expected {code} on {cluster}, found {found:?}"
    );
}

#[test]
fn damaged_documents_are_coded_findings_and_the_healthy_cluster_still_loads() {
    let dir = TempDir::new().expect("tempdir");
    let root = dir.path();
    seed(
        root,
        "healthy.example.com",
        cluster_doc("healthy.example.com").as_bytes(),
    );

    let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
    seed(root, "bomb.example.com", bomb.as_bytes());
    seed(root, "utf16.example.com", b"\xff\xfea\x00p\x00i\x00");
    seed(
        root,
        "nul.example.com",
        b"apiVersion: kops.k8s.io/v1alpha2\n\0kind: Cluster\n",
    );
    let two = format!(
        "{}---\n{}",
        cluster_doc("two.example.com"),
        cluster_doc("two.example.com")
    );
    seed(root, "two.example.com", two.as_bytes());
    seed(
        root,
        "deep.example.com",
        format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).as_bytes(),
    );
    seed(root, "dupe.example.com", b"apiVersion: kops.k8s.io/v1alpha2\nkind: Cluster\nkind: Cluster\nmetadata:\n  name: dupe.example.com\nspec: {}\n");
    seed(
        root,
        "syntax.example.com",
        b"apiVersion: kops.k8s.io/v1alpha2\nkind: Cluster\nspec: [unclosed\n",
    );
    seed(root, "empty.example.com", b"");
    seed(root, "wrongkind.example.com", IG.as_bytes());

    let found = codes_by_cluster(root, &CheckOptions::default());
    assert_has(&found, "bomb.example.com", "SL022");
    assert_has(&found, "utf16.example.com", "SL023");
    assert_has(&found, "nul.example.com", "SL023");
    assert_has(&found, "two.example.com", "SL024");
    assert_has(&found, "deep.example.com", "SL025");
    assert_has(&found, "dupe.example.com", "SL021");
    assert_has(&found, "syntax.example.com", "SL020");
    assert_has(&found, "empty.example.com", "SL026");
    assert_has(&found, "wrongkind.example.com", "SL027");
    assert!(
        !found
            .iter()
            .any(|(c, k)| c == "healthy.example.com"
                && (k.starts_with("SL01") || k.starts_with("SL02"))),
        "{found:?}"
    );
}

#[test]
fn an_oversized_object_is_a_finding_not_a_read() {
    let dir = TempDir::new().expect("tempdir");
    let mut big = cluster_doc("big.example.com");
    big.push_str(&format!("# {}\n", "x".repeat(64 * 1024)));
    seed(dir.path(), "big.example.com", big.as_bytes());
    let mut options = CheckOptions::default();
    options.load.max_object_bytes = 16 * 1024;
    let found = codes_by_cluster(dir.path(), &options);
    assert_has(&found, "big.example.com", "SL016");
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_store_is_never_followed() {
    let dir = TempDir::new().expect("tempdir");
    let outside = TempDir::new().expect("tempdir");
    let secret = outside.path().join("secret");
    std::fs::write(&secret, cluster_doc("escape.example.com")).expect("write outside");
    let cluster = dir.path().join("escape.example.com");
    std::fs::create_dir_all(cluster.join("instancegroup")).expect("mkdir");
    std::fs::write(cluster.join("instancegroup/nodes"), IG).expect("write ig");
    std::os::unix::fs::symlink(&secret, cluster.join("config")).expect("symlink");
    let found = codes_by_cluster(dir.path(), &CheckOptions::default());
    assert_has(&found, "escape.example.com", "SL017");
}
