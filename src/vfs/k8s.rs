//! `k8s://[context]`: kops's objects kept as `kops.k8s.io/v1alpha2` custom resources in a
//! Kubernetes API, presented read-only in the file layout of every other store, so the same
//! loader, schemas and rules check them:
//!
//! | resource | presented as |
//! |---|---|
//! | `Cluster` | `<cluster>/config` |
//! | `InstanceGroup` (namespace of the cluster) | `<cluster>/instancegroup/<name>` |
//! | `Keyset` | `<cluster>/pki/keysets/<name>` (private material removed) |
//! | `SSHCredential` | `<cluster>/pki/ssh/<name>` |
//!
//! Each object is rendered as YAML with `apiVersion`, `kind`, `metadata.name` (and
//! `creationTimestamp`) and `spec`, like the files kops writes. The whole store is fetched
//! once, on first use (paged lists, `limit` + `continue`), and served from memory after.
//! [`config_base_findings`] checks that each cluster's `spec.configBase` names a real store.

use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::http::Timeouts;
use super::k8s_diags;
use super::kubeconfig::{self, KubeAuth, KubeTarget};
use super::rest;
use super::runtime::block_on;
use super::{bounded_copy, validate_key, Backend, ObjectMeta, RemoteErrorKind, VfsError};
use crate::env::Environment;
use crate::findings::Finding;
use crate::resolve::url::{Scheme, StoreUrl};
use crate::source::SourceDb;

const GROUP: &str = "/apis/kops.k8s.io/v1alpha2";
/// Objects per list request.
const PAGE_SIZE: usize = 500;
/// Bound on list pages followed for one resource.
const MAX_PAGES: usize = 10_000;
/// Namespaces read at the same time.
const CONCURRENT_NAMESPACES: usize = 8;

/// Every presented document, by key.
type Documents = BTreeMap<String, Vec<u8>>;

pub struct K8sBackend {
    root: StoreUrl,
    target: KubeTarget,
    client: reqwest::Client,
    /// Every presented document by key, once fetched.
    snapshot: Mutex<Option<Arc<Documents>>>,
    /// Objects asked for per list request.
    page_size: usize,
    /// How long a request may wait, for messages.
    timeouts: Timeouts,
}

/// Opens a `k8s://` store: reads the kubeconfig now, the API on first use.
pub fn open(url: &StoreUrl, env: &dyn Environment) -> Result<K8sBackend, VfsError> {
    let redacted = url.redacted();
    let target = kubeconfig::resolve(&redacted, &url.host, env)?;
    let timeouts = Timeouts::from_env(env);
    let mut builder = rest::client_builder(timeouts);
    let tls_error = |what: &str, e: reqwest::Error| {
        k8s_diags::kubeconfig_invalid(&redacted, &format!("{what}: {e}"))
    };
    if let Some(pem) = &target.ca_pem {
        let (trusting, count) = rest::trust_pem(builder, pem)
            .map_err(|e| tls_error("the cluster's certificate authority is not PEM", e))?;
        if count == 0 {
            return Err(k8s_diags::kubeconfig_invalid(
                &redacted,
                "the cluster's certificate authority holds no PEM certificate",
            ));
        }
        builder = trusting;
    }
    if target.insecure_skip_tls_verify {
        builder = builder.danger_accept_invalid_certs(true);
    }
    if let KubeAuth::ClientCert { cert_pem, key_pem } = &target.auth {
        let mut pem = cert_pem.clone();
        pem.push(b'\n');
        pem.extend_from_slice(key_pem.expose().as_bytes());
        let identity = reqwest::Identity::from_pem(&pem)
            .map_err(|e| tls_error("the client certificate or key is not usable", e))?;
        builder = builder.identity(identity);
    }
    let client = builder.build().map_err(|e| VfsError::Remote {
        url: redacted.clone(),
        kind: RemoteErrorKind::Other,
        detail: format!("cannot build the HTTP client: {e}"),
    })?;
    Ok(K8sBackend {
        root: url.clone(),
        target,
        client,
        snapshot: Mutex::new(None),
        page_size: PAGE_SIZE,
        timeouts,
    })
}

/// One kops resource as presented in the store.
struct Resource {
    plural: &'static str,
    /// Whether a 404 (resource type not served) may be ignored.
    optional: bool,
}

const INSTANCE_GROUPS: Resource = Resource {
    plural: "instancegroups",
    optional: false,
};
const KEYSETS: Resource = Resource {
    plural: "keysets",
    optional: true,
};
const SSH_CREDENTIALS: Resource = Resource {
    plural: "sshcredentials",
    optional: true,
};

