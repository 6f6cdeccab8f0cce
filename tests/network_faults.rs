//! Network faults between statelint and a real S3 server (moto on loopback), injected by a
//! small TCP proxy written for these tests: latency, connection resets, truncated bodies,
//! 503 SlowDown bursts, failing DELETEs/PUTs, and a server that accepts and never answers.
//! statelint must retry within bounds, turn lasting failures into coded findings, never
//! report Pass on a failed probe, never leave a probe object behind when it can delete it,
//! and never report a partial migration as a success.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use statelint::check::{check_store, CheckOptions};
use statelint::env::MapEnv;
use statelint::resolve::url::StoreUrl;
use statelint::source::SourceDb;
use statelint::vfs;

#[derive(Clone, Copy, Debug)]
enum Fault {
    /// Forward everything after a delay per connection.
    Latency(Duration),
    /// Close every connection at once, without answering.
    Reset,
    /// Forward the request; pass only the first `n` bytes of the answer, then close.
    Truncate(usize),
    /// Answer `503 SlowDown` to the first `n` requests, then forward.
    SlowDown(usize),
    /// Answer `503` to requests with this method for the first `n` of them, forward the rest.
    FailMethod(&'static str, usize),
    /// Accept, read, never answer.
    Blackhole,
}

/// A proxy on 127.0.0.1 in front of `upstream`, injecting `fault`. Threads end with the
/// test process; every socket has a timeout so nothing blocks forever.
struct FaultProxy {
    endpoint: String,
    hits: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn read_request_head(client: &mut TcpStream) -> Option<Vec<u8>> {
    // Enough of the request to see the method; the rest is forwarded as it comes.
    let mut buf = vec![0u8; 4096];
    let n = client.read(&mut buf).ok()?;
    (n > 0).then(|| {
        buf.truncate(n);
        buf
    })
}

fn slow_down(client: &mut TcpStream) {
    let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";
    let _ = write!(
        client,
        "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = client.flush();
    let _ = client.shutdown(Shutdown::Both);
}

fn pipe(mut from: TcpStream, mut to: TcpStream, limit: Option<usize>) {
    let mut buf = [0u8; 16 * 1024];
    let mut sent = 0usize;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let n = match limit {
            Some(l) if sent + n >= l => {
                let _ = to.write_all(&buf[..l - sent]);
                break;
            }
            _ => n,
        };
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
        sent += n;
    }
    let _ = to.shutdown(Shutdown::Both);
    let _ = from.shutdown(Shutdown::Both);
}

impl FaultProxy {
    fn start(upstream: &str, fault: Fault) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
        let upstream = upstream.trim_start_matches("http://").to_string();
        let hits = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (hits2, stop2) = (hits.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut client) = conn else { continue };
                let _ = client.set_read_timeout(Some(Duration::from_secs(30)));
                let hit = hits2.fetch_add(1, Ordering::SeqCst);
                let upstream = upstream.clone();
                std::thread::spawn(move || {
                    let connect = || {
                        let s = TcpStream::connect(&upstream).ok()?;
                        let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
                        Some(s)
                    };
                    match fault {
                        Fault::Reset => {
                            let _ = client.shutdown(Shutdown::Both);
                        }
                        Fault::Blackhole => {
                            let mut sink = [0u8; 4096];
                            while matches!(client.read(&mut sink), Ok(n) if n > 0) {}
                        }
                        Fault::SlowDown(n) if hit < n => {
                            let _ = read_request_head(&mut client);
                            slow_down(&mut client);
                        }
                        Fault::FailMethod(method, n) => {
                            let Some(head) = read_request_head(&mut client) else {
                                return;
                            };
                            if head.starts_with(method.as_bytes())
                                && METHOD_FAILURES.fetch_add(1, Ordering::SeqCst) < n
                            {
                                slow_down(&mut client);
                                return;
                            }
                            let Some(mut up) = connect() else { return };
                            // One request per connection, so every request is inspected.
                            let _ = up.write_all(&close_after(&head));
                            forward(client, up, None);
                        }
                        Fault::Latency(d) => {
                            std::thread::sleep(d);
                            if let Some(up) = connect() {
                                forward(client, up, None);
                            }
                        }
                        Fault::Truncate(n) => {
                            if let Some(up) = connect() {
                                forward(client, up, Some(n));
                            }
                        }
                        Fault::SlowDown(_) => {
                            if let Some(up) = connect() {
                                forward(client, up, None);
                            }
                        }
                    }
                });
            }
        });
        FaultProxy {
            endpoint,
            hits,
            stop,
        }
    }
}

