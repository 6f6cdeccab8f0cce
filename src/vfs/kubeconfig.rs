//! Which Kubernetes API server a `k8s://[context]` store means, and how to authenticate to
//! it, read from kubeconfig files the way kubectl and kops read them: the files in
//! `KUBECONFIG` (`:`-separated; for each name the first file that defines it wins), else
//! `~/.kube/config`; the context from the URL, else `current-context`.
//!
//! Supported credentials: bearer `token` / `tokenFile`, client certificates
//! (`client-certificate(-data)` + `client-key(-data)`), and `username`/`password`. Exec and
//! auth-provider plugins run arbitrary programs and are refused ([`k8s_diags::EXEC_PLUGIN`]).

use base64::Engine as _;
use serde_json::Value;
use std::path::{Path, PathBuf};

use super::k8s_diags;
use super::secret::Secret;
use super::VfsError;
use crate::env::Environment;
use crate::source::SourceFile;
use crate::yaml::{self, Limits};

/// How requests prove who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KubeAuth {
    Token(Secret),
    Basic { username: String, password: Secret },
    ClientCert { cert_pem: Vec<u8>, key_pem: Secret },
    Anonymous,
}

/// One resolved context: where the API server is and how to talk to it.
#[derive(Debug, Clone)]
pub struct KubeTarget {
    pub context: String,
    /// `https://host:port`, no trailing `/`.
    pub server: String,
    /// Extra trusted CA certificates (PEM).
    pub ca_pem: Option<Vec<u8>>,
    pub insecure_skip_tls_verify: bool,
    pub auth: KubeAuth,
    /// The kubeconfig files consulted, for messages.
    pub files: Vec<PathBuf>,
}

/// The kubeconfig files, in precedence order.
pub fn kubeconfig_files(env: &dyn Environment) -> Vec<PathBuf> {
    match env.var("KUBECONFIG").filter(|v| !v.trim().is_empty()) {
        Some(list) => list
            .split(':')
            .filter(|p| !p.trim().is_empty())
            .map(PathBuf::from)
            .collect(),
        None => env
            .home_dir()
            .map(|h| vec![h.join(".kube").join("config")])
            .unwrap_or_default(),
    }
}

/// A named entry of one of the kubeconfig lists, with the folder of its file (relative
/// certificate and token paths are relative to the file that names them).
struct Entry {
    value: Value,
    dir: PathBuf,
}

struct Merged {
    current_context: Option<String>,
    contexts: Vec<(String, Entry)>,
    clusters: Vec<(String, Entry)>,
    users: Vec<(String, Entry)>,
}

fn load_files(store: &str, files: &[PathBuf]) -> Result<Merged, VfsError> {
    let mut merged = Merged {
        current_context: None,
        contexts: Vec::new(),
        clusters: Vec::new(),
        users: Vec::new(),
    };
    let mut any = false;
    for file in files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue; // kubectl skips missing files in KUBECONFIG
        };
        any = true;
        let source = SourceFile::new(file.display().to_string(), text);
        let docs = yaml::load(&source, Limits::default()).map_err(|e| {
            k8s_diags::kubeconfig_invalid(
                store,
                &format!(
                    "`{}` is not valid YAML (at {}:{})",
                    file.display(),
                    e.span().line,
                    e.span().column
                ),
            )
        })?;
        let Some(doc) = docs.into_iter().next() else {
            continue;
        };
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        if merged.current_context.is_none() {
            merged.current_context = doc.value["current-context"]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_string);
        }
        for (list, inner, out) in [
            ("contexts", "context", &mut merged.contexts),
            ("clusters", "cluster", &mut merged.clusters),
            ("users", "user", &mut merged.users),
        ] {
            for item in doc.value[list].as_array().map(Vec::as_slice).unwrap_or(&[]) {
                let Some(name) = item["name"].as_str() else {
                    continue;
                };
                if out.iter().any(|(n, _)| n == name) {
                    continue; // the first file that defines a name wins
                }
                out.push((
                    name.to_string(),
                    Entry {
                        value: item[inner].clone(),
                        dir: dir.clone(),
                    },
                ));
            }
        }
    }
    if !any {
        let shown: Vec<String> = files.iter().map(|f| format!("`{}`", f.display())).collect();
        return Err(k8s_diags::kubeconfig_invalid(
            store,
            &format!(
                "no kubeconfig file could be read (looked at {})",
                shown.join(", ")
            ),
        ));
    }
    Ok(merged)
}

