//! How many requests statelint keeps in flight while reading a store, and what it does when
//! the store throttles. A small object server on loopback, written for these tests, speaks
//! enough of the S3 (path style) and GCS JSON APIs to be listed and read; it counts the
//! requests in flight (decremented before the answer is sent, so a count can never be
//! inflated by the client's next request), the GETs of every object, and can answer
//! `503 SlowDown` (S3) or `429` (GCS) whenever more requests are in flight than it serves.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use statelint::check::{check_store, CheckOptions};
use statelint::env::MapEnv;
use statelint::resolve::url::StoreUrl;
use statelint::rules::kops::version::VersionSource;
use statelint::source::SourceDb;
use statelint::vfs;

const BUCKET: &str = "sched";

#[derive(Default)]
struct Counters {
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    throttled: AtomicUsize,
    gets: Mutex<HashMap<String, usize>>,
    /// Keys written, in the order their PUTs arrived.
    puts: Mutex<Vec<String>>,
    /// Every object request as it arrived: method and key (GETs and PUTs in one order).
    events: Mutex<Vec<(String, String)>>,
}

/// The object server. Threads end with the test process; sockets have timeouts.
struct ObjectServer {
    endpoint: String,
    counters: Arc<Counters>,
    stop: Arc<AtomicBool>,
}

impl Drop for ObjectServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.endpoint.trim_start_matches("http://"));
    }
}

/// A cluster whose documents pass loading (the rules may still have things to say).
fn cluster_doc(name: &str) -> String {
    format!(
        "apiVersion: kops.k8s.io/v1alpha2\nkind: Cluster\nmetadata:\n  name: {name}\nspec:\n  configBase: s3://{BUCKET}/kops/{name}\n"
    )
}

fn ig_doc(name: &str) -> String {
    format!(
        "apiVersion: kops.k8s.io/v1alpha2\nkind: InstanceGroup\nmetadata:\n  name: {name}\nspec:\n  role: Node\n  minSize: 1\n  maxSize: 1\n"
    )
}

/// `clusters` clusters of one `config`, two instance groups and the `kops-version.txt` kops
/// writes, under `kops/`.
fn objects(clusters: usize) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for i in 0..clusters {
        let name = format!("c{i:03}.example.com");
        out.push((
            format!("kops/{name}/config"),
            cluster_doc(&name).into_bytes(),
        ));
        for ig in ["nodes-a", "nodes-b"] {
            out.push((
                format!("kops/{name}/instancegroup/{ig}"),
                ig_doc(ig).into_bytes(),
            ));
        }
        out.push((format!("kops/{name}/kops-version.txt"), b"1.30.4".to_vec()));
        // Some clusters keep additional objects (`kops create -f`); they are read with the
        // cluster's documents, under the same bound.
        if i % 4 == 0 {
            out.push((
                format!("kops/{name}/clusteraddons/default"),
                b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n".to_vec(),
            ));
        }
    }
    out.sort();
    out
}

struct Request {
    method: String,
    path: String,
    query: String,
    body: Vec<u8>,
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut words = line.split_whitespace();
    let method = words.next()?.to_string();
    let target = words.next()?.to_string();
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        if header == "\r\n" || header == "\n" {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0u8; length];
    std::io::Read::read_exact(reader, &mut body).ok()?;
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    Some(Request {
        method,
        path: percent_decode(path),
        query: query.to_string(),
        body,
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            if let Ok(b) = u8::from_str_radix(&text[i + 1..(i + 3).min(text.len())], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The decoded value of `name` in a query string.
fn query_param(query: &str, name: &str) -> String {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
        .map(percent_decode)
        .unwrap_or_default()
}

fn answer(stream: &mut TcpStream, status: &str, content_type: &str, body: &[u8]) {
    answer_tagged(stream, status, content_type, body, "0123");
}

fn answer_tagged(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
    etag: &str,
) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nETag: \"{etag}\"\r\nLast-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
}

fn s3_listing(objects: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
    xml.push_str(&format!(
        "<Name>{BUCKET}</Name><KeyCount>{}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>",
        objects.len()
    ));
    for (key, body) in objects {
        xml.push_str(&format!(
            "<Contents><Key>{key}</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified><ETag>\"0123\"</ETag><Size>{}</Size><StorageClass>STANDARD</StorageClass></Contents>",
            body.len()
        ));
    }
    xml.push_str("</ListBucketResult>");
    xml.into_bytes()
}

fn gcs_listing(objects: &[(String, Vec<u8>)]) -> Vec<u8> {
    let items: Vec<serde_json::Value> = objects
        .iter()
        .map(|(k, b)| serde_json::json!({"name": k, "size": b.len().to_string()}))
        .collect();
    serde_json::json!({ "items": items })
        .to_string()
        .into_bytes()
}

impl ObjectServer {
    /// Serves `objects`; each object GET takes `delay`; with `capacity`, object GETs beyond
    /// that many in flight are throttled.
    fn start(
        objects: Vec<(String, Vec<u8>)>,
        delay: Duration,
        capacity: Option<usize>,
    ) -> ObjectServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
        let counters = Arc::new(Counters::default());
        let stop = Arc::new(AtomicBool::new(false));
        let objects = Arc::new(Mutex::new(objects));
        let (c2, stop2) = (counters.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = conn else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
                let (counters, objects) = (c2.clone(), objects.clone());
                std::thread::spawn(move || serve(stream, &objects, &counters, delay, capacity));
            }
        });
        ObjectServer {
            endpoint,
            counters,
            stop,
        }
    }

