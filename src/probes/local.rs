//! Probes only a local (`file://`) store has: who else can read its secrets.

use std::path::Path;

use super::diags;
use crate::findings::Finding;

/// Folders of a cluster that hold private key material or credentials.
const SECRET_DIRS: &[&str] = &["pki/private", "secrets"];

/// Bounds the walk: a store's secret folders hold a few dozen files.
const MAX_ENTRIES: usize = 10_000;

/// Findings for secret files (or their folders) readable by group or others. Symbolic
/// links are not followed; only files and folders inside `root` are inspected.
#[cfg(unix)]
pub fn secrets_permissions(root: &Path, root_url: &str, clusters: &[String]) -> Vec<Finding> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = Vec::new();
    let mut seen = 0;
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
                }
                let who = if mode & 0o004 != 0 {
                    "every user of the machine"
                } else if mode & 0o040 != 0 {
                    "the file's group"
                } else {
                    continue;
                };
                if meta.is_dir() && mode & 0o005 == 0 && mode & 0o050 == 0 {
                    continue;
                }
                let rel = path.strip_prefix(root).unwrap_or(&path);
                let url = format!(
                    "{}/{}",
                    root_url.trim_end_matches('/'),
                    rel.to_string_lossy()
                );
                out.push(diags::secrets_readable(&url, mode, who).with_cluster(cluster.clone()));
            }
        }
    }
    out
}

#[cfg(not(unix))]
pub fn secrets_permissions(_: &Path, _: &str, _: &[String]) -> Vec<Finding> {
    Vec::new()
}