impl K8sBackend {
    /// Lists with smaller pages (tests exercise `continue` tokens without 500 objects).
    pub fn with_page_size(mut self, page_size: usize) -> K8sBackend {
        self.page_size = page_size.max(1);
        self
    }

    /// The API server this store reads, for messages.
    pub fn server(&self) -> &str {
        &self.target.server
    }

    fn remote(&self, kind: RemoteErrorKind, detail: String) -> VfsError {
        VfsError::Remote {
            url: self.root.redacted(),
            kind,
            detail,
        }
    }

    /// Every item of a (paged) list; `Ok(None)` when the resource type is not served.
    async fn list_all(&self, path: &str) -> Result<Option<Vec<Value>>, VfsError> {
        let mut items = Vec::new();
        let mut cont: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut url = format!("{}{path}?limit={}", self.target.server, self.page_size);
            if let Some(c) = &cont {
                url.push_str("&continue=");
                url.push_str(&rest::encode(c));
            }
            let mut request = self.client.get(&url).header("Accept", "application/json");
            request = match &self.target.auth {
                KubeAuth::Token(t) => request.bearer_auth(t.expose()),
                KubeAuth::Basic { username, password } => {
                    request.basic_auth(username, Some(password.expose()))
                }
                KubeAuth::ClientCert { .. } | KubeAuth::Anonymous => request,
            };
            let response = rest::send(request).await.map_err(|e| {
                self.remote(
                    rest::transport_kind(&e),
                    format!(
                        "the API server `{}`: {}",
                        self.target.server,
                        rest::error_text(&e)
                    ),
                )
            })?;
            let status = response.status();
            let body = response.bytes().await.map_err(|e| {
                self.remote(rest::transport_kind(&e), format!("reading `{url}`: {e}"))
            })?;
            if status.as_u16() == 404 {
                return Ok(None);
            }
            let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            if !status.is_success() {
                let message = parsed["message"].as_str().unwrap_or("").to_string();
                return Err(self.remote(
                    rest::status_kind(status),
                    format!(
                        "the API server answered HTTP {status} for `{path}` as context `{}`: {message}",
                        self.target.context
                    ),
                ));
            }
            if let Some(page) = parsed["items"].as_array() {
                items.extend(page.iter().cloned());
            }
            match parsed["metadata"]["continue"]
                .as_str()
                .filter(|c| !c.is_empty())
            {
                Some(c) => cont = Some(c.to_string()),
                None => return Ok(Some(items)),
            }
        }
        Err(self.remote(
            RemoteErrorKind::Other,
            format!("`{path}` did not finish within {MAX_PAGES} pages"),
        ))
    }

    /// Every cluster and the objects in its namespace; namespaces are read concurrently
    /// (at most [`CONCURRENT_NAMESPACES`] at a time).
    async fn fetch(&self) -> Result<Documents, VfsError> {
        use futures::{StreamExt, TryStreamExt};
        let store = self.root.redacted();
        let clusters = self
            .list_all(&format!("{GROUP}/clusters"))
            .await?
            .ok_or_else(|| k8s_diags::crds_missing(&store, &self.target.server))?;
        let per_cluster: Vec<Vec<(String, Vec<u8>)>> = futures::stream::iter(clusters)
            .map(|cluster| self.cluster_documents(cluster))
            .buffer_unordered(CONCURRENT_NAMESPACES)
            .try_collect()
            .await?;
        Ok(per_cluster.into_iter().flatten().collect())
    }

    /// One cluster's documents: its `config`, and the objects of its namespace.
    async fn cluster_documents(&self, cluster: Value) -> Result<Vec<(String, Vec<u8>)>, VfsError> {
        let Some(name) = cluster["metadata"]["name"].as_str().map(str::to_string) else {
            return Ok(Vec::new());
        };
        if validate_key(&name).is_err() || name.contains('/') || name.is_empty() {
            return Ok(Vec::new()); // not a name any file store could hold either
        }
        let namespace = cluster["metadata"]["namespace"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| name.replace('.', "-"));
        let mut docs = vec![(format!("{name}/config"), render(&cluster, "Cluster"))];
        for (resource, folder, kind) in [
            (&INSTANCE_GROUPS, "instancegroup", "InstanceGroup"),
            (&KEYSETS, "pki/keysets", "Keyset"),
            (&SSH_CREDENTIALS, "pki/ssh", "SSHCredential"),
        ] {
            let path = format!("{GROUP}/namespaces/{namespace}/{}", resource.plural);
            let items = match self.list_all(&path).await? {
                Some(items) => items,
                None if resource.optional => continue,
                None => {
                    return Err(k8s_diags::crds_missing(
                        &self.root.redacted(),
                        &self.target.server,
                    ))
                }
            };
            for mut item in items {
                let Some(item_name) = item["metadata"]["name"].as_str().map(str::to_string) else {
                    continue;
                };
                if item_name.contains('/') || validate_key(&item_name).is_err() {
                    continue;
                }
                if kind == "Keyset" {
                    strip_private_material(&mut item);
                }
                docs.push((format!("{name}/{folder}/{item_name}"), render(&item, kind)));
            }
        }
        Ok(docs)
    }

    fn snapshot(&self) -> Result<Arc<Documents>, VfsError> {
        if let Some(s) = self.snapshot.lock().ok().and_then(|g| g.clone()) {
            return Ok(s);
        }
        let fetched =
            Arc::new(block_on(self.fetch()).map_err(|e| self.remote(RemoteErrorKind::Other, e))??);
        if let Ok(mut guard) = self.snapshot.lock() {
            *guard = Some(fetched.clone());
        }
        Ok(fetched)
    }
}

