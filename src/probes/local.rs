//! Probes only a local (`file://`) store has: who else can read its secrets.

use std::path::Path;

use super::diags;
use crate::findings::Finding;

/// Folders of a cluster that hold private key material or credentials.
const SECRET_DIRS: &[&str] = &["pki/private", "secrets"];

/// Bounds the walk: a store's secret folders hold a few dozen files.
const MAX_ENTRIES: usize = 10_000;

/// Findings for the modes under the secret folders, judged as kops's own file store
/// writes them (folders 0755, files 0600): a secret file readable by the group or by
/// everyone is critical (SL206); a folder others may write to lets them replace or remove
/// keys (SL212); a folder others may only read or enter reveals names, not secrets, and is
/// fine. Symbolic links are not followed; only files and folders inside `root` are
/// inspected.
#[cfg(unix)]
pub fn secrets_permissions(root: &Path, root_url: &str, clusters: &[String]) -> Vec<Finding> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = Vec::new();
    let mut seen = 0;
    let url_of = |path: &Path| {
        let rel = path.strip_prefix(root).unwrap_or(path);
        format!(
            "{}/{}",
            root_url.trim_end_matches('/'),
            rel.to_string_lossy()
        )
    };
    for cluster in clusters {
        for dir in SECRET_DIRS {
            let mut stack = vec![root.join(cluster).join(dir)];
            while let Some(path) = stack.pop() {
                seen += 1;
                if seen > MAX_ENTRIES {
                    return out;
                }
                let Ok(meta) = std::fs::symlink_metadata(&path) else {
                    continue;
                };
                if meta.file_type().is_symlink() {
                    continue;
                }
                let mode = meta.permissions().mode() & 0o777;
                if meta.is_dir() {
                    if let Ok(entries) = std::fs::read_dir(&path) {
                        stack.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
                    }
                    if mode & 0o002 != 0 {
                        out.push(
                            diags::secrets_folder_writable(&url_of(&path), mode)
                                .with_cluster(cluster.clone()),
                        );
                    }
                    continue;
                }
                let who = if mode & 0o004 != 0 {
                    "every user of the machine"
                } else if mode & 0o040 != 0 {
                    "the file's group"
                } else {
                    continue;
                };
                out.push(
                    diags::secrets_readable(&url_of(&path), mode, who)
                        .with_cluster(cluster.clone()),
                );
            }
        }
    }
    out
}

#[cfg(not(unix))]
pub fn secrets_permissions(_: &Path, _: &str, _: &[String]) -> Vec<Finding> {
    Vec::new()
}