/// The request head with `Connection: close` added, so the server closes after answering.
fn close_after(head: &[u8]) -> Vec<u8> {
    match head.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(end) => {
            let mut out = head[..end].to_vec();
            out.extend_from_slice(b"\r\nConnection: close");
            out.extend_from_slice(&head[end..]);
            out
        }
        None => head.to_vec(),
    }
}

/// How many requests `FailMethod` has failed so far (one proxy of that kind per test run).
static METHOD_FAILURES: AtomicUsize = AtomicUsize::new(0);

fn forward(client: TcpStream, upstream: TcpStream, limit: Option<usize>) {
    let (Ok(c2), Ok(u2)) = (client.try_clone(), upstream.try_clone()) else {
        return;
    };
    std::thread::spawn(move || pipe(c2, u2, None));
    pipe(upstream, client, limit);
}

fn moto() -> Option<String> {
    common::loopback_server("STATELINT_TEST_S3_ENDPOINT")
}

/// kops's `S3_ENDPOINT` mode (no region lookup), with 2-second requests.
fn env_for(endpoint: &str) -> MapEnv {
    MapEnv::new()
        .with_var("S3_ENDPOINT", endpoint)
        .with_var("S3_ACCESS_KEY_ID", "testing")
        .with_var("S3_SECRET_ACCESS_KEY", "testing")
        .with_var("STATELINT_REQUEST_TIMEOUT", "2")
}

static N: AtomicUsize = AtomicUsize::new(0);