/// Keysets hold private keys; the store view keeps only what identifies them.
fn strip_private_material(item: &mut Value) {
    if let Some(keys) = item["spec"]["keys"].as_array_mut() {
        for key in keys {
            if let Some(obj) = key.as_object_mut() {
                obj.remove("privateMaterial");
            }
        }
    }
}

/// The object as kops writes it to a file store, rendered as YAML.
fn render(object: &Value, kind: &str) -> Vec<u8> {
    let mut metadata = serde_json::Map::new();
    for field in ["name", "creationTimestamp"] {
        if let Some(v) = object["metadata"].get(field).filter(|v| !v.is_null()) {
            metadata.insert(field.to_string(), v.clone());
        }
    }
    let mut doc = serde_json::Map::new();
    doc.insert(
        "apiVersion".into(),
        object
            .get("apiVersion")
            .cloned()
            .unwrap_or_else(|| Value::from("kops.k8s.io/v1alpha2")),
    );
    doc.insert("kind".into(), Value::from(kind));
    doc.insert("metadata".into(), Value::Object(metadata));
    doc.insert(
        "spec".into(),
        object
            .get("spec")
            .cloned()
            .unwrap_or(Value::Object(Default::default())),
    );
    let mut out = String::new();
    emit(&Value::Object(doc), 0, &mut out);
    out.into_bytes()
}

/// A block-style YAML emitter; strings are double-quoted JSON strings, which YAML reads as
/// the same strings, so no value can change type on the way.
fn emit(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, v) in map {
                out.push_str(&pad);
                out.push_str(&scalar_key(key));
                out.push(':');
                emit_child(v, indent, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for v in items {
                out.push_str(&pad);
                out.push('-');
                emit_child(v, indent, out);
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
}

fn emit_child(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            emit(v, indent + 2, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            emit(v, indent + 2, out);
        }
        _ => {
            out.push(' ');
            out.push_str(&inline(v));
            out.push('\n');
        }
    }
}

fn inline(v: &Value) -> String {
    match v {
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => other.to_string(),
    }
}

fn scalar_key(key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
        && !key.starts_with(['-', '.']);
    if plain {
        key.to_string()
    } else {
        Value::from(key).to_string()
    }
}

impl Backend for K8sBackend {
    fn root(&self) -> &StoreUrl {
        &self.root
    }

    fn endpoint(&self) -> Option<super::sentence::Endpoint> {
        let files: Vec<String> = self
            .target
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect();
        Some(super::sentence::Endpoint {
            url: self.target.server.clone(),
            origin: format!("context `{}` of {}", self.target.context, files.join(", ")),
            timeout_secs: self.timeouts.request.as_secs(),
        })
    }

    fn is_read_only(&self) -> bool {
        true
    }

    fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, VfsError> {
        validate_key(prefix)?;
        Ok(self
            .snapshot()?
            .range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| ObjectMeta {
                key: k.clone(),
                size: v.len() as u64,
            })
            .collect())
    }

    fn read(&self, key: &str, max_bytes: u64) -> Result<Vec<u8>, VfsError> {
        validate_key(key)?;
        bounded_copy(self.snapshot()?.get(key), self.url_of(key), max_bytes)
    }

    fn write(&self, key: &str, _data: &[u8]) -> Result<(), VfsError> {
        Err(k8s_diags::read_only(&self.url_of(key)))
    }

    fn delete(&self, key: &str) -> Result<(), VfsError> {
        Err(k8s_diags::read_only(&self.url_of(key)))
    }

    fn stat(&self, key: &str) -> Result<Option<ObjectMeta>, VfsError> {
        validate_key(key)?;
        Ok(self.snapshot()?.get(key).map(|v| ObjectMeta {
            key: key.to_string(),
            size: v.len() as u64,
        }))
    }
}

