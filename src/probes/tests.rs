use super::*;
use crate::resolve::url::StoreUrl;
use crate::vfs::mem::MemBackend;
use crate::vfs::ObjectMeta;
use std::sync::atomic::{AtomicBool, Ordering};

/// The probe registry is process-wide; tests that create probe objects run one at a time
/// so `outstanding()` and `cleanup_all()` only see their own.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

const CONFIG: &[u8] = b"apiVersion: kops.k8s.io/v1alpha2\nkind: Cluster\nmetadata:\n  name: c.example.com\nspec: {}\n";

fn seeded(name: &str) -> Arc<MemBackend> {
    let url = StoreUrl::parse(&format!("memfs://{name}")).expect("valid URL");
    let backend = MemBackend::isolated(&url);
    backend.write("c.example.com/config", CONFIG).expect("seed");
    backend
        .write("c.example.com/instancegroup/nodes", b"x")
        .expect("seed");
    Arc::new(backend)
}

/// A backend that refuses chosen operations, to drive the failure paths (unit speed; the
/// real denials are tested against loopback servers).
struct Refusing {
    inner: Arc<MemBackend>,
    deny_write: bool,
    deny_probe_read: bool,
    deny_delete: AtomicBool,
}

impl Refusing {
    fn denied(&self, key: &str) -> VfsError {
        VfsError::PermissionDenied {
            url: self.inner.url_of(key),
        }
    }
}

impl Backend for Refusing {
    fn root(&self) -> &StoreUrl {
        self.inner.root()
    }
    fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, VfsError> {
        self.inner.list(prefix)
    }
    fn read(&self, key: &str, max: u64) -> Result<Vec<u8>, VfsError> {
        if self.deny_probe_read && key.contains(guard::PROBE_PREFIX) {
            return Err(self.denied(key));
        }
        self.inner.read(key, max)
    }
    fn write(&self, key: &str, data: &[u8]) -> Result<(), VfsError> {
        if self.deny_write {
            return Err(self.denied(key));
        }
        self.inner.write(key, data)
    }
    fn delete(&self, key: &str) -> Result<(), VfsError> {
        if self.deny_delete.load(Ordering::SeqCst) {
            return Err(self.denied(key));
        }
        self.inner.delete(key)
    }
    fn stat(&self, key: &str) -> Result<Option<ObjectMeta>, VfsError> {
        self.inner.stat(key)
    }
}

fn probe_objects(backend: &MemBackend) -> Vec<String> {
    backend
        .list("")
        .expect("list")
        .into_iter()
        .map(|o| o.key)
        .filter(|k| k.contains(guard::PROBE_PREFIX))
        .collect()
}

fn outcomes(run: &ProbeRun) -> Vec<(&str, Outcome)> {
    run.results
        .iter()
        .map(|r| (r.action.as_str(), r.outcome))
        .collect()
}

#[test]
fn a_writable_store_passes_every_probe_and_keeps_nothing() {
    let _serial = serial();
    let mem = seeded("probe-ok");
    let backend: Arc<dyn Backend> = mem.clone();
    let run = probe_store(&backend, &ProbeOptions::default());
    assert!(run.findings.is_empty(), "{:#?}", run.findings);
    assert_eq!(
        outcomes(&run),
        [
            ("list", Outcome::Pass),
            ("list", Outcome::Pass),
            ("read", Outcome::Pass),
            ("write", Outcome::Pass),
            ("read", Outcome::Pass),
            ("delete", Outcome::Pass),
        ]
    );
    assert!(probe_objects(&mem).is_empty());
    assert_eq!(
        mem.read("c.example.com/config", 1 << 20)
            .expect("still there"),
        CONFIG
    );
}

