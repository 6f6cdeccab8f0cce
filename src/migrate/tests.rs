use super::*;
use crate::vfs::mem::MemBackend;
use crate::vfs::ObjectMeta;
use std::sync::atomic::{AtomicUsize, Ordering};

const CONFIG: &str = "# keep this comment\napiVersion: kops.k8s.io/v1alpha2\nkind: Cluster\nmetadata:\n  name: c.example.com\nspec:\n  configBase: s3://old/c.example.com\n  etcdClusters:\n  - name: main\n    backups:\n      backupStore: memfs://src/c.example.com/backups/etcd/main\n";

fn mem(name: &str) -> MemBackend {
    MemBackend::isolated(&StoreUrl::parse(&format!("memfs://{name}")).expect("url"))
}

fn seeded(name: &str) -> MemBackend {
    let m = mem(name);
    m.write("c.example.com/config", CONFIG.as_bytes())
        .expect("seed");
    m.write(
        "c.example.com/instancegroup/nodes",
        b"kind: InstanceGroup\n",
    )
    .expect("seed");
    m.write(
        "c.example.com/pki/private/ca/keyset.yaml",
        b"\x00secret\xff",
    )
    .expect("seed");
    m.write("other.example.com/config", b"kind: Cluster\n")
        .expect("seed");
    m
}

/// A destination where `c.example.com` has someone else's instance group.
fn with_their_nodes(name: &str) -> MemBackend {
    let to = mem(name);
    to.write(
        "c.example.com/instancegroup/nodes",
        b"someone else's nodes\n",
    )
    .expect("seed");
    to
}

#[test]
fn rewrites_config_base_and_mentions_of_the_old_location_only() {
    let out = rewrite_config(
        CONFIG,
        "memfs://src/c.example.com",
        "s3://new/kops/c.example.com",
    );
    assert!(out.starts_with("# keep this comment\n"));
    assert!(out.contains("  configBase: s3://new/kops/c.example.com\n"));
    assert!(out.contains("backupStore: s3://new/kops/c.example.com/backups/etcd/main"));
    assert!(!out.contains("s3://old"));
    assert_eq!(rewrite_config("spec: {}\n", "a", "b"), "spec: {}\n");
}

#[test]
fn copies_everything_byte_for_byte_and_a_second_run_copies_nothing() {
    let from = seeded("mig-src");
    let to = mem("mig-dst");
    let p = plan(&from, &to, &[], 8).expect("plan");
    assert_eq!(p.count(Action::Copy), 4);
    assert_eq!(
        p.items.last().map(|i| i.key.ends_with("/config")),
        Some(true),
        "configs last"
    );
    let out = execute(&p, &to, false, 8, None);
    assert!(out.complete(), "{out:?}");
    assert_eq!(out.copied.len(), 4);
    assert_eq!(
        to.read("c.example.com/pki/private/ca/keyset.yaml", 100)
            .expect("copied"),
        b"\x00secret\xff"
    );
    let config =
        String::from_utf8(to.read("c.example.com/config", 10_000).expect("copied")).expect("utf8");
    assert!(
        config.contains("configBase: memfs://mig-dst/c.example.com"),
        "{config}"
    );
    // The source is untouched.
    assert_eq!(
        from.read("c.example.com/config", 10_000).expect("source"),
        CONFIG.as_bytes()
    );

    let again = plan(&from, &to, &[], 8).expect("plan");
    assert_eq!(again.count(Action::Identical), 4, "{:?}", again.items);
    let out = execute(&again, &to, false, 8, None);
    assert!(out.copied.is_empty() && out.complete());
}

#[test]
fn a_differing_destination_is_held_back_unless_forced() {
    let from = seeded("mig-conflict-src");
    let to = with_their_nodes("mig-conflict-dst");
    let p = plan(&from, &to, &["c.example.com".into()], 8).expect("plan");
    assert_eq!(p.count(Action::Conflict), 1);
    let out = execute(&p, &to, false, 8, None);
    assert_eq!(out.held_back, ["c.example.com"]);
    assert_eq!(out.conflicts, ["c.example.com/instancegroup/nodes"]);
    assert_eq!(
        to.read("c.example.com/instancegroup/nodes", 100)
            .expect("kept"),
        b"someone else's nodes\n"
    );
    assert!(
        matches!(to.stat("c.example.com/config"), Ok(None)),
        "nothing of the cluster was written"
    );
    let out = execute(&p, &to, true, 8, None);
    assert!(out.complete());
    assert_eq!(
        to.read("c.example.com/instancegroup/nodes", 100)
            .expect("forced"),
        b"kind: InstanceGroup\n"
    );
}