/// For every cluster of a `k8s://` store (or those named in `only`): `spec.configBase` must
/// name a real file store (SL072), and, when `reach` is set, that store must list (SL073)
/// and not be empty (SL074).
pub fn config_base_findings(
    backend: &dyn Backend,
    env: &dyn Environment,
    sources: &SourceDb,
    only: &[String],
    reach: bool,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let Ok(layout) = crate::store::discover(backend) else {
        return findings; // the check already reported why the store cannot be listed
    };
    let selected = |name: &str| only.is_empty() || only.iter().any(|c| c == name);
    for entry in layout.clusters.iter().filter(|e| selected(&e.name)) {
        let loaded = crate::store::load_cluster(backend, entry, &Default::default(), sources);
        let Some(cluster) = &loaded.cluster else {
            continue;
        };
        let pointer = "/spec/configBase";
        let value = cluster.str_at(pointer);
        let location = if value.is_some() {
            cluster.location(pointer)
        } else {
            cluster.location("/spec")
        };
        let with_cluster = |f: Finding| f.with_cluster(&entry.name);
        let Some(value) = value else {
            findings.push(with_cluster(k8s_diags::config_base_not_a_store(
                location,
                &entry.name,
                None,
                "kops needs it to know where node configuration and secrets go",
            )));
            continue;
        };
        let base = match StoreUrl::parse(value) {
            Ok(base) => base,
            Err(e) => {
                findings.push(with_cluster(k8s_diags::config_base_not_a_store(
                    location,
                    &entry.name,
                    Some(value),
                    &format!("which is not a store URL ({e})"),
                )));
                continue;
            }
        };
        if matches!(base.scheme, Scheme::K8s | Scheme::Memfs) {
            findings.push(with_cluster(k8s_diags::config_base_not_a_store(
                location,
                &entry.name,
                Some(&base.redacted()),
                &format!("but `{}://` holds no files", base.scheme),
            )));
            continue;
        }
        if !reach {
            continue;
        }
        let listed = super::open(&base, env).and_then(|store| store.list(""));
        match listed {
            Ok(objects) if objects.is_empty() => findings.push(with_cluster(
                k8s_diags::config_base_empty(location, &entry.name, &base.redacted()),
            )),
            Ok(_) => {}
            Err(e) => findings.push(with_cluster(k8s_diags::config_base_unreachable(
                location,
                &base.redacted(),
                &e.to_string(),
            ))),
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_render_as_kops_files_that_load_back_unchanged() {
        let cluster = json!({
            "apiVersion": "kops.k8s.io/v1alpha2",
            "kind": "Cluster",
            "metadata": {"name": "c.example.com", "namespace": "c-example-com", "uid": "x",
                         "resourceVersion": "7", "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"configBase": "s3://b/c.example.com", "kubernetesVersion": "1.31.0",
                     "subnets": [{"name": "a", "cidr": "10.0.0.0/24", "zone": "us-east-1a"}],
                     "etcdClusters": [], "api": {}, "weird key": "yes: no", "n": 3, "on": true}
        });
        let text = String::from_utf8(render(&cluster, "Cluster")).expect("utf-8");
        assert!(
            text.starts_with("apiVersion: \"kops.k8s.io/v1alpha2\"\nkind: \"Cluster\"\n"),
            "{text}"
        );
        assert!(
            !text.contains("resourceVersion") && !text.contains("uid"),
            "{text}"
        );
        let source = crate::source::SourceFile::new("k8s://ctx/c.example.com/config", text);
        let docs = crate::yaml::load(&source, Default::default()).expect("loads");
        let back = &docs[0].value;
        assert_eq!(back["spec"], cluster["spec"]);
        assert_eq!(
            back["metadata"],
            json!({"name": "c.example.com", "creationTimestamp": "2026-01-01T00:00:00Z"})
        );
    }

    #[test]
    fn keysets_lose_their_private_material() {
        let mut keyset = json!({"spec": {"keys": [{"id": "1", "publicMaterial": "CERT", "privateMaterial": "KEY"}]}});
        strip_private_material(&mut keyset);
        assert_eq!(
            keyset,
            json!({"spec": {"keys": [{"id": "1", "publicMaterial": "CERT"}]}})
        );
    }
}
