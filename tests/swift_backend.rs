//! `swift://` end to end against a real OpenStack Swift behind a real Keystone v3, both on
//! loopback (`scripts/servers/swift.sh`, started by `scripts/test.sh`): seed a store through
//! the VFS write path, check it through the library and the CLI, page through listings,
//! and the coded failures for a wrong password, a missing container, a user without a Swift
//! role and a region the catalog does not have.

mod common;

use std::path::Path;

use assert_cmd::Command;
use statelint::env::MapEnv;
use statelint::resolve::url::StoreUrl;
use statelint::vfs::{self, Backend};

/// The Keystone v3 URL of the test stack, whose `admin` may use Swift and whose `viewer`
/// has only the `reader` role (see `scripts/servers/swift_stack.py`).
fn keystone() -> Option<String> {
    common::loopback_server("STATELINT_TEST_SWIFT_AUTH_URL")
}

fn openrc(auth_url: &str, user: &str, password: &str) -> Vec<(&'static str, String)> {
    vec![
        ("OS_AUTH_URL", auth_url.to_string()),
        ("OS_USERNAME", user.to_string()),
        ("OS_PASSWORD", password.to_string()),
        ("OS_PROJECT_NAME", "admin".to_string()),
        ("OS_USER_DOMAIN_NAME", "Default".to_string()),
        ("OS_PROJECT_DOMAIN_ID", "default".to_string()),
        ("OS_REGION_NAME", "RegionOne".to_string()),
    ]
}

/// A fresh container, created as the admin through Keystone.
fn container(auth_url: &str) -> String {
    let name = common::unique_name();
    common::server_helper("swift_container.py", &[auth_url, &name]);
    name
}

fn env_of(vars: &[(&'static str, String)]) -> MapEnv {
    vars.iter().fold(
        MapEnv::new().with_home("/nonexistent-home"),
        |env, (k, v)| env.with_var(k, v),
    )
}

#[test]
fn a_seeded_store_checks_like_the_same_store_on_disk() {
    let Some(auth) = keystone() else { return };
    let name = container(&auth);
    let url = StoreUrl::parse(&format!("swift://{name}/kops")).expect("url");
    let backend = vfs::open(&url, &env_of(&openrc(&auth, "admin", "admin-secret"))).expect("open");
    let written = common::seed_example_store(backend.as_ref(), "");
    assert_eq!(backend.list("").expect("list").len(), written);

    // The same documents on disk give the same findings, apart from the note that a
    // file:// store is local (SL009), and the stale `s3://` configBase: beside a local store
    // it is a plain mismatch (SL101), beside a Swift store it names another provider (SL110).
    let local_url = StoreUrl::parse(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/store")
            .display()
            .to_string(),
    )
    .expect("url");
    let local = vfs::open(&local_url, &MapEnv::new()).expect("open local");
    let mut expected = common::finding_codes(local.as_ref());
    expected.retain(|(_, code)| *code != "SL009");
    for (cluster, code) in &mut expected {
        if *code == "SL101" && cluster == "prod.example.com" {
            *code = "SL110";
        }
    }
    expected.sort();
    assert!(expected.contains(&("prod.example.com".into(), "SL110")));
    let found = common::finding_codes(backend.as_ref());
    assert_eq!(found, expected);

    // Stat, delete and overwrite go through the same token.
    let meta = backend
        .stat("dev.example.com/config")
        .expect("stat")
        .expect("exists");
    assert!(meta.size > 0);
    backend
        .write("dev.example.com/kops-version.txt", b"1.36.0")
        .expect("overwrite");
    assert_eq!(
        backend
            .read("dev.example.com/kops-version.txt", 1024)
            .expect("read"),
        b"1.36.0"
    );
    common::assert_delete_is_idempotent(backend.as_ref(), "dev.example.com/kops-version.txt");
}

#[test]
fn the_cli_checks_and_probes_a_swift_store_with_openrc_variables() {
    let Some(auth) = keystone() else { return };
    let name = container(&auth);
    let store = format!("swift://{name}/kops");
    let url = StoreUrl::parse(&store).expect("url");
    let vars = openrc(&auth, "admin", "admin-secret");
    let backend = vfs::open(&url, &env_of(&vars)).expect("open");
    common::seed_example_store(backend.as_ref(), "");

    let home = tempfile::TempDir::new().expect("tempdir");
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("statelint")
            .expect("binary")
            .env_clear()
            .env("HOME", home.path())
            .current_dir(home.path())
            .envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
            .env("KOPS_STATE_STORE", &store)
            .args(args)
            .output()
            .expect("runs");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code(), report)
    };

    let (status, report) = run(&["check", "--format", "json"]);
    assert_eq!(status, Some(1), "findings in the example store: {report}");
    let clusters = report["clusters"].as_array().expect("clusters");
    assert_eq!(clusters.len(), 3, "{report}");

    // The probe writes, reads and removes its own object, and touches nothing else.
    let before = backend.list("").expect("list");
    let (status, report) = run(&["probe", "--format", "json"]);
    assert_eq!(status, Some(0), "{report}");
    let probes = report["probes"].as_array().expect("probes");
    assert!(probes.iter().all(|p| p["outcome"] == "pass"), "{report}");
    assert_eq!(
        probes.iter().filter(|p| p["action"] == "write").count(),
        3,
        "one throw-away object per cluster: {report}"
    );
    assert_eq!(backend.list("").expect("list"), before, "probe cleaned up");
}

