//! When a run finds no cluster, say what the user most likely meant instead of passing on
//! nothing: the path is one cluster's folder (check the parent with `--cluster`), or holds
//! kops manifests such as `cluster.yaml` (check them as files), or is simply empty.

use std::path::Path;

use super::diags;
use crate::findings::Finding;
use crate::resolve::url::StoreUrl;
use crate::vfs::Backend;

/// Root files read to look for `kind: Cluster`: a folder of manifests holds a few.
const MAX_MANIFESTS_READ: usize = 16;
/// Manifests are small; anything larger is not one.
const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;

/// Whether a YAML text holds a kops `Cluster` document (any of its documents).
pub fn declares_cluster(text: &str) -> bool {
    text.lines().any(|line| {
        line.strip_prefix("kind:")
            .is_some_and(|v| v.trim().trim_matches(['"', '\'']) == "Cluster")
    })
}

fn is_manifest_name(key: &str) -> bool {
    [".yaml", ".yml", ".json"]
        .iter()
        .any(|ext| key.to_ascii_lowercase().ends_with(ext))
}

/// `s3://b/kops/c.example.com` -> (`s3://b/kops`, `c.example.com`), when there is a parent
/// folder inside the store's bucket or file system; bare paths work the same way.
fn parent_and_name(url: &str) -> Option<(String, &str)> {
    let trimmed = url.trim_end_matches('/');
    let (scheme, rest) = trimmed.split_once("://").unwrap_or(("", trimmed));
    let (parent, name) = rest.rsplit_once('/')?;
    if name.is_empty() || (parent.is_empty() && !matches!(scheme, "" | "file")) {
        return None;
    }
    let parent = if parent.is_empty() { "/" } else { parent };
    Some(match scheme {
        "" => (parent.to_string(), name),
        _ => (format!("{scheme}://{parent}"), name),
    })
}

fn file_hint(path: &str) -> String {
    format!(
        "this is a kops manifest, not a state store: check it as a file (`statelint check {path}`)"
    )
}

/// The finding for a store in which no cluster was found, from its root files.
pub fn no_clusters(backend: &dyn Backend, root_files: &[String]) -> Finding {
    let root = backend.root().redacted();
    if root_files
        .iter()
        .any(|f| f == "config" || f == "cluster.spec")
    {
        let help = match parent_and_name(&root) {
            Some((parent, name)) => {
                format!("run `statelint check --state {parent} --cluster {name}`")
            }
            None => "point --state at the folder that holds the cluster's folder and name it with --cluster".to_string(),
        };
        return diags::no_clusters(&root, "it is one cluster's folder, not a state store", help);
    }
    let manifests = root_files
        .iter()
        .filter(|f| is_manifest_name(f))
        .take(MAX_MANIFESTS_READ)
        .filter(|f| {
            backend
                .read(f, MAX_MANIFEST_BYTES)
                .is_ok_and(|bytes| declares_cluster(&String::from_utf8_lossy(&bytes)))
        })
        .collect::<Vec<_>>();
    if let Some(first) = manifests.first() {
        let shown = backend.root().local_path(None).map_or_else(
            || first.to_string(),
            |dir| dir.join(first).display().to_string(),
        );
        return diags::no_clusters(
            &root,
            &format!("it holds the manifest `{first}` (`kind: Cluster`), not a state store"),
            file_hint(&shown),
        );
    }
    let why = if root_files.is_empty() {
        "the store is empty (no `<name>/config` object)"
    } else {
        "no `<name>/config` object"
    };
    diags::no_clusters(
        &root,
        why,
        "point --state at the folder that contains `<cluster-name>/config`; a wrong prefix is the usual cause".to_string(),
    )
}

/// When a local `--state` names a file with a `kind: Cluster` document, the finding that
/// says to check it as a file.
pub fn manifest_file(url: &StoreUrl, cwd: Option<&Path>) -> Option<Finding> {
    let path = url.local_path(cwd)?;
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > MAX_MANIFEST_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    declares_cluster(&text).then(|| {
        diags::no_clusters(
            &url.redacted(),
            "it is a file holding a `kind: Cluster` document, not a state store",
            file_hint(&path.display().to_string()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_parent_folder_and_the_cluster_name() {
        let pair = |p: &str, n| Some((p.to_string(), n));
        assert_eq!(
            parent_and_name("s3://b/kops/c.example.com/"),
            pair("s3://b/kops", "c.example.com")
        );
        assert_eq!(
            parent_and_name("file:///srv/state/c"),
            pair("file:///srv/state", "c")
        );
        assert_eq!(parent_and_name("/srv/state/c"), pair("/srv/state", "c"));
        assert_eq!(parent_and_name("state/c"), pair("state", "c"));
        assert_eq!(parent_and_name("s3://b"), None);
        assert_eq!(parent_and_name("file:///c"), pair("file:///", "c"));
    }

    #[test]
    fn recognizes_cluster_documents() {
        assert!(declares_cluster(
            "apiVersion: kops.k8s.io/v1alpha2\nkind: Cluster\n"
        ));
        assert!(declares_cluster(
            "kind: InstanceGroup\n---\nkind: \"Cluster\"\n"
        ));
        assert!(!declares_cluster("kind: InstanceGroup\n"));
        assert!(!declares_cluster("  kind: Cluster\n"));
    }
}