    fn peak(&self) -> usize {
        self.counters.peak.load(Ordering::SeqCst)
    }

    fn gets(&self) -> HashMap<String, usize> {
        self.counters.gets.lock().expect("counts").clone()
    }

    fn puts(&self) -> Vec<String> {
        self.counters.puts.lock().expect("puts").clone()
    }

    fn events(&self) -> Vec<(String, String)> {
        self.counters.events.lock().expect("events").clone()
    }
}

/// No object of a cluster was written after its `config`.
fn assert_configs_last(puts: &[String]) {
    for (i, key) in puts.iter().enumerate() {
        if let Some(cluster) = key.strip_suffix("/config") {
            let later = puts[i..]
                .iter()
                .filter(|k| k.starts_with(&format!("{cluster}/")));
            assert_eq!(
                later.count(),
                1,
                "objects of {cluster} written after its config: {puts:?}"
            );
        }
    }
}

fn serve(
    stream: TcpStream,
    store: &Mutex<Vec<(String, Vec<u8>)>>,
    counters: &Counters,
    delay: Duration,
    capacity: Option<usize>,
) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    // Keep-alive: one request after another on this connection.
    while let Some(request) = read_request(&mut reader) {
        let gcs_list = format!("/storage/v1/b/{BUCKET}/o");
        let s3_list = format!("/{BUCKET}");
        let is_gcs = request.path.starts_with("/storage/");
        if request.path == gcs_list
            || (request.path == s3_list || request.path == s3_list.clone() + "/")
                && request.query.contains("list-type")
        {
            let prefix = query_param(&request.query, "prefix");
            let listed: Vec<(String, Vec<u8>)> = store
                .lock()
                .expect("objects")
                .iter()
                .filter(|(k, _)| k.starts_with(&prefix))
                .cloned()
                .collect();
            if is_gcs {
                answer(
                    &mut writer,
                    "200 OK",
                    "application/json",
                    &gcs_listing(&listed),
                );
            } else {
                answer(
                    &mut writer,
                    "200 OK",
                    "application/xml",
                    &s3_listing(&listed),
                );
            }
            continue;
        }
        let key = request
            .path
            .strip_prefix(&format!("{gcs_list}/"))
            .or_else(|| request.path.strip_prefix(&format!("/{BUCKET}/")))
            .unwrap_or("")
            .to_string();
        let now = counters.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        counters.peak.fetch_max(now, Ordering::SeqCst);
        counters
            .events
            .lock()
            .expect("events")
            .push((request.method.clone(), key.clone()));
        std::thread::sleep(delay);
        let over = capacity.is_some_and(|c| now > c);
        if request.method == "PUT" {
            let etag = statelint::vfs::rest::md5_hex(&request.body);
            {
                let mut objects = store.lock().expect("objects");
                objects.retain(|(k, _)| *k != key);
                objects.push((key.clone(), request.body));
                objects.sort();
            }
            counters.puts.lock().expect("puts").push(key);
            counters.in_flight.fetch_sub(1, Ordering::SeqCst);
            answer_tagged(&mut writer, "200 OK", "application/xml", b"", &etag);
            continue;
        }
        if !over {
            *counters
                .gets
                .lock()
                .expect("counts")
                .entry(key.clone())
                .or_default() += 1;
        }
        // Leave the count before answering: the client cannot send its next request
        // before it has this answer.
        counters.in_flight.fetch_sub(1, Ordering::SeqCst);
        if over {
            counters.throttled.fetch_add(1, Ordering::SeqCst);
            if is_gcs {
                answer(
                    &mut writer,
                    "429 Too Many Requests",
                    "application/json",
                    br#"{"error":{"code":429,"message":"rate limited"}}"#,
                );
            } else {
                answer(&mut writer, "503 Slow Down", "application/xml", b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>");
            }
            continue;
        }
        let found = store
            .lock()
            .expect("objects")
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, body)| body.clone());
        match found {
            Some(body) => answer(&mut writer, "200 OK", "application/octet-stream", &body),
            None => answer(
                &mut writer,
                "404 Not Found",
                "application/xml",
                b"<Error><Code>NoSuchKey</Code></Error>",
            ),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Api {
    S3,
    Gcs,
}

fn open(api: Api, endpoint: &str) -> Arc<dyn vfs::Backend> {
    open_at(api, endpoint, "kops")
}

fn open_at(api: Api, endpoint: &str, prefix: &str) -> Arc<dyn vfs::Backend> {
    let (url, env) = match api {
        Api::S3 => (
            format!("s3://{BUCKET}/{prefix}"),
            MapEnv::new()
                .with_var("S3_ENDPOINT", endpoint)
                .with_var("S3_ACCESS_KEY_ID", "testing")
                .with_var("S3_SECRET_ACCESS_KEY", "testing"),
        ),
        Api::Gcs => (
            format!("gs://{BUCKET}/{prefix}"),
            MapEnv::new()
                .with_home("/nonexistent-home")
                .with_var("STORAGE_EMULATOR_HOST", endpoint),
        ),
    };
    vfs::open(&StoreUrl::parse(&url).expect("url"), &env).expect("open")
}

/// Runs a check and returns the codes of its findings.
fn check(
    backend: &dyn vfs::Backend,
    max_requests: Option<usize>,
    jobs: usize,
) -> Vec<&'static str> {
    let options = CheckOptions {
        max_requests,
        jobs: Some(jobs),
        ..CheckOptions::default()
    };
    let outcome = check_store(backend, &options, &SourceDb::new(), None);
    assert_eq!(outcome.clusters.len(), 40, "{:?}", outcome.findings);
    assert!(outcome
        .clusters
        .iter()
        .all(|c| c.loaded && c.instance_groups == 2));
    // Each cluster judged by the release in its `kops-version.txt`, read with its documents
    // (so under the same bound: with one request allowed, a read of its own on the CPU
    // worker would be a second one in flight).
    for c in &outcome.clusters {
        let (version, source) = c.kops_version.as_ref().expect("judged");
        assert_eq!(
            (version.to_string().as_str(), *source),
            ("1.30.4", VersionSource::StoreFile),
            "{}",
            c.name
        );
    }
    outcome.findings.iter().map(|f| f.code).collect()
}