fn find<'a>(list: &'a [(String, Entry)], name: &str) -> Option<&'a Entry> {
    list.iter().find(|(n, _)| n == name).map(|(_, e)| e)
}

/// Inline base64 data, or the file a path names (relative to the kubeconfig's folder).
fn material(
    store: &str,
    entry: &Entry,
    data_key: &str,
    file_key: &str,
) -> Result<Option<Vec<u8>>, VfsError> {
    if let Some(data) = entry.value[data_key].as_str().filter(|d| !d.is_empty()) {
        let compact: String = data.split_whitespace().collect();
        return base64::engine::general_purpose::STANDARD
            .decode(compact)
            .map(Some)
            .map_err(|e| {
                k8s_diags::kubeconfig_invalid(store, &format!("`{data_key}` is not base64: {e}"))
            });
    }
    if let Some(path) = entry.value[file_key].as_str().filter(|p| !p.is_empty()) {
        let path = entry.dir.join(path);
        return std::fs::read(&path).map(Some).map_err(|e| {
            k8s_diags::kubeconfig_invalid(
                store,
                &format!(
                    "`{file_key}` names `{}`, which cannot be read: {e}",
                    path.display()
                ),
            )
        });
    }
    Ok(None)
}

/// Resolves the context named by the URL host (empty: `current-context`).
pub fn resolve(store: &str, context: &str, env: &dyn Environment) -> Result<KubeTarget, VfsError> {
    let files = kubeconfig_files(env);
    let merged = load_files(store, &files)?;
    let context = if context.is_empty() {
        merged.current_context.clone().ok_or_else(|| {
            k8s_diags::kubeconfig_invalid(
                store,
                "the store URL names no context and the kubeconfig has no `current-context`",
            )
        })?
    } else {
        context.to_string()
    };
    let ctx = find(&merged.contexts, &context).ok_or_else(|| {
        let known: Vec<String> = merged
            .contexts
            .iter()
            .map(|(n, _)| format!("`{n}`"))
            .collect();
        k8s_diags::kubeconfig_invalid(
            store,
            &format!(
                "no context `{context}` in the kubeconfig (it has {})",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ),
        )
    })?;
    let cluster_name = ctx.value["cluster"].as_str().unwrap_or_default();
    let cluster = find(&merged.clusters, cluster_name).ok_or_else(|| {
        k8s_diags::kubeconfig_invalid(
            store,
            &format!("context `{context}` names cluster `{cluster_name}`, which the kubeconfig does not define"),
        )
    })?;
    let server = cluster.value["server"]
        .as_str()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            k8s_diags::kubeconfig_invalid(
                store,
                &format!("cluster `{cluster_name}` has no `server`"),
            )
        })?
        .trim_end_matches('/')
        .to_string();
    let ca_pem = material(
        store,
        cluster,
        "certificate-authority-data",
        "certificate-authority",
    )?;
    let insecure_skip_tls_verify =
        cluster.value["insecure-skip-tls-verify"].as_bool() == Some(true);

    let user_name = ctx.value["user"].as_str().unwrap_or_default();
    let auth = match find(&merged.users, user_name) {
        None => KubeAuth::Anonymous,
        Some(user) => user_auth(store, user_name, user)?,
    };
    Ok(KubeTarget {
        context,
        server,
        ca_pem,
        insecure_skip_tls_verify,
        auth,
        files,
    })
}