#[test]
fn read_only_skips_writes() {
    let _serial = serial();
    let mem = seeded("probe-ro");
    let backend: Arc<dyn Backend> = mem.clone();
    let options = ProbeOptions {
        read_only: true,
        ..ProbeOptions::default()
    };
    let run = probe_store(&backend, &options);
    let skipped: Vec<_> = run
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::Skipped)
        .map(|r| r.action.as_str())
        .collect();
    assert_eq!(skipped, ["write", "delete"]);
    assert!(!run.failed());
}

#[test]
fn a_denied_write_fails_with_its_code_and_writes_nothing() {
    let _serial = serial();
    let mem = seeded("probe-denied-write");
    let backend: Arc<dyn Backend> = Arc::new(Refusing {
        inner: mem.clone(),
        deny_write: true,
        deny_probe_read: false,
        deny_delete: AtomicBool::new(false),
    });
    let run = probe_store(&backend, &ProbeOptions::default());
    assert!(run.failed());
    assert_eq!(
        run.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
        ["SL202"]
    );
    assert_eq!(run.findings[0].cluster.as_deref(), Some("c.example.com"));
    assert!(probe_objects(&mem).is_empty());
}

#[test]
fn the_probe_object_is_removed_after_a_failure_in_the_middle() {
    let _serial = serial();
    let mem = seeded("probe-mid-failure");
    let backend: Arc<dyn Backend> = Arc::new(Refusing {
        inner: mem.clone(),
        deny_write: false,
        deny_probe_read: true,
        deny_delete: AtomicBool::new(false),
    });
    let run = probe_store(&backend, &ProbeOptions::default());
    assert_eq!(
        run.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
        ["SL201"]
    );
    assert!(
        probe_objects(&mem).is_empty(),
        "left behind: {:?}",
        probe_objects(&mem)
    );
    assert_eq!(guard::outstanding(), 0);
}

#[test]
fn a_denied_delete_names_the_object_left_behind() {
    let _serial = serial();
    let mem = seeded("probe-denied-delete");
    let backend: Arc<dyn Backend> = Arc::new(Refusing {
        inner: mem.clone(),
        deny_write: false,
        deny_probe_read: false,
        deny_delete: AtomicBool::new(true),
    });
    let run = probe_store(&backend, &ProbeOptions::default());
    let codes: Vec<_> = run.findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, ["SL203", "SL204"]);
    let left = probe_objects(&mem);
    assert_eq!(left.len(), 1);
    assert!(
        run.findings[1].message.contains(&left[0]),
        "{}",
        run.findings[1].message
    );
}

#[test]
fn dropping_a_probe_object_deletes_it_and_cleanup_all_empties_the_registry() {
    let _serial = serial();
    let mem = seeded("probe-drop");
    let backend: Arc<dyn Backend> = mem.clone();
    {
        let probe = guard::ProbeObject::create(&backend, "c.example.com").expect("write");
        assert!(probe.key().starts_with("c.example.com/.statelint-probe-"));
        assert_eq!(probe_objects(&mem).len(), 1);
    }
    assert!(probe_objects(&mem).is_empty());
    let probe = guard::ProbeObject::create(&backend, "c.example.com").expect("write");
    assert_eq!(guard::cleanup_all(), 0);
    assert!(probe_objects(&mem).is_empty());
    drop(probe);
}

#[cfg(unix)]
#[test]
fn world_readable_secrets_in_a_local_store_are_critical() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::TempDir::new().expect("tempdir");
    let keyset = dir.path().join("c.example.com/pki/private/ca");
    std::fs::create_dir_all(&keyset).expect("mkdir");
    let file = keyset.join("keyset.yaml");
    std::fs::write(&file, "secret").expect("write");
    for p in [dir.path().join("c.example.com/pki/private"), keyset.clone()] {
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    }
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let clusters = vec!["c.example.com".to_string()];
    let found = local::secrets_permissions(dir.path(), "file:///s", &clusters);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].code, "SL206");
    assert!(found[0]
        .message
        .contains("file:///s/c.example.com/pki/private/ca/keyset.yaml"));

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    assert!(local::secrets_permissions(dir.path(), "file:///s", &clusters).is_empty());
}