/// Every object was read exactly once (and nothing else was read).
fn assert_one_get_per_object(server: &ObjectServer, objects: &[(String, Vec<u8>)]) {
    let gets = server.gets();
    assert_eq!(gets.len(), objects.len(), "objects read: {gets:?}");
    for (key, _) in objects {
        assert_eq!(gets.get(key.as_str()), Some(&1), "GETs of {key}");
    }
}

#[test]
fn requests_in_flight_never_exceed_the_bound_and_do_not_depend_on_threads() {
    let store = objects(40);
    for api in [Api::S3, Api::Gcs] {
        for bound in [1, 7] {
            let server = ObjectServer::start(store.clone(), Duration::from_millis(15), None);
            let backend = open(api, &server.endpoint);
            let codes = check(backend.as_ref(), Some(bound), 1);
            assert!(
                !codes.iter().any(|c| c.starts_with("SL03")),
                "{api:?}: {codes:?}"
            );
            assert!(
                server.peak() <= bound,
                "{api:?}: {} in flight, bound {bound}",
                server.peak()
            );
            // One CPU thread, yet several requests at once (each waits 15 ms at the server).
            if bound > 1 {
                assert!(server.peak() > 1, "{api:?}: requests went one at a time");
            }
            assert_one_get_per_object(&server, &store);
        }
    }
}

#[test]
fn a_throttling_store_slows_the_run_without_failing_it() {
    let store = objects(40);
    for api in [Api::S3, Api::Gcs] {
        // Serves 4 at a time, throttles the rest; statelint starts with 32.
        let server = ObjectServer::start(store.clone(), Duration::from_millis(10), Some(4));
        let backend = open(api, &server.endpoint);
        let codes = check(backend.as_ref(), Some(32), 2);
        assert!(
            server.counters.throttled.load(Ordering::SeqCst) > 0,
            "{api:?}: never throttled"
        );
        assert!(
            !codes.iter().any(|c| c.starts_with("SL03")),
            "{api:?}: {codes:?}"
        );
        assert!(
            codes.contains(&"SL080"),
            "{api:?}: no throttling note in {codes:?}"
        );
        // Throttled GETs are not counted: every object was served exactly once.
        assert_one_get_per_object(&server, &store);
    }
}