/// A destination that fails every write after `budget` successful ones, like a run killed
/// part-way (unit speed; the real interruption test kills the process); as a source, it
/// cannot read `unreadable`.
struct Flaky {
    inner: MemBackend,
    budget: AtomicUsize,
    unreadable: &'static str,
}

impl Backend for Flaky {
    fn root(&self) -> &StoreUrl {
        self.inner.root()
    }
    fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, VfsError> {
        self.inner.list(prefix)
    }
    fn read(&self, key: &str, max: u64) -> Result<Vec<u8>, VfsError> {
        if key == self.unreadable {
            return Err(VfsError::PermissionDenied {
                url: self.url_of(key),
            });
        }
        self.inner.read(key, max)
    }
    fn write(&self, key: &str, data: &[u8]) -> Result<(), VfsError> {
        if self
            .budget
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |b| b.checked_sub(1))
            .is_err()
        {
            return Err(VfsError::PermissionDenied {
                url: self.url_of(key),
            });
        }
        self.inner.write(key, data)
    }
    fn delete(&self, key: &str) -> Result<(), VfsError> {
        self.inner.delete(key)
    }
    fn stat(&self, key: &str) -> Result<Option<ObjectMeta>, VfsError> {
        self.inner.stat(key)
    }
}

#[test]
fn an_interrupted_copy_never_exposes_a_half_cluster_and_resumes() {
    let from = seeded("mig-flaky-src");
    let flaky = Flaky {
        inner: mem("mig-flaky-dst"),
        budget: AtomicUsize::new(1),
        unreadable: "",
    };
    let p = plan(&from, &flaky, &["c.example.com".into()], 8).expect("plan");
    let out = execute(&p, &flaky, false, 8, None);
    assert!(!out.complete());
    assert!(
        matches!(flaky.stat("c.example.com/config"), Ok(None)),
        "config withheld: {out:?}"
    );
    assert!(crate::store::discover(&flaky)
        .expect("list")
        .clusters
        .is_empty());

    flaky.budget.store(100, Ordering::SeqCst);
    let resumed = plan(&from, &flaky, &["c.example.com".into()], 8).expect("plan");
    assert!(
        resumed.count(Action::Identical) >= 1,
        "what was copied is not copied again"
    );
    let out = execute(&resumed, &flaky, false, 8, None);
    assert!(out.complete(), "{out:?}");
    assert_eq!(
        crate::store::discover(&flaky).expect("list").clusters.len(),
        1
    );
}

#[test]
fn refuses_unknown_clusters_and_copying_onto_itself() {
    let from = seeded("mig-self");
    assert!(matches!(
        plan(&from, &from, &[], 8),
        Err(MigrateError::SameStore)
    ));
    let to = mem("mig-self-dst");
    assert!(matches!(
        plan(&from, &to, &["nope".into()], 8),
        Err(MigrateError::NoSuchCluster(_))
    ));
}

#[test]
fn a_local_store_copies_into_memfs() {
    let dir = tempfile::TempDir::new().expect("tempdir");
    let cluster = dir.path().join("c.example.com");
    std::fs::create_dir_all(cluster.join("instancegroup")).expect("mkdir");
    std::fs::write(cluster.join("config"), CONFIG).expect("write");
    std::fs::write(cluster.join("instancegroup/nodes"), "kind: InstanceGroup\n").expect("write");
    let from =
        crate::vfs::fs::FsBackend::open(&StoreUrl::from_path(dir.path()), None).expect("open");
    let to = mem("mig-file-to-mem");
    let p = plan(&from, &to, &[], 8).expect("plan");
    let out = execute(&p, &to, false, 8, None);
    assert!(out.complete() && out.copied.len() == 2, "{out:?}");
    let config =
        String::from_utf8(to.read("c.example.com/config", 10_000).expect("copied")).expect("utf8");
    assert!(
        config.contains("configBase: memfs://mig-file-to-mem/c.example.com"),
        "{config}"
    );
    assert_eq!(crate::store::discover(&to).expect("list").clusters.len(), 1);
}

