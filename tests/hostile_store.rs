//! Hostile and damaged documents in a `file://` store: each one is a coded finding on the
//! right cluster, never a crash, and never stops the other clusters from being checked.

use std::path::Path;

use statelint::check::{check_store, CheckOptions};
use statelint::env::MapEnv;
use statelint::resolve::url::StoreUrl;
use statelint::source::SourceDb;
use statelint::vfs::{self, Backend};
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

#[test]
fn a_100_mb_object_is_refused_without_being_read() {
    let dir = TempDir::new().expect("tempdir");
    seed(
        dir.path(),
        "huge.example.com",
        cluster_doc("huge.example.com").as_bytes(),
    );
    // Sparse: 100 MB on paper, nothing on disk.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("huge.example.com/config"))
        .expect("open");
    file.set_len(100 * 1024 * 1024).expect("set_len");
    let found = codes_by_cluster(dir.path(), &CheckOptions::default());
    assert_has(&found, "huge.example.com", "SL016");
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_a_finding_not_a_hang() {
    let dir = TempDir::new().expect("tempdir");
    let cluster = dir.path().join("loop.example.com");
    std::fs::create_dir_all(cluster.join("instancegroup")).expect("mkdir");
    std::os::unix::fs::symlink(cluster.join("b"), cluster.join("config")).expect("symlink");
    std::os::unix::fs::symlink(cluster.join("config"), cluster.join("b")).expect("symlink");
    seed(
        dir.path(),
        "fine.example.com",
        cluster_doc("fine.example.com").as_bytes(),
    );
    let found = codes_by_cluster(dir.path(), &CheckOptions::default());
    assert!(
        found
            .iter()
            .any(|(c, k)| c == "loop.example.com" && k.starts_with("SL01")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .all(|(c, k)| c != "fine.example.com" || !k.starts_with("SL01")),
        "{found:?}"
    );
}

/// A backend whose listing contains hostile keys, as a compromised or odd bucket could.
struct HostileListing {
    inner: statelint::vfs::mem::MemBackend,
    extra: Vec<String>,
}

impl statelint::vfs::Backend for HostileListing {
    fn root(&self) -> &StoreUrl {
        self.inner.root()
    }
    fn list(
        &self,
        prefix: &str,
    ) -> Result<Vec<statelint::vfs::ObjectMeta>, statelint::vfs::VfsError> {
        let mut out = self.inner.list(prefix)?;
        out.extend(self.extra.iter().map(|k| statelint::vfs::ObjectMeta {
            key: k.clone(),
            size: 10,
        }));
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }
    fn read(&self, key: &str, max: u64) -> Result<Vec<u8>, statelint::vfs::VfsError> {
        self.inner.read(key, max)
    }
    fn write(&self, key: &str, data: &[u8]) -> Result<(), statelint::vfs::VfsError> {
        self.inner.write(key, data)
    }
    fn delete(&self, key: &str) -> Result<(), statelint::vfs::VfsError> {
        self.inner.delete(key)
    }
    fn stat(
        &self,
        key: &str,
    ) -> Result<Option<statelint::vfs::ObjectMeta>, statelint::vfs::VfsError> {
        self.inner.stat(key)
    }
}

#[test]
fn hostile_cluster_names_never_escape_the_store_or_crash() {
    let url = StoreUrl::parse("memfs://hostile-names").expect("url");
    let inner = statelint::vfs::mem::MemBackend::isolated(&url);
    inner
        .write(
            "ok.example.com/config",
            cluster_doc("ok.example.com").as_bytes(),
        )
        .expect("seed");
    inner
        .write(
            "a%2Fb.example.com/config",
            cluster_doc("a%2Fb.example.com").as_bytes(),
        )
        .expect("seed");
    inner
        .write(
            "team/nested.example.com/config",
            cluster_doc("nested.example.com").as_bytes(),
        )
        .expect("seed");
    for name in [
        "ok.example.com",
        "a%2Fb.example.com",
        "team/nested.example.com",
    ] {
        inner
            .write(&format!("{name}/instancegroup/nodes"), IG.as_bytes())
            .expect("seed");
    }
    let backend = HostileListing {
        inner,
        extra: vec![
            "../escape.example.com/config".into(),
            "a/../../etc/config".into(),
            "bell\u{7}.example.com/config".into(),
            "nul\0.example.com/config".into(),
            "/absolute.example.com/config".into(),
        ],
    };
    let sources = SourceDb::new();
    let outcome = check_store(&backend, &CheckOptions::default(), &sources, None);
    let by = |name: &str| -> Vec<&str> {
        outcome
            .findings
            .iter()
            .filter(|f| f.cluster.as_deref() == Some(name))
            .map(|f| f.code)
            .collect()
    };
    // Hostile keys are refused when read (an invalid key is never passed to a backend):
    // each such cluster is listed, not loaded, and reported with SL018 and nothing but
    // store-level codes.
    for name in [
        "../escape.example.com",
        "a/../../etc",
        "/absolute.example.com",
        "bell\u{7}.example.com",
        "nul\0.example.com",
    ] {
        let codes = by(name);
        assert!(codes.contains(&"SL018"), "{name:?}: {codes:?}");
        // Refused as a key, not looked up and found missing.
        assert!(
            outcome
                .findings
                .iter()
                .any(|f| f.cluster.as_deref() == Some(name)
                    && f.code == "SL018"
                    && f.message.starts_with("invalid key")),
            "{name:?}: the key was passed to the backend"
        );
        assert!(
            codes.iter().all(|c| c.starts_with("SL01")),
            "{name:?}: {codes:?}"
        );
        assert!(
            outcome.clusters.iter().any(|c| c.name == name && !c.loaded),
            "{name:?} is not listed as an unloaded cluster"
        );
    }
    let mut names: Vec<&str> = outcome.clusters.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names.len(), 8, "{names:?}");
    // Percent signs and slashes are ordinary characters of a name, read as such.
    let codes = by("a%2Fb.example.com");
    assert!(codes.iter().all(|c| !c.starts_with("SL01")), "{codes:?}");
    assert!(outcome
        .clusters
        .iter()
        .any(|c| c.name == "team/nested.example.com" && c.loaded));
}

#[test]
fn a_listing_of_100_000_objects_is_grouped_and_checked() {
    let url = StoreUrl::parse("memfs://hundred-thousand").expect("url");
    let backend = statelint::vfs::mem::MemBackend::isolated(&url);
    for c in 0..50 {
        let name = format!("c{c:02}.example.com");
        backend
            .write(&format!("{name}/config"), cluster_doc(&name).as_bytes())
            .expect("seed");
        backend
            .write(&format!("{name}/instancegroup/nodes"), IG.as_bytes())
            .expect("seed");
        for i in 0..1_998 {
            backend
                .write(&format!("{name}/addons/obj-{i:04}"), b"x")
                .expect("seed");
        }
    }
    assert_eq!(backend.list("").expect("list").len(), 100_000);
    let sources = SourceDb::new();
    let outcome = check_store(&backend, &CheckOptions::default(), &sources, None);
    assert_eq!(outcome.objects, 100_000);
    assert_eq!(outcome.clusters.len(), 50);
    assert!(outcome
        .clusters
        .iter()
        .all(|c| c.loaded && c.instance_groups == 1));
}