#[test]
fn migrate_keeps_the_bound_writes_configs_last_and_resumes() {
    let store = objects(20);
    let server = ObjectServer::start(store.clone(), Duration::from_millis(5), None);
    let from = open(Api::S3, &server.endpoint);
    let to = open_at(Api::S3, &server.endpoint, "moved");
    let plan = statelint::migrate::plan(from.as_ref(), to.as_ref(), &[], 6).expect("plan");
    assert_eq!(plan.count(statelint::migrate::Action::Copy), store.len());
    let outcome = statelint::migrate::execute(&plan, to.as_ref(), false, 6, None);
    assert!(outcome.complete(), "{:?}", outcome.failed);
    assert_eq!(outcome.copied.len(), store.len());
    assert!(server.peak() <= 6, "{} in flight, bound 6", server.peak());
    assert_one_get_per_object(&server, &store);
    // Each PUT answered with the MD5 ETag: verified without reading back.
    let puts = server.puts();
    assert_eq!(puts.len(), store.len());
    assert_configs_last(&puts);
    // A second run finds everything identical and writes nothing.
    let again = statelint::migrate::plan(from.as_ref(), to.as_ref(), &[], 6).expect("plan");
    assert_eq!(
        again.count(statelint::migrate::Action::Identical),
        store.len()
    );
    let outcome = statelint::migrate::execute(&again, to.as_ref(), false, 6, None);
    assert!(outcome.copied.is_empty() && outcome.complete());
    assert_eq!(
        server.counters.puts.lock().expect("puts").len(),
        store.len()
    );
}

/// Planning reads in one phase: the destination objects to compare are read in flight with
/// the source objects (not after them), each once: those of the same size as the source's,
/// and a cluster's `config` whenever it exists (it is compared after its rewrite).
#[test]
fn a_plan_reads_both_sides_in_one_phase_each_object_once() {
    let store = objects(20);
    let mut seeded = store.clone();
    // Everything but the configs already copied; one cluster has a config of its own.
    for (key, body) in &store {
        if !key.ends_with("/config") {
            seeded.push((key.replacen("kops/", "moved/", 1), body.clone()));
        }
    }
    let theirs = "moved/c003.example.com/config".to_string();
    seeded.push((theirs.clone(), b"kind: Cluster\n".to_vec()));
    seeded.sort();
    let server = ObjectServer::start(seeded, Duration::from_millis(5), None);
    let from = open(Api::S3, &server.endpoint);
    let to = open_at(Api::S3, &server.endpoint, "moved");
    let plan = statelint::migrate::plan(from.as_ref(), to.as_ref(), &[], 6).expect("plan");
    let configs = store.iter().filter(|(k, _)| k.ends_with("/config")).count();
    assert_eq!(
        plan.count(statelint::migrate::Action::Identical),
        store.len() - configs
    );
    assert_eq!(plan.count(statelint::migrate::Action::Conflict), 1);
    assert_eq!(plan.count(statelint::migrate::Action::Copy), configs - 1);
    assert!(server.peak() <= 6, "{} in flight, bound 6", server.peak());
    assert!(server.puts().is_empty(), "planning wrote");
    let gets = server.gets();
    for (key, _) in &store {
        assert_eq!(gets.get(key.as_str()), Some(&1), "GETs of {key}");
        if !key.ends_with("/config") {
            let there = key.replacen("kops/", "moved/", 1);
            assert_eq!(gets.get(there.as_str()), Some(&1), "GETs of {there}");
        }
    }
    assert_eq!(gets.get(theirs.as_str()), Some(&1), "the other-size config");
    assert_eq!(gets.len(), 2 * store.len() - configs + 1, "{gets:?}");
    let events = server.events();
    let first_there = events.iter().position(|(_, k)| k.starts_with("moved/"));
    let last_source = events.iter().rposition(|(_, k)| k.starts_with("kops/"));
    assert!(
        first_there.is_some_and(|there| last_source.is_some_and(|source| there < source)),
        "destination read after the source: first {first_there:?}, last source {last_source:?}"
    );
}

