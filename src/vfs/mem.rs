//! `memfs://` stores: in-process maps, named so that several handles in one process
//! (e.g. `migrate` writing and `check` reading) see the same objects.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, LazyLock, Mutex, RwLock};

use super::{bounded_copy, validate_key, Backend, ObjectMeta, VfsError};
use crate::resolve::url::StoreUrl;

type Objects = Arc<RwLock<BTreeMap<String, Vec<u8>>>>;

static NAMED: LazyLock<Mutex<HashMap<String, Objects>>> = LazyLock::new(Default::default);

/// An in-memory store rooted at a `memfs://name/prefix` URL.
#[derive(Debug, Clone)]
pub struct MemBackend {
    root: StoreUrl,
    objects: Objects,
}

impl MemBackend {
    /// The process-wide store for `memfs://<host>`; the URL path becomes a key prefix.
    pub fn named(url: &StoreUrl) -> MemBackend {
        let mut named = NAMED.lock().unwrap_or_else(|e| e.into_inner());
        let objects = named.entry(url.host.clone()).or_default().clone();
        MemBackend {
            root: url.clone(),
            objects,
        }
    }

    /// A private store nobody else can see (for unit tests).
    pub fn isolated(url: &StoreUrl) -> MemBackend {
        MemBackend {
            root: url.clone(),
            objects: Arc::default(),
        }
    }

    fn full_key(&self, key: &str) -> String {
        if self.root.path.is_empty() {
            key.to_string()
        } else if key.is_empty() {
            self.root.path.clone()
        } else {
            format!("{}/{key}", self.root.path)
        }
    }

    fn read_map(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<String, Vec<u8>>> {
        self.objects.read().unwrap_or_else(|e| e.into_inner())
    }
}

impl Backend for MemBackend {
    fn root(&self) -> &StoreUrl {
        &self.root
    }

    fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, VfsError> {
        validate_key(prefix)?;
        let root = self.full_key("");
        let strip = if root.is_empty() { 0 } else { root.len() + 1 };
        let full = self.full_key(prefix);
        Ok(self
            .read_map()
            .range(full.clone()..)
            .take_while(|(k, _)| k.starts_with(&full))
            .filter(|(k, _)| root.is_empty() || k.starts_with(&format!("{root}/")))
            .map(|(k, v)| ObjectMeta {
                key: k[strip..].to_string(),
                size: v.len() as u64,
            })
            .collect())
    }

    fn read(&self, key: &str, max_bytes: u64) -> Result<Vec<u8>, VfsError> {
        validate_key(key)?;
        let map = self.read_map();
        bounded_copy(map.get(&self.full_key(key)), self.url_of(key), max_bytes)
    }

    fn write(&self, key: &str, data: &[u8]) -> Result<(), VfsError> {
        validate_key(key)?;
        let mut map = self.objects.write().unwrap_or_else(|e| e.into_inner());
        map.insert(self.full_key(key), data.to_vec());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), VfsError> {
        validate_key(key)?;
        let mut map = self.objects.write().unwrap_or_else(|e| e.into_inner());
        map.remove(&self.full_key(key));
        Ok(())
    }

    fn stat(&self, key: &str) -> Result<Option<ObjectMeta>, VfsError> {
        validate_key(key)?;
        Ok(self
            .read_map()
            .get(&self.full_key(key))
            .map(|v| ObjectMeta {
                key: key.to_string(),
                size: v.len() as u64,
            }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_lists_under_prefix() {
        let url = StoreUrl::parse("memfs://unit-a/store").expect("url");
        let b = MemBackend::isolated(&url);
        b.write("c1/config", b"x").expect("write");
        b.write("c1/instancegroup/nodes", b"yy").expect("write");
        b.write("c2/config", b"z").expect("write");
        let keys: Vec<_> = b
            .list("c1/")
            .expect("list")
            .into_iter()
            .map(|o| o.key)
            .collect();
        assert_eq!(keys, ["c1/config", "c1/instancegroup/nodes"]);
        assert_eq!(b.read("c1/config", 10).expect("read"), b"x");
        assert!(matches!(
            b.read("c1/instancegroup/nodes", 1),
            Err(VfsError::TooLarge { .. })
        ));
        b.delete("c1/config").expect("delete");
        assert!(b.stat("c1/config").expect("stat").is_none());
        assert!(matches!(
            b.read("c1/config", 10),
            Err(VfsError::NotFound { .. })
        ));
    }

    #[test]
    fn named_stores_are_shared() {
        let url = StoreUrl::parse("memfs://unit-shared").expect("url");
        MemBackend::named(&url).write("k", b"v").expect("write");
        assert_eq!(MemBackend::named(&url).read("k", 10).expect("read"), b"v");
    }
}