#[test]
fn the_verified_destination_lists_the_real_store_and_reads_what_was_verified() {
    let from = seeded("verified-src");
    let to = Arc::new(mem("verified-dst"));
    let p = plan(&from, to.as_ref(), &[], 8).expect("plan");
    assert!(execute(&p, to.as_ref(), false, 8, None).complete());
    // Something else at the destination, and a copied object changed behind our back.
    to.write(
        "c.example.com/instancegroup/extra",
        b"kind: InstanceGroup\n",
    )
    .expect("write");
    to.write("other.example.com/config", b"changed\n")
        .expect("write");
    let verified = p.verified_destination(to.clone());
    let keys: Vec<String> = verified
        .list("")
        .expect("list")
        .into_iter()
        .map(|o| o.key)
        .collect();
    assert!(keys.contains(&"c.example.com/instancegroup/extra".to_string()));
    assert_eq!(
        verified
            .read("other.example.com/config", 100)
            .expect("read"),
        b"kind: Cluster\n",
        "answered from the verified copy"
    );
    assert_eq!(
        verified
            .read("c.example.com/instancegroup/extra", 100)
            .expect("read"),
        b"kind: InstanceGroup\n",
        "anything else is read from the store"
    );
    assert!(matches!(
        verified.read("other.example.com/config", 3),
        Err(VfsError::TooLarge { .. })
    ));
}

fn copy_all(force: bool) -> CopyOptions<'static> {
    CopyOptions {
        clusters: &[],
        rewrite_configs: true,
        force,
        max_requests: 8,
    }
}

#[test]
fn plan_and_copy_holds_back_conflicts_forces_and_resumes() {
    let from = seeded("pac-src");
    let to = with_their_nodes("pac-dst");
    let (p, out) = plan_and_copy(&from, &to, copy_all(false), None).expect("copy");
    assert_eq!(p.items.len(), 4);
    assert!(
        p.items.iter().all(|i| i.sha256 == sha256_hex(i.content())),
        "every item hashed for the manifest"
    );
    assert_eq!(out.held_back, ["c.example.com"]);
    assert_eq!(out.copied, ["other.example.com/config"]);
    assert!(
        matches!(to.stat("c.example.com/config"), Ok(None)),
        "nothing of a held-back cluster is written"
    );
    let (_, forced) = plan_and_copy(&from, &to, copy_all(true), None).expect("copy");
    assert!(forced.complete(), "{forced:?}");
    assert_eq!(forced.copied.len(), 3);
    assert_eq!(forced.skipped_identical, 1);
    let config =
        String::from_utf8(to.read("c.example.com/config", 10_000).expect("copied")).expect("utf8");
    assert!(config.contains("configBase: memfs://pac-dst/c.example.com"));
    let (_, again) = plan_and_copy(&from, &to, copy_all(false), None).expect("copy");
    assert!(again.copied.is_empty() && again.complete(), "{again:?}");
    assert_eq!(again.skipped_identical, 4);
}

#[test]
fn a_source_read_error_starts_no_further_cluster_and_is_returned() {
    // The listing's first cluster is copied whole before the second one's failing read;
    // nothing of the second (or of any later) cluster is written.
    let from = Flaky {
        inner: seeded("pac-unreadable-src"),
        budget: AtomicUsize::new(0),
        unreadable: "other.example.com/config",
    };
    let to = mem("pac-unreadable-dst");
    let copied = plan_and_copy(&from, &to, copy_all(false), None);
    assert!(
        matches!(&copied, Err(MigrateError::Read { key, .. }) if key == "other.example.com/config"),
        "{copied:?}"
    );
    assert!(to.stat("c.example.com/config").expect("stat").is_some());
    assert!(matches!(to.stat("other.example.com/config"), Ok(None)));

    let from = Flaky {
        inner: seeded("pac-unreadable-src2"),
        budget: AtomicUsize::new(0),
        unreadable: "c.example.com/instancegroup/nodes",
    };
    let to = mem("pac-unreadable-dst2");
    assert!(plan_and_copy(&from, &to, copy_all(false), None).is_err());
    assert_eq!(to.list("").expect("list").len(), 0, "nothing written");
}
