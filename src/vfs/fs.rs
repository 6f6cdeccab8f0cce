//! `file://` stores (and bare paths): a directory on local disk.
//!
//! The root is canonicalized once; every access is checked to stay inside it after
//! symlinks are resolved, so a link to `/etc` or a link loop cannot leak or hang a run.

use std::collections::HashSet;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::{validate_key, Backend, ObjectMeta, VfsError};
use crate::resolve::url::StoreUrl;

/// Upper bound on directory entries visited by one listing.
const MAX_LISTED_ENTRIES: usize = 1_000_000;

/// Mode of the folders kops's file store creates (`os.MkdirAll(dir, 0o755)` in
/// `util/pkg/vfs/fs.go`, `FSPath.WriteFile`), before the umask.
pub const DIR_MODE: u32 = 0o755;
/// Mode of the files it writes: `os.CreateTemp` makes them 0600 and the rename keeps it.
pub const FILE_MODE: u32 = 0o600;

/// Creates a store folder and its missing parents as kops does (0755 before the umask);
/// existing folders are left as they are.
pub fn create_store_dir(path: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
    builder.create(path)
}

/// Creates (or truncates) a file readable by its owner only, as kops's file store writes
/// every object: private keys and secrets are never readable by other users.
fn create_private_file(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    let file = options.open(path)?;
    // An existing temporary file keeps its old mode through `open`; set it explicitly.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(FILE_MODE))?;
    }
    Ok(file)
}

#[derive(Debug, Clone)]
pub struct FsBackend {
    url: StoreUrl,
    /// Canonical root directory.
    root: PathBuf,
}

impl FsBackend {
    /// Opens a local store; the directory must exist.
    pub fn open(url: &StoreUrl, cwd: Option<&Path>) -> Result<FsBackend, VfsError> {
        let path = url.local_path(cwd).ok_or(VfsError::Unsupported {
            scheme: url.scheme,
            reason: "not a local path",
        })?;
        let root = fs::canonicalize(&path).map_err(|e| VfsError::from_io(url, e))?;
        if !root.is_dir() {
            return Err(VfsError::NotFound {
                url: url.redacted(),
            });
        }
        Ok(FsBackend {
            url: url.clone(),
            root,
        })
    }

    /// The canonical directory this store lives in.
    pub fn root_dir(&self) -> &Path {
        &self.root
    }

    /// The real path of `key`, refusing anything that resolves outside the root.
    fn contained(&self, key: &str) -> Result<PathBuf, VfsError> {
        validate_key(key)?;
        let joined = self.root.join(key);
        let real = fs::canonicalize(&joined).map_err(|e| VfsError::from_io(self.url_of(key), e))?;
        if !real.starts_with(&self.root) {
            return Err(VfsError::SymlinkEscape {
                url: self.url_of(key),
                target: real.display().to_string(),
            });
        }
        Ok(real)
    }

    fn key_of(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(parts.join("/"))
    }
}

impl Backend for FsBackend {
    fn root(&self) -> &StoreUrl {
        &self.url
    }

    fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, VfsError> {
        validate_key(prefix)?;
        let mut out = Vec::new();
        let mut visited: HashSet<PathBuf> = HashSet::new();
        let mut todo = vec![self.root.clone()];
        visited.insert(self.root.clone());
        let mut seen = 0usize;
        while let Some(dir) = todo.pop() {
            let entries = fs::read_dir(&dir).map_err(|e| {
                VfsError::from_io(self.url.join(&self.key_of(&dir).unwrap_or_default()), e)
            })?;
            for entry in entries {
                seen += 1;
                if seen > MAX_LISTED_ENTRIES {
                    return Err(VfsError::Io {
                        url: self.url.redacted(),
                        source: std::io::Error::other(format!(
                            "more than {MAX_LISTED_ENTRIES} entries"
                        )),
                    });
                }
                let entry = entry.map_err(|e| VfsError::from_io(&self.url, e))?;
                let path = entry.path();
                let Some(key) = self.key_of(&path) else {
                    continue;
                };
                // Cheap pruning: only walk where the prefix can still match.
                if !(key.starts_with(prefix) || prefix.starts_with(&format!("{key}/"))) {
                    continue;
                }
                let meta = entry
                    .metadata()
                    .map_err(|e| VfsError::from_io(self.url_of(&key), e))?;
                if meta.is_dir() {
                    todo.push(path);
                    continue;
                }
                if meta.is_file() {
                    if key.starts_with(prefix) {
                        out.push(ObjectMeta {
                            key,
                            size: meta.len(),
                        });
                    }
                    continue;
                }
                // A symbolic link: follow it only when it stays inside the root.
                match fs::canonicalize(&path) {
                    Ok(real) if real.starts_with(&self.root) && real.is_dir() => {
                        if visited.insert(real) {
                            todo.push(path);
                        }
                    }
                    Ok(real) if real.starts_with(&self.root) => {
                        let size = fs::metadata(&real).map(|m| m.len()).unwrap_or(0);
                        if key.starts_with(prefix) {
                            out.push(ObjectMeta { key, size });
                        }
                    }
                    // Escaping, dangling or looping links are listed so that reading them
                    // produces a precise finding instead of silently vanishing.
                    _ => {
                        if key.starts_with(prefix) {
                            out.push(ObjectMeta { key, size: 0 });
                        }
                    }
                }
            }
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    fn read(&self, key: &str, max_bytes: u64) -> Result<Vec<u8>, VfsError> {
        let real = self.contained(key)?;
        let file = fs::File::open(&real).map_err(|e| VfsError::from_io(self.url_of(key), e))?;
        let size = file
            .metadata()
            .map_err(|e| VfsError::from_io(self.url_of(key), e))?
            .len();
        if size > max_bytes {
            return Err(VfsError::TooLarge {
                url: self.url_of(key),
                size,
                limit: max_bytes,
            });
        }
        let mut data = Vec::with_capacity(size as usize);
        // `take` keeps the bound even if the file grows while we read it.
        file.take(max_bytes + 1)
            .read_to_end(&mut data)
            .map_err(|e| VfsError::from_io(self.url_of(key), e))?;
        if data.len() as u64 > max_bytes {
            return Err(VfsError::TooLarge {
                url: self.url_of(key),
                size: data.len() as u64,
                limit: max_bytes,
            });
        }
        Ok(data)
    }

    fn write(&self, key: &str, data: &[u8]) -> Result<(), VfsError> {
        validate_key(key)?;
        if key.is_empty() {
            return Err(VfsError::InvalidKey {
                key: String::new(),
                reason: "cannot write the store root",
            });
        }
        let target = self.root.join(key);
        let parent = target.parent().unwrap_or(&self.root).to_path_buf();
        create_store_dir(&parent).map_err(|e| VfsError::from_io(self.url_of(key), e))?;
        let real_parent =
            fs::canonicalize(&parent).map_err(|e| VfsError::from_io(self.url_of(key), e))?;
        if !real_parent.starts_with(&self.root) {
            return Err(VfsError::SymlinkEscape {
                url: self.url_of(key),
                target: real_parent.display().to_string(),
            });
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = real_parent.join(format!(".{name}.statelint-tmp-{}", std::process::id()));
        let io = |e| VfsError::from_io(self.url_of(key), e);
        {
            let mut f = create_private_file(&tmp).map_err(io)?;
            f.write_all(data).map_err(io)?;
            f.sync_all().map_err(io)?;
        }
        fs::rename(&tmp, real_parent.join(&name)).map_err(|e| {
            let _ = fs::remove_file(&tmp);
            io(e)
        })?;
        // Verify before reporting success.
        let back = self.read(key, data.len() as u64)?;
        if back != data {
            return Err(VfsError::Io {
                url: self.url_of(key),
                source: std::io::Error::other("content read back differs from what was written"),
            });
        }
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), VfsError> {
        validate_key(key)?;
        let target = self.root.join(key);
        if let Some(parent) = target.parent() {
            match fs::canonicalize(parent) {
                Ok(real) if !real.starts_with(&self.root) => {
                    return Err(VfsError::SymlinkEscape {
                        url: self.url_of(key),
                        target: real.display().to_string(),
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
                _ => {}
            }
        }
        match fs::remove_file(&target) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(VfsError::from_io(self.url_of(key), e)),
        }
    }

    fn stat(&self, key: &str) -> Result<Option<ObjectMeta>, VfsError> {
        match self.contained(key) {
            Ok(real) => {
                let meta =
                    fs::metadata(&real).map_err(|e| VfsError::from_io(self.url_of(key), e))?;
                Ok(meta.is_file().then(|| ObjectMeta {
                    key: key.to_string(),
                    size: meta.len(),
                }))
            }
            Err(VfsError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, FsBackend) {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = StoreUrl::from_path(dir.path());
        let b = FsBackend::open(&url, None).expect("open");
        (dir, b)
    }

    /// Every object written (the probe object too) is 0600, as kops's file store writes it,
    /// also when it replaces a file that was readable by others; new folders are at most 0755.
    #[cfg(unix)]
    #[test]
    fn writes_get_kops_modes() {
        use std::os::unix::fs::PermissionsExt;
        let (d, b) = store();
        let mode = |p: &Path| fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
        let key = "c.example.com/pki/private/ca/keyset.yaml";
        b.write(key, b"secret").expect("write");
        assert_eq!(mode(&d.path().join(key)), FILE_MODE);
        for dir in ["c.example.com", "c.example.com/pki/private/ca"] {
            assert_eq!(mode(&d.path().join(dir)) & !DIR_MODE, 0, "{dir}");
        }
        fs::set_permissions(d.path().join(key), fs::Permissions::from_mode(0o644)).expect("chmod");
        b.write(key, b"secret2").expect("overwrite");
        assert_eq!(mode(&d.path().join(key)), FILE_MODE);
        let probe = "c.example.com/.statelint-probe-x";
        b.write(probe, b"probe").expect("write");
        assert_eq!(mode(&d.path().join(probe)), FILE_MODE);
    }

    #[test]
    fn writes_reads_lists_and_deletes() {
        let (_d, b) = store();
        b.write("c.example.com/config", b"kind: Cluster\n")
            .expect("write");
        b.write(
            "c.example.com/instancegroup/nodes",
            b"kind: InstanceGroup\n",
        )
        .expect("write");
        let keys: Vec<_> = b
            .list("")
            .expect("list")
            .into_iter()
            .map(|o| o.key)
            .collect();
        assert_eq!(
            keys,
            ["c.example.com/config", "c.example.com/instancegroup/nodes"]
        );
        assert_eq!(
            b.read("c.example.com/config", 100).expect("read"),
            b"kind: Cluster\n"
        );
        assert!(matches!(
            b.read("c.example.com/config", 3),
            Err(VfsError::TooLarge { size: 14, .. })
        ));
        b.delete("c.example.com/config").expect("delete");
        assert!(b.stat("c.example.com/config").expect("stat").is_none());
        b.delete("c.example.com/config")
            .expect("deleting twice is fine");
    }

    #[cfg(unix)]
    #[test]
    fn never_follows_links_out_of_the_root() {
        let (d, b) = store();
        let outside = tempfile::tempdir().expect("outside");
        fs::write(outside.path().join("secret"), b"s3cr3t").expect("seed");
        std::os::unix::fs::symlink(outside.path().join("secret"), d.path().join("leak"))
            .expect("link");
        std::os::unix::fs::symlink(outside.path(), d.path().join("dirleak")).expect("link");
        std::os::unix::fs::symlink(d.path().join("loop"), d.path().join("loop")).expect("loop");
        let keys: Vec<_> = b
            .list("")
            .expect("list")
            .into_iter()
            .map(|o| o.key)
            .collect();
        assert_eq!(keys, ["dirleak", "leak", "loop"]);
        assert!(matches!(
            b.read("leak", 100),
            Err(VfsError::SymlinkEscape { .. })
        ));
        assert!(matches!(
            b.read("dirleak/secret", 100),
            Err(VfsError::SymlinkEscape { .. })
        ));
        assert!(b.read("loop", 100).is_err());
        assert!(matches!(
            b.write("dirleak/x", b"x"),
            Err(VfsError::SymlinkEscape { .. })
        ));
        assert!(!outside.path().join("x").exists());
    }

    #[test]
    fn missing_root_is_not_found() {
        let url = StoreUrl::parse("file:///definitely/not/here/statelint").expect("url");
        assert!(matches!(
            FsBackend::open(&url, None),
            Err(VfsError::NotFound { .. })
        ));
    }
}