fn user_auth(store: &str, name: &str, user: &Entry) -> Result<KubeAuth, VfsError> {
    for plugin in ["exec", "auth-provider"] {
        if !user.value[plugin].is_null() {
            let command = user.value["exec"]["command"]
                .as_str()
                .or_else(|| user.value["auth-provider"]["name"].as_str())
                .unwrap_or("?");
            return Err(k8s_diags::exec_plugin(store, name, plugin, command));
        }
    }
    if let Some(token) = user.value["token"].as_str().filter(|t| !t.is_empty()) {
        return Ok(KubeAuth::Token(Secret::new(token)));
    }
    if let Some(file) = user.value["tokenFile"].as_str().filter(|t| !t.is_empty()) {
        let path = user.dir.join(file);
        let token = std::fs::read_to_string(&path).map_err(|e| {
            k8s_diags::kubeconfig_invalid(
                store,
                &format!(
                    "user `{name}` names `tokenFile` `{}`, which cannot be read: {e}",
                    path.display()
                ),
            )
        })?;
        return Ok(KubeAuth::Token(Secret::new(token.trim())));
    }
    let cert = material(store, user, "client-certificate-data", "client-certificate")?;
    let key = material(store, user, "client-key-data", "client-key")?;
    match (cert, key) {
        (Some(cert_pem), Some(key_pem)) => {
            return Ok(KubeAuth::ClientCert {
                cert_pem,
                key_pem: Secret::new(String::from_utf8_lossy(&key_pem).into_owned()),
            })
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err(k8s_diags::kubeconfig_invalid(
                store,
                &format!("user `{name}` has a client certificate or key, but not both"),
            ))
        }
        (None, None) => {}
    }
    if let (Some(username), Some(password)) = (
        user.value["username"].as_str(),
        user.value["password"].as_str(),
    ) {
        return Ok(KubeAuth::Basic {
            username: username.to_string(),
            password: Secret::new(password),
        });
    }
    Ok(KubeAuth::Anonymous)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::MapEnv;

    const STORE: &str = "k8s://";

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).expect("write");
        p
    }

    const CONFIG: &str = "apiVersion: v1
kind: Config
current-context: dev
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-user}
- name: certs
  context: {cluster: dev-cluster, user: cert-user}
- name: plugin
  context: {cluster: dev-cluster, user: exec-user}
clusters:
- name: dev-cluster
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority: ca.pem
users:
- name: dev-user
  user: {tokenFile: token.txt}
- name: cert-user
  user:
    client-certificate-data: Y2VydA==
    client-key-data: a2V5
- name: exec-user
  user:
    exec: {command: aws, args: [eks, get-token]}
";

    #[test]
    fn the_current_context_resolves_relative_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = write(dir.path(), "config", CONFIG);
        write(dir.path(), "ca.pem", "CA");
        write(dir.path(), "token.txt", "abc123\n");
        let env = MapEnv::new().with_var("KUBECONFIG", &config.display().to_string());
        let t = resolve(STORE, "", &env).expect("target");
        assert_eq!(t.context, "dev");
        assert_eq!(t.server, "https://127.0.0.1:6443");
        assert_eq!(t.ca_pem.as_deref(), Some(&b"CA"[..]));
        assert_eq!(t.auth, KubeAuth::Token(Secret::new("abc123")));
        assert!(
            !format!("{t:?}").contains("abc123"),
            "Debug hides the token"
        );

        let t = resolve(STORE, "certs", &env).expect("target");
        assert_eq!(
            t.auth,
            KubeAuth::ClientCert {
                cert_pem: b"cert".to_vec(),
                key_pem: Secret::new("key")
            }
        );
    }

    #[test]
    fn exec_plugins_unknown_contexts_and_missing_files_are_coded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = write(dir.path(), "config", CONFIG);
        write(dir.path(), "ca.pem", "CA");
        let env = MapEnv::new().with_var("KUBECONFIG", &config.display().to_string());
        let code = |r: Result<KubeTarget, VfsError>| match r {
            Err(VfsError::Config { code, message, .. }) => (code.code, message),
            other => panic!("{other:?}"),
        };
        let (c, m) = code(resolve(STORE, "plugin", &env));
        assert_eq!(c, "SL071");
        assert!(m.contains("aws"), "{m}");
        let (c, m) = code(resolve(STORE, "prod", &env));
        assert_eq!(c, "SL070");
        assert!(m.contains("`dev`, `certs`, `plugin`"), "{m}");
        let env = MapEnv::new().with_var("KUBECONFIG", "/nonexistent/a:/nonexistent/b");
        let (c, m) = code(resolve(STORE, "", &env));
        assert_eq!(c, "SL070");
        assert!(m.contains("/nonexistent/b"), "{m}");
    }

    #[test]
    fn the_first_file_defining_a_name_wins() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = write(
            dir.path(),
            "a",
            "contexts:\n- name: dev\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: 'https://first'}\n",
        );
        let b = write(
            dir.path(),
            "b",
            "current-context: dev\nclusters:\n- name: c\n  cluster: {server: 'https://second'}\nusers:\n- name: u\n  user: {username: admin, password: pw}\n",
        );
        let env = MapEnv::new().with_var("KUBECONFIG", &format!("{}:{}", a.display(), b.display()));
        let t = resolve(STORE, "", &env).expect("target");
        assert_eq!(t.server, "https://first");
        assert!(matches!(t.auth, KubeAuth::Basic { ref username, .. } if username == "admin"));
    }
}