/// A bucket with the example store, seeded directly (not through the proxy).
fn seeded_bucket(moto: &str) -> String {
    let name = format!(
        "faults-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let url = StoreUrl::parse(&format!("s3://{name}")).expect("url");
    let settings = vfs::s3::resolve(&url, &env_for(moto)).expect("settings");
    let creds = aws_sdk_s3::config::SharedCredentialsProvider::new(
        aws_sdk_s3::config::Credentials::new("testing", "testing", None, None, "test"),
    );
    let client = vfs::s3::control_client(&settings, creds, "us-east-1");
    vfs::runtime::block_on(client.create_bucket().bucket(&name).send())
        .expect("runtime")
        .expect("create bucket");
    let store = vfs::open(
        &StoreUrl::parse(&format!("s3://{name}/kops")).expect("url"),
        &env_for(moto),
    )
    .expect("open");
    for cluster in ["dev.example.com", "staging.example.com"] {
        common::seed_example_store(store.as_ref(), cluster);
    }
    name
}

fn check_through(proxy: &FaultProxy, bucket: &str) -> (Vec<&'static str>, Duration) {
    let started = Instant::now();
    let url = StoreUrl::parse(&format!("s3://{bucket}/kops")).expect("url");
    let codes = match vfs::open(&url, &env_for(&proxy.endpoint)) {
        Ok(backend) => {
            let sources = SourceDb::new();
            let outcome = check_store(backend.as_ref(), &CheckOptions::default(), &sources, None);
            outcome.findings.iter().map(|f| f.code).collect()
        }
        Err(e) => vec![statelint::store::diags::store_unreachable("s3://", &e).code],
    };
    (codes, started.elapsed())
}

const EXPECTED_STAGING: &[&str] = &["SL121", "SL107", "SL105", "SL114"];

#[test]
fn latency_and_short_slowdown_bursts_are_absorbed_by_retries() {
    let Some(moto) = moto() else { return };
    let bucket = seeded_bucket(&moto);
    for fault in [
        Fault::Latency(Duration::from_millis(40)),
        Fault::SlowDown(2),
    ] {
        let proxy = FaultProxy::start(&moto, fault);
        let (codes, _) = check_through(&proxy, &bucket);
        for code in EXPECTED_STAGING {
            assert!(codes.contains(code), "{fault:?}: {codes:?}");
        }
        assert!(
            !codes.iter().any(|c| c.starts_with("SL03")),
            "{fault:?}: {codes:?}"
        );
        assert!(proxy.hits.load(Ordering::SeqCst) > 0);
    }
}

#[test]
fn lasting_faults_become_coded_findings_within_bounded_time() {
    let Some(moto) = moto() else { return };
    let bucket = seeded_bucket(&moto);
    for (fault, expected) in [
        (Fault::Reset, "SL034"),
        (Fault::SlowDown(usize::MAX), "SL036"),
        (Fault::Blackhole, "SL035"),
        (Fault::Truncate(60), "SL034"),
    ] {
        let proxy = FaultProxy::start(&moto, fault);
        let (codes, took) = check_through(&proxy, &bucket);
        assert!(
            codes.contains(&expected),
            "{fault:?}: expected {expected}, got {codes:?}"
        );
        assert!(took < Duration::from_secs(60), "{fault:?} took {took:?}");
    }
}

/// The backends that speak HTTP themselves (Swift, GCS, Kubernetes) share one retry and
/// timeout path (`vfs::rest`); the GCS JSON API through the proxy exercises it.
#[test]
fn the_rest_backends_absorb_bursts_and_code_lasting_faults() {
    let Some(gcs) = common::loopback_server("STATELINT_TEST_GCS_ENDPOINT") else {
        return;
    };
    let bucket = common::unique_name();
    common::server_helper("gcs_bucket.py", &[&gcs, &bucket]);
    let url = StoreUrl::parse(&format!("gs://{bucket}/kops")).expect("url");
    let env = |endpoint: &str| {
        MapEnv::new()
            .with_home("/nonexistent-home")
            .with_var("STORAGE_EMULATOR_HOST", endpoint)
            .with_var("STATELINT_REQUEST_TIMEOUT", "2")
    };
    let direct = vfs::open(&url, &env(&gcs)).expect("open");
    common::seed_example_store(direct.as_ref(), "staging.example.com");
    let through = |fault: Fault| {
        let proxy = FaultProxy::start(&gcs, fault);
        let started = Instant::now();
        let backend = vfs::open(&url, &env(&proxy.endpoint)).expect("open");
        let codes: Vec<&str> = common::finding_codes(backend.as_ref())
            .into_iter()
            .map(|(_, code)| code)
            .collect();
        (codes, started.elapsed(), proxy.hits.load(Ordering::SeqCst))
    };
    for fault in [
        Fault::Latency(Duration::from_millis(40)),
        Fault::SlowDown(2),
    ] {
        let (codes, _, hits) = through(fault);
        for code in EXPECTED_STAGING {
            assert!(codes.contains(code), "{fault:?}: {codes:?}");
        }
        assert!(
            !codes.iter().any(|c| c.starts_with("SL03")),
            "{fault:?}: {codes:?}"
        );
        assert!(hits > 0);
    }
    for (fault, expected) in [
        (Fault::Reset, "SL034"),
        (Fault::SlowDown(usize::MAX), "SL036"),
        (Fault::Blackhole, "SL035"),
    ] {
        let (codes, took, _) = through(fault);
        assert!(
            codes.contains(&expected),
            "{fault:?}: expected {expected}, got {codes:?}"
        );
        assert!(took < Duration::from_secs(60), "{fault:?} took {took:?}");
    }
}

#[test]
fn a_failing_delete_never_passes_and_the_probe_object_is_still_removed() {
    let Some(moto) = moto() else { return };
    let bucket = seeded_bucket(&moto);
    METHOD_FAILURES.store(0, Ordering::SeqCst);
    // More failures than one call's retries, fewer than the cleanup's second attempt needs.
    let proxy = FaultProxy::start(&moto, Fault::FailMethod("DELETE", 4));
    let url = StoreUrl::parse(&format!("s3://{bucket}/kops")).expect("url");
    let backend = vfs::open(&url, &env_for(&proxy.endpoint)).expect("open");
    let options = statelint::probes::ProbeOptions {
        clusters: vec!["dev.example.com".into()],
        read_only: false,
        ..Default::default()
    };
    let run = statelint::probes::probe(&backend, None, &options, None);
    let delete = run
        .results
        .iter()
        .find(|r| r.action == "s3:DeleteObject")
        .expect("delete probed");
    assert_ne!(delete.outcome, statelint::probes::Outcome::Pass, "{run:?}");
    let direct = vfs::open(&url, &env_for(&moto)).expect("open");
    let left: Vec<_> = direct
        .list("")
        .expect("list")
        .into_iter()
        .filter(|o| o.key.contains(".statelint-probe-"))
        .collect();
    assert!(left.is_empty(), "probe object left behind: {left:?}");
    assert_eq!(statelint::probes::guard::outstanding(), 0);
}

#[test]
fn a_migration_whose_writes_fail_never_reports_success() {
    let Some(moto) = moto() else { return };
    let from = seeded_bucket(&moto);
    let to = seeded_bucket(&moto);
    let direct_to = vfs::open(
        &StoreUrl::parse(&format!("s3://{to}/moved")).expect("url"),
        &env_for(&moto),
    )
    .expect("open");
    let proxy = FaultProxy::start(&moto, Fault::SlowDown(usize::MAX));
    let src = vfs::open(
        &StoreUrl::parse(&format!("s3://{from}/kops")).expect("url"),
        &env_for(&moto),
    )
    .expect("open");
    let dst = vfs::open(
        &StoreUrl::parse(&format!("s3://{to}/moved")).expect("url"),
        &env_for(&proxy.endpoint),
    );
    // The destination may not even open (region lookup); if it does, nothing may succeed.
    if let Ok(dst) = dst {
        if let Ok(plan) = statelint::migrate::plan(src.as_ref(), dst.as_ref(), &[], 16) {
            let outcome = statelint::migrate::execute(&plan, dst.as_ref(), false, 16, None);
            assert!(!outcome.complete(), "{outcome:?}");
            assert!(outcome.copied.is_empty());
        }
    }
    assert!(statelint::store::discover(direct_to.as_ref())
        .expect("list")
        .clusters
        .is_empty());
}

fn statelint_cmd(endpoint: &str, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("statelint"));
    cmd.env_clear()
        .env("HOME", std::env::temp_dir())
        .env("S3_ENDPOINT", endpoint)
        .env("S3_ACCESS_KEY_ID", "testing")
        .env("S3_SECRET_ACCESS_KEY", "testing")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    cmd
}