/// kops's own layout (folders 0755, files 0600) is clean; a folder every user may write
/// to is SL212 even over 0600 files.
#[cfg(unix)]
#[test]
fn kops_modes_are_clean_and_an_others_writable_folder_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::TempDir::new().expect("tempdir");
    let private = dir.path().join("c.example.com/pki/private");
    let keyset = private.join("ca");
    let secrets = dir.path().join("c.example.com/secrets");
    for d in [&keyset, &secrets] {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    for d in [&private, &keyset, &secrets] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    for f in [keyset.join("keyset.yaml"), secrets.join("admin")] {
        std::fs::write(&f, "secret").expect("write");
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let clusters = vec!["c.example.com".to_string()];
    let found = local::secrets_permissions(dir.path(), "file:///s", &clusters);
    assert!(found.is_empty(), "{found:#?}");

    std::fs::set_permissions(&keyset, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let found = local::secrets_permissions(dir.path(), "file:///s", &clusters);
    let codes: Vec<&str> = found.iter().map(|f| f.code).collect();
    assert_eq!(codes, ["SL212"], "{found:#?}");
    assert!(found[0]
        .message
        .contains("file:///s/c.example.com/pki/private/ca"));
}

#[test]
fn a_denial_is_brief_without_the_raw_answer() {
    let err = VfsError::Remote {
        url: "s3://state-a".into(),
        kind: crate::vfs::RemoteErrorKind::AccessDenied,
        detail: "Generic S3 error: Error performing GET http://127.0.0.1:1/state-a?list-type=2 in 5.33ms - Server returned non-2xx status code: 403 Forbidden: <?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>".into(),
    };
    assert_eq!(super::brief(&err), "HTTP 403 AccessDenied");
    let bare = VfsError::Remote {
        url: "s3://state-a".into(),
        kind: crate::vfs::RemoteErrorKind::Timeout,
        detail: "operation timed out".into(),
    };
    assert_eq!(super::brief(&bare), "timed out");
}

/// A backend whose writes land and then report an error (a timeout after the upload).
struct LandsThenFails(Arc<MemBackend>);

impl Backend for LandsThenFails {
    fn root(&self) -> &StoreUrl {
        self.0.root()
    }
    fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, VfsError> {
        self.0.list(prefix)
    }
    fn read(&self, key: &str, max: u64) -> Result<Vec<u8>, VfsError> {
        self.0.read(key, max)
    }
    fn write(&self, key: &str, data: &[u8]) -> Result<(), VfsError> {
        self.0.write(key, data)?;
        Err(VfsError::Io {
            url: self.0.url_of(key),
            source: std::io::Error::new(std::io::ErrorKind::TimedOut, "timed out"),
        })
    }
    fn delete(&self, key: &str) -> Result<(), VfsError> {
        self.0.delete(key)
    }
    fn stat(&self, key: &str) -> Result<Option<ObjectMeta>, VfsError> {
        self.0.stat(key)
    }
}

#[test]
fn a_write_that_landed_but_reported_an_error_is_deleted() {
    let _serial = serial();
    let mem = seeded("probe-landed");
    let backend: Arc<dyn Backend> = Arc::new(LandsThenFails(mem.clone()));
    let Err((url, _)) = guard::ProbeObject::create(&backend, "c.example.com") else {
        panic!("the write reported an error, so create must fail");
    };
    assert!(url.contains(guard::PROBE_PREFIX), "{url}");
    assert!(probe_objects(&mem).is_empty(), "{:?}", probe_objects(&mem));
    assert_eq!(guard::outstanding(), 0);
    // The cluster's own files are untouched.
    assert_eq!(mem.list("").expect("list").len(), 2);
}

/// Each probe object has its own key under the cluster (a hashed suffix, never a state file),
/// the URL of that key, and reads back true only for its own bytes: someone else's bytes are
/// `false`, and an object larger than any probe wrote is not read in full.
#[test]
fn probe_objects_have_unique_keys_their_own_urls_and_read_back_only_their_bytes() {
    let _serial = serial();
    let mem = seeded("probe-identity");
    let backend: Arc<dyn Backend> = mem.clone();
    let first = guard::ProbeObject::create(&backend, "c.example.com").expect("write");
    let second = guard::ProbeObject::create(&backend, "c.example.com").expect("write");
    assert_ne!(first.key(), second.key());
    for probe in [&first, &second] {
        let suffix = probe
            .key()
            .strip_prefix("c.example.com/.statelint-probe-")
            .unwrap_or_else(|| panic!("{}", probe.key()));
        assert!(
            suffix.len() == 16 && suffix.chars().all(|c| c.is_ascii_hexdigit()),
            "{}",
            probe.key()
        );
        assert_eq!(probe.url(), backend.url_of(probe.key()));
    }
    assert_eq!(guard::outstanding(), 2);
    assert_eq!(probe_objects(&mem).len(), 2);
    assert!(first.read_back().expect("read"));
    mem.write(first.key(), b"someone else's bytes")
        .expect("overwrite");
    assert!(!first.read_back().expect("read"));
    mem.write(first.key(), &[b'x'; 4096]).expect("overwrite");
    assert!(first.read_back().is_err(), "4 KiB is not a probe object");
    first.remove().expect("remove");
    second.remove().expect("remove");
    assert_eq!(guard::outstanding(), 0);
    assert!(probe_objects(&mem).is_empty());
}

/// `cleanup_all` (the interrupt handler's) says how many probe objects it could not delete.
#[test]
fn cleanup_all_counts_the_probe_objects_it_could_not_delete() {
    let _serial = serial();
    let mem = seeded("probe-cleanup-denied");
    let refusing = Arc::new(Refusing {
        inner: mem.clone(),
        deny_write: false,
        deny_probe_read: false,
        deny_delete: AtomicBool::new(true),
    });
    let backend: Arc<dyn Backend> = refusing.clone();
    let probe = guard::ProbeObject::create(&backend, "c.example.com").expect("write");
    assert_eq!(guard::outstanding(), 1);
    assert_eq!(guard::cleanup_all(), 1, "the denied delete is counted");
    assert_eq!(guard::outstanding(), 0);
    assert_eq!(probe_objects(&mem).len(), 1);
    refusing.deny_delete.store(false, Ordering::SeqCst);
    drop(probe);
    assert!(probe_objects(&mem).is_empty());
}

/// A store that counts the store-level listings and the reads of `config` that reach it, and
/// whose writes, when it has a gate, wait there: the test decides when a PUT in flight lands.
struct Watched {
    inner: Arc<MemBackend>,
    root_lists: std::sync::atomic::AtomicUsize,
    config_reads: std::sync::atomic::AtomicUsize,
    gate: Option<(
        std::sync::mpsc::SyncSender<()>,
        std::sync::Mutex<std::sync::mpsc::Receiver<()>>,
    )>,
}

impl Watched {
    fn new(inner: Arc<MemBackend>) -> Watched {
        Watched {
            inner,
            root_lists: Default::default(),
            config_reads: Default::default(),
            gate: None,
        }
    }
}

impl Backend for Watched {
    fn root(&self) -> &StoreUrl {
        self.inner.root()
    }
    fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, VfsError> {
        if prefix.is_empty() {
            self.root_lists.fetch_add(1, Ordering::SeqCst);
        }
        self.inner.list(prefix)
    }
    fn read(&self, key: &str, max: u64) -> Result<Vec<u8>, VfsError> {
        if key.ends_with("/config") {
            self.config_reads.fetch_add(1, Ordering::SeqCst);
        }
        self.inner.read(key, max)
    }
    fn write(&self, key: &str, data: &[u8]) -> Result<(), VfsError> {
        if let Some((writing, gate)) = &self.gate {
            let _ = writing.send(());
            let gate = gate.lock().unwrap_or_else(|e| e.into_inner());
            let _ = gate.recv_timeout(std::time::Duration::from_secs(60));
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
fn answers_the_check_already_received_are_reported_not_asked_again() {
    let mem = seeded("probe-observed");
    let counting = Arc::new(Watched::new(mem.clone()));
    let backend: Arc<dyn Backend> = counting.clone();
    // The check listed the store and was refused the cluster's config.
    let refused = VfsError::PermissionDenied {
        url: mem.url_of("c.example.com/config"),
    };
    let observed = observed::Observed {
        listing: Some(mem.list("").expect("list")),
        config_reads: [("c.example.com".to_string(), Err(Arc::new(refused)))]
            .into_iter()
            .collect(),
    };
    let options = ProbeOptions {
        read_only: true,
        observed: Some(Arc::new(observed)),
        ..ProbeOptions::default()
    };
    let run = probe_store(&backend, &options);
    assert_eq!(
        outcomes(&run),
        [
            ("list", Outcome::Pass),
            ("list", Outcome::Pass),
            ("read", Outcome::Fail),
            ("write", Outcome::Skipped),
            ("delete", Outcome::Skipped),
        ]
    );
    assert!(
        run.findings
            .iter()
            .any(|f| f.code == diags::READ_DENIED.code),
        "{:#?}",
        run.findings
    );
    assert_eq!(counting.root_lists.load(Ordering::SeqCst), 0);
    assert_eq!(counting.config_reads.load(Ordering::SeqCst), 0);
    // Without the check's answers, both are asked (once).
    let run = probe_store(
        &backend,
        &ProbeOptions {
            read_only: true,
            ..ProbeOptions::default()
        },
    );
    assert!(!run.failed(), "{:#?}", run.results);
    assert_eq!(counting.root_lists.load(Ordering::SeqCst), 1);
    assert_eq!(counting.config_reads.load(Ordering::SeqCst), 1);
}

#[test]
fn an_interrupt_while_probe_writes_are_in_flight_leaves_no_probe_object() {
    let _serial = serial();
    let mem = seeded("probe-interrupted");
    let (writing_tx, writing) = std::sync::mpsc::sync_channel(16);
    let (open_gate, gate) = std::sync::mpsc::channel();
    let backend: Arc<dyn Backend> = Arc::new(Watched {
        gate: Some((writing_tx, std::sync::Mutex::new(gate))),
        ..Watched::new(mem.clone())
    });
    // A probe write is in flight (its PUT has not landed yet) when the interrupt comes.
    let probing = {
        let backend = backend.clone();
        std::thread::spawn(move || {
            // The process exits from the handler: nothing is dropped, nothing else deletes.
            if let Ok(object) = ProbeObject::create(&backend, "c.example.com") {
                std::mem::forget(object);
            }
        })
    };
    writing
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the probe write started");
    let cleanup =
        std::thread::spawn(|| guard::cleanup_after_interrupt(std::time::Duration::from_secs(30)));
    // Once the interrupt is seen, no new probe write starts...
    for _ in 0..100_000 {
        if guard::interrupted() {
            break;
        }
        std::thread::yield_now();
    }
    assert!(guard::interrupted(), "the cleanup never started");
    let refused = ProbeObject::create(&backend, "c.example.com");
    assert!(
        refused.is_err(),
        "a probe write started after the interrupt"
    );
    // ...and the one in flight lands only now, after the cleanup started: it is removed.
    open_gate.send(()).expect("gate");
    probing.join().expect("probe thread");
    let left = cleanup.join().expect("cleanup thread");
    guard::resume_after_interrupt();
    assert_eq!(left, 0);
    assert!(probe_objects(&mem).is_empty(), "{:?}", probe_objects(&mem));
    assert_eq!(guard::outstanding(), 0);
}