/// Copying without a confirmation (`migrate --yes`, `export`): the writes of the clusters
/// already planned are in flight with the reads of the others, under the one bound; each
/// object is read once on each side at most, configs still come last, a conflicting
/// cluster is held back with nothing of it written, and a second run writes nothing.
#[test]
fn a_copy_without_confirmation_writes_while_it_reads_within_the_bound() {
    let store = objects(30);
    let mut seeded = store.clone();
    // Someone else's instance group at the destination (same size): c005 conflicts.
    let conflicting = "moved/c005.example.com/instancegroup/nodes-a".to_string();
    let theirs = ig_doc("nodes-x").into_bytes();
    assert_eq!(theirs.len(), ig_doc("nodes-a").len());
    seeded.push((conflicting.clone(), theirs));
    seeded.sort();
    let server = ObjectServer::start(seeded, Duration::from_millis(5), None);
    let from = open(Api::S3, &server.endpoint);
    let to = open_at(Api::S3, &server.endpoint, "moved");
    let copy = statelint::migrate::CopyOptions {
        clusters: &[],
        rewrite_configs: true,
        force: false,
        max_requests: 6,
    };
    let (plan, outcome) =
        statelint::migrate::plan_and_copy(from.as_ref(), to.as_ref(), copy, None).expect("copy");
    assert_eq!(outcome.held_back, ["c005.example.com"]);
    assert_eq!(
        outcome.conflicts,
        ["c005.example.com/instancegroup/nodes-a"]
    );
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    let held: Vec<&(String, Vec<u8>)> = store
        .iter()
        .filter(|(k, _)| k.starts_with("kops/c005.example.com/"))
        .collect();
    assert_eq!(outcome.copied.len(), store.len() - held.len());
    assert_eq!(plan.items.len(), store.len());
    assert!(server.peak() <= 6, "{} in flight, bound 6", server.peak());

    let puts = server.puts();
    assert!(
        !puts
            .iter()
            .any(|k| k.starts_with("moved/c005.example.com/")),
        "a held-back cluster is not written: {puts:?}"
    );
    assert_configs_last(&puts);
    // Every source object read once; at the destination only the object of the same size.
    let gets = server.gets();
    for (key, _) in &store {
        assert_eq!(gets.get(key.as_str()), Some(&1), "GETs of {key}");
    }
    let elsewhere: Vec<(&String, &usize)> = gets
        .iter()
        .filter(|(k, _)| !k.starts_with("kops/"))
        .collect();
    assert_eq!(elsewhere, [(&conflicting, &1)], "destination reads");
    // Overlap: the first write arrived while source objects were still to be read.
    let events = server.events();
    let first_put = events.iter().position(|(m, _)| m == "PUT");
    let last_get = events
        .iter()
        .rposition(|(m, k)| m == "GET" && k.starts_with("kops/"));
    assert!(
        first_put.is_some_and(|put| last_get.is_some_and(|get| put < get)),
        "no write before the last read: first PUT {first_put:?}, last GET {last_get:?}"
    );

    // A second run copies nothing (the conflict is still held back).
    let (_, again) =
        statelint::migrate::plan_and_copy(from.as_ref(), to.as_ref(), copy, None).expect("copy");
    assert!(again.copied.is_empty(), "{:?}", again.copied);
    assert_eq!(again.skipped_identical, store.len() - held.len());
    assert_eq!(server.puts().len(), puts.len(), "the second run wrote");
}

/// `statelint probe --max-requests N`: the read-only probes of 40 clusters (a listing and a
/// read of each `config`, clusters probed side by side) never have more than N requests in
/// flight, and without the flag they use more.
#[test]
fn the_probe_command_honours_max_requests() {
    let store = objects(40);
    let probe = |bound: Option<&str>| {
        let server = ObjectServer::start(store.clone(), Duration::from_millis(15), None);
        let home = tempfile::TempDir::new().expect("tempdir");
        let mut cmd = common::statelint(home.path());
        cmd.env("STORAGE_EMULATOR_HOST", &server.endpoint).args([
            "probe",
            "--state",
            &format!("gs://{BUCKET}/kops"),
            "--read-only",
            "--format",
            "json",
        ]);
        if let Some(n) = bound {
            cmd.args(["--max-requests", n]);
        }
        let (code, stdout, stderr) = common::run(&mut cmd);
        assert_eq!(code, 0, "{stdout}\n{stderr}");
        let report: serde_json::Value = serde_json::from_str(&stdout).expect("json");
        let probes = report["probes"].as_array().expect("probes");
        let reads = probes.iter().filter(|p| p["action"] == "read").count();
        assert_eq!(reads, 40, "{stdout}");
        assert!(probes.iter().all(|p| p["outcome"] != "fail"), "{stdout}");
        server.peak()
    };
    let bounded = probe(Some("3"));
    assert!(bounded <= 3, "{bounded} in flight, bound 3");
    assert!(bounded > 1, "the probes went one at a time");
    let default = probe(None);
    assert!(default > 3, "{default} in flight by default");
}
