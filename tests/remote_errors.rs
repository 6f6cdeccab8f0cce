//! Remote failures read as one sentence naming the endpoint and the setting it came from,
//! with no error chain and no debug text: a refused connection, a server that accepts and
//! never answers, and no credentials at all. Every server here is on 127.0.0.1.

mod common;

use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// A loopback port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// A listener that accepts connections and never answers, until dropped (at most 60 s).
struct Silent {
    port: u16,
    stop: Arc<AtomicBool>,
}

impl Silent {
    fn start() -> Silent {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::spawn(move || {
            let mut held: Vec<TcpStream> = Vec::new();
            let until = Instant::now() + Duration::from_secs(60);
            while !flag.load(Ordering::SeqCst) && Instant::now() < until {
                match listener.accept() {
                    Ok((stream, _)) => held.push(stream),
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Silent { port, stop }
    }
}

impl Drop for Silent {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// `statelint check` with only `vars` set: (status, stdout + stderr).
fn check(home: &TempDir, state: &str, vars: &[(&str, String)], extra: &[&str]) -> (i32, String) {
    let mut cmd = common::statelint(home.path());
    cmd.env("AWS_CONFIG_FILE", home.path().join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path().join("no-aws-credentials"),
        )
        .env("STATELINT_REQUEST_TIMEOUT", "2")
        .args(["check", "--state", state])
        .args(extra)
        .timeout(Duration::from_secs(60));
    for (name, value) in vars {
        cmd.env(name, value);
    }
    let (code, stdout, stderr) = common::run(&mut cmd);
    (code, format!("{stdout}{stderr}"))
}

/// What an error sentence must never contain: the client's chain, retry settings, debug
/// formatting.
fn assert_plain(text: &str) {
    for noise in [
        "Error performing",
        "retry_timeout",
        "max_retries",
        "Os {",
        "os error",
        "Some(",
        "dispatch failure",
        "Attempted:",
        "HTTP error: error sending request",
    ] {
        assert!(!text.contains(noise), "`{noise}` in:\n{text}");
    }
}

#[test]
fn a_refused_connection_names_the_endpoint_and_the_variable() {
    let home = TempDir::new().expect("tempdir");
    let port = closed_port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let s3 = [
        ("S3_ENDPOINT", endpoint.clone()),
        ("S3_ACCESS_KEY_ID", "k".into()),
        ("S3_SECRET_ACCESS_KEY", "s".into()),
    ];
    let (code, text) = check(&home, "s3://kops-state/kops", &s3, &[]);
    assert_eq!(code, 2, "an unreachable store is a tool error: {text}");
    assert!(
        text.contains(&format!(
            "connection refused by {endpoint} (from S3_ENDPOINT)"
        )),
        "{text}"
    );
    assert_plain(&text);
    let (_, json) = check(&home, "s3://kops-state/kops", &s3, &["--format", "json"]);
    assert!(
        json.contains(&format!(
            "connection refused by {endpoint} (from S3_ENDPOINT)"
        )),
        "{json}"
    );
}

/// A store URL, the variables that point it at a closed port, and the sentence expected.
type Case = (&'static str, Vec<(&'static str, String)>, String);

#[test]
fn every_backend_says_where_its_endpoint_came_from() {
    let home = TempDir::new().expect("tempdir");
    let port = closed_port();
    let kubeconfig = home.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {{server: \"https://127.0.0.1:{port}\"}}\nusers:\n- name: u\n  user: {{token: t}}\ncontexts:\n- name: mgmt\n  context: {{cluster: c, user: u}}\ncurrent-context: mgmt\n"
        ),
    )
    .expect("kubeconfig");
    let cases: Vec<Case> = vec![
        (
            "gs://kops-state/kops",
            vec![("STORAGE_EMULATOR_HOST", format!("127.0.0.1:{port}"))],
            format!("connection refused by http://127.0.0.1:{port} (from STORAGE_EMULATOR_HOST)"),
        ),
        (
            "azureblob://acct/kops-state/kops",
            vec![
                ("STATELINT_AZURE_ENDPOINT", format!("http://127.0.0.1:{port}/acct")),
                ("AZURE_STORAGE_ACCOUNT", "acct".into()),
                ("AZURE_STORAGE_KEY", "a2V5".into()),
            ],
            format!("connection refused by http://127.0.0.1:{port}/acct (from STATELINT_AZURE_ENDPOINT)"),
        ),
        (
            "swift://kops-state",
            vec![
                ("OS_AUTH_URL", format!("http://127.0.0.1:{port}/v3")),
                ("OS_USERNAME", "u".into()),
                ("OS_PASSWORD", "p".into()),
                ("OS_PROJECT_NAME", "p".into()),
                ("OS_USER_DOMAIN_NAME", "Default".into()),
                ("OS_PROJECT_DOMAIN_NAME", "Default".into()),
            ],
            format!("connection refused by http://127.0.0.1:{port}/v3 (from OS_AUTH_URL)"),
        ),
        (
            "k8s://mgmt",
            vec![("KUBECONFIG", kubeconfig.display().to_string())],
            format!(
                "connection refused by https://127.0.0.1:{port} (from context `mgmt` of {})",
                kubeconfig.display()
            ),
        ),
    ];
    for (state, vars, sentence) in cases {
        let (code, text) = check(&home, state, &vars, &[]);
        assert!(code == 1 || code == 2, "{state}: {text}");
        // The human format may wrap the sentence; compare with the line breaks undone.
        let joined = text
            .lines()
            .map(|l| l.trim_start_matches([' ', '│', '×']))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            joined.contains(&sentence),
            "{state}: `{sentence}` not in:\n{text}"
        );
        assert_plain(&text);
    }
}

#[test]
fn a_server_that_never_answers_is_said_to_be_silent() {
    let home = TempDir::new().expect("tempdir");
    let silent = Silent::start();
    let endpoint = format!("http://127.0.0.1:{}", silent.port);
    let vars = [
        ("S3_ENDPOINT", endpoint.clone()),
        ("S3_ACCESS_KEY_ID", "k".into()),
        ("S3_SECRET_ACCESS_KEY", "s".into()),
    ];
    let (code, text) = check(&home, "s3://kops-state/kops", &vars, &["--format", "json"]);
    assert_eq!(code, 2, "an unreachable store is a tool error: {text}");
    assert!(
        text.contains(&format!(
            "no answer from {endpoint} (from S3_ENDPOINT) within 2 s"
        )),
        "{text}"
    );
    assert!(text.contains("SL035"), "{text}");
    assert_plain(&text);
}

#[test]
fn no_credentials_says_how_to_get_them_once() {
    let home = TempDir::new().expect("tempdir");
    let vars = [
        (
            "AWS_ENDPOINT_URL",
            format!("http://127.0.0.1:{}", closed_port()),
        ),
        ("AWS_REGION", "us-east-1".into()),
    ];
    let (_, text) = check(&home, "s3://kops-state/kops", &vars, &[]);
    let sentence =
        "no AWS credentials: set AWS_PROFILE, run `aws sso login`, or export AWS_ACCESS_KEY_ID";
    let joined = text
        .lines()
        .map(|l| l.trim_start_matches([' ', '│', '×']))
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(joined.matches(sentence).count(), 1, "{text}");
    assert!(text.contains("SL037"), "{text}");
    assert_plain(&text);
}