#[test]
fn listings_page_through_the_container() {
    let Some(auth) = keystone() else { return };
    let name = container(&auth);
    let url = StoreUrl::parse(&format!("swift://{name}/deep/prefix")).expect("url");
    let env = env_of(&openrc(&auth, "admin", "admin-secret"));
    let backend = vfs::swift::open(&url, &env)
        .expect("open")
        .with_page_size(7);
    for i in 0..23 {
        backend
            .write(&format!("c.example.com/pki/issued/{i:02}"), b"x")
            .expect("write");
    }
    backend
        .write("other.example.com/config", b"y")
        .expect("write");
    let listed = backend.list("c.example.com/").expect("list");
    assert_eq!(listed.len(), 23);
    assert_eq!(listed[0].key, "c.example.com/pki/issued/00");
    assert_eq!(listed[22].key, "c.example.com/pki/issued/22");
    assert_eq!(backend.list("").expect("list").len(), 24);
}

#[test]
fn wrong_password_missing_container_reader_role_and_unknown_region_are_coded() {
    let Some(auth) = keystone() else { return };
    let name = container(&auth);
    let open = |vars: &[(&'static str, String)], container: &str| {
        let url = StoreUrl::parse(&format!("swift://{container}/kops")).expect("url");
        vfs::open(&url, &env_of(vars)).expect("open")
    };
    let has = |found: &[(String, &'static str)], code: &str| found.iter().any(|(_, c)| *c == code);

    let found = common::finding_codes(open(&openrc(&auth, "admin", "wrong"), &name).as_ref());
    assert!(has(&found, "SL032"), "a wrong password: {found:?}");

    let found = common::finding_codes(
        open(&openrc(&auth, "admin", "admin-secret"), "no-such-container").as_ref(),
    );
    assert!(has(&found, "SL030"), "a missing container: {found:?}");

    let found =
        common::finding_codes(open(&openrc(&auth, "viewer", "viewer-secret"), &name).as_ref());
    assert!(
        has(&found, "SL031"),
        "a user without a Swift role: {found:?}"
    );

    let mut vars = openrc(&auth, "admin", "admin-secret");
    vars.retain(|(k, _)| *k != "OS_REGION_NAME");
    vars.push(("OS_REGION_NAME", "RegionNine".into()));
    let backend = open(&vars, &name);
    let err = backend.list("").expect_err("no endpoint in RegionNine");
    let text = err.to_string();
    assert!(
        text.contains("RegionOne"),
        "names the offered region: {text}"
    );
    let found = common::finding_codes(backend.as_ref());
    assert!(has(&found, "SL062"), "an unknown region: {found:?}");

    // Nothing answers on this port: a connection failure, not a hang.
    let vars = openrc("http://127.0.0.1:9/v3", "admin", "admin-secret");
    let found = common::finding_codes(open(&vars, &name).as_ref());
    assert!(has(&found, "SL034"), "an unreachable Keystone: {found:?}");
}

/// A loopback relay in front of Keystone that counts the token requests passing through it
/// (request lines `POST <...>/auth/tokens`), so a test can say how often the backend logged in.
/// Swift itself is reached directly, at the endpoint Keystone's catalog names.
struct CountingRelay {
    /// Keystone's v3 URL through the relay.
    url: String,
    tokens: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl CountingRelay {
    fn start(keystone_v3: &str) -> CountingRelay {
        use std::io::{Read, Write};
        use std::net::{TcpListener, TcpStream};
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;

        let rest = keystone_v3
            .strip_prefix("http://")
            .expect("the test Keystone speaks plain HTTP on loopback");
        let (upstream, path) = rest.split_once('/').unwrap_or((rest, ""));
        let upstream = upstream.to_string();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the relay");
        let port = listener.local_addr().expect("relay address").port();
        let tokens = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&tokens);
        std::thread::spawn(move || {
            // One connection per accepted client, for the life of the test process.
            for client in listener.incoming() {
                let Ok(client) = client else { break };
                let Ok(server) = TcpStream::connect(&upstream) else {
                    break;
                };
                let (mut client_in, mut server_out) = match (client.try_clone(), server.try_clone())
                {
                    (Ok(c), Ok(s)) => (c, s),
                    _ => break,
                };
                let (mut server_in, mut client_out) = (server, client);
                let counter = Arc::clone(&counter);
                std::thread::spawn(move || {
                    let mut line = Vec::new();
                    let mut buf = [0u8; 8192];
                    while let Ok(n) = client_in.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        // Counted before it is forwarded, so before Keystone can answer.
                        for &b in &buf[..n] {
                            if b != b'\n' {
                                // Request lines are short; a body line is not kept whole.
                                if line.len() < 4096 {
                                    line.push(b);
                                }
                                continue;
                            }
                            let text = String::from_utf8_lossy(&line);
                            if text.starts_with("POST ") && text.contains("/auth/tokens ") {
                                counter.fetch_add(1, Ordering::SeqCst);
                            }
                            line.clear();
                        }
                        if server_out.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = server_out.shutdown(std::net::Shutdown::Write);
                });
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut server_in, &mut client_out);
                    let _ = client_out.shutdown(std::net::Shutdown::Write);
                });
            }
        });
        CountingRelay {
            url: format!("http://127.0.0.1:{port}/{path}"),
            tokens,
        }
    }

    fn tokens(&self) -> usize {
        self.tokens.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Keystone in the test stack issues tokens that expire after 15 seconds. Waiting past that
/// (a deadline, not a race) makes Swift refuse the backend's token with 401; the backend must
/// ask Keystone for a new one exactly once and carry on, without the caller seeing an error.
#[test]
fn an_expired_token_is_renewed_once_and_the_call_succeeds() {
    let Some(auth) = keystone() else { return };
    let name = container(&auth);
    let relay = CountingRelay::start(&auth);
    let url = StoreUrl::parse(&format!("swift://{name}/kops")).expect("url");
    let backend =
        vfs::open(&url, &env_of(&openrc(&relay.url, "admin", "admin-secret"))).expect("open");
    backend
        .write("c.example.com/config", b"kind: Cluster\n")
        .expect("write with the first token");
    assert_eq!(relay.tokens(), 1, "one token for the first call");
    std::thread::sleep(std::time::Duration::from_secs(16));
    assert_eq!(
        backend
            .list("")
            .expect("list after the token expired")
            .len(),
        1
    );
    assert_eq!(relay.tokens(), 2, "the expired token was renewed once");
    assert_eq!(
        backend.read("c.example.com/config", 1024).expect("read"),
        b"kind: Cluster\n"
    );
    assert_eq!(relay.tokens(), 2, "the renewed token is reused");
}