fn signal(child: &std::process::Child, name: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Polls `until` every 10 ms for at most 20 s.
fn wait_for(mut until: impl FnMut() -> bool) -> bool {
    for _ in 0..2_000 {
        if until() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

#[cfg(unix)]
#[test]
fn sigterm_during_a_probe_removes_the_probe_object_and_exits_143() {
    let Some(moto) = moto() else { return };
    let bucket = seeded_bucket(&moto);
    // Slow enough that the probe object exists for a while.
    let proxy = FaultProxy::start(&moto, Fault::Latency(Duration::from_millis(300)));
    let store = format!("s3://{bucket}/kops");
    let mut child = statelint_cmd(
        &proxy.endpoint,
        &["probe", "--state", &store, "--cluster", "dev.example.com"],
    )
    .spawn()
    .expect("spawn");
    let direct = vfs::open(&StoreUrl::parse(&store).expect("url"), &env_for(&moto)).expect("open");
    let probe_objects = || {
        direct
            .list("dev.example.com/")
            .map(|l| {
                l.iter()
                    .filter(|o| o.key.contains(".statelint-probe-"))
                    .count()
            })
            .unwrap_or(0)
    };
    let seen = wait_for(|| probe_objects() > 0 || child.try_wait().ok().flatten().is_some());
    assert!(
        seen && child.try_wait().expect("wait").is_none(),
        "the probe must still be running"
    );
    signal(&child, "TERM");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(143));
    assert_eq!(probe_objects(), 0, "the probe object was removed");
}

#[cfg(unix)]
#[test]
fn sigterm_during_a_parallel_probe_removes_every_probe_object() {
    let Some(moto) = moto() else { return };
    let bucket = seeded_bucket(&moto);
    let proxy = FaultProxy::start(&moto, Fault::Latency(Duration::from_millis(300)));
    let store = format!("s3://{bucket}/kops");
    let mut child = statelint_cmd(&proxy.endpoint, &["probe", "--state", &store])
        .spawn()
        .expect("spawn");
    let direct = vfs::open(&StoreUrl::parse(&store).expect("url"), &env_for(&moto)).expect("open");
    let probe_objects = || {
        direct
            .list("")
            .map(|l| {
                l.into_iter()
                    .filter(|o| o.key.contains(".statelint-probe-"))
                    .map(|o| o.key)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    // Both clusters' probe objects exist at the same time: the clusters are probed in
    // parallel.
    let seen = wait_for(|| probe_objects().len() >= 2 || child.try_wait().ok().flatten().is_some());
    assert!(
        seen && child.try_wait().expect("wait").is_none(),
        "both probes must be running at once"
    );
    signal(&child, "TERM");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(143));
    assert_eq!(
        probe_objects(),
        Vec::<String>::new(),
        "probe objects left behind"
    );
}

#[cfg(unix)]
#[test]
fn sigint_during_a_migration_reports_the_partial_copy_and_exits_130() {
    let Some(moto) = moto() else { return };
    let from = seeded_bucket(&moto);
    let to = seeded_bucket(&moto);
    let proxy = FaultProxy::start(&moto, Fault::Latency(Duration::from_millis(200)));
    let (src, dst) = (format!("s3://{from}/kops"), format!("s3://{to}/moved"));
    let mut child = statelint_cmd(
        &proxy.endpoint,
        &[
            "migrate", "--from", &src, "--to", &dst, "--yes", "--jobs", "2",
        ],
    )
    .spawn()
    .expect("spawn");
    let direct = vfs::open(&StoreUrl::parse(&dst).expect("url"), &env_for(&moto)).expect("open");
    assert!(wait_for(|| direct
        .list("")
        .map(|l| !l.is_empty())
        .unwrap_or(false)
        || child.try_wait().ok().flatten().is_some()));
    assert!(
        child.try_wait().expect("wait").is_none(),
        "the migration must still be running"
    );
    signal(&child, "INT");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(130));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("interrupted after copying") && stderr.contains("resume"),
        "{stderr}"
    );
    // Whatever was copied, no cluster is visible without all of its objects.
    for cluster in statelint::store::discover(direct.as_ref())
        .expect("list")
        .clusters
    {
        assert!(
            !cluster.instance_groups.is_empty(),
            "{} visible before its groups",
            cluster.name
        );
    }
    // Running it again completes the copy.
    let out = statelint_cmd(&moto, &["migrate", "--from", &src, "--to", &dst, "--yes"])
        .output()
        .expect("runs");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        statelint::store::discover(direct.as_ref())
            .expect("list")
            .clusters
            .len(),
        2
    );
}
